// Authentication-Results (RFC 8601 §2.2), ARC-Authentication-Results (RFC 8617 §4.1.1) and
// Received-SPF (RFC 7208 §9.1) into one list of method results.
//   authres = authserv-id [version] ( ";" "none" / 1*( ";" method["/"version] "=" result
//             [reason] *propspec ) )
import { fieldsNamed, type HeaderField } from '../mail/header-block.js';
import { lexStructured, type Token } from './structured-lexer.js';
import type { AuthenticationResult, Warning } from './types.js';

interface Atom {
  text: string;
  comments: string[];
}

/** Some verifiers omit the ";" between results; a bare `method=` then starts the next one. */
const knownMethods = new Set([
  'auth',
  'dkim',
  'dkim-adsp',
  'dkim-atps',
  'dmarc',
  'arc',
  'spf',
  'sender-id',
  'domainkeys',
  'iprev',
  'rrvs',
  'smime',
  'vbr',
  'bimi',
  'compauth',
  'dnswl',
]);

/**
 * Groups tokens into `key=value` atoms, joining the pieces CFWS may separate (`spf = pass`,
 * `header.b="…"`, `smtp.mailfrom=<a@b>`), one list per ";"-separated part.
 */
function atomsBySegment(tokens: readonly Token[]): Atom[][] {
  const segments: Atom[][] = [[]];
  let previous: Token | null = null;
  for (const token of tokens) {
    const segment = segments[segments.length - 1] as Atom[];
    if (token.kind === 'semicolon') {
      segments.push([]);
      previous = null;
      continue;
    }
    const last = segment[segment.length - 1];
    if (token.kind === 'comment') {
      last?.comments.push(token.inner.trim());
      continue;
    }
    const text = token.kind === 'quoted' ? token.inner.replace(/\\(.)/g, '$1') : token.text;
    const joins =
      last !== undefined &&
      previous !== null &&
      (!token.spaceBefore || last.text.endsWith('=') || text.startsWith('='));
    if (joins && last) last.text += text;
    else segment.push({ text, comments: [] });
    previous = token;
  }
  return segments.filter((segment) => segment.length > 0);
}

function resultsFrom(
  segments: readonly Atom[][],
  base: Omit<AuthenticationResult, 'method' | 'result' | 'reason' | 'comment' | 'properties'>,
): AuthenticationResult[] {
  const results: AuthenticationResult[] = [];
  for (const segment of segments) {
    // each ";" starts a new resinfo
    let current: AuthenticationResult | null = null;
    for (const atom of segment) {
      const eq = atom.text.indexOf('=');
      if (eq <= 0) {
        if (current && current.comment === null && atom.comments.length) {
          current.comment = atom.comments.join(' ');
        }
        continue;
      }
      const key = atom.text.slice(0, eq).toLowerCase();
      const value = atom.text.slice(eq + 1).replace(/^<|>$/g, '');
      const method = key.replace(/\/.*$/, '');
      // methodspec opens each resinfo; ptype.property and reason follow it
      const opens =
        !key.includes('.') && key !== 'reason' && (current === null || knownMethods.has(method));
      if (opens) {
        // spelled out: after `...base`, V8 (Node 20) adds each further property through a slow
        // runtime path, about 0.5 µs apiece, which made this the costliest step of the analysis
        current = {
          header: base.header,
          fieldIndex: base.fieldIndex,
          instance: base.instance,
          authservId: base.authservId,
          method,
          result: value.toLowerCase(),
          reason: null,
          comment: atom.comments.length ? atom.comments.join(' ') : null,
          properties: {},
        };
        results.push(current);
        continue;
      }
      if (!current) continue;
      if (key === 'reason') current.reason = value;
      else current.properties[key] = value;
      if (current.comment === null && atom.comments.length) {
        current.comment = atom.comments.join(' ');
      }
    }
  }
  return results;
}

export function parseAuthenticationResults(
  value: string,
  fieldIndex: number,
): AuthenticationResult[] {
  const segments = atomsBySegment(lexStructured(value));
  const head = segments[0]?.[0];
  // RFC 8601 §2.2 puts the authserv-id first; a field that starts with a result has none
  const hasServId = head !== undefined && !head.text.includes('=');
  return resultsFrom(hasServId ? segments.slice(1) : segments, {
    header: 'Authentication-Results',
    fieldIndex,
    instance: null,
    authservId: hasServId ? head.text : null,
  });
}

export function parseArcAuthenticationResults(
  value: string,
  fieldIndex: number,
): AuthenticationResult[] {
  const segments = atomsBySegment(lexStructured(value));
  const instanceAtom = segments[0]?.[0];
  const instance = instanceAtom ? /^i=(\d+)$/i.exec(instanceAtom.text) : null;
  const rest = instance ? segments.slice(1) : segments;
  const head = rest[0]?.[0];
  const hasServId = head !== undefined && !head.text.includes('=');
  return resultsFrom(hasServId ? rest.slice(1) : rest, {
    header: 'ARC-Authentication-Results',
    fieldIndex,
    instance: instance ? Number(instance[1]) : null,
    authservId: hasServId ? head.text : null,
  });
}

/** RFC 7208 §9.1: `result (comment) key=value; key=value` */
export function parseReceivedSpf(value: string, fieldIndex: number): AuthenticationResult | null {
  const tokens = lexStructured(value);
  const first = tokens.find((token) => token.kind === 'word');
  if (!first || first.text.includes('=')) return null;
  const properties: Record<string, string> = {};
  for (const atom of atomsBySegment(tokens).flat()) {
    const eq = atom.text.indexOf('=');
    if (eq > 0) properties[atom.text.slice(0, eq).toLowerCase()] = atom.text.slice(eq + 1);
  }
  const comment = tokens.find((token) => token.kind === 'comment');
  return {
    header: 'Received-SPF',
    fieldIndex,
    instance: null,
    authservId: properties.receiver ?? null,
    method: 'spf',
    result: first.text.toLowerCase(),
    reason: null,
    comment: comment ? comment.inner.trim() : null,
    properties,
  };
}

const failing = new Set(['fail', 'softfail', 'permerror']);
const checked = new Set(['spf', 'dkim', 'dmarc', 'arc']);

export function authenticationResults(fields: readonly HeaderField[]): {
  results: AuthenticationResult[];
  warnings: Warning[];
} {
  const results: AuthenticationResult[] = [];
  fieldsNamed(fields, 'Authentication-Results').forEach((field, index) => {
    results.push(...parseAuthenticationResults(field.value, index));
  });
  fieldsNamed(fields, 'ARC-Authentication-Results').forEach((field, index) => {
    results.push(...parseArcAuthenticationResults(field.value, index));
  });
  fieldsNamed(fields, 'Received-SPF').forEach((field, index) => {
    const result = parseReceivedSpf(field.value, index);
    if (result) results.push(result);
  });
  const warnings: Warning[] = [];
  const failures = results.filter(
    (result) =>
      result.header === 'Authentication-Results' &&
      checked.has(result.method) &&
      failing.has(result.result),
  );
  for (const result of failures) {
    warnings.push({
      code: 'authentication-failed',
      message:
        `${result.method.toUpperCase()} ${result.result}` +
        (result.authservId ? ` according to ${result.authservId}` : '') +
        (result.comment ? ` (${result.comment})` : '') +
        '.' +
        arcVouched(results, failures, result),
    });
  }
  return { results, warnings };
}

/**
 * What an ARC pass in the same Authentication-Results says of a failure beside it: a mailing
 * list or a forwarder changed the message (a subject tag, a footer) or sent it from its own
 * server, which breaks DKIM, SPF and so DMARC, and sealed what it had found on arrival (RFC 8617
 * §1); a receiver that trusts the seal delivers the message anyway, as Gmail and Microsoft 365 do
 * with Mailman's and Google Groups' mail. Without this, a list's every message read "DMARC fail
 * (p=reject)" beside the ARC pass badge, as if it should have been refused.
 */
function arcVouched(
  results: readonly AuthenticationResult[],
  failures: readonly AuthenticationResult[],
  failed: AuthenticationResult,
): string {
  // said once, after the field's last failure, for all of them
  const inField = failures.filter(
    (result) => result.fieldIndex === failed.fieldIndex && result.method !== 'arc',
  );
  if (failed.method === 'arc' || inField[inField.length - 1] !== failed) return '';
  const arc = results.find(
    (result) =>
      result.header === 'Authentication-Results' &&
      result.fieldIndex === failed.fieldIndex &&
      result.method === 'arc' &&
      result.result === 'pass',
  );
  if (!arc) return '';
  return (
    ` But ARC passed there${arc.comment ? ` (${arc.comment})` : ''}: a mailing list or ` +
    'forwarder on the way changed or re-sent the message and sealed what it found when the ' +
    'message reached it; a receiver that trusts that seal delivers it despite ' +
    (inField.length > 1 ? 'these failures.' : 'this failure.')
  );
}
