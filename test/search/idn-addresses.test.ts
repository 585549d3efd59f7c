// An IDN address is listed in U-labels (mailparser decodes the header's xn--… form), but the
// header, and what the app was configured with, may say `sender@xn--bcher-kva.example`; Mailpit
// stores the header as written, so a Mailpit user searches `from:xn--bcher-kva.example`. Both
// forms find it, in the in-memory matcher and in the index's SQL alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageIndex } from '../../main/core/index/message-index.js';
import { matchesQuery, parseSearchQuery } from '../../main/core/search/index.js';
import { address, makeRecord } from './record-factory.js';

const idn = makeRecord({
  id: 'idn',
  summary: {
    subject: 'Grüße',
    from: address('sender@bücher.example', 'Ünïcödé Sender'),
    to: [address('eleni@müller.example', 'Ελένη')],
  },
});
const plain = makeRecord({
  id: 'plain',
  summary: {
    subject: 'Hello',
    from: address('team@example.com', 'Team'),
    to: [address('bob@example.com', 'Bob')],
  },
});
const records = [idn, plain];

const indexDir = mkdtempSync(join(tmpdir(), 'relaydesk-search-idn-'));
const index = new MessageIndex();
index.open(join(indexDir, 'index.sqlite'));
await index.rebuild(async (add) => add(records.map((r) => structuredClone(r))));
afterAll(() => {
  index.close();
  rmSync(indexDir, { recursive: true, force: true });
});

function search(query: string): string[] {
  const compiled = parseSearchQuery(query);
  const found = records.filter((r) => matchesQuery(r, compiled)).map((r) => r.id);
  const indexed = index
    .page(0, 100, compiled)
    .records.map((r) => r.id)
    .sort();
  expect(indexed, `the index's answer to ${query}`).toEqual([...found].sort());
  return found;
}

describe('IDN addresses in search', () => {
  it.each<[string, string[]]>([
    // as listed
    ['from:bücher.example', ['idn']],
    ['to:eleni@müller.example', ['idn']],
    // as the header and the app's settings write them
    ['from:sender@xn--bcher-kva.example', ['idn']],
    ['from:xn--bcher-kva', ['idn']],
    ['to:eleni@xn--mller-kva.example', ['idn']],
    ['addressed:xn--mller-kva.example', ['idn']],
    ['xn--bcher-kva.example', ['idn']],
    ['-from:xn--bcher-kva.example', ['plain']],
    ['from:xn--', ['idn']],
    ['to:xn--', ['idn']],
    ['from:example.com', ['plain']],
  ])('%s', (query, expected) => {
    expect(search(query)).toEqual(expected);
  });
});
