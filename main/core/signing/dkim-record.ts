// The DNS TXT record a domain publishes for a selector (RFC 6376 §3.6.2.2), in the forms people
// paste into a DNS provider's form or a zone file, and the comparison of a published record with
// ours ("Check DNS").
import { domainToASCII } from 'node:url';
import type { DnsAnswer } from '../dns/dns-resolver.js';
import type { DkimAlgorithm } from './dkim-key.js';

import type { DkimDnsCheck, DkimDnsRecord } from '../../../preload/auth-contract.js';

export type {
  DkimDnsCheck,
  DkimDnsRecord,
  DnsCheckStatus,
} from '../../../preload/auth-contract.js';

export function recordName(domain: string, selector: string): string {
  return `${selector}._domainkey.${domainToASCII(domain) || domain}`;
}

export function dkimRecord(
  domain: string,
  selector: string,
  algorithm: DkimAlgorithm,
  publicKey: string,
): DkimDnsRecord {
  const name = recordName(domain, selector);
  const value = `v=DKIM1; k=${algorithm}; p=${publicKey}`;
  const strings: string[] = [];
  for (let i = 0; i < value.length; i += 255) strings.push(`"${value.slice(i, i + 255)}"`);
  return { name, value, zoneLine: `${name}. 3600 IN TXT ( ${strings.join(' ')} )` };
}

/** Tag=value pairs of a DKIM key record; whitespace inside values (folded p=) removed. */
export function parseRecordTags(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** Compares what DNS answered at the record's name with the record we would publish. */
export function compareRecord(expected: DkimDnsRecord, answer: DnsAnswer<string>): DkimDnsCheck {
  const base = { name: expected.name, expected: expected.value };
  if (answer.status === 'offline' || answer.status === 'servfail') {
    return {
      ...base,
      status: 'unknown',
      found: [],
      reason: `could not check: ${answer.reason}; try again when DNS is reachable`,
    };
  }
  if (answer.status !== 'found') {
    return {
      ...base,
      status: 'missing',
      found: [],
      reason: `no TXT record at ${expected.name}; publish the record shown (DNS changes can take up to the TTL to appear)`,
    };
  }
  const ours = parseRecordTags(expected.value);
  const dkim = answer.records.filter((r) => /^\s*v\s*=\s*DKIM1/i.test(r) || /p\s*=/.test(r));
  const same = dkim.find((r) => {
    const tags = parseRecordTags(r);
    return tags.get('p') === ours.get('p') && (tags.get('k') ?? 'rsa') === ours.get('k');
  });
  // v= is case-sensitive (RFC 6376 §3.2, §3.6.1: exactly DKIM1, or the record is discarded):
  // dkimpy fails `v=dkim1`, as typed by someone who took the tag for a keyword
  const version = same === undefined ? undefined : parseRecordTags(same).get('v');
  if (version !== undefined && version !== 'DKIM1')
    return {
      ...base,
      status: 'mismatch',
      found: answer.records,
      reason: `the published record has v=${version}, not v=DKIM1: the tag is case-sensitive, and receivers that follow RFC 6376 discard the record; publish the record shown`,
    };
  // Two key records at one name: an old key's record left beside the new one. OpenDKIM fails
  // such a lookup outright ("multiple DNS replies") and others take whichever answer comes first,
  // so the signatures pass at some receivers and fail at others, from one lookup to the next.
  const others = dkim.filter((r) => r !== same);
  if (same && others.length > 0)
    return {
      ...base,
      status: 'mismatch',
      found: answer.records,
      reason: `${expected.name} has ${dkim.length} DKIM records: this key's and ${others.length === 1 ? 'another' : `${others.length} others`}; receivers read one of them or fail the lookup, so delete the other${others.length === 1 ? '' : 's'} and keep only the record shown`,
    };
  if (same)
    return {
      ...base,
      status: 'match',
      found: answer.records,
      reason: 'the published record matches this key',
    };
  if (dkim.length === 0) {
    return {
      ...base,
      status: 'missing',
      found: answer.records,
      reason: `the TXT record at ${expected.name} is not a DKIM key record; publish the record shown`,
    };
  }
  const misPasted = misPastedReason(dkim, ours);
  if (misPasted) return { ...base, status: 'mismatch', found: answer.records, reason: misPasted };
  const revoked = dkim.some((r) => parseRecordTags(r).get('p') === '');
  // the key is right but its type is not: an Ed25519 key published without k=ed25519 is read
  // as RSA (k= defaults to rsa, RFC 6376 §3.6.1) and no signature of it verifies
  const wrongType = dkim
    .map((r) => parseRecordTags(r))
    .find((tags) => tags.get('p') === ours.get('p'));
  if (wrongType) {
    const k = wrongType.get('k');
    return {
      ...base,
      status: 'mismatch',
      found: answer.records,
      reason: `the published record has this key but ${k === undefined ? 'no k= (which means rsa)' : `k=${k}`}; it needs k=${ours.get('k') ?? 'rsa'}: publish the record shown`,
    };
  }
  return {
    ...base,
    status: 'mismatch',
    found: answer.records,
    reason: revoked
      ? `the published record revokes this selector (empty p=); publish the record shown or use another selector`
      : `the published record holds a different key; replace it with the record shown, or use a new selector for this key`,
  };
}

/**
 * The ways a right record gets mangled on its way into a DNS provider's form, said as such: each
 * read "holds a different key", and the admin then made a new key for a record that only needed
 * pasting again. Receivers fail all of them (RFC 6376 §3.6.1: v= must be exactly DKIM1, p= the
 * whole key).
 */
function misPastedReason(records: readonly string[], ours: Map<string, string>): string | null {
  const key = ours.get('p') ?? '';
  for (const record of records) {
    // the zone file's form ("…" "…", inside its parentheses or as the whole line) pasted into
    // a form that wants the bare value: what the quotes hold is the value
    if (record.includes('"')) {
      const unquoted = [...record.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');
      if (parseRecordTags(unquoted).get('p') === key)
        return 'the published record has quote marks in it (the zone file\'s "…" "…" pasted into the DNS provider\'s form, which adds its own); publish the record shown as one value, without quotes';
    }
    const tags = parseRecordTags(record);
    const published = tags.get('p');
    if (published === undefined)
      return 'the published record has no p= (the public key); publish the whole record shown';
    if (published !== '' && published.length < key.length && key.startsWith(published))
      return `the published key is cut short (${published.length} of its ${key.length} characters, as when only the first of the zone file's quoted strings is pasted); publish the whole record shown`;
  }
  return null;
}
