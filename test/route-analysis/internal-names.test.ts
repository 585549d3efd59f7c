// The names providers and companies give their own servers (route.ts, INTERNAL_SUFFIXES): a
// server stamped under one hands the message on under its public name, which is no missing hop.
// Before, the list missed RFC 6762 Appendix G's `.intranet` and `.private` and the `.intra` that
// Exchange sites write, so such a hand-over read "a hop may be missing".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import { INTERNAL_SUFFIXES } from '../../main/core/route-analysis/route.js';

/** An internal server hands over to its public gateway, which the next receiver looked up. */
const handOver = (internal: string) =>
  [
    'Received: from gw.company.example (gw.company.example [198.51.100.20])',
    '  by mx.dest.example with ESMTPS id 2; Thu, 6 Mar 2025 10:00:05 +0000',
    `Received: from pc7.${internal} ([172.16.18.47]) by exch1.${internal}`,
    '  with Microsoft SMTPSVC(10.0.14393.4169); Thu, 6 Mar 2025 10:00:01 +0000',
    'Subject: x',
    '',
  ].join('\r\n');

describe('a hand-over from a server under an internal name', () => {
  it.each(['asem.intra', 'office.intranet', 'hq.private', 'hq.corp', 'router.home', 'nas.lan'])(
    'joins up under .%s when the next receiver looked up its public name',
    (internal) => {
      const route = analyzeMessage(handOver(internal));
      expect(route.warnings.map((w) => w.code)).toEqual([]);
      expect(route.hops.map((hop) => hop.broken)).toEqual([false, false]);
    },
  );

  it('still breaks under a public name', () => {
    const route = analyzeMessage(handOver('asem.example'));
    expect(route.warnings.map((w) => `${w.code}@${w.hop}`)).toEqual(['chain-broken@1']);
  });

  it('holds RFC 6762 Appendix G’s names, and README names the same list', () => {
    expect(INTERNAL_SUFFIXES).toEqual(
      expect.arrayContaining(['intranet', 'internal', 'private', 'corp', 'home', 'lan', 'intra']),
    );
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const sentence = /stamped under an internal\s+name, one label or under ([^(]*)\(/.exec(readme);
    const named = [...(sentence?.[1] ?? '').matchAll(/`\.([a-z.]+)`/g)].map((m) => m[1]);
    expect(named).toEqual([...INTERNAL_SUFFIXES]);
  });
});
