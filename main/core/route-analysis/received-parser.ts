// One Received field into its clauses (RFC 5321 §4.4 Stamp, RFC 5322 §3.6.7 received-token):
//   from <helo> (<rdns> [<ip>]) by <host> via <link> with <protocol> id <id> for <rcpt>; <date>
// Servers fill it in their own ways, so after the clauses are found, the client's HELO name,
// reverse-DNS name and address are picked out of the from-clause comments the way each MTA
// writes them (the placements SpamAssassin's Received.pm catalogues).
import libmime from 'libmime';
import { normalizeIp } from '../net/ip-address.js';
import type { MailDate } from '../mail/mail-date.js';
import {
  bareAddress,
  clauseText,
  firstValue,
  locateDate,
  pickClause,
  splitClauses,
  trimPunctuation,
  type Clause,
  type Keyword,
} from './received-clauses.js';
import { analyseFrom, ipInComments } from './received-client.js';
import { authenticatedProtocol, protocolKeyword, tlsFacts } from './received-protocol.js';
import { allComments, lexStructured } from './structured-lexer.js';

export interface ParsedReceived {
  from: string | null;
  fromRdns: string | null;
  fromIp: string | null;
  by: string | null;
  byIp: string | null;
  via: string | null;
  with: string | null;
  tls: boolean | null;
  tlsVersion: string | null;
  tlsCipher: string | null;
  id: string | null;
  for: string | null;
  envelopeFrom: string | null;
  authenticated: boolean;
  local: boolean;
  forged: boolean;
  /**
   * The client came over a local socket (Cyrus `from mx ([unix socket]) by mx (Cyrus) with
   * LMTPA`): the machine itself handed it over, with no network between.
   */
  localSocket: boolean;
  /** The receiver found no reverse-DNS name for the client: its name is only its HELO. */
  noReverseDns: boolean;
  date: MailDate | null;
  parsed: boolean;
  /** Human-readable notes on what was odd, e.g. an unclosed comment. */
  problems: string[];
}

/**
 * RFC 2047 encoded words (`=?utf-8?q?m=C3=BCller?=`) decoded for reading. They have no place in
 * a Received field's clauses (§5 allows them in comments only), but servers copy a client's
 * HELO or a webmail user's name into it as they got it; the field itself stays as written (raw).
 */
function decodedWords(text: string | null): string | null {
  if (text === null || !text.includes('=?')) return text;
  try {
    // what a sender encodes may hide anything: a control character, or a bidi override that
    // shows `exe.pdf` for `fdp.exe`; each is shown as U+FFFD, never acted on
    return libmime.decodeWords(text).replace(unsafeDecoded, '\uFFFD');
  } catch {
    return text;
  }
}

// C0 and C1 controls, zero-width characters, bidi embeddings, overrides and isolates
const unsafeDecoded = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/gu;

/** Reads one Received field value (unfolded). Never throws. */
export function parseReceived(value: string): ParsedReceived {
  const problems: string[] = [];
  const tokens = lexStructured(value);
  let unclosedBracket = false;
  let unclosedComment = false;
  for (const token of tokens) {
    if (!token.closed) unclosedBracket = true;
    // the lexer keeps a "(" that nothing closes inside a word
    else if (token.kind === 'word' && token.text.includes('(')) unclosedComment = true;
  }
  if (unclosedBracket) problems.push('an unclosed bracket or angle address');
  if (unclosedComment) problems.push('an unclosed comment');
  const { at: dateAt, date } = locateDate(tokens);
  const clauses = splitClauses(tokens, dateAt);
  // IBM's gateway names the envelope sender after the recipient, `for <rcpt> from <sender>;`: an
  // address, not the client (which it names first, `from localhost by e06smtp03.uk.ibm.com`)
  const senderAfterFor = clauses.find(
    (c, index) =>
      c.keyword === 'from' &&
      clauses[index - 1]?.keyword === 'for' &&
      firstValue(c)?.kind === 'angle',
  );
  const clause = (keyword: Keyword): Clause | undefined =>
    pickClause(senderAfterFor ? clauses.filter((c) => c !== senderAfterFor) : clauses, keyword);
  const fromClause = clause('from');
  const byClause = clause('by');
  const withClause = clauses.find((c) => c.keyword === 'with');
  const protocol = protocolKeyword(clauseText(withClause));
  const comments = allComments(tokens);
  const commentText = comments.join(' ');
  const from = analyseFrom(fromClause, value);
  const byToken = firstValue(byClause);
  const by = byToken ? trimPunctuation(byToken.text) || null : null;
  const tls = tlsFacts(protocol, clauses, comments);
  const forClause = clause('for');
  let recipient = bareAddress(firstValue(forClause));
  // Sendmail writes "for multiple recipients" (no single recipient to name)
  if (recipient && /^multiple$/i.test(recipient)) recipient = null;
  const envelopeFrom =
    bareAddress(firstValue(clause('envelope-from') ?? clause('envelope-sender'))) ??
    (/\benvelope-(?:from|sender)\s+<?([^\s<>()]*)>?/i.exec(commentText)?.[1] || null) ??
    bareAddress(firstValue(senderAfterFor));
  const authenticated =
    (protocol !== null && authenticatedProtocol.test(protocol)) ||
    /\bAuthenticated sender:|\bauthenticated\b|\bAUTH:/i.test(commentText);
  const withLower = protocol?.toLowerCase() ?? '';
  // Local submission: Exim "with local", qmail "invoked by uid", Postfix "(Postfix, from userid
  // 1000)", Sendmail's "(from user@localhost)" standing where the from-clause would be. And a
  // stamp with neither a client nor a protocol, only its host (`by mx.example (Postfix) id …`):
  // a report the host wrote itself, as Postfix's bounce daemon and Relaydesk stamp theirs. Every
  // receipt over the network names its protocol (`with ESMTP`); qmail's "invoked from network"
  // names neither and stays a hop whose client is unnamed.
  const local =
    /^local(?:-e?smtp)?$/.test(withLower) ||
    /\binvoked\s+(?:by|for)\b|\bfrom\s+userid\b/i.test(value) ||
    (!fromClause &&
      tokens.some((token) => token.kind === 'comment' && /^\s*from\s/i.test(token.inner))) ||
    (!fromClause && protocol === null && by !== null && !/\binvoked\s+from\b/i.test(value));
  const found =
    from.from !== null ||
    by !== null ||
    protocol !== null ||
    firstValue(clause('id')) !== undefined ||
    recipient !== null ||
    date !== null;
  return {
    from: decodedWords(from.from),
    fromRdns: decodedWords(from.fromRdns),
    fromIp: from.fromIp,
    by: decodedWords(by),
    byIp: (byToken ? normalizeIp(byToken.text) : null) ?? ipInComments(byClause),
    via: decodedWords(clauseText(clause('via'))),
    with: decodedWords(protocol),
    tls: tls.tls,
    tlsVersion: tls.version,
    tlsCipher: tls.cipher,
    id: decodedWords(bareAddress(firstValue(clause('id')))),
    for: decodedWords(recipient),
    envelopeFrom: decodedWords(envelopeFrom),
    authenticated,
    local,
    forged: /\bmay be forged\b/i.test(commentText),
    localSocket:
      fromClause?.tokens.some(
        (token) => token.kind === 'comment' && /^\s*\[unix socket\]\s*$/i.test(token.inner),
      ) ?? false,
    noReverseDns: from.fromIp !== null && from.noReverseDns,
    date,
    parsed: found,
    problems,
  };
}
