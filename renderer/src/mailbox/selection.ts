// Which messages are selected for a bulk action, the way mail clients do it: a click selects
// one, Ctrl/⌘-click toggles one, Shift-click selects the run from the anchor. Pure.
import type { MessageSummary } from '../api/contract.js';

export interface Selection {
  ids: ReadonlySet<string>;
  /** Where a Shift-click range starts. */
  anchor: string | null;
  /** What a bulk action left selected (it could not handle them): kept in the bulk bar. */
  leftByAction?: boolean;
}

export const noSelection: Selection = { ids: new Set(), anchor: null };

export type SelectGesture = 'only' | 'toggle' | 'range';

export function gestureOf(event: {
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}): SelectGesture {
  if (event.shiftKey) return 'range';
  if (event.ctrlKey || event.metaKey) return 'toggle';
  return 'only';
}

export function select(
  selection: Selection,
  gesture: SelectGesture,
  id: string,
  rows: ReadonlyMap<number, MessageSummary>,
  positions: ReadonlyMap<string, number>,
): Selection {
  if (gesture === 'only') return { ids: new Set([id]), anchor: id };
  if (gesture === 'toggle') {
    const ids = new Set(selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id };
  }
  const from = selection.anchor === null ? undefined : positions.get(selection.anchor);
  const to = positions.get(id);
  if (from === undefined || to === undefined) return { ids: new Set([id]), anchor: id };
  const ids = new Set<string>();
  // Only loaded rows can be named; a range over rows not yet fetched selects what is known.
  for (let index = Math.min(from, to); index <= Math.max(from, to); index++) {
    const message = rows.get(index);
    if (message) ids.add(message.ID);
  }
  return { ids, anchor: selection.anchor };
}

/** Drops what was deleted, so a bulk action never names a message that is gone. */
export function withoutDeleted(selection: Selection, deleted: readonly string[] | null): Selection {
  if (deleted === null) return noSelection;
  return withoutMessages(selection, deleted);
}

/** Drops these messages from the selection (deleted, or handled by an action). */
function withoutMessages(selection: Selection, gone: readonly string[]): Selection {
  if (!gone.some((id) => selection.ids.has(id))) return selection;
  const dropped = new Set(gone);
  const ids = new Set([...selection.ids].filter((id) => !dropped.has(id)));
  const anchor = selection.anchor !== null && ids.has(selection.anchor) ? selection.anchor : null;
  return { ...selection, ids, anchor };
}

/**
 * The selection once a bulk action is done: as in Gmail and Mailpit, what it handled (released,
 * held, marked read…) leaves the selection; what it could not handle stays selected, so the user
 * sees which and can try again, in the bulk bar even when it is one message.
 */
export function afterBulkAction(selection: Selection, handled: readonly string[]): Selection {
  const left = withoutMessages(selection, handled);
  // nothing handled: the selection is as the user made it, with the refusal beside it
  if (left === selection) return selection;
  return left.ids.size === 0 ? noSelection : { ...left, leftByAction: true };
}

/**
 * Whether the selection gets the bulk bar: several messages, or what an action left selected.
 * One message clicked is the one being read, whose own actions are beside it.
 */
export function isBulkSelection(selection: Selection): boolean {
  return selection.ids.size > 1 || (selection.ids.size === 1 && selection.leftByAction === true);
}
