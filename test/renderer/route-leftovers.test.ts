// What the route audits left: qmail's local submission read as "local submission → unknown
// server", and a forged hop's delay drawn as a bar though the summary does not count it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import {
  delayBars,
  localInvocation,
  localSubmitter,
  uncountedDelay,
} from '../../renderer/src/route/route-format.js';

const headerSet = (name: string) =>
  analyzeMessage(
    readFileSync(join(import.meta.dirname, '..', 'route-analysis', 'header-sets', `${name}.eml`)),
  );

describe('qmail’s (qmail N invoked by uid U)', () => {
  it('is a local submission by that user on the host that stamped the hop above', () => {
    const route = headerSet('qmail');
    const [submission, , queued] = route.hops;
    expect(localInvocation(submission!)).toEqual({ user: 'uid 1001', process: '1234' });
    expect(localSubmitter(route.hops, 0)).toBe('uid 1001 on mx.qmailhost.example');
    // the queue note above is not one, nor a hop that names its servers
    expect(localInvocation(queued!)).toBeNull();
    expect(localSubmitter(route.hops, 1)).toBeNull();
  });

  it('names no host it cannot know', () => {
    const route = analyzeMessage(
      'Received: (qmail 77 invoked by uid 0); 6 Mar 2025 10:00:00 -0000\r\nSubject: x\r\n\r\n',
    );
    expect(localSubmitter(route.hops, 0)).toBe('uid 0 on the qmail host');
  });
});

describe('a delay the summary does not count', () => {
  it('below and at a HELO-only hand-over is the sender’s claim, with no bar', () => {
    const route = headerSet('forged');
    expect(route.hops.map((_, index) => uncountedDelay(route, index))).toEqual([
      null,
      'not counted: the sender’s claim',
      'not counted: from the sender’s claim',
    ]);
    const uncounted = route.hops.map((_, index) => uncountedDelay(route, index));
    // before: Hop 3's +1 min 42 s drawn full width, Hop 2's +2 s beside it
    expect(delayBars(route.hops, uncounted)).toEqual([0, 0, 0]);
  });

  it('at a gap no queue explains is named so, and the hops above keep their bars', () => {
    const route = analyzeMessage(
      [
        'Received: from b.example (b.example [198.51.100.2]) by c.example with ESMTP id 3;',
        '  Thu, 6 Mar 2025 10:00:30 +0000',
        'Received: from a.example (a.example [198.51.100.1]) by b.example with ESMTP id 2;',
        '  Thu, 6 Mar 2025 10:00:00 +0000',
        'Received: from x.example (x.example [192.0.2.1]) by a.example with ESMTP id 1;',
        '  Mon, 1 Jan 2024 10:00:00 +0000',
        'Subject: x',
        '',
      ].join('\r\n'),
    );
    const uncounted = route.hops.map((_, index) => uncountedDelay(route, index));
    expect(uncounted).toEqual([null, 'not counted: longer than any queue keeps mail', null]);
    // the year-long gap no longer sets the scale: the 30 s hop is the full bar
    expect(delayBars(route.hops, uncounted)).toEqual([0, 0, 100]);
  });

  it('every delay of a route its receivers vouch for counts', () => {
    const route = headerSet('postfix-tls');
    expect(route.hops.map((_, index) => uncountedDelay(route, index))).toEqual(
      route.hops.map(() => null),
    );
  });
});
