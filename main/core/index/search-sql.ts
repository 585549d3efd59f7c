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
    case 'tag':
      return not(contains('tags_key', `,${value},`), negated);
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
      return not(contains('message_id_text', value), negated);
    case 'addressed':
      return not(
        {
          sql: Object.values(ADDRESS_COLUMNS)
            .map((c) => `instr(m.${c}, ?) > 0`)
            .join(' OR '),
          params: Object.values(ADDRESS_COLUMNS).map(() => value),
        },
        negated,
      );
    case 'text':
      return not(textCondition(value), negated);
    default:
      return not(contains(ADDRESS_COLUMNS[field], value), negated);
  }
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
    params: [trigrams.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND '), needle],
  };
}

/** Distinct trigrams of the needle (by code point, as the trigram tokenizer counts). */
function trigramsOf(needle: string): string[] {
  const chars = [...needle];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) out.add(chars.slice(i, i + 3).join(''));
  return [...out];
}
