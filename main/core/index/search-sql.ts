// Mailpit's search syntax (main/core/search) compiled to SQL over the index's columns. The query
// is parsed by the same `parseSearchQuery` that the in-memory matcher uses; each term becomes one
// condition, and all of them must hold. The columns hold text already lowercased and cleaned the
// way the terms' values are (see index-row.ts), so a substring test is `instr(column, value)`.
// Plain words use the trigram full-text table to find candidates, then `instr` on its stored text
// for the exact substring: the trigram match alone ignores the order of trigrams.
import type { SearchQuery, SearchTerm } from '../search/index.js';

export interface SqlCondition {
  /** A boolean SQL expression over the `messages` table aliased `m`. */
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

const ADDRESS_COLUMNS = {
  from: 'from_text',
  to: 'to_text',
  cc: 'cc_text',
  bcc: 'bcc_text',
  'reply-to': 'reply_to_text',
} as const;

/** Each term of the query as one SQL condition; joined with AND they select the matches. */
export function searchConditions(query: SearchQuery): SqlCondition[] {
  return query.terms.map(termCondition);
}

function contains(column: string, value: string): SqlCondition {
  return { sql: `instr(m.${column}, ?) > 0`, params: [value] };
}

function not(condition: SqlCondition, negated: boolean): SqlCondition {
  return negated ? { sql: `NOT (${condition.sql})`, params: condition.params } : condition;
}

function termCondition(term: SearchTerm): SqlCondition {
  const { field, value, negated } = term;
  switch (field) {
    case 'is':
      return not(
        value === 'read'
          ? { sql: 'm.read = 1', params: [] }
          : value === 'unread'
            ? { sql: 'm.read = 0', params: [] }
            : { sql: "m.tags_key <> ''", params: [] },
        negated,
      );
    case 'has':
      return not(
        { sql: value === 'attachment' ? 'm.attachments > 0' : 'm.inline > 0', params: [] },
        negated,
      );
    case 'mailbox':
      return not({ sql: 'm.mailbox_key = ?', params: [value] }, negated);
    case 'tag': {
      const tagged = contains('tags_key', `,${value},`);
      if (negated) return not(tagged, true);
      // said outright, the untagged rows are left out by the partial index on tags_key: a count
      // of the quarantine (the queue's listing asks at each read) reads the few tagged rows
      // instead of every row (0.5 against 12 ms at 100,000 messages)
      return { sql: `m.tags_key <> '' AND ${tagged.sql}`, params: tagged.params };
    }
    case 'larger':
    case 'smaller': {
      // as in the matcher (and Mailpit), an exclusion flips the comparison
      const larger = (field === 'larger') !== negated;
      return { sql: larger ? 'm.size > ?' : 'm.size < ?', params: [Number(value)] };
    }
    case 'before':
    case 'after': {
      const onOrAfter = (field === 'after') !== negated;
      const instant = Date.parse(value);
      return { sql: onOrAfter ? 'm.received_ms >= ?' : 'm.received_ms <= ?', params: [instant] };
    }
    case 'subject':
      return not(contains('subject_key', value), negated);
    case 'message-id':
      return not(withTextCandidates(contains('message_id_text', value), value), negated);
    case 'addressed':
      return not(
        withTextCandidates(
          {
            sql: Object.values(ADDRESS_COLUMNS)
              .map((c) => `instr(m.${c}, ?) > 0`)
              .join(' OR '),
            params: Object.values(ADDRESS_COLUMNS).map(() => value),
          },
          value,
        ),
        negated,
      );
    case 'text':
      return not(textCondition(value), negated);
    default:
      return not(withTextCandidates(contains(ADDRESS_COLUMNS[field], value), value), negated);
  }
}

/**
 * Addresses and the Message-ID are also in the full-text table's text (index-row.ts), cleaned the
 * same way, so a value found in such a column is found in that text too: the trigram index gives
 * the candidates (`to:user42@example.test` looks at 100 rows instead of scanning 100,000), and
 * `instr` on the column decides.
 */
function withTextCandidates(condition: SqlCondition, value: string): SqlCondition {
  const trigrams = trigramsOf(value);
  if (trigrams.length === 0) return condition;
  return {
    sql: `m.rowid IN (SELECT rowid FROM message_text WHERE message_text MATCH ?) AND (${condition.sql})`,
    params: [trigramMatch(trigrams), ...condition.params],
  };
}

function trigramMatch(trigrams: readonly string[]): string {
  return trigrams.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ');
}

/** Plain words: the trigram index narrows to candidates, `instr` decides. */
function textCondition(needle: string): SqlCondition {
  const trigrams = trigramsOf(needle);
  if (trigrams.length === 0) {
    // one or two characters: no trigram to look up, so every stored text is scanned
    return {
      sql: 'm.rowid IN (SELECT rowid FROM message_text WHERE instr(text, ?) > 0)',
      params: [needle],
    };
  }
  return {
    sql: 'm.rowid IN (SELECT rowid FROM message_text WHERE message_text MATCH ? AND instr(text, ?) > 0)',
    params: [trigramMatch(trigrams), needle],
  };
}

/** How many trigrams of a long word are looked up: each more is a doclist to intersect. */
const maxTrigrams = 5;

/**
 * Distinct trigrams of the needle (by code point, as the trigram tokenizer counts), at most
 * `maxTrigrams` of them: those likeliest to be rare (digits, signs, uncommon letters), since a
 * common one ("ion") costs a long list and narrows nothing. `instr` checks the whole word anyway.
 */
function trigramsOf(needle: string): string[] {
  const chars = [...needle];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''));
  return [...out]
    .map((trigram, order) => ({ trigram, order, rarity: rarity(trigram) }))
    .sort((a, b) => b.rarity - a.rarity || a.order - b.order)
    .slice(0, maxTrigrams)
    .map((t) => t.trigram);
}

function rarity(trigram: string): number {
  let score = 0;
  for (const ch of trigram) {
    if (ch === ' ') continue;
    if (/[0-9]/.test(ch)) score += 3;
    else if (/[jqxzkvwybgpfm]/.test(ch) || !/[a-z]/.test(ch)) score += 2;
    else score += 1;
  }
  return score;
}
