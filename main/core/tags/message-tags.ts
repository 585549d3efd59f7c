// Tags on stored messages: set, rename and delete them, list and count them. Tags live in each
// message's sidecar (MessageRecord.tags), so every change is one atomic sidecar rewrite per
// message, durable the spool's way, and the index rebuilt at start sees them.
import { CallerError } from '../caller-error.js';
import type { RelaydeskEvent } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import { cleanTag, isValidTag, normalizeTags, tagAlphabet } from './tag-name.js';

/** A tag request that cannot be done; the message names the tag and the fix. */
export class TagError extends CallerError {
  override name = 'TagError';
}

export interface TaggedStore {
  /** The messages that carry tags, oldest first. */
  records(): Iterable<MessageRecord>;
  /** Lower-case name → the spelling in use, so new tags join existing ones. */
  knownTags(): ReadonlyMap<string, string>;
  get(id: string): MessageRecord | undefined;
  save(record: MessageRecord): Promise<void>;
  publish(event: Extract<RelaydeskEvent, { Type: 'update' }>): void;
}

function sameTags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * The tags that say what the filter did to a message: `quarantined` while and after it held it
 * (the Quarantine view, `relaydesk queue --state quarantined` and its count list by it) and
 * `released` once released (without it a released, relayed message was listed as held again).
 * A tag edit cannot take them off: a test suite setting its own tags with Mailpit's PUT
 * /api/v1/tags, a DELETE /api/v1/tags/quarantined, or the × on the chip, hid quarantined mail
 * from every view that lists the quarantine, while it stayed held.
 */
function filterTags(record: MessageRecord): string[] {
  const kept: string[] = [];
  if (record.filter?.action === 'quarantined') kept.push('quarantined');
  if (record.filter?.released !== undefined) kept.push('released');
  return kept;
}

/**
 * `answerUnchanged`: an explicit set of a message's tags is answered with its update event even
 * when nothing changed. The tag editor waits for the echo of each of its saves before it takes
 * other clients' changes (TagEditor.tsx), and a save that found the tags already so (set from
 * another window a moment before) sent none, so the next real change was taken as that echo and
 * not shown.
 */
async function retag(
  store: TaggedStore,
  record: MessageRecord,
  asked: string[],
  answerUnchanged = false,
): Promise<void> {
  const missing = filterTags(record).filter((tag) => !asked.includes(tag));
  const tags = [...asked, ...missing];
  if (sameTags(record.tags, tags)) {
    // the view took the tag off as asked: the event puts it back on screen
    if (missing.length > 0 || answerUnchanged) {
      store.publish({ Type: 'update', Data: { ID: record.id, Tags: tags } });
    }
    return;
  }
  record.tags = tags;
  await store.save(record);
  store.publish({ Type: 'update', Data: { ID: record.id, Tags: tags } });
}

/**
 * Replaces the tags of the given messages (Mailpit's PUT /api/v1/tags: an empty list removes
 * them all). Invalid characters are cleaned away as Mailpit does; unknown IDs are an error
 * naming the ID, checked before anything changes.
 */
export async function setMessageTags(
  store: TaggedStore,
  ids: string[],
  tags: string[],
): Promise<void> {
  const records = ids.map((id) => {
    const record = store.get(id);
    if (!record) throw new TagError(`IDs: message ${JSON.stringify(id)} not found`);
    return record;
  });
  const wanted = normalizeTags(tags, store.knownTags());
  for (const record of records) await retag(store, record, wanted, true);
}

function findTag(store: TaggedStore, tag: string): string {
  const known = store.knownTags();
  const existing = [...known.values()].find((t) => t === tag) ?? known.get(tag.toLowerCase());
  if (existing === undefined) throw new TagError(`tag not found: ${JSON.stringify(tag)}`);
  return existing;
}

/** Mailpit's PUT /api/v1/tags/{tag} with {"Name": …}. */
export async function renameTag(store: TaggedStore, from: string, to: string): Promise<void> {
  const name = cleanTag(to);
  if (!isValidTag(name)) {
    throw new TagError(
      `Name: ${JSON.stringify(to)} is not a valid tag name; use ${tagAlphabet} characters`,
    );
  }
  const existing = findTag(store, from);
  if (existing === name) return;
  const clash = store.knownTags().get(name.toLowerCase());
  if (clash !== undefined && clash.toLowerCase() !== existing.toLowerCase()) {
    throw new TagError(
      `Name: tag ${JSON.stringify(clash)} already exists; delete it first or choose another name`,
    );
  }
  for (const record of [...store.records()]) {
    // the filter's own tag stays as it is (retag would keep it beside the new name)
    if (!record.tags.includes(existing) || filterTags(record).includes(existing)) continue;
    await retag(store, record, normalizeTags(record.tags.map((t) => (t === existing ? name : t))));
  }
}

/** Mailpit's DELETE /api/v1/tags/{tag}: the tag goes from every message; no message is deleted. */
export async function deleteTag(store: TaggedStore, tag: string): Promise<void> {
  const existing = findTag(store, tag);
  for (const record of [...store.records()]) {
    if (!record.tags.includes(existing)) continue;
    await retag(
      store,
      record,
      record.tags.filter((t) => t !== existing),
    );
  }
}
