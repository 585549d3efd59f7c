// The screens' pure parts: how delays, states and times read, how the queue is grouped, which
// key does what, and which theme is in force.
import { describe, expect, it } from 'vitest';
import type { Hop, QueueView, RouteAnalysis } from '../../preload/api-contract.js';
import { relativeTime, replyLine } from '../../renderer/src/delivery/delivery-format.js';
import { lastReplyNote, nextTry, nextTryText } from '../../renderer/src/queue/queue-groups.js';
import { commandFor, shortcuts, type KeyInput } from '../../renderer/src/keyboard/shortcuts.js';
import {
  buildPreviewDocument,
  hasRemoteContent,
  previewContentSecurityPolicy,
  remotePreviewContentSecurityPolicy,
} from '../../renderer/src/message/preview-document.js';
import {
  failingUpstream,
  groupCount,
  groupQueue,
  queueCounts,
} from '../../renderer/src/queue/queue-groups.js';
import {
  authGroups,
  authSubject,
  delayBars,
  humanDelay,
  hopClient,
  originHop,
  slowestLabel,
  tlsLabel,
  tlsVersionName,
  verifiedClientsText,
} from '../../renderer/src/route/route-format.js';
import { parseThemeChoice } from '../../renderer/src/settings/appearance.js';
import { resolveTheme } from '../../renderer/src/theme/theme.js';

describe('route wording', () => {
  it('names every hop a tie for the slowest is shared with, and highlights only the earliest', () => {
    const route = { slowestHop: 1, slowestTies: [1, 2, 4] } as RouteAnalysis;
    expect(slowestLabel(route, 1)).toBe('slowest hop, tied with Hop 3 and Hop 5');
    expect(slowestLabel(route, 2)).toBe('tied for slowest with Hop 2 and Hop 5');
    expect(slowestLabel(route, 4)).toBe('tied for slowest with Hop 2 and Hop 3');
    expect(slowestLabel(route, 3)).toBeNull();
    expect(slowestLabel({ slowestHop: 2, slowestTies: [2] } as RouteAnalysis, 2)).toBe(
      'slowest hop',
    );
  });

  it('counts verified clients only where there are two network hops to compare', () => {
    const route = (verified: number[], networkHops: number) =>
      ({
        hops: [] as RouteAnalysis['hops'],
        verifiedClients: { verified, networkHops },
      }) as RouteAnalysis;
    expect(verifiedClientsText(route([2], 3))).toBe(
      'Client verified (reverse DNS and address) at 1 of 3 hops.',
    );
    expect(verifiedClientsText(route([0, 1], 2))).toBe(
      'Client verified (reverse DNS and address) at both hops.',
    );
    expect(verifiedClientsText(route([0, 1, 2], 3))).toBe(
      'Client verified (reverse DNS and address) at all 3 hops.',
    );
    expect(verifiedClientsText(route([], 1))).toBeNull();
  });

  it('says delays the way people do', () => {
    expect(humanDelay(0.2)).toBe('under 1 s');
    expect(humanDelay(45)).toBe('45 s');
    expect(humanDelay(120)).toBe('2 min');
    expect(humanDelay(150)).toBe('2 min 30 s');
    expect(humanDelay(-600)).toBe('10 min');
    expect(humanDelay(3900)).toBe('1 h 5 min');
    expect(humanDelay(3 * 86_400)).toBe('3 days');
  });

  it('draws bars to scale, the longest full, none for no or negative delay', () => {
    const hop = (delaySeconds: number | null) => ({ delaySeconds }) as Hop;
    expect(delayBars([hop(null), hop(60), hop(3600), hop(-5)])).toEqual([0, 13, 100, 0]);
  });

  it('names the client by HELO and reverse DNS, and TLS by version', () => {
    const base = { from: 'laptop', fromRdns: 'dsl-1.isp.example', local: false } as Hop;
    expect(hopClient(base)).toBe('laptop / dsl-1.isp.example');
    expect(hopClient({ ...base, fromRdns: 'laptop' })).toBe('laptop');
    expect(hopClient({ ...base, local: true })).toBe('local submission');
    expect(tlsLabel({ tls: true, tlsVersion: 'TLSv1.3', tlsCipher: null } as Hop)).toBe('TLS 1.3');
    expect(tlsLabel({ tls: true, tlsVersion: null, tlsCipher: null } as Hop)).toBe('TLS');
    expect(tlsLabel({ tls: true, tlsVersion: 'TLS1_2', tlsCipher: 'ECDHE-RSA' } as Hop)).toBe(
      'TLS 1.2, ECDHE-RSA',
    );
    expect(tlsLabel({ tls: false } as Hop)).toBe('no TLS');
    expect(tlsLabel({ tls: null, local: false, clientCheck: 'address' } as Hop)).toBe(
      'TLS unknown',
    );
    // Exim's `with local`, Cyrus's delivery over a unix socket: nothing went over a network
    expect(tlsLabel({ tls: null, local: true, clientCheck: 'local' } as Hop)).toBe(
      'none: no network',
    );
    expect(tlsLabel({ tls: null, local: false, clientCheck: 'local' } as Hop)).toBe(
      'none: no network',
    );
  });

  it('spells TLS versions one way, whichever server wrote them', () => {
    // Postfix, Exim, Microsoft/Gmail, Sendmail's TLSv1 (1.0), SSL, and what it does not know
    const written = ['TLSv1.3', 'TLS1.3', 'TLS1_3', 'TLSv1', 'tlsv1.2', 'SSLv3', 'TLS13-X'];
    expect(written.map(tlsVersionName)).toEqual([
      'TLS 1.3',
      'TLS 1.3',
      'TLS 1.3',
      'TLS 1.0',
      'TLS 1.2',
      'SSL 3',
      'TLS13-X',
    ]);
  });

  it('finds where the message entered the Internet: the first hop from a public address', () => {
    const hop = (fromIp: string | null, isPrivate: boolean | null) =>
      ({ fromIp, private: isPrivate }) as Hop;
    expect(originHop([hop(null, null), hop('10.0.0.1', true), hop('192.0.2.1', false)])).toEqual({
      index: 2,
      afterGap: false,
      gap: null,
    });
    expect(originHop([hop('127.0.0.1', true)])).toBeNull();
  });

  it('groups authentication verdicts by the field that gave them and names their subject', () => {
    const result = (header: 'Authentication-Results' | 'Received-SPF', fieldIndex: number) => ({
      header,
      fieldIndex,
      instance: null,
      authservId: header === 'Received-SPF' ? null : 'mx.example.com',
      method: 'spf',
      result: 'pass',
      reason: null,
      comment: null,
      properties: { 'smtp.mailfrom': 'a@example.org' },
    });
    const groups = authGroups([
      result('Authentication-Results', 0),
      result('Authentication-Results', 1),
      result('Authentication-Results', 0),
      result('Received-SPF', 0),
    ]);
    expect(groups.map((g) => [g.title, g.results.length])).toEqual([
      ['Authentication-Results by mx.example.com', 2],
      ['Authentication-Results by mx.example.com', 1],
      ['Received-SPF', 1],
    ]);
    expect(authSubject(result('Authentication-Results', 0))).toBe('a@example.org');
    expect(
      authSubject({
        ...result('Authentication-Results', 0),
        method: 'dkim',
        properties: { 'header.i': '@example.org' },
      }),
    ).toBe('example.org');
  });
});

describe('delivery wording', () => {
  it('reads replies and next attempts', () => {
    expect(replyLine({ code: 451, enhanced: '4.7.1', text: 'Greylisted' })).toBe(
      '451 4.7.1 Greylisted',
    );
    expect(replyLine({ code: null, enhanced: null, text: 'connection refused' })).toBe(
      'no reply connection refused',
    );
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(relativeTime('2026-11-30T10:04:00Z', now)).toBe('in 4 min');
    expect(relativeTime('2026-11-30T09:00:00Z', now)).toBe('1 h ago');
    expect(relativeTime('2026-11-30T10:00:02Z', now)).toBe('now');
  });
});

describe('the queue', () => {
  const recipient = (address: string, state: string, code: number | null = 451) => ({
    address,
    deliverTo: address,
    state,
    nextAttemptAt: null,
    attempts: 1,
    lastReply: { code, enhanced: null, text: 'x' },
    why: 'because',
  });
  const queue = {
    upstream: { configured: true, paused: null },
    messages: [
      { ID: 'a', recipients: [recipient('x@a', 'deferred'), recipient('y@a', 'relayed', 250)] },
      { ID: 'b', recipients: [recipient('z@b', 'held'), recipient('w@b', 'deferred', null)] },
    ],
  } as unknown as QueueView;

  it('groups recipients by the state they wait in, and leaves out the final ones', () => {
    const groups = groupQueue(queue);
    expect(groups.map((g) => [g.state, g.entries.map((e) => e.recipient.address)])).toEqual([
      ['deferred', ['x@a', 'w@b']],
      ['held', ['z@b']],
    ]);
    expect(queueCounts(queue)).toEqual({ deferred: 2, held: 1 });
    expect(queueCounts(null)).toEqual({});
    expect(groups.map(groupCount)).toEqual(['2', '1']);
  });

  it('counts messages in the sidebar, and both where a message waits for several recipients', () => {
    // a stolen login's spam: one message to three addresses, held; another held to one
    const spam = {
      ...queue,
      messages: [
        { ID: 's1', recipients: ['a@x', 'b@x', 'c@x'].map((a) => recipient(a, 'held')) },
        { ID: 's2', recipients: [recipient('d@x', 'held'), recipient('e@x', 'deferred')] },
      ],
    } as unknown as QueueView;
    expect(queueCounts(spam)).toEqual({ held: 2, deferred: 1 });
    expect(groupQueue(spam).map((g) => [g.title, groupCount(g)])).toEqual([
      ['Deferred', '1'],
      ['Held', '2 messages, 4 recipients'],
    ]);
  });

  it('calls the upstream failing only when a deferral had no reply at all', () => {
    expect(failingUpstream(queue)?.address).toBe('w@b');
    expect(failingUpstream({ ...queue, messages: [queue.messages[0]!] })).toBeNull();
  });

  it('does not blame the upstream for a message that could not be made here (lastNotSent)', () => {
    // a message whose file is gone was deferred with no reply, as a refused connection is: the
    // banner said "The upstream is not answering" for it
    const unmade = { ...recipient('v@c', 'deferred', null), lastNotSent: true };
    const only = { ...queue, messages: [{ ID: 'c', recipients: [unmade] }] } as QueueView;
    expect(failingUpstream(only)).toBeNull();
    const both = { ...queue, messages: [{ ID: 'c', recipients: [unmade] }, queue.messages[1]!] };
    expect(failingUpstream(both as QueueView)?.address).toBe('w@b');
  });
});

describe("a waiting recipient's last reply", () => {
  it('follows the reason when the upstream said something the reason does not quote', () => {
    expect(
      lastReplyNote({
        why: 'held by hand',
        lastReply: { code: 451, enhanced: '4.3.0', text: 'busy' },
      }),
    ).toBe(' — last reply: 451 4.3.0 busy');
  });

  it('is left out when the upstream said nothing (STARTTLS not offered, refused, timed out)', () => {
    // it read "the server does not offer STARTTLS — last reply: no reply 4.7.4 TLS is required…"
    expect(
      lastReplyNote({
        why: 'the server does not offer STARTTLS',
        lastReply: {
          code: null,
          enhanced: '4.7.4',
          text: 'TLS is required (security "starttls"), but 127.0.0.1:25 does not offer STARTTLS',
        },
      }),
    ).toBe('');
  });
});

describe("the queue's next try", () => {
  const now = Date.parse('2026-11-30T10:00:00Z');
  it('is never a time in the past', () => {
    expect(nextTryText('2026-11-30T10:04:00Z', false, now)).toBe('next try in 4 min');
    expect(nextTryText('2026-11-30T09:52:00Z', false, now)).toBe('next try due now');
    expect(nextTryText('2026-11-30T09:52:00Z', true, now)).toBe('waits for the upstream to resume');
    expect(nextTryText(null, true, now)).toBe('waits for the upstream to resume');
    expect(nextTryText(null, false, now)).toBe('');
  });

  it('says mail waiting for an upstream that did not answer goes when it answers, and when it is probed next', () => {
    const unreachable = { unreachable: true, nextProbeAt: '2026-11-30T10:02:00Z' };
    const waiting = {
      state: 'deferred' as const,
      nextAttemptAt: '2026-11-30T10:48:00Z',
      waitsForUpstream: true,
    };
    expect(nextTry(waiting, unreachable, now)).toEqual({
      text: 'goes when the upstream answers again — next probe in 2 min',
      at: '2026-11-30T10:02:00Z',
    });
    // new mail during the pause, likewise
    expect(nextTry({ state: 'pending', nextAttemptAt: null }, unreachable, now).text).toBe(
      'goes when the upstream answers again — next probe in 2 min',
    );
    // greylisted (its own deferral): its retry time stands
    const grey = { state: 'deferred' as const, nextAttemptAt: '2026-11-30T10:48:00Z' };
    expect(nextTry(grey, unreachable, now).text).toBe('next try in 48 min');
    // a 4xx to MAIL FROM, no pause: the next message that goes takes it along
    expect(nextTry(waiting, null, now).text).toBe(
      'goes when the upstream takes mail again — next try in 48 min at the latest',
    );
    // a rejected login waits for a person, whatever the recipient
    expect(nextTry(waiting, { unreachable: false }, now)).toEqual({
      text: 'waits for the upstream to resume',
      at: null,
    });
  });
});

describe('the keyboard map', () => {
  const key = (k: string, more: Partial<KeyInput> = {}): KeyInput => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    inTextField: false,
    inList: false,
    ...more,
  });

  it('gives page-wide commands outside text fields only', () => {
    expect(commandFor(key('/'))).toBe('focus-search');
    expect(commandFor(key('?'))).toBe('help');
    expect(commandFor(key('j'))).toBe('next');
    expect(commandFor(key('Delete'))).toBe('delete');
    expect(commandFor(key('r'))).toBe('tab-route');
    expect(commandFor(key('h'))).toBe('tab-headers');
    expect(commandFor(key('s'))).toBe('tab-source');
    expect(commandFor(key('d'))).toBe('tab-delivery');
    expect(commandFor(key('r', { inTextField: true }))).toBeNull();
    expect(commandFor(key('j', { inTextField: true }))).toBeNull();
    expect(commandFor(key('/', { ctrlKey: true }))).toBeNull();
  });

  it('leaves arrows and Enter to buttons and tabs, and list keys to the list', () => {
    expect(commandFor(key('ArrowDown'))).toBeNull();
    expect(commandFor(key('Enter'))).toBeNull();
    expect(commandFor(key('j', { inList: true }))).toBeNull();
    expect(commandFor(key('?', { inList: true }))).toBe('help');
    // the list has no use for the tab keys: a reader goes on with j and r from it
    expect(commandFor(key('r', { inList: true }))).toBe('tab-route');
    // with nothing focused the arrows move through the list like j and k
    expect(commandFor(key('ArrowDown', { onPage: true }))).toBe('next');
    expect(commandFor(key('ArrowUp', { onPage: true }))).toBe('previous');
    expect(commandFor(key('ArrowDown', { inList: true, onPage: true }))).toBeNull();
  });

  it('lists every command it handles in the shortcuts dialog', () => {
    const listed = new Set(shortcuts.map((s) => s.command));
    const handled = ['j', 'k', 'Delete', '/', '?', 'a', 'h', 's', 'r', 'd'].map((k) =>
      commandFor(key(k)),
    );
    expect(handled.every((command) => command !== null && listed.has(command))).toBe(true);
  });
});

describe('the theme', () => {
  it('follows the OS unless the user chose', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice('purple')).toBe('system');
  });
});

describe('the HTML preview document', () => {
  it('offers remote content only when the mail would fetch something, not for plain links', () => {
    expect(hasRemoteContent('<img src="https://t.example/p.png">')).toBe(true);
    expect(hasRemoteContent('<link rel="stylesheet" href="//cdn.example/a.css">')).toBe(true);
    expect(hasRemoteContent('<div style="background:url(http://t.example/bg)">')).toBe(true);
    expect(hasRemoteContent('<a href="https://example.test/report">report</a>')).toBe(false);
    expect(hasRemoteContent('<img src="data:image/png;base64,AAAA">')).toBe(false);
  });

  it('puts the blocking policy first, after the doctype, and the looser one only on request', () => {
    const blocked = buildPreviewDocument('<!doctype html><p>x</p>');
    expect(blocked.startsWith('<!doctype html><meta http-equiv="Content-Security-Policy"')).toBe(
      true,
    );
    expect(blocked).toContain(previewContentSecurityPolicy);
    expect(blocked).not.toContain('http: https:');
    const remote = buildPreviewDocument('<p>x</p>', { remote: true });
    expect(remote).toContain(remotePreviewContentSecurityPolicy);
    expect(remotePreviewContentSecurityPolicy).not.toContain('script');
  });
});
