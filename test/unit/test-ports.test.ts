// The suite's "nothing listens here" ports must not be ones the kernel hands to outgoing
// connections, or a busy run takes them first (see test/helpers/ports.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/ports.js';
import { tryConnect } from '../helpers/cli-process.js';

const ephemeralLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  } catch {
    return 49_152;
  }
})();

describe('ports for servers a test starts later', () => {
  it('are refused now, differ from call to call, and lie below the ephemeral range', async () => {
    const ports = [];
    for (let i = 0; i < 20; i++) ports.push(await unusedPort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(ephemeralLow);
    expect(await tryConnect(ports[0] as number)).toBe('refused');
  });
});
