// The list's window onto the server: pages placed where they belong, arrivals on top, deletions,
// read marks; and the selection gestures. Pure functions, no DOM.
import { describe, expect, it } from 'vitest';
import type { MessageSummary, MessagesPage, RelaydeskEvent } from '../../preload/api-contract.js';
import {
  emptyWindow,
  pageLoaded,
  pagesFor,
  rowsKept,
  viewQuery,
  windowReducer,
  type MessageWindow,
  type WindowAction,
} from '../../renderer/src/mailbox/message-window.js';
import { select, withoutDeleted, noSelection } from '../../renderer/src/mailbox/selection.js';

function summary(id: string, more: Partial<MessageSummary> = {}): MessageSummary {
  return {
    ID: id,
    MessageID: `${id}@test`,
    Read: false,
    From: { Name: '', Address: 'a@example.test' },
    To: [],
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: `subject ${id}`,
    Created: '2026-11-30T10:00:00Z',
    Username: '',
    Tags: [],
    Size: 100,
    Attachments: 0,
    Snippet: '',
    Mailbox: 'inbox',
    MailFrom: '',
    Status: 'captured',
    ...more,
  };
}

/** The server's view: `total` messages named m{total-1} (newest) … m0 (oldest). */
function serverPage(total: number, start: number, limit: number, unread = total): MessagesPage {
  const messages: MessageSummary[] = [];
  for (let i = start; i < Math.min(total, start + limit); i++)
    messages.push(summary(`m${total - 1 - i}`));
  return {
    total,
    unread,
    count: messages.length,
    messages_count: total,
    messages_unread: unread,
    start,
    tags: [],
    messages,
  };
}

function run(state: MessageWindow, ...actions: WindowAction[]): MessageWindow {
  return actions.reduce(windowReducer, state);
}

const page = (
  state: MessageWindow,
  start: number,
  result: MessagesPage,
  insertedAtRequest = state.inserted,
): WindowAction => ({
  type: 'page',
  generation: state.generation,
  start,
  insertedAtRequest,
  page: result,
});

const pageAction = (state: MessageWindow, start: number, result: MessagesPage) =>
  page(state, start, result) as Extract<WindowAction, { type: 'page' }>;

const ids = (state: MessageWindow) =>
  [...state.rows].sort(([a], [b]) => a - b).map(([index, m]) => `${index}:${m.ID}`);

describe('the message window', () => {
  it('counts every message but holds only the pages fetched', () => {
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(100_000, 0, 100)));
    expect(state.total).toBe(100_000);
    expect(state.rows.size).toBe(100);
    state = run(state, page(state, 99_900, serverPage(100_000, 99_900, 100)));
    expect(state.rows.get(99_999)?.ID).toBe('m0'); // the oldest is reachable
    expect(pageLoaded(state, 999)).toBe(true);
    expect(pageLoaded(state, 500)).toBe(false);
  });

  it('puts an arrival on top and shifts the loaded rows down by one', () => {
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(3, 0, 100)));
    state = run(state, { type: 'event', event: { Type: 'new', Data: summary('m3') } });
    expect(ids(state)).toEqual(['0:m3', '1:m2', '2:m1', '3:m0']);
    expect(state.total).toBe(4);
    expect(state.inserted).toBe(1);
  });

  it('places a page asked for before an arrival where it now belongs, whichever came first', () => {
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(250, 0, 100)));
    const askedAt = state.inserted;
    // page 1 was read by the server before m250 arrived …
    const early = serverPage(250, 100, 100);
    state = run(state, { type: 'event', event: { Type: 'new', Data: summary('m250') } });
    state = run(state, page(state, 100, early, askedAt));
    expect(state.rows.get(101)?.ID).toBe('m149'); // old index 100, one further down
    // … or after: the IDs already placed decide
    let other = emptyWindow();
    other = run(other, page(other, 0, serverPage(250, 0, 100)));
    other = run(other, { type: 'event', event: { Type: 'new', Data: summary('m250') } });
    other = run(other, page(other, 0, serverPage(251, 0, 100), 0));
    expect(other.rows.get(0)?.ID).toBe('m250');
    expect(other.rows.get(1)?.ID).toBe('m249');
    expect(new Set([...other.rows.values()].map((m) => m.ID)).size).toBe(other.rows.size);
  });

  it('asks the server again when mail arrives during a search, and leaves other mailboxes alone', () => {
    let state = windowReducer(emptyWindow(), {
      type: 'view',
      view: { mailbox: null, query: 'subject:x' },
    });
    const before = state.generation;
    state = run(state, { type: 'event', event: { Type: 'new', Data: summary('n') } });
    expect(state.generation).toBe(before + 1);
    expect(state.rows.size).toBe(0);

    let box = windowReducer(emptyWindow(), {
      type: 'view',
      view: { mailbox: 'project-b', query: '' },
    });
    box = run(box, page(box, 0, serverPage(0, 0, 100)));
    box = run(box, {
      type: 'event',
      event: { Type: 'new', Data: summary('x', { Mailbox: 'inbox' }) },
    });
    expect(box.total).toBe(0);
    expect(box.counts.total).toBe(1);
    box = run(box, {
      type: 'event',
      event: { Type: 'new', Data: summary('y', { Mailbox: 'Project-B' }) },
    });
    expect(box.total).toBe(1);
  });

  it('closes the gap a deletion leaves, or refetches when it cannot know where it was', () => {
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(5, 0, 100)));
    state = run(state, { type: 'event', event: { Type: 'delete', Data: { IDs: ['m3'] } } });
    expect(ids(state)).toEqual(['0:m4', '1:m2', '2:m1', '3:m0']);
    expect(state.total).toBe(4);
    const generation = state.generation;
    state = run(state, {
      type: 'event',
      event: { Type: 'delete', Data: { IDs: ['m1', 'unseen'] } },
    });
    expect(state.generation).toBe(generation + 1);
    state = run(state, { type: 'event', event: { Type: 'delete', Data: null } });
    expect(state.total).toBe(0);
    expect(state.rows.size).toBe(0);
  });

  it('keeps a bounded number of rows through a long stream of arrivals: the top and what is in sight', () => {
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(3000, 0, 100)));
    // the user reads rows 1,500… (their page loaded), while mail keeps coming in on top
    state = run(state, page(state, 1500, serverPage(3000, 1500, 100)));
    let sight = { first: 1500, last: 1520 };
    const reading = state.rows.get(1500)?.ID as string;
    for (let i = 0; i < 5000; i++) {
      state = run(state, {
        type: 'event',
        event: { Type: 'new', Data: summary(`new${i}`) },
        sight,
      });
      // the list scrolls by as much as arrived, so the same rows stay on screen
      sight = { first: sight.first + 1, last: sight.last + 1 };
      expect(state.rows.size).toBeLessThanOrEqual(rowsKept + 1);
    }
    expect(state.total).toBe(8000);
    expect(state.rows.get(0)?.ID).toBe('new4999');
    expect(state.rows.get(99)?.ID).toBe('new4900');
    // what the user is reading is still loaded, where it now is
    expect(state.positions.get(reading)).toBe(6500);
    expect(state.rows.get(6500)?.ID).toBe(reading);
    // rows far from both are gone (fetched again when scrolled to)
    expect(pageLoaded(state, 30)).toBe(false);
  });

  it('applies a batch of live events as one at a time would, arrivals put on top in one go', () => {
    let start = emptyWindow();
    start = run(start, page(start, 0, serverPage(5, 0, 100)));
    const batch: RelaydeskEvent[] = [
      { Type: 'new', Data: summary('a') },
      { Type: 'new', Data: summary('b', { Read: true }) },
      { Type: 'stats', Data: { Total: 7, Unread: 6, Version: '' } },
      { Type: 'new', Data: summary('c') },
      { Type: 'new', Data: summary('c') }, // told twice (a reconnect): listed once
      { Type: 'new', Data: summary('m4') }, // already listed
      { Type: 'new', Data: summary('x', { Mailbox: 'other' }) }, // counted, not in this view
      { Type: 'update', Data: { ID: 'a', Read: true } },
      { Type: 'delete', Data: { IDs: ['m2'] } },
      { Type: 'new', Data: summary('d') },
    ];
    let inBox = windowReducer(start, { type: 'view', view: { mailbox: 'inbox', query: '' } });
    inBox = run(inBox, page(inBox, 0, serverPage(5, 0, 100)));
    const oneAtATime = batch.reduce(
      (state, event) => windowReducer(state, { type: 'event', event }),
      inBox,
    );
    const batched = windowReducer(inBox, { type: 'events', events: batch });
    expect(ids(batched)).toEqual(['0:d', '1:c', '2:b', '3:a', '4:m4', '5:m3', '6:m1', '7:m0']);
    expect(ids(batched)).toEqual(ids(oneAtATime));
    for (const key of ['total', 'inserted', 'counts', 'generation'] as const) {
      expect(batched[key]).toEqual(oneAtATime[key]);
    }
    expect(batched.counts).toEqual({ total: 9, unread: 7 });
    // in a search, which arrivals match is the server's call: the batch asks again
    let search = windowReducer(start, { type: 'view', view: { mailbox: null, query: 'x' } });
    search = run(search, page(search, 0, serverPage(5, 0, 100)));
    const asked = windowReducer(search, { type: 'events', events: batch.slice(0, 2) });
    expect(asked.generation).toBeGreaterThan(search.generation);
    expect(asked.total).toBe(search.total);
    expect(asked.counts.total).toBe(search.counts.total + 2);
  });

  it('drops pruned oldest messages from the end of the list without asking the server again', () => {
    let state = emptyWindow();
    // 300 messages, the first two pages loaded: m299 … m100
    state = run(state, page(state, 0, serverPage(300, 0, 100)));
    state = run(state, page(state, 100, serverPage(300, 100, 100)));
    const generation = state.generation;
    // the oldest three, none of them loaded (pruning at the cap)
    state = run(state, {
      type: 'event',
      event: { Type: 'delete', Data: { IDs: ['m0', 'm1', 'm2'], Oldest: true } },
    });
    expect(state.generation).toBe(generation);
    expect(state.total).toBe(297);
    expect(state.counts.total).toBe(297);
    expect(ids(state).slice(0, 2)).toEqual(['0:m299', '1:m298']);
    expect(ids(state).at(-1)).toBe('199:m100');
    // pruned down into the loaded rows: those go, the rest stay where they were
    state = run(state, {
      type: 'event',
      event: {
        Type: 'delete',
        Data: { IDs: Array.from({ length: 200 }, (_, i) => `m${i + 3}`), Oldest: true },
      },
    });
    expect(state.generation).toBe(generation);
    expect(state.total).toBe(97);
    expect(ids(state).at(-1)).toBe('96:m203');
    // in a mailbox or a search, how many of them it held is not known here: asked again
    let box = windowReducer(state, { type: 'view', view: { mailbox: 'inbox', query: '' } });
    box = run(box, page(box, 0, serverPage(97, 0, 100)));
    const boxGeneration = box.generation;
    box = run(box, {
      type: 'event',
      event: { Type: 'delete', Data: { IDs: ['elsewhere'], Oldest: true } },
    });
    expect(box.generation).toBe(boxGeneration + 1);
  });

  it('sizes a search or mailbox view by what matches, and counts every message apart', () => {
    let state = windowReducer(emptyWindow(), {
      type: 'view',
      view: { mailbox: null, query: 'subject:invoice' },
    });
    const found: MessagesPage = {
      ...serverPage(2, 0, 100),
      total: 5000,
      unread: 40,
      messages_count: 2,
      messages_unread: 1,
    };
    state = run(state, page(state, 0, found));
    expect(state.total).toBe(2); // no rows beyond the matches to wait for
    expect(state.counts).toEqual({ total: 5000, unread: 40 });
    expect(state.unread).toBe(1);
  });

  it("keeps a narrowed view's own unread count (the toolbar's '2 of 5, 1 unread') in step", () => {
    let state = windowReducer(emptyWindow(), {
      type: 'view',
      view: { mailbox: 'inbox', query: '' },
    });
    const inbox: MessagesPage = { ...serverPage(2, 0, 100), total: 5, unread: 4 };
    state = run(state, page(state, 0, inbox));
    expect([state.total, state.unread]).toEqual([2, 2]);
    // read in the list: the view's count and the store's both go down
    state = run(state, { type: 'read', ids: ['m1'], read: true });
    expect([state.unread, state.counts.unread]).toEqual([1, 3]);
    // an unread arrival into the inbox is the view's; one into another mailbox is not
    const arrive = (message: MessageSummary): WindowAction => ({
      type: 'event',
      event: { Type: 'new', Data: message },
    });
    state = run(state, arrive(summary('n1')), arrive(summary('n2', { Mailbox: 'other' })));
    expect([state.total, state.unread, state.counts.unread]).toEqual([3, 2, 5]);
    // an unread row deleted
    state = run(state, { type: 'event', event: { Type: 'delete', Data: { IDs: ['n1'] } } });
    expect([state.total, state.unread]).toEqual([2, 1]);
  });

  it('ignores a page from an older view or generation', () => {
    let state = emptyWindow();
    const stale = page(state, 0, serverPage(3, 0, 100));
    state = windowReducer(state, { type: 'view', view: { mailbox: null, query: 'is:unread' } });
    state = run(state, stale);
    expect(state.ready).toBe(false);
    expect(state.rows.size).toBe(0);
  });

  it('shows a page of the same view asked for before a refetch while nothing is shown yet', () => {
    let state = emptyWindow();
    const view = state.view;
    // the first page is on its way when the event stream opens and asks again
    const first = { ...pageAction(state, 0, serverPage(5, 0, 100)), view };
    state = run(state, { type: 'refetch' });
    const again = { ...pageAction(state, 0, serverPage(5, 0, 100, 2)), view };
    state = run(state, first);
    expect(ids(state).slice(0, 2)).toEqual(['0:m4', '1:m3']);
    expect(state.ready).toBe(true);
    // the refetch's answer (two were read meanwhile) lands on top of it
    state = run(state, again);
    expect(state.counts.unread).toBe(2);
    // once something is shown, a stale page is ignored again
    state = run(state, { type: 'refetch' }, first);
    expect(state.counts.unread).toBe(2);
  });

  it('keeps the unread count in step with read marks and status updates', () => {
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(3, 0, 100)));
    state = run(state, { type: 'read', ids: ['m0', 'm1'], read: true });
    expect(state.counts.unread).toBe(1);
    state = run(state, {
      type: 'event',
      event: { Type: 'update', Data: { ID: 'm2', Status: 'delivered' } },
    });
    expect(state.rows.get(0)?.Status).toBe('delivered');
  });

  it('keeps a change of Read made here over an earlier change whose event comes after it', () => {
    const update = (ID: string, Read: boolean): WindowAction => ({
      type: 'event',
      event: { Type: 'update', Data: { ID, Read } },
    });
    const readOf = (state: MessageWindow, id: string) =>
      state.rows.get(state.positions.get(id) as number)?.Read;
    let state = emptyWindow();
    state = run(state, page(state, 0, serverPage(3, 0, 100)));
    // opening m2 marks it read; Mark unread at once, before the open's event has come
    state = run(state, { type: 'read', ids: ['m2'], read: true, token: 1 });
    state = run(state, { type: 'read', ids: ['m2'], read: false, token: 2 });
    state = run(state, update('m2', true));
    expect(readOf(state, 'm2')).toBe(false);
    expect(state.counts.unread).toBe(3);
    // the first change's answer does not end the second's
    state = run(state, { type: 'read-answered', token: 1 }, update('m2', false));
    expect(readOf(state, 'm2')).toBe(false);
    // once the second is answered, an event is news again (another client read it)
    state = run(state, { type: 'read-answered', token: 2 }, update('m2', true));
    expect(readOf(state, 'm2')).toBe(true);
    expect(state.counts.unread).toBe(2);
    // and another message's events were never held back
    state = run(state, update('m0', true));
    expect(readOf(state, 'm0')).toBe(true);
  });

  it('builds the server query from the mailbox and the search', () => {
    expect(viewQuery({ mailbox: null, query: ' from:ada ' })).toBe('from:ada');
    expect(viewQuery({ mailbox: 'inbox', query: '' })).toBe('mailbox:inbox');
    expect(viewQuery({ mailbox: 'project b', query: 'is:unread' })).toBe(
      'mailbox:"project b" is:unread',
    );
    expect(pagesFor(95, 205)).toEqual([0, 1, 2]);
    expect(pagesFor(0, -1)).toEqual([]);
  });
});

describe('selection', () => {
  const state = run(emptyWindow(), {
    type: 'page',
    generation: 0,
    start: 0,
    insertedAtRequest: 0,
    page: serverPage(10, 0, 100),
  });

  it('selects one on a click, toggles with Ctrl, takes the run from the anchor with Shift', () => {
    let selection = select(noSelection, 'only', 'm9', state.rows, state.positions);
    selection = select(selection, 'range', 'm6', state.rows, state.positions);
    expect([...selection.ids]).toEqual(['m9', 'm8', 'm7', 'm6']);
    selection = select(selection, 'toggle', 'm8', state.rows, state.positions);
    expect([...selection.ids].sort()).toEqual(['m6', 'm7', 'm9']);
    expect(withoutDeleted(selection, ['m7']).ids.has('m7')).toBe(false);
    expect(withoutDeleted(selection, null).ids.size).toBe(0);
  });
});
