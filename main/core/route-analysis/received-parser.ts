// One Received field into its clauses (RFC 5321 §4.4 Stamp, RFC 5322 §3.6.7 received-token):
//   from <helo> (<rdns> [<ip>]) by <host> via <link> with <protocol> id <id> for <rcpt>; <date>
// Servers fill it in their own ways, so after the clauses are found, the client's HELO name,
// reverse-DNS name and address are picked out of the from-clause comments the way each MTA
// writes them (the placements SpamAssassin's Received.pm catalogues).
import { normalizeIp } from '../net/ip-address.js';
import { findMailDate, parseMailDate, type MailDate } from '../mail/mail-date.js';
import { allComments, lexStructured, type Token } from './structured-lexer.js';

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
  date: MailDate | null;
  parsed: boolean;
  /** Human-readable notes on what was odd, e.g. an unclosed comment. */
  problems: string[];
}

type Keyword =
  'from' | 'by' | 'via' | 'with' | 'id' | 'for' | 'envelope-from' | 'envelope-sender' | 'tls';

// `envelope-from` is Haraka's bare clause; `tls CIPHER` is Exim's and Haraka's.
const keyword = /^(?:from|by|via|with|id|for|envelope-from|envelope-sender|tls)$/i;

/** The clause keyword a word is (any case), or null. */
function keywordOf(token: Token): Keyword | null {
  if (token.kind !== 'word' || !keyword.test(token.text)) return null;
  return token.text.toLowerCase() as Keyword;
}

interface Clause {
  keyword: Keyword;
  tokens: Token[];
}

const isValueToken = (token: Token): boolean =>
  token.kind !== 'comment' && token.kind !== 'semicolon';

/** RFC 3848 plain keywords: no TLS unless a comment says otherwise. */
const plainProtocol = /^(?:SMTP|ESMTP|ESMTPA|LMTP|LMTPA)$/i;
/** RFC 3848 / RFC 6531 / RFC 8314 keywords that say TLS: …S and …SA (ESMTPS, UTF8SMTPSA, HTTPS). */
const secureProtocol = /^(?:[A-Z0-9]*MTP|HTTP)SA?$/i;
const authenticatedProtocol = /^(?:[A-Z0-9]*MTP|HTTP)S?A$/i;

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
function locateDate(tokens: readonly Token[]): { at: number; date: MailDate | null } {
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

function splitClauses(tokens: readonly Token[], dateAt: number): Clause[] {
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
const trimPunctuation = (text: string): string => text.replace(/[,;]+$/, '');

/** What follows an `ident@` or `user@` prefix. */
const afterAt = (text: string): string => text.replace(/^.*@/, '');

/** The first clause with this keyword that has a value, else the first with it at all. */
function pickClause(clauses: readonly Clause[], keyword: Keyword): Clause | undefined {
  let bare: Clause | undefined;
  for (const clause of clauses) {
    if (clause.keyword !== keyword) continue;
    if (clause.tokens.some(isValueToken)) return clause;
    bare ??= clause;
  }
  return bare;
}

function firstValue(clause: Clause | undefined): Token | undefined {
  return clause?.tokens.find(isValueToken);
}

/** Clause words as written, comments dropped, folds already collapsed to single spaces. */
function clauseText(clause: Clause | undefined): string | null {
  if (!clause) return null;
  return (
    clause.tokens
      .filter(isValueToken)
      .map((token) => token.text)
      .join(' ') || null
  );
}

/** `<addr>`, `addr;` or `addr,` to the bare address. */
function bareAddress(token: Token | undefined): string | null {
  if (!token) return null;
  let text = token.kind === 'angle' ? token.inner : token.text;
  text = trimPunctuation(text);
  if (text.startsWith('<')) text = text.slice(1);
  if (text.endsWith('>')) text = text.slice(0, -1);
  return text || null;
}

/** A reverse-DNS name as written: `IDENT:user@` and the root's trailing dot dropped. */
function cleanRdns(text: string | undefined): string | null {
  if (!text) return null;
  let name = afterAt(text);
  if (name.endsWith('.')) name = name.slice(0, -1);
  name = trimPunctuation(name);
  if (!name || /^unknown$/i.test(name) || name.startsWith('[') || normalizeIp(name)) return null;
  return name;
}

interface ClientFacts {
  helo: string | null;
  rdns: string | null;
  ip: string | null;
  ipFirstInComment: boolean;
}

/** Words that name something other than the client's address or name. */
const labelled = /^(?:helo|ident|port|envelope-from|envelope-sender)=|^(?:helo|ehlo)$/i;
const heloKeyword = /^(?:HELO|EHLO)$/i;
const heloWord = /^(?:HELO|EHLO|helo=)$/i;
const eximHelo = /^helo=(.*)$/i;
/** Every comment that can name the HELO holds one of these, so the others need no lexing. */
const mentionsHelo = /helo|ehlo/i;

/** Exim `helo=x` (or `helo=` then a literal), or `HELO x` opening the comment. */
function heloIn(inner: readonly Token[]): string | null {
  for (let index = 0; index < inner.length; index++) {
    const token = inner[index] as Token;
    if (token.kind !== 'word') continue;
    const next = inner[index + 1];
    const exim = eximHelo.exec(token.text);
    if (exim) {
      // Exim writes a literal HELO as `helo=[192.0.2.1]`, which lexes as two tokens
      const helo = exim[1] || (next && !next.spaceBefore ? next.text : null);
      if (helo !== null) return helo;
    } else if (index === 0 && next && heloKeyword.test(token.text)) {
      return next.text;
    }
  }
  return null;
}

/**
 * The client as the from-clause records it. Placements by MTA (SpamAssassin Received.pm):
 * Postfix/Sendmail `helo (rdns [ip])`, Exim `rdns ([ip]:port helo=x)` and `[ip] (helo=x)`,
 * qmail `rdns (HELO x) (ident@ip)`, Yahoo `ip (EHLO x)`, Microsoft `helo (ip)`.
 */
function clientFacts(tokens: readonly Token[]): ClientFacts {
  const facts: ClientFacts = { helo: null, rdns: null, ip: null, ipFirstInComment: false };
  for (const comment of tokens) {
    if (comment.kind !== 'comment') continue;
    const wantsHelo = facts.helo === null && mentionsHelo.test(comment.inner);
    if (!wantsHelo && facts.ip !== null) continue;
    const inner = lexStructured(comment.inner);
    if (wantsHelo) facts.helo = heloIn(inner);
    if (facts.ip !== null) continue;
    for (let index = 0; index < inner.length; index++) {
      const token = inner[index] as Token;
      const previous = inner[index - 1];
      if (token.kind === 'comment' || token.kind === 'semicolon') continue;
      if (token.kind === 'word' && labelled.test(token.text)) continue;
      if (previous?.kind === 'word' && heloWord.test(previous.text)) continue;
      const candidate = token.kind === 'word' ? afterAt(token.text) : token.text;
      const ip = normalizeIp(trimPunctuation(candidate));
      if (!ip) continue;
      facts.ip = ip;
      if (previous?.kind === 'word' && !previous.text.includes('=') && index > 0) {
        facts.rdns = cleanRdns(previous.text);
      } else {
        facts.ipFirstInComment = index === 0;
      }
      break;
    }
  }
  return facts;
}

interface FromClause {
  from: string | null;
  fromRdns: string | null;
  fromIp: string | null;
}

const eximMarks = /\(\s*Exim\b|\bport=|\]:\d+/i;
const qmailMarks = /\((?:HELO|EHLO)\s/i;

function analyseFrom(clause: Clause | undefined, fieldText: string): FromClause {
  if (!clause) return { from: null, fromRdns: null, fromIp: null };
  const first = firstValue(clause);
  const facts = clientFacts(clause.tokens);
  const firstIp = first && first.kind !== 'angle' ? normalizeIp(first.text) : null;
  let ip = facts.ip;
  // an address left outside a comment, e.g. by a truncated field: `from x (y [192.0.2.1`
  if (ip === null) {
    for (const token of clause.tokens) {
      if (token === first || token.kind !== 'literal') continue;
      ip = normalizeIp(token.text);
      if (ip) break;
    }
  }
  ip ??= firstIp;
  let rdns = facts.rdns;
  // Exim (helo differs → `helo=`; a port or `(Exim …)`) and qmail/Yahoo (`(HELO x)`) put the
  // reverse-DNS name first and the client's own word in the comment. The field-wide searches
  // run only when their answer is needed.
  if (rdns === null && first?.kind === 'word') {
    const eximLike = facts.ipFirstInComment && (facts.helo !== null || eximMarks.test(fieldText));
    if (eximLike || qmailMarks.test(fieldText) || /qmail/i.test(fieldText)) {
      rdns = cleanRdns(first.text);
    }
  }
  const from = facts.helo ?? (first ? trimPunctuation(first.text) : null);
  return { from: from || null, fromRdns: rdns, fromIp: ip };
}

function ipInComments(clause: Clause | undefined): string | null {
  if (!clause) return null;
  for (const token of clause.tokens) {
    if (token.kind !== 'comment') continue;
    const ip = normalizeIp(afterAt(token.inner));
    if (ip) return ip;
  }
  return null;
}

interface TlsFacts {
  tls: boolean | null;
  version: string | null;
  cipher: string | null;
}

const mentionsTls = /tls|ssl|encrypt|cipher/i;
const postfixTls = /\busing\s+((?:TLS|SSL)v?[\d.]+)(?:\s+with\s+cipher\s+(\S+))?/i;
const keyedTls = /\bversion=((?:TLS|SSL)v?[\w.]*)/i;
const eximTls = /^((?:TLS|SSL)(?:v?\d+(?:[._]\d+)*)?)(?::([^:\s]+))?(?:[:\s,]|$)/i;
const encrypted = /(?<!\bnot\s)\bencrypted\b/i;
const qmailCipher = /^(\S+)\s+encrypted\b/i;
const tlsLabel = /\bTLS:\s*\S/;
const keyedCipher = /\bcipher=([\w-]+)/i;
const startTls = /\bSTARTTLS\b/i;

/** What one comment says of TLS, tried in this order; null when it says nothing. */
function tlsInComment(text: string): { version: string | null; cipher: string | null } | null {
  const postfix = postfixTls.exec(text);
  if (postfix) return { version: postfix[1] ?? null, cipher: postfix[2] ?? null };
  const keyed = keyedTls.exec(text);
  if (keyed) return { version: keyed[1] ?? null, cipher: null };
  const exim = eximTls.exec(text);
  if (exim) {
    // a bare `TLS` names no version
    const version = exim[1] && exim[1].length > 3 ? exim[1] : null;
    return { version, cipher: exim[2] ?? null };
  }
  if (encrypted.test(text)) return { version: null, cipher: qmailCipher.exec(text)?.[1] ?? null };
  if (tlsLabel.test(text)) return { version: null, cipher: null };
  return null;
}

/**
 * TLS as the field records it: the protocol keyword (RFC 3848 "S"), Postfix `using TLSv1.3`,
 * Sendmail/Gmail/Microsoft `version=TLS…`, Exchange `(TLS)`, Exim `(TLS1.3) tls CIPHER` and legacy
 * `(TLS1.2:CIPHER:256)`, qmail `(CIPHER encrypted)`, Mimecast `with … STARTTLS`.
 */
function tlsFacts(
  protocol: string | null,
  clauses: readonly Clause[],
  comments: string[],
): TlsFacts {
  let version: string | null = null;
  let cipher: string | null = null;
  let marker = false;
  for (const comment of comments) {
    if (!mentionsTls.test(comment)) continue;
    const text = comment.trim();
    const found = tlsInComment(text);
    if (found) {
      marker = true;
      version ??= found.version;
      cipher ??= found.cipher;
    }
    cipher ??= keyedCipher.exec(text)?.[1] ?? null;
  }
  const tlsClause = clauses.find((clause) => clause.keyword === 'tls');
  const tlsCipher = firstValue(tlsClause);
  if (tlsCipher) {
    marker = true;
    cipher ??= tlsCipher.text;
  }
  if (clauses.some((c) => c.keyword === 'with' && startTls.test(clauseText(c) ?? ''))) {
    marker = true;
  }
  let tls: boolean | null = null;
  if (marker || (protocol !== null && secureProtocol.test(protocol))) tls = true;
  else if (protocol !== null && plainProtocol.test(protocol)) tls = false;
  return { tls, version, cipher };
}

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
  const clause = (keyword: Keyword): Clause | undefined => pickClause(clauses, keyword);
  const fromClause = clause('from');
  const byClause = clause('by');
  const withClause = clauses.find((c) => c.keyword === 'with');
  const protocol = clauseText(withClause);
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
    (/\benvelope-(?:from|sender)\s+<?([^\s<>()]*)>?/i.exec(commentText)?.[1] || null);
  const authenticated =
    (protocol !== null && authenticatedProtocol.test(protocol)) ||
    /\bAuthenticated sender:|\bauthenticated\b|\bAUTH:/i.test(commentText);
  const withLower = protocol?.toLowerCase() ?? '';
  // Local submission: Exim "with local", qmail "invoked by uid", Postfix "(Postfix, from userid
  // 1000)", Sendmail's "(from user@localhost)" standing where the from-clause would be.
  const local =
    /^local(?:-e?smtp)?$/.test(withLower) ||
    /\binvoked\s+(?:by|for)\b|\bfrom\s+userid\b/i.test(value) ||
    (!fromClause &&
      tokens.some((token) => token.kind === 'comment' && /^\s*from\s/i.test(token.inner)));
  const found =
    from.from !== null ||
    by !== null ||
    protocol !== null ||
    firstValue(clause('id')) !== undefined ||
    recipient !== null ||
    date !== null;
  return {
    from: from.from,
    fromRdns: from.fromRdns,
    fromIp: from.fromIp,
    by,
    byIp: (byToken ? normalizeIp(byToken.text) : null) ?? ipInComments(byClause),
    via: clauseText(clause('via')),
    with: protocol,
    tls: tls.tls,
    tlsVersion: tls.version,
    tlsCipher: tls.cipher,
    id: bareAddress(firstValue(clause('id'))),
    for: recipient,
    envelopeFrom,
    authenticated,
    local,
    forged: /\bmay be forged\b/i.test(commentText),
    date,
    parsed: found,
    problems,
  };
}
