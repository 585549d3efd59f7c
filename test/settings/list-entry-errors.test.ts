// Every problem of one entry at once, where the checks stopped at the first: a sender-rewrite
// entry (a bad pattern hid a bad address), a quota whose name is over 100 characters (zod refused
// the name before the quota's other checks ran), a DKIM key's header list (a bad name hid the
// missing From) and a new SMTP user (a bad name hid a short password). Through the settings and
// user APIs, as the Settings screen sends them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsSaveResult } from '../../preload/api-contract.js';
import { parseSenderRewrite } from '../../main/core/queue/sender-rewrite.js';
import { parseQuotas } from '../../main/core/sender-control/quotas.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk();
});
afterAll(async () => relay?.dispose());

const send = async (method: string, path: string, body: unknown) => {
  const res = await relay.fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
};

const problems = (parse: () => unknown): string[] => {
  try {
    parse();
  } catch (err) {
    return (err as Error).message.split('\n');
  }
  return [];
};

describe('one sender-rewrite entry', () => {
  it('says a bad pattern, a bad address and a bad "from" together', async () => {
    expect(
      problems(() => parseSenderRewrite([{ match: 42, to: 'office', from: 'sometimes' }])),
    ).toEqual([
      expect.stringMatching(/^senderRewrite\[0\]\.match: 42 is not a pattern; /),
      expect.stringMatching(/^senderRewrite\[0\]\.to: "office" is not an email address; /),
      expect.stringMatching(/^senderRewrite\[0\]\.from: "sometimes" is not valid; /),
    ]);
    // both missing: both said
    expect(problems(() => parseSenderRewrite([{}]))).toEqual([
      expect.stringMatching(/^senderRewrite\[0\]\.match is missing; /),
      expect.stringMatching(/^senderRewrite\[0\]\.to is missing; /),
    ]);
    const saved = await send('PUT', '/api/v1/settings', {
      senderRewrite: [
        { match: '*@printer.local', to: 'office' },
        { match: 42, to: 'nobody' },
      ],
    });
    expect(saved.status).toBe(400);
    const body = saved.body as SettingsSaveResult;
    expect(body.ok === false && body.errors.map((e) => [e.field, e.value])).toEqual([
      ['senderRewrite[0].to', 'office'],
      ['senderRewrite[1].match', 42],
      ['senderRewrite[1].to', 'nobody'],
    ]);
  });
});

describe('a field left out of an entry', () => {
  // a Postfix admin writes REJECT without a text; the screen said only that the whole list "is
  // not valid" with the example, since "… is missing" was not read as naming a field
  it('is named with its fix beside the box, not as the whole setting', async () => {
    const saved = await send('PUT', '/api/v1/settings', {
      contentRules: [{ where: 'header', match: '^Subject: .*invoice', action: 'reject' }],
      senderRewrite: [{ match: '*@printer.local' }],
    });
    expect(saved.status).toBe(400);
    const body = saved.body as SettingsSaveResult;
    expect(body.ok === false && body.errors.map((e) => [e.field, e.message])).toEqual([
      [
        'contentRules[0].text',
        'contentRules[0].text is missing; "reject" needs it: give the reply the client gets after "550 5.7.1", such as "no lotteries here"',
      ],
      [
        'senderRewrite[0].to',
        'senderRewrite[0].to is missing; give the address the upstream lets you send as, e.g. "office@example.com"',
      ],
    ]);
  });
});

describe('a quota with a name over 100 characters', () => {
  it('says the name with the quota’s other problems', async () => {
    const name = 'n'.repeat(101);
    expect(problems(() => parseQuotas([{ name, ip: '10.0.0.0/33', perHour: -1 }]))).toEqual([
      'quotas[0].name: "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn… is 101 characters; use at most 100',
      'quotas[0].ip: "10.0.0.0/33" is not a CIDR; use e.g. 192.168.1.0/24, or 0.0.0.0/0 and ::/0 for every client',
      'quotas[0].perHour: -1 is not valid; use a whole number from 0 (no limit) to 10000000',
    ]);
    // a user of the wrong type no longer hides the limits' problems either
    expect(problems(() => parseQuotas([{ user: 7, perDay: 'ten' }]))).toEqual([
      expect.stringMatching(/^quotas\[0\]\.user: 7 is not a user name or glob; /),
      expect.stringMatching(/^quotas\[0\]\.perDay: "ten" is not valid; /),
    ]);
    expect(parseQuotas([{ name: 'n'.repeat(100), user: '*', perHour: 5 }])[0]?.name).toHaveLength(
      100,
    );
    const saved = await send('PUT', '/api/v1/settings', {
      quotas: [{ name, ip: '10.0.0.0/33', perHour: 5 }],
    });
    const body = saved.body as SettingsSaveResult;
    expect(body.ok === false && body.errors.map((e) => e.field)).toEqual([
      'quotas[0].name',
      'quotas[0].ip',
    ]);
  });
});

describe('a DKIM key’s header list', () => {
  it('names every bad field name and the missing From at once', async () => {
    const added = await send('POST', '/api/v1/dkim/keys', {
      domain: 'shop.example',
      selector: 'h1',
      algorithm: 'ed25519',
      headers: ['Subj ect', 'Date', 'X:Y'],
    });
    expect(added.status).toBe(400);
    expect(JSON.stringify(added.body)).toContain(
      [
        'headers: \\"Subj ect\\" is not a header field name; give names such as Subject or List-Unsubscribe',
        'headers: \\"X:Y\\" is not a header field name; give names such as Subject or List-Unsubscribe',
        'headers: must include From (RFC 6376 §5.4); add \\"From\\" to the list',
      ].join('\\n'),
    );
  });
});

describe('a new DKIM key', () => {
  // the Add form's domain and selector: before, the domain's problem hid the selector's
  it('says a bad domain, a bad selector and a bad header list together, one a line', async () => {
    const added = await send('POST', '/api/v1/dkim/keys', {
      domain: 'not a domain',
      selector: 'bad selector',
      algorithm: 'ed25519',
      headers: ['Date'],
    });
    expect(added.status).toBe(400);
    expect((added.body as { error: string }).error.split('\n')).toEqual([
      'domain: "not a domain" is not a domain name; give the domain of the From address, e.g. example.com',
      'selector: "bad selector" is not a valid selector: use only letters, digits, hyphens and underscores, in labels of 1 to 63 characters joined by dots, none starting or ending with a hyphen; e.g. mail2026',
      'headers: must include From (RFC 6376 §5.4); add "From" to the list',
    ]);
    // and an imported PEM that is no key is said with them
    const imported = await send('POST', '/api/v1/dkim/keys', {
      domain: 's1._domainkey.shop.example',
      selector: 's1',
      privateKey: 'not a key',
    });
    expect(imported.status).toBe(400);
    const lines = (imported.body as { error: string }).error.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^domain: "s1\._domainkey\.shop\.example" is the name of the DKIM record/,
    );
    expect(lines[1]).toMatch(/^privateKey: /);
    // nothing was stored
    expect((await (await relay.fetch('/api/v1/dkim/keys')).json()) as unknown).toEqual([]);
  });
});

describe('a new SMTP user', () => {
  it('says a bad name and a short password together', async () => {
    const added = await send('POST', '/api/v1/users', { name: 'bad name', password: 'short' });
    expect(added.status).toBe(400);
    expect(added.body).toEqual({
      error:
        'name: "bad name" is not a user name; a user name is 1 to 128 letters, digits and . _ @ + -, e.g. app or qa@example.com\n' +
        'password: a password is 8 to 1024 characters',
    });
  });
});
