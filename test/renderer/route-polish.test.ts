// The route analysis's loose ends a header reader noticed after the audit, on the audit's own
// header sets: the span of a phish counted from its made-up stamps, a loopback client read as a
// checked name, qmail's queue note read as a hand-over between unknown hosts, and a paste too
// large for the API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Hop, Warning } from '../../preload/api-contract.js';
import { routeSpan } from '../../preload/route-figures.js';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import { MESSAGE_HEAD_BYTES, pastedHeaders } from '../../renderer/src/route/message-file.js';
import {
  clientCheckLabel,
  queueNote,
  routeSpanText,
  verifiedClientsText,
} from '../../renderer/src/route/route-format.js';

const headerSet = (name: string) =>
  analyzeMessage(
    readFileSync(join(import.meta.dirname, '..', 'route-analysis', 'header-sets', `${name}.eml`)),
  );

describe('the summary of a route with made-up stamps', () => {
  it('says the stamps below the HELO-only hand-over are left out, instead of timing them', () => {
    // before: "3 hops, 1 min 44 s from first to last" (03:11:00 made up, 03:12:44 real)
    expect(routeSpanText(headerSet('forged'))).toBe(
      '; no time in transit is given: the stamps below Hop 3 are the sender’s claim and are not ' +
        'counted',
    );
    const withHopAbove = analyzeMessage(
      'Received: from mx.victim.example (mx.victim.example [203.0.113.5]) by imap.victim.example ' +
        '(Postfix) with ESMTP id 9; Wed, 19 Mar 2025 03:12:49 +0000\n' +
        readFileSync(
          join(import.meta.dirname, '..', 'route-analysis', 'header-sets', 'forged.eml'),
          'utf8',
        ),
    );
    expect(routeSpanText(withHopAbove)).toBe(
      ', 5 s from Hop 3 to the last (the stamps below Hop 3 are the sender’s claim and are not ' +
        'counted)',
    );
    // a route every receiver vouches for reads as before
    expect(routeSpanText(headerSet('postfix-tls'))).toMatch(/^, .* from first to last$/);
  });
});

describe('who handed the message over', () => {
  it('a loopback client whose receiver looked up `localhost` is this machine (Microsoft 365)', () => {
    const [first] = headerSet('m365').hops;
    expect(first?.clientCheck).toBe('verified');
    // before: "verified: reverse DNS and address"
    expect(clientCheckLabel(first!)).toBe('this machine (a loopback address)');
  });

  it('Cyrus over its `[unix socket]` is this machine, not a name the sender claimed', () => {
    const route = analyzeMessage(
      readFileSync(
        join(import.meta.dirname, '..', 'route-analysis', 'corpus', 'cyrus-fetchmail.eml'),
      ),
    );
    const delivery = route.hops[6]!;
    expect(delivery.with).toBe('LMTPA');
    // before: "unverified: name claimed by the sender only (HELO), no address recorded"
    expect(clientCheckLabel(delivery)).toBe('this machine (a local socket, no network)');
  });

  it('qmail’s "invoked from network" is its queue note, not a hop between unknown hosts', () => {
    const route = headerSet('qmail');
    const note = route.hops[2]!;
    expect(queueNote(note)).toBe('28741');
    // before: "unverified: the stamp names no client", and "verified at 1 of 2 hops"
    expect(clientCheckLabel(note)).toBeNull();
    expect(verifiedClientsText(route)).toBeNull();
    // its time still counts: the hop above it is the slowest, 7 s after the submission
    expect(route.totalSeconds).toBe(7);
    expect(route.hops.slice(0, 2).map(queueNote)).toEqual([null, null]);
  });
});

describe('a paste larger than the analyzer takes', () => {
  const header =
    'Received: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1; ' +
    'Thu, 6 Mar 2025 10:00:00 +0000\r\nSubject: big\r\n\r\n';

  it('is cut to its header block, and the note says so', () => {
    const body = 'QUJD'.repeat(800_000) + '\r\n';
    expect(pastedHeaders(header + body)).toEqual({
      text: header,
      note:
        'The paste is 3 MB: only its header block (1 KB, up to the first empty line) was kept, ' +
        'which is all the route is read from; its DKIM signatures are listed but not verified, ' +
        'since each one covers the whole body.',
    });
    expect(pastedHeaders(header)).toEqual({ text: header, note: null });
  });

  it('with no header block that size, says how much is allowed and what to paste', () => {
    const read = pastedHeaders('X'.repeat(MESSAGE_HEAD_BYTES * 2));
    expect(read).toEqual({
      error:
        'The text is 2 MB, more than Analyze takes (1 MB), and has no header block that size. ' +
        'Only the headers are needed: paste the header block alone (the part up to the first ' +
        'empty line), or open the .eml file, of which the header block is read.',
    });
  });
});

describe('a phish with made-up stamps, sent again to the relay later', () => {
  it('times neither the made-up stamps nor the re-send', () => {
    const hops = [
      { timestamp: 'a', delaySeconds: null },
      { timestamp: 'b', delaySeconds: 2 },
      { timestamp: 'c', delaySeconds: 102 },
      { timestamp: 'd', delaySeconds: 54_086_400 },
    ];
    const warnings = [
      { code: 'chain-unverified', message: '…', hop: 2 },
      { code: 'delay-resent', message: '…', hop: 3 },
    ];
    // before: ", 1 min 44 s from first to last before it was sent again"
    // the figures as the API works them out (route-figures.ts), then as the screen says them
    const figures = (stamps: typeof hops, given: Warning[], firstToLast: number) => ({
      ...routeSpan(stamps as Hop[], given, firstToLast),
      warnings: given,
    });
    expect(routeSpanText(figures(hops, warnings, 54_086_400))).toBe(
      '; no time in transit is given: the stamps below Hop 3 are the sender’s claim and are not ' +
        'counted',
    );
    const longer = [...hops.slice(0, 3), { timestamp: 'c2', delaySeconds: 5 }, hops[3]!];
    expect(
      routeSpanText(figures(longer, [warnings[0]!, { ...warnings[1]!, hop: 4 }], 54_086_405)),
    ).toBe(
      ', 5 s from Hop 3 to the last before it was sent again (the stamps below Hop 3 are the ' +
        'sender’s claim and are not counted)',
    );
  });
});
