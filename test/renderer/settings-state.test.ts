// The renderer's Settings and Logs state: what a save sends, and how log lines merge and filter.
import { describe, expect, it } from 'vitest';
import type { EditableSettings, LogEntry } from '../../preload/api-contract.js';
import {
  boxField,
  changeFrom,
  draftFrom,
  errorInList,
  moveRule,
  refusedSaveCount,
} from '../../renderer/src/settings/settings-form.js';
import {
  appendLog,
  filterLog,
  joinHistory,
  logIdentity,
  maxShownLines,
  mergeLogs,
} from '../../renderer/src/logs/log-lines.js';

const loaded = {
  maxMessages: 5000,
  smtp: { host: '127.0.0.1', port: 1025 },
  rules: [],
  relay: {
    host: 'smtp.example.com',
    port: 587,
    security: 'starttls',
    allowInsecure: false,
    verifyCertificate: true,
    auth: { user: 'me', mechanism: 'auto', passwordSet: true },
  },
} as unknown as EditableSettings;

describe('the change a save sends', () => {
  it('holds only what differs from what was loaded', () => {
    const draft = draftFrom(loaded);
    expect(changeFrom(draft, loaded)).toEqual({});
    draft.values.maxMessages = 10;
    draft.values.smtp = { host: '127.0.0.1', port: 2525 };
    expect(changeFrom(draft, loaded)).toEqual({
      maxMessages: 10,
      smtp: { host: '127.0.0.1', port: 2525 },
    });
  });

  it('sends the upstream without the saved-password marker, and the password only when typed', () => {
    const draft = draftFrom(loaded);
    draft.relayPassword = 'new secret';
    expect(changeFrom(draft, loaded).relay).toMatchObject({
      auth: { user: 'me', mechanism: 'auto', password: 'new secret' },
    });
    const other = draftFrom(loaded);
    other.values.relay = { ...loaded.relay!, port: 465, security: 'tls' };
    const sent = changeFrom(other, loaded).relay as { auth: Record<string, unknown> };
    expect(sent.auth).toEqual({ user: 'me', mechanism: 'auto' });
    const removed = draftFrom(loaded);
    removed.values.relay = null;
    expect(changeFrom(removed, loaded)).toEqual({ relay: null });
    // an emptied user name says the login goes: a relay that leaves auth out keeps the saved one
    const noLogin = draftFrom(loaded);
    noLogin.values.relay = { ...loaded.relay!, auth: { user: '', mechanism: 'auto' } };
    expect(changeFrom(noLogin, loaded).relay).toMatchObject({ auth: null });
  });

  it('leaves out empty patterns of a rule, and keeps the order the user gave', () => {
    const draft = draftFrom(loaded);
    draft.values.rules = [
      { name: ' a ', match: { recipient: '*@a.example', sender: '' }, action: { type: 'relay' } },
      { match: { recipient: 'b@*' }, action: { type: 'capture', mailbox: 'b' } },
    ];
    draft.values.rules = moveRule(draft.values.rules, 1, -1);
    expect(changeFrom(draft, loaded).rules).toEqual([
      { match: { recipient: 'b@*' }, action: { type: 'capture', mailbox: 'b' } },
      { name: 'a', match: { recipient: '*@a.example' }, action: { type: 'relay' } },
    ]);
    expect(moveRule(draft.values.rules, 0, -1)).toBe(draft.values.rules);
  });
});

describe('log lines', () => {
  let seq = 0;
  const line = (at: string, kind: LogEntry['kind'], text: string, n = ++seq): LogEntry => ({
    at,
    kind,
    line: text,
    seq: n,
  });

  it('merge both logs in time order, and filter by kind and words', () => {
    const merged = mergeLogs(
      [line('2026-11-30T10:00:02Z', 'relay', 'x: to=<a@b>, status=deferred (451)')],
      [
        line('2026-11-30T10:00:01Z', 'audit', 'smtp-audit event=connect client=10.0.0.1'),
        line('2026-11-30T10:00:03Z', 'audit', 'smtp-audit event=message result=accepted'),
      ],
    );
    expect(merged.map((e) => e.at)).toEqual([
      '2026-11-30T10:00:01Z',
      '2026-11-30T10:00:02Z',
      '2026-11-30T10:00:03Z',
    ]);
    expect(filterLog(merged, { kind: 'audit', text: '' })).toHaveLength(2);
    expect(filterLog(merged, { kind: 'all', text: 'STATUS=deferred 451' })).toHaveLength(1);
    expect(filterLog(merged, { kind: 'audit', text: 'deferred' })).toHaveLength(0);
  });

  it('join the history with the live lines that came while it was read, each line once', () => {
    const at = '2026-11-30T10:00:01.000Z';
    // two clients connecting from one address in one millisecond: two equal lines, both logged
    const first = line(at, 'audit', 'smtp-audit event=connect client=10.0.0.1', 41);
    const second = line(at, 'audit', 'smtp-audit event=connect client=10.0.0.1', 42);
    const later = line('2026-11-30T10:00:02.000Z', 'relay', 'x: status=sent', 43);
    // the second was logged after the subscription and before the read: live and in the history
    const { lines, known } = joinHistory([[], [first, second], []], [second, later]);
    expect(lines).toEqual([first, second, later]);
    // and when it comes live only after the history's answer, it is known already
    expect(known.has(logIdentity(second))).toBe(true);
    expect(known.has(logIdentity(later))).toBe(false);
  });

  it('keep the newest lines when live lines pass the limit', () => {
    let lines: LogEntry[] = [];
    for (let i = 0; i < maxShownLines + 5; i++) {
      lines = appendLog(lines, line(new Date(i * 1000).toISOString(), 'audit', `n=${i}`));
    }
    expect(lines).toHaveLength(maxShownLines);
    expect(lines[0]?.line).toBe('n=5');
  });
});

describe('a refused save counts problems and settings', () => {
  const at = (field: string) => ({ field, allowed: '…', message: `${field}: …` });
  it('says settings when each has one problem, and problems in settings when a list has several', () => {
    expect(refusedSaveCount([at('logKeep')])).toBe('one setting needs');
    expect(refusedSaveCount([at('logKeep'), at('smtp.port')])).toBe('2 settings need');
    expect(refusedSaveCount([at('quotas[0].ip'), at('quotas[0].perHour')])).toBe(
      '2 problems in one setting need',
    );
    expect(
      refusedSaveCount([at('quotas[0].ip'), at('quotas[1].user'), at('warmup[1].preset')]),
    ).toBe('3 problems in 2 settings need');
  });
});

describe('the list of a refused save names each error by its box', () => {
  // the page's boxes: the warm-up and sender-rewrite JSON boxes, and a quota's own boxes
  const boxes = new Set(['warmup', 'senderRewrite', 'quotas[0].ip', 'logKeep']);
  const hasBox = (field: string) => boxes.has(field);

  it('a part of a structure in one box is shown at that box', () => {
    expect(boxField('warmup[0].start', hasBox)).toBe('warmup');
    expect(boxField('senderRewrite[1].to', hasBox)).toBe('senderRewrite');
    expect(boxField('quotas[0].ip', hasBox)).toBe('quotas[0].ip');
    expect(boxField('rules[2].action.to', hasBox)).toBeNull();
  });

  it('with the box’s label and which part, not the settings file’s path', () => {
    const start = {
      field: 'warmup[0].start',
      allowed: '…',
      message: 'warmup[0].start: "soon" is not a date; give the first day as 2026-12-01',
    };
    // before: 'warmup[0].start: "soon" is not a date; …'
    expect(errorInList(start, 'IP warm-up schedules (JSON)', 'warmup')).toBe(
      'IP warm-up schedules (JSON), entry 1, start: "soon" is not a date; give the first day as 2026-12-01',
    );
    const missing = {
      field: 'senderRewrite[1].to',
      allowed: '…',
      message: 'senderRewrite[1].to is missing; give the address the upstream lets you send as',
    };
    expect(errorInList(missing, 'Send as (sender rewriting, JSON)', 'senderRewrite')).toBe(
      'Send as (sender rewriting, JSON), entry 2, to is missing; give the address the upstream lets you send as',
    );
    // a box of its own reads as before
    const ip = { field: 'quotas[0].ip', allowed: '…', message: 'quotas[0].ip: "x" is not a CIDR' };
    expect(errorInList(ip, 'Quota 1 addresses (CIDR)')).toBe(
      'Quota 1 addresses (CIDR): "x" is not a CIDR',
    );
    // no box: the message as the server wrote it
    expect(errorInList(ip, undefined)).toBe('quotas[0].ip: "x" is not a CIDR');
  });
});
