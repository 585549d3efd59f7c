// An index made from sidecars (which do not keep the body text) finds each message by its headers
// at once and by its body once the refill has read it again; a refill stopped half-way goes on at
// the next open of the same file, and a message removed while it waits leaves the list.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BodyTextRefill } from '../../main/core/index/body-text-refill.js';
import { MessageIndex } from '../../main/core/index/message-index.js';
import { parseSearchQuery } from '../../main/core/search/index.js';
import { makeRecord } from '../search/record-factory.js';

let dir: string;
let index: MessageIndex;
const lines: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-refill-'));
  index = new MessageIndex();
  index.open(join(dir, 'index.sqlite'));
  lines.length = 0;
});

afterEach(async () => {
  index.close();
  await rm(dir, { recursive: true, force: true });
});

const idOf = (n: number): string => `m${String(n).padStart(6, '0')}`;
const found = (q: string): string[] =>
  index
    .page(0, 100, parseSearchQuery(q))
    .records.map((r) => r.id)
    .sort();

/** Ten messages as a rebuild takes them from their sidecars: no body text; theirs in files. */
async function rebuiltFromSidecars(): Promise<void> {
  for (let n = 1; n <= 10; n++)
    await writeFile(join(dir, `${idOf(n)}.txt`), `body of number ${n}: word${n}x`);
  await index.rebuild(async (add) => {
    add(
      Array.from({ length: 10 }, (_, i) =>
        makeRecord({ id: idOf(i + 1), summary: { subject: `subject ${i + 1}`, searchText: '' } }),
      ),
    );
  });
}

const readBody = async (id: string): Promise<string | null> =>
  readFile(join(dir, `${id}.txt`), 'utf8').catch(() => null);

it('reads the body text of a rebuilt index again, the newest first, and search finds it', async () => {
  await rebuiltFromSidecars();
  expect(found('subject')).toHaveLength(10);
  expect(found('word3x')).toEqual([]);
  expect(index.bodyTextPendingCount()).toBe(10);
  expect(index.bodyTextPending(3)).toEqual([idOf(10), idOf(9), idOf(8)]);

  const refill = new BodyTextRefill(index, readBody, (line) => lines.push(line), { roundSize: 4 });
  await refill.start();
  expect(refill.refilled).toBe(10);
  expect(index.bodyTextPendingCount()).toBe(0);
  expect(found('word3x')).toEqual([idOf(3)]);
  expect(found('"body of number"')).toHaveLength(10);
  // the header words are still in the row
  expect(found('"subject 7"')).toEqual([idOf(7)]);
  expect(lines[0]).toMatch(/reading the body text of 10 message\(s\) again/);
  expect(lines[1]).toMatch(/body text of 10 message\(s\) read again from their \.eml in [\d.]+ s/);
});

it('goes on at the next open after a stop half-way, and drops a message removed meanwhile', async () => {
  await rebuiltFromSidecars();
  let refill: BodyTextRefill | null = null;
  const stoppingAfterFirst = async (id: string): Promise<string | null> => {
    void refill?.stop();
    return readBody(id);
  };
  refill = new BodyTextRefill(index, stoppingAfterFirst, (line) => lines.push(line), {
    roundSize: 3,
    inFlight: 1,
  });
  await refill.start();
  expect(refill.refilled).toBe(1);
  expect(found('word10x')).toEqual([idOf(10)]);
  expect(found('word9x')).toEqual([]);

  index.remove([idOf(2)]);
  index.close();
  index = new MessageIndex();
  expect(index.open(join(dir, 'index.sqlite')).rebuildReason).toBeNull();
  expect(index.bodyTextPendingCount()).toBe(8);

  const again = new BodyTextRefill(index, readBody, (line) => lines.push(line));
  await again.start();
  expect(again.refilled).toBe(8);
  expect(index.bodyTextPendingCount()).toBe(0);
  expect(found('word9x')).toEqual([idOf(9)]);
  expect(found('word2x')).toEqual([]);
  expect(found('"body of number"')).toHaveLength(9);
});

it('adds nothing to do for a row that came with its body text, or a message already gone', async () => {
  await index.rebuild(async (add) => {
    add([makeRecord({ id: idOf(1), summary: { searchText: 'kept in an older sidecar' } })]);
    add([makeRecord({ id: idOf(2), summary: { searchText: '' } })]);
  });
  expect(index.bodyTextPending(10)).toEqual([idOf(2)]);
  expect(found('older')).toEqual([idOf(1)]);
  // its .eml is gone (read gives null): it leaves the list with what it has
  const refill = new BodyTextRefill(
    index,
    async () => null,
    () => undefined,
  );
  await refill.start();
  expect(index.bodyTextPendingCount()).toBe(0);
  expect(index.size).toBe(2);
});
