// The stamp cut into its clauses (RFC 5321 §4.4): which words belong to which keyword, and where
// the date begins, since a date may stand anywhere and its words must not be read as a clause's.
import { findMailDate, parseMailDate, type MailDate } from '../mail/mail-date.js';
import type { Token } from './structured-lexer.js';

export type Keyword =
  'from' | 'by' | 'via' | 'with' | 'id' | 'for' | 'envelope-from' | 'envelope-sender' | 'tls';

// `envelope-from` is Haraka's bare clause; `tls CIPHER` is Exim's and Haraka's.
const keyword = /^(?:from|by|via|with|id|for|envelope-from|envelope-sender|tls)$/i;

/** The clause keyword a word is (any case), or null. */
function keywordOf(token: Token): Keyword | null {
  if (token.kind !== 'word' || !keyword.test(token.text)) return null;
  return token.text.toLowerCase() as Keyword;
}

export interface Clause {
  keyword: Keyword;
  tokens: Token[];
}

const isValueToken = (token: Token): boolean =>
  token.kind !== 'comment' && token.kind !== 'semicolon';

/** The tokens' text without comments, joined by single spaces (folds already collapsed). */
function wordsOf(tokens: readonly Token[]): string {
  return tokens
    .filter((token) => token.kind !== 'comment')
    .map((token) => token.text)
    .join(' ');
}

/**
 * Where the date is: after the last top-level ";" (RFC 5322 §3.6.7) whose text reads as a date,
 * else wherever a date appears (servers such as SendGrid write no ";").
 * Returns the token index where the date starts, or -1.
 */
export function locateDate(tokens: readonly Token[]): { at: number; date: MailDate | null } {
  let lastSemicolon = -1;
  for (let index = tokens.length - 1; index >= 0; index--) {
    if (tokens[index]?.kind !== 'semicolon') continue;
    if (lastSemicolon < 0) lastSemicolon = index;
    const date = parseMailDate(wordsOf(tokens.slice(index + 1)));
    if (date) return { at: index, date };
  }
  // the words joined as wordsOf does, remembering where each token starts in the joined text
  const starts = new Map<Token, number>();
  let joined = '';
  for (const token of tokens) {
    if (token.kind === 'comment') continue;
    if (joined !== '') joined += ' ';
    starts.set(token, joined.length);
    joined += token.text;
  }
  const found = findMailDate(joined);
  if (!found) return { at: lastSemicolon, date: null };
  const at = tokens.findIndex((token) => (starts.get(token) ?? -1) >= found.index);
  return { at, date: found.date };
}

export function splitClauses(tokens: readonly Token[], dateAt: number): Clause[] {
  const clauses: Clause[] = [];
  let current: Clause | null = null;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (index === dateAt || token.kind === 'semicolon') {
      current = null;
      continue;
    }
    const clauseKeyword = keywordOf(token);
    // qmail's "invoked by uid 89" / "invoked from network" outside parentheses is not a clause
    const previous = tokens[index - 1];
    const afterInvoked =
      clauseKeyword !== null && previous?.kind === 'word' && /^invoked$/i.test(previous.text);
    if (clauseKeyword !== null && !afterInvoked) {
      // a keyword after the date still starts a clause: Courier writes "; <date> id …"
      current = { keyword: clauseKeyword, tokens: [] };
      clauses.push(current);
    } else {
      current?.tokens.push(token);
    }
  }
  return clauses;
}

/** Without trailing "," and ";", e.g. `host;` in a clause. */
export const trimPunctuation = (text: string): string => text.replace(/[,;]+$/, '');

/** What follows an `ident@` or `user@` prefix. */
export const afterAt = (text: string): string => text.replace(/^.*@/, '');

/** The first clause with this keyword that has a value, else the first with it at all. */
export function pickClause(clauses: readonly Clause[], keyword: Keyword): Clause | undefined {
  let bare: Clause | undefined;
  for (const clause of clauses) {
    if (clause.keyword !== keyword) continue;
    if (clause.tokens.some(isValueToken)) return clause;
    bare ??= clause;
  }
  return bare;
}

export function firstValue(clause: Clause | undefined): Token | undefined {
  return clause?.tokens.find(isValueToken);
}

/** Clause words as written, comments dropped, folds already collapsed to single spaces. */
export function clauseText(clause: Clause | undefined): string | null {
  if (!clause) return null;
  return (
    clause.tokens
      .filter(isValueToken)
      .map((token) => token.text)
      .join(' ') || null
  );
}

/** `<addr>`, `addr;` or `addr,` to the bare address. */
export function bareAddress(token: Token | undefined): string | null {
  if (!token) return null;
  let text = token.kind === 'angle' ? token.inner : token.text;
  text = trimPunctuation(text);
  if (text.startsWith('<')) text = text.slice(1);
  if (text.endsWith('>')) text = text.slice(0, -1);
  return text || null;
}
