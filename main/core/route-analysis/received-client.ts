// The from-clause and by-clause: who handed the message over (HELO, reverse-DNS name, address)
// and who took it, read from wherever each MTA puts them in its comments.
import { normalizeIp } from '../net/ip-address.js';
import { afterAt, firstValue, trimPunctuation, type Clause } from './received-clauses.js';
import { lexStructured, type Token } from './structured-lexer.js';

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
  /** The receiver wrote `unknown` where the reverse-DNS name goes: it looked and found none. */
  rdnsUnknown: boolean;
}

/** Words that name something other than the client's address or name. */
const labelled = /^(?:helo|ident|port|envelope-from|envelope-sender)=|^(?:helo|ehlo)$/i;
const heloKeyword = /^(?:HELO|EHLO)$/i;
const heloWord = /^(?:HELO|EHLO|helo=)$/i;
const eximHelo = /^helo=(.*)$/i;
/** Every comment that can name the HELO holds one of these, so the others need no lexing. */
const mentionsHelo = /helo|ehlo/i;

/** ZMailer (vger.kernel.org) quotes the greeting: `([192.0.2.1]:4321 "EHLO x" rhost-flags-…)`. */
const quotedHelo = /^\s*(?:HELO|EHLO)\s+(\S+)\s*$/i;

/** Exim `helo=x` (or `helo=` then a literal), `HELO x` opening the comment, or ZMailer's quoted one. */
function heloIn(inner: readonly Token[]): string | null {
  for (let index = 0; index < inner.length; index++) {
    const token = inner[index] as Token;
    if (token.kind === 'quoted') {
      const zmailer = quotedHelo.exec(token.inner);
      if (zmailer?.[1]) return zmailer[1];
    }
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
 * qmail `rdns (HELO x) (ident@ip)`, Yahoo `ip (EHLO x)`, Microsoft `helo (ip)`, ZMailer
 * `rdns ([ip]:port "EHLO x")`, NVIDIA's gateway `helo (Not Verified[ip])`.
 */
function clientFacts(tokens: readonly Token[]): ClientFacts {
  const facts: ClientFacts = {
    helo: null,
    rdns: null,
    ip: null,
    ipFirstInComment: false,
    rdnsUnknown: false,
  };
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
      // a gateway's verdict on the client's name where the name goes: `(Not Verified[10.0.0.9])`
      if (previous?.kind === 'word' && /^verified$/i.test(previous.text)) {
        facts.rdnsUnknown = /^not$/i.test(inner[index - 2]?.text ?? '');
      } else if (previous?.kind === 'word' && !previous.text.includes('=') && index > 0) {
        facts.rdns = cleanRdns(previous.text);
        facts.rdnsUnknown = /^unknown$/i.test(previous.text);
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
  /**
   * The receiver looked the client's address up and found no name: Postfix `helo (unknown [ip])`,
   * qmail `unknown (HELO helo) (ip)`, Exim `[ip] (helo=helo)`. The HELO name is then all there is
   * of the client's name, and nothing checked it.
   */
  noReverseDns: boolean;
}

const eximMarks = /\(\s*Exim\b|\bport=|\]:\d+/i;
const qmailMarks = /\((?:HELO|EHLO)\s/i;

export function analyseFrom(clause: Clause | undefined, fieldText: string): FromClause {
  if (!clause) return { from: null, fromRdns: null, fromIp: null, noReverseDns: false };
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
  let noReverseDns = facts.rdnsUnknown;
  // Exim (helo differs → `helo=`; a port or `(Exim …)`) and qmail/Yahoo (`(HELO x)`) put the
  // reverse-DNS name first and the client's own word in the comment. The field-wide searches
  // run only when their answer is needed.
  if (rdns === null && first?.kind === 'word') {
    const eximLike = facts.ipFirstInComment && (facts.helo !== null || eximMarks.test(fieldText));
    if (eximLike || qmailMarks.test(fieldText) || /qmail/i.test(fieldText)) {
      rdns = cleanRdns(first.text);
      noReverseDns ||= /^unknown$/i.test(first.text);
    }
  }
  // Exim writes the address where the name goes when the lookup found none
  if (first?.kind === 'literal' && firstIp !== null && facts.helo !== null) noReverseDns = true;
  const from = facts.helo ?? (first ? trimPunctuation(first.text) : null);
  return { from: from || null, fromRdns: rdns, fromIp: ip, noReverseDns: noReverseDns && !rdns };
}

/**
 * The receiver's own address: Exchange `by host (192.0.2.1)`, or a literal after an internal name,
 * GMX `by mail.gmx.net (mrgmx005 [212.227.17.190])`, amavis `by localhost (mx.example [127.0.0.1])`.
 */
export function ipInComments(clause: Clause | undefined): string | null {
  if (!clause) return null;
  for (const token of clause.tokens) {
    if (token.kind !== 'comment') continue;
    const ip = normalizeIp(afterAt(token.inner));
    if (ip) return ip;
    if (!token.inner.includes('[')) continue;
    for (const inner of lexStructured(token.inner)) {
      const literal = inner.kind === 'literal' ? normalizeIp(inner.text) : null;
      if (literal) return literal;
    }
  }
  return null;
}
