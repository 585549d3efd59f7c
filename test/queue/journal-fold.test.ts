// Folding the queue's journal into the sidecars, on real files with the parse worker writing them
// (as in the service): every message's last delivery state ends up in its sidecar, no journal and
// no temporary file is left, and the sidecars are rewritten many at a time. One after another,
// each rewrite waited for its own fdatasync and folder fsync: a clean stop after 3,000 relayed
// messages took 4–7 s (bench/relay-e2e.js now says how long the stop takes).
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRecord, RecipientDelivery } from '../../main/core/message-record.js';
import { MessageParser } from '../../main/core/parse/message-parser.js';
import { DeliveryJournal } from '../../main/core/queue/delivery-journal.js';
import { UnsyncedDeliveries } from '../../main/core/queue/unsynced-deliveries.js';
import { newMessageId } from '../../main/core/spool/message-id.js';
import { Spool } from '../../main/core/spool/spool.js';
import { eventually } from '../helpers/eventually.js';
import { makeRecord } from '../search/record-factory.js';

let dataDir: string;
let parser: MessageParser;
let spool: Spool;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-fold-'));
  parser = new MessageParser();
  spool = new Spool(dataDir, () => undefined, parser);
  await spool.open();
});

afterEach(async () => {
  await spool.close();
  await parser.close();
  await rm(dataDir, { recursive: true, force: true });
});

function relayed(address: string, at: string): RecipientDelivery {
  return {
    address,
    deliverTo: address,
    state: 'relayed',
    rule: 'default upstream',
    nextAttemptAt: null,
    firstAttemptAt: at,
    attempts: [],
    history: [
      { state: 'pending', at, reason: 'received' },
      { state: 'sending', at, reason: 'attempt 1' },
      { state: 'relayed', at, reason: '250 2.0.0 Ok' },
    ],
  };
}

describe('folding the queue journal', () => {
  it('puts every last state in its sidecar, many at a time, and leaves no journal or temporary', async () => {
    const records = new Map<string, MessageRecord>();
    for (let n = 0; n < 300; n++) {
      const record = makeRecord({ id: newMessageId(), summary: { subject: `message ${n}` } });
      records.set(record.id, record);
      await spool.store(record, Buffer.from(`Subject: message ${n}\r\n\r\nbody\r\n`));
    }
    let inFlight = 0;
    let mostInFlight = 0;
    const journal = new DeliveryJournal({
      dataDir,
      current: (id) => records.get(id),
      writeSidecar: async (record, folding) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          await spool.update(record, folding);
        } finally {
          inFlight--;
        }
      },
      log: () => undefined,
    });
    await journal.open(async () => undefined);
    for (const [id, record] of records) {
      record.delivery = [relayed(`r-${id}@example.test`, '2026-12-01T20:00:00.000Z')];
      await journal.append(record);
    }
    await journal.close();

    expect(mostInFlight).toBeGreaterThan(8);
    await spool.close();
    const loaded = await new Spool(dataDir).load();
    expect(loaded.records).toHaveLength(300);
    for (const record of loaded.records) {
      expect(record.delivery?.map((r) => [r.address, r.state])).toEqual([
        [`r-${record.id}@example.test`, 'relayed'],
      ]);
    }
    expect(await readdir(join(dataDir, 'queue'))).toEqual([]);
    expect((await readdir(spool.messagesDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the records of a folding that failed until a folding has put them in their sidecars', async () => {
    const records = new Map<string, MessageRecord>();
    const make = (): MessageRecord => {
      const record = makeRecord({ id: newMessageId() });
      record.delivery = [relayed(`r-${record.id}@example.test`, '2026-12-01T20:00:00.000Z')];
      records.set(record.id, record);
      return record;
    };
    const options = {
      dataDir,
      current: (id: string) => records.get(id),
      writeSidecar: (record: MessageRecord, folding?: boolean) => spool.update(record, folding),
      log: () => undefined,
    };
    const journal = new DeliveryJournal(options);
    await journal.open(async () => undefined);
    const blocked = make();
    await journal.append(blocked);
    // its sidecar cannot be written (a folder is in the way, as a full disk would refuse it)
    const inTheWay = join(spool.messagesDir, `${blocked.id}.json`);
    await mkdir(inTheWay);
    await expect(journal.compact()).rejects.toThrow();
    const later = make();
    await journal.append(later);
    await expect(journal.compact()).rejects.toThrow();

    // the process dies here: a new start (on a copy of the folder) replays what the journal
    // files still hold
    const copy = await mkdtemp(join(tmpdir(), 'relaydesk-fold-copy-'));
    await cp(join(dataDir, 'queue'), join(copy, 'queue'), { recursive: true });
    const replayed: string[] = [];
    const restarted = new DeliveryJournal({
      ...options,
      dataDir: copy,
      current: (id) => (records.has(id) ? makeRecord({ id }) : undefined),
    });
    await restarted.open(async (record) => {
      replayed.push(record.id);
    });
    expect(replayed.sort()).toEqual([blocked.id, later.id].sort());
    await restarted.close();
    await rm(copy, { recursive: true, force: true });

    // and where the disk takes it again, the next folding does both and leaves no journal
    await rm(inTheWay, { recursive: true });
    await journal.close();
    for (const id of [blocked.id, later.id]) {
      const sidecar = JSON.parse(
        await readFile(join(spool.messagesDir, `${id}.json`), 'utf8'),
      ) as MessageRecord;
      expect(sidecar.delivery?.[0]?.state).toBe('relayed');
    }
    expect(await readdir(join(dataDir, 'queue'))).toEqual([]);
  });

  it('after a crash, starts without waiting for the sidecars, and keeps the records until they are written', async () => {
    const records = new Map<string, MessageRecord>();
    for (let n = 0; n < 50; n++) {
      const record = makeRecord({ id: newMessageId() });
      record.delivery = [relayed(`r-${record.id}@example.test`, '2026-12-01T20:00:00.000Z')];
      records.set(record.id, record);
    }
    const first = new DeliveryJournal({
      dataDir,
      current: (id) => records.get(id),
      writeSidecar: (record, folding) => spool.update(record, folding),
      log: () => undefined,
    });
    await first.open(async () => undefined);
    for (const record of records.values()) await first.append(record);

    // it dies before any folding; the index had every state (as its batched commits usually
    // have), the sidecars none
    const crashed = async (): Promise<string> => {
      const copy = await mkdtemp(join(tmpdir(), 'relaydesk-fold-copy-'));
      await cp(join(dataDir, 'queue'), join(copy, 'queue'), { recursive: true });
      return copy;
    };
    const second = await crashed();
    let open = (): void => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const asked: string[] = [];
    const saved: string[] = [];
    const restarted = new DeliveryJournal({
      dataDir: second,
      current: (id) => records.get(id),
      writeSidecar: async (record, folding) => {
        asked.push(record.id);
        await gate;
        await spool.update(record, folding);
      },
      log: () => undefined,
    });
    // resolves while no sidecar can be written: the start does not wait for them
    await restarted.open(async (record) => void saved.push(record.id));
    expect(saved).toEqual([]);
    expect(await readdir(join(second, 'queue'))).toContain('journal.compacting.log');

    // dying again before those rewrites are done loses nothing: the next start finds them all
    const third = await crashed();
    await cp(join(second, 'queue'), join(third, 'queue'), { recursive: true, force: true });
    const thirdAsked = new Set<string>();
    const again = new DeliveryJournal({
      dataDir: third,
      current: (id) => records.get(id),
      writeSidecar: async (record) => void thirdAsked.add(record.id),
      log: () => undefined,
    });
    await again.open(async () => undefined);
    await again.close();
    expect([...thirdAsked].sort()).toEqual([...records.keys()].sort());

    open();
    await restarted.close();
    expect(new Set(asked)).toEqual(new Set(records.keys()));
    for (const id of records.keys()) {
      const sidecar = JSON.parse(
        await readFile(join(spool.messagesDir, `${id}.json`), 'utf8'),
      ) as MessageRecord;
      expect(sidecar.delivery?.[0]?.state).toBe('relayed');
    }
    expect(await readdir(join(second, 'queue'))).toEqual([]);
    await first.close();
    for (const dir of [second, third]) await rm(dir, { recursive: true, force: true });
  });

  it('says so when a folding it started on its own fails, and goes on taking changes', async () => {
    const lines: string[] = [];
    const records = new Map<string, MessageRecord>();
    const journal = new DeliveryJournal({
      dataDir,
      current: (id) => records.get(id),
      writeSidecar: (record, folding) => spool.update(record, folding),
      log: (line) => lines.push(line),
      // every append starts a folding
      compactAt: 1,
    });
    await journal.open(async () => undefined);
    const record = makeRecord({ id: newMessageId() });
    record.delivery = [relayed('r@example.test', '2026-12-01T20:00:00.000Z')];
    records.set(record.id, record);
    const inTheWay = join(spool.messagesDir, `${record.id}.json`);
    await mkdir(inTheWay);
    await journal.append(record);
    await eventually(() => lines.join('\n')).toMatch(
      /queue journal: folding into the sidecars failed \(.+\); tried again/,
    );
    await journal.append(record);
    await rm(inTheWay, { recursive: true });
    await journal.close();
    const sidecar = JSON.parse(await readFile(inTheWay, 'utf8')) as MessageRecord;
    expect(sidecar.delivery?.[0]?.state).toBe('relayed');
  });

  it('tells the index a state once its line is on disk, as it was appended', async () => {
    const told: Array<{ id: string; states: string[]; onDisk: boolean }> = [];
    const record = makeRecord({ id: newMessageId() });
    const journal = new DeliveryJournal({
      dataDir,
      current: () => record,
      writeSidecar: (r, folding) => spool.update(r, folding),
      index: (r, delivery) =>
        told.push({
          id: r.id,
          states: (delivery ?? []).map((d) => d.state),
          // the journal file holds the line by then
          onDisk: readFileSync(join(dataDir, 'queue', 'journal.log'), 'utf8').includes(r.id),
        }),
      log: () => undefined,
    });
    await journal.open(async () => undefined);
    record.delivery = [relayed('r@example.test', '2026-12-01T20:00:00.000Z')];
    const appended = journal.append(record, true);
    expect(told).toEqual([]);
    // a later change replaces the list before the first is on disk: the index is told each
    // list after its own line, never the later one first
    const later = { ...relayed('r@example.test', '2026-12-01T20:00:00.000Z'), state: 'bounced' };
    record.delivery = [later as RecipientDelivery];
    const second = journal.append(record, true);
    await Promise.all([appended, second]);
    expect(told).toEqual([
      { id: record.id, states: ['relayed'], onDisk: true },
      { id: record.id, states: ['bounced'], onDisk: true },
    ]);
    // a passing state is not told
    await journal.append(record);
    expect(told).toHaveLength(2);
    await journal.close();
  });

  /** A journal of `record` alone that tells an UnsyncedDeliveries what is on disk. */
  const journalTracking = (record: MessageRecord) => {
    const unsynced = new UnsyncedDeliveries();
    const journal = new DeliveryJournal({
      dataDir,
      current: () => record,
      writeSidecar: (r, folding) => spool.update(r, folding),
      unsynced,
      log: () => undefined,
    });
    return { journal, unsynced };
  };

  it('folds into a sidecar the list on disk, not one whose line is still on its way', async () => {
    const record = makeRecord({ id: newMessageId() });
    await spool.store(record, Buffer.from('Subject: s\r\n\r\nbody\r\n'));
    const { journal, unsynced } = journalTracking(record);
    await journal.open(async () => undefined);
    // as the queue changes a list: the one it replaces is on disk until the new one is
    const change = (delivery: RecipientDelivery[]) => {
      unsynced.handed(record.id, record.delivery);
      record.delivery = delivery;
    };
    const at = '2026-12-01T20:00:00.000Z';
    const done = relayed('r@example.test', at);
    change([{ ...done, state: 'sending', history: done.history.slice(0, 2) }]);
    await journal.append(record, true);
    const sidecarStates = async () => {
      const path = join(spool.messagesDir, `${record.id}.json`);
      const sidecar = JSON.parse(await readFile(path, 'utf8')) as MessageRecord;
      return sidecar.delivery?.map((r) => r.state);
    };
    // the outcome's line is held back (as a kill -9 test holds it) while a folding runs
    process.env.RELAYDESK_TEST_JOURNAL_HOLD = '1';
    change([done]);
    const outcome = journal.append(record, true);
    try {
      await journal.compact();
    } finally {
      delete process.env.RELAYDESK_TEST_JOURNAL_HOLD;
    }
    // a kill -9 now would leave no line of `relayed`: the sidecar does not say it either
    expect(await sidecarStates()).toEqual(['sending']);
    expect(unsynced.onDisk(record)?.map((r) => r.state)).toEqual(['sending']);
    // the next append writes both lines; the outcome is then on disk, and folded at the stop
    await Promise.all([outcome, journal.append(record, true)]);
    expect(unsynced.onDisk(record)).toBe(record.delivery);
    await journal.close();
    expect(await sidecarStates()).toEqual(['relayed']);
  });

  it('keeps the list on disk after a write of a newer one failed, until a later one is written', async () => {
    const record = makeRecord({ id: newMessageId() });
    // not opened: each change is written to its sidecar, which a folder is in the way of
    const { journal, unsynced } = journalTracking(record);
    const inTheWay = join(spool.messagesDir, `${record.id}.json`);
    await mkdir(inTheWay);
    const done = relayed('r@example.test', '2026-12-01T20:00:00.000Z');
    unsynced.handed(record.id, undefined);
    record.delivery = [done];
    await expect(journal.append(record, true)).rejects.toThrow();
    // nothing on its way, and still no list on disk: a read flag writes none
    expect(unsynced.onDisk(record)).toBeUndefined();
    expect(unsynced.stored(record)).not.toHaveProperty('delivery');
    await rm(inTheWay, { recursive: true });
    const bounced = { ...done, state: 'bounced' } as RecipientDelivery;
    unsynced.handed(record.id, record.delivery);
    record.delivery = [bounced];
    await journal.append(record, true);
    expect(unsynced.onDisk(record)).toBe(record.delivery);
  });
});
