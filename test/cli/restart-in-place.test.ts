// The Settings view's "Restart now" on `relaydesk serve`: a saved SMTP or HTTP address that waits
// for a restart is applied in the same process, the mail already taken stays, and an address the
// relay cannot take never leaves it down. The real command, real sockets, real SMTP clients.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RestartAnswer, SettingsView } from '../../preload/api-contract.js';
import { cleanupCliProcesses, freePort, type ServeProcess } from '../helpers/cli-process.js';
import { serveOnSavedPorts, sendTo } from '../helpers/serve-saved-ports.js';
import { eventually } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

const readyLines = (server: ServeProcess): string[] =>
  server.stdout.split('\n').filter((line) => line.startsWith('Relaydesk is ready: '));

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function save(server: ServeProcess, change: Record<string, unknown>): Promise<string[]> {
  const answer = await server.api<{ restartNeeded: string[] }>('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  return answer.restartNeeded;
}

const restart = (server: ServeProcess) =>
  server.api<RestartAnswer>('/api/v1/restart', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });

describe('Restart now, in `relaydesk serve`', () => {
  it('applies a saved SMTP port in the same process, keeping the mail it took', async () => {
    const { server, smtp, http } = await serveOnSavedPorts();
    await sendTo(smtp, 'before the restart');
    const next = await freePort();
    expect(await save(server, { smtp: { host: '127.0.0.1', port: next } })).toEqual(['smtp']);
    const view = await server.api<SettingsView>('/api/v1/settings');
    expect(view).toMatchObject({ restartable: true, restartPending: ['smtp'] });

    expect(await restart(server)).toEqual({
      restarting: true,
      applies: ['smtp'],
      url: `http://127.0.0.1:${http}/`,
    });
    await eventually(() => readyLines(server).length, 20_000).toBe(2);
    expect(readyLines(server)[1]).toContain(`SMTP on 127.0.0.1:${next},`);
    expect(server.stdout).toContain('restarting to apply smtp');
    expect(server.child.exitCode).toBeNull();

    await sendTo(next, 'after the restart');
    expect(await refuses(smtp)).toBe(true);
    const listed = await server.api<{ total: number; messages: Array<{ Subject: string }> }>(
      '/api/v1/messages',
    );
    expect(listed.messages.map((m) => m.Subject).sort()).toEqual([
      'after the restart',
      'before the restart',
    ]);
    expect((await server.api<SettingsView>('/api/v1/settings')).restartPending).toEqual([]);
    // it still stops cleanly, once
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(server.stdout.match(/Relaydesk stopped/g)).toHaveLength(1);
  });

  it('comes back with the settings it ran with when the saved UI address is taken', async () => {
    const { server, smtp, http } = await serveOnSavedPorts();
    const holder: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      expect(await save(server, { http: { host: '127.0.0.1', port: taken } })).toEqual(['http']);
      await restart(server);
      await eventually(() => readyLines(server).length, 20_000).toBe(2);
      expect(server.stdout).toMatch(
        /restart: the saved settings could not start \(.*127\.0\.0\.1:\d+.*\); starting again with the settings it ran with/,
      );
      expect(readyLines(server)[1]).toContain(`UI and API on http://127.0.0.1:${http}/`);
      await sendTo(smtp, 'still taken');
      // still waiting for a restart: the saved address is kept for the user to change
      expect((await server.api<SettingsView>('/api/v1/settings')).restartPending).toEqual(['http']);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('comes back on the SMTP port it had when the saved one is taken', async () => {
    const { server, smtp } = await serveOnSavedPorts();
    const holder: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      await save(server, { smtp: { host: '127.0.0.1', port: taken } });
      await restart(server);
      await eventually(() => readyLines(server).length, 20_000).toBe(2);
      // named by the setting saved, not by a flag the user never typed
      expect(server.stdout).toContain(
        `restart: the saved settings could not start (smtp: 127.0.0.1:${taken} is already in use;`,
      );
      expect(readyLines(server)[1]).toContain(`SMTP on 127.0.0.1:${smtp},`);
      await sendTo(smtp, 'on the old port');
      const view = await server.api<SettingsView>('/api/v1/settings');
      expect(view.restartPending).toEqual(['smtp']);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

describe('Restart now where another program started Relaydesk', () => {
  it('is refused with a 409 that says how to apply the settings', async () => {
    const { startTestRelaydesk } = await import('../helpers/relaydesk.js');
    const relay = await startTestRelaydesk({});
    try {
      expect((await relay.api<SettingsView>('/api/v1/settings')).restartable).toBe(false);
      const answer = await relay.fetch('/api/v1/restart', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(answer.status).toBe(409);
      expect(await answer.text()).toContain(
        'this Relaydesk cannot restart itself: another program started it. Stop it and start it again to apply the saved settings',
      );
    } finally {
      await relay.dispose();
    }
  });
});
