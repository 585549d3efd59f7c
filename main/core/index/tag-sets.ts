// The tags in use, from the index's sets of tags rather than from every tagged record: the list's
// pages (Mailpit's `tags`), /api/v1/info's counts and each tagged arrival (which joins the
// spelling in use) ask for them, and reading every tagged record for that grew with the mailbox.

/** One set of tags in use: its key (index-row.ts's tagsKey), its messages, its spelling. */
export interface TagSetRow {
  count: number;
  /** The tags of the set's oldest message as JSON (the key is lowercased; this keeps the case). */
  tags: string;
}

export interface TagFigures {
  /** Lower-case name → the spelling in use (the oldest message's), so new tags join it. */
  spellings: ReadonlyMap<string, string>;
  /** Spelling → how many messages carry the tag (whatever its case on each). */
  counts: ReadonlyMap<string, number>;
}

/** Folds the sets, oldest first, into one figure per tag. */
export function tagFigures(sets: readonly TagSetRow[]): TagFigures {
  const spellings = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const set of sets) {
    for (const tag of JSON.parse(set.tags) as string[]) {
      const key = tag.toLowerCase();
      const spelling = spellings.get(key) ?? tag;
      spellings.set(key, spelling);
      counts.set(spelling, (counts.get(spelling) ?? 0) + set.count);
    }
  }
  return { spellings, counts };
}
