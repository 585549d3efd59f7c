// Sender rewriting on the way to the upstream (the `senderRewrite` setting), as Postfix's
// smtp_generic_maps and msmtp's `from`/`set_from_header` do it: a smart host such as Microsoft 365
// or Gmail takes mail only from the mailbox it authenticated (Microsoft answers `554 5.2.252
// SendAsDenied`), while a scanner says `scan@printer.local` and a web form sends as whoever
// filled it in. The first rule whose pattern matches the envelope sender or the From address
// rewrites:
// - the envelope sender (MAIL FROM). The null sender `<>` of a bounce stays null: a bounce sent
//   from a real address could itself bounce, and loop (RFC 5321 §4.5.5);
// - the From field's address when it matches the pattern too, its display name kept
//   (`"Scanner" <scan@printer.local>` becomes `"Scanner" <office@example.com>`); with
//   `"from": "always"` whatever From says, and the original From then goes into a Reply-To when
//   the message has none, so replies to a web form's message still reach the person who wrote it;
// - a Sender field whose address matches the pattern.
// Only the copy sent changes: the stored message, the list and the bounce reports keep what the
// client sent, and each attempt records what it sent as. Rewriting happens before DKIM signing,
// so the signature is made for the new From's domain.
import { z } from 'zod';
import type { DeliveryAttemptView } from '../../../preload/api-contract.js';
import addressparser from 'nodemailer/lib/addressparser';
import { headerBlockEnd } from '../mail/header-block.js';
import {
  isPlainAddress,
  matchesPattern,
  parseAddressPattern,
  type AddressPattern,
} from '../routing-rules/index.js';
import { objectError, show } from '../routing-rules/settings-errors.js';
import { parseSettingsList } from '../sender-control/settings-list.js';

export interface SenderRewriteRule {
  match: AddressPattern;
  to: string;
  /** `matching`: the From field only when its address matches too; `always`: every From. */
  from: 'matching' | 'always';
}

export interface SenderRewriteSource {
  match: string;
  to: string;
  from?: 'always';
}

export const senderRewriteExample = '[{"match": "*@printer.local", "to": "office@example.com"}]';

function ruleSchema(at: string) {
  return z
    .strictObject(
      {
        // optional here so that a missing one is said in words below, not as zod's
        // "expected nonoptional, received undefined"
        match: z.unknown().optional(),
        to: z.unknown().optional(),
        from: z.unknown().optional(),
      },
      {
        error: objectError(
          at,
          'match, to and from',
          '{"match": "*@printer.local", "to": "office@example.com"}',
        ),
      },
    )
    .transform((value, ctx): SenderRewriteRule => {
      // every problem of the entry at once, as a quota's are (quotas.ts): fixing a bad pattern
      // should not reveal, at the next save, that the address beside it was wrong too
      const problems: string[] = [];
      let pattern: AddressPattern | null = null;
      if (value.match === undefined) {
        problems.push(
          `${at}.match is missing; give the senders to rewrite as a glob such as "*@printer.local"`,
        );
      } else if (typeof value.match !== 'string') {
        problems.push(
          `${at}.match: ${show(value.match)} is not a pattern; give the senders to rewrite as a glob such as "*@printer.local" or a regex such as "/@(web|www)\\.local$/i"`,
        );
      } else {
        const parsed = parseAddressPattern(value.match);
        if ('problem' in parsed)
          problems.push(`${at}.match: ${show(value.match)} ${parsed.problem}`);
        else pattern = parsed.pattern;
      }
      if (value.to === undefined) {
        problems.push(
          `${at}.to is missing; give the address the upstream lets you send as, e.g. "office@example.com"`,
        );
      } else if (typeof value.to !== 'string' || !isPlainAddress(value.to.trim())) {
        problems.push(
          `${at}.to: ${show(value.to)} is not an email address; give the address the upstream lets you send as, e.g. "office@example.com"`,
        );
      }
      if (value.from !== undefined && value.from !== 'matching' && value.from !== 'always') {
        problems.push(
          `${at}.from: ${show(value.from)} is not valid; give "matching" (the From field only when its address matches too; the default) or "always"`,
        );
      }
      if (problems.length > 0 || pattern === null || typeof value.to !== 'string') {
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return {
        match: pattern,
        to: value.to.trim(),
        from: value.from === 'always' ? 'always' : 'matching',
      };
    });
}

/** Parses the `senderRewrite` list; throws an Error whose message names the entry and the field. */
export function parseSenderRewrite(raw: unknown): SenderRewriteRule[] {
  return parseSettingsList(
    'senderRewrite',
    raw,
    `a list such as ${senderRewriteExample}`,
    ruleSchema,
  );
}

/** A rule as the settings show and save it. */
export function senderRewriteSource(rule: SenderRewriteRule): SenderRewriteSource {
  return {
    match: rule.match.source,
    to: rule.to,
    ...(rule.from === 'always' ? { from: 'always' as const } : {}),
  };
}

/** What an attempt sent as, when a rule rewrote anything (the rule in words: `senderRewrite[0] "*@printer.local"`). */
export type SentAs = NonNullable<DeliveryAttemptView['sentAs']>;

export interface RewrittenMessage {
  mailFrom: string;
  raw: Buffer;
  sentAs: SentAs | null;
}

interface HeaderField {
  name: string;
  /** The whole field as in the message, folds and line ending included. */
  text: string;
}

/** The header block cut into whole fields (each with its continuation lines). */
function headerFields(head: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of head.split(/(?<=\n)/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) last.text += line;
    else fields.push({ name: line.slice(0, Math.max(0, line.indexOf(':'))).trim(), text: line });
  }
  return fields;
}

function fieldValue(field: HeaderField): string {
  return field.text
    .slice(field.text.indexOf(':') + 1)
    .replace(/\r?\n$/, '')
    .replace(/\r?\n(?=[ \t])/g, '')
    .trim();
}

/** The first mailbox address in a field value, or null. */
function firstAddress(value: string): string | null {
  for (const entry of addressparser(value, { flatten: true })) {
    if ('address' in entry && entry.address) return entry.address;
  }
  return null;
}

/**
 * The field with its address replaced by `to`, the display name and comments kept. When the
 * address is not written out as such (an encoded or obsolete form), the field becomes the new
 * address with the display name addressparser read.
 */
function rewriteField(field: HeaderField, address: string, to: string): string {
  const value = fieldValue(field);
  const at = value.toLowerCase().indexOf(address.toLowerCase());
  if (at >= 0) {
    return `${field.name}: ${value.slice(0, at)}${to}${value.slice(at + address.length)}\r\n`;
  }
  const name = addressparser(value, { flatten: true })[0]?.name;
  return `${field.name}: ${name ? `${JSON.stringify(name)} <${to}>` : to}\r\n`;
}

/** The rule in words, as attempts and the routing test say it. */
function ruleName(rules: readonly SenderRewriteRule[], index: number): string {
  return `senderRewrite[${index}] ${show(rules[index]?.match.source ?? '')}`;
}

/**
 * What the upstream would get as MAIL FROM for an envelope sender (the routing test's answer;
 * the From field is only known with a message). Null when no rule rewrites it.
 */
export function rewrittenEnvelopeSender(
  rules: readonly SenderRewriteRule[],
  mailFrom: string,
): { mailFrom: string; rule: string } | null {
  if (mailFrom === '') return null;
  const index = rules.findIndex((r) => matchesPattern(r.match, mailFrom));
  const rule = rules[index];
  return rule ? { mailFrom: rule.to, rule: ruleName(rules, index) } : null;
}

/** Applies the first matching rule; the same bytes and sender come back when none matches. */
export function rewriteSender(
  rules: readonly SenderRewriteRule[],
  mailFrom: string,
  raw: Buffer,
): RewrittenMessage {
  const unchanged = { mailFrom, raw, sentAs: null };
  if (rules.length === 0) return unchanged;
  const { bodyStart } = headerBlockEnd(raw);
  const head = raw.subarray(0, bodyStart).toString('utf8');
  const fields = headerFields(head);
  const fieldNamed = (name: string) => fields.find((f) => f.name.toLowerCase() === name);
  const fromField = fieldNamed('from');
  const fromAddress = fromField ? firstAddress(fieldValue(fromField)) : null;
  const index = rules.findIndex(
    (r) =>
      (mailFrom !== '' && matchesPattern(r.match, mailFrom)) ||
      matchesPattern(r.match, fromAddress),
  );
  const rule = rules[index];
  if (!rule) return unchanged;

  const newMailFrom = mailFrom !== '' && matchesPattern(rule.match, mailFrom) ? rule.to : mailFrom;
  let newFrom: string | null = null;
  const out: string[] = [];
  for (const field of fields) {
    const name = field.name.toLowerCase();
    if (field === fromField && fromAddress && fromAddress.toLowerCase() !== rule.to.toLowerCase()) {
      if (rule.from === 'always' || matchesPattern(rule.match, fromAddress)) {
        const text = rewriteField(field, fromAddress, rule.to);
        newFrom = fieldValue({ name: field.name, text });
        out.push(text);
        // replies to a form's message go to whoever filled it in, not to the office mailbox
        if (!matchesPattern(rule.match, fromAddress) && !fieldNamed('reply-to'))
          out.push(`Reply-To: ${fieldValue(field)}\r\n`);
        continue;
      }
    }
    if (name === 'sender') {
      const address = firstAddress(fieldValue(field));
      if (address && matchesPattern(rule.match, address)) {
        out.push(rewriteField(field, address, rule.to));
        continue;
      }
    }
    out.push(field.text);
  }
  if (newMailFrom === mailFrom && newFrom === null) return unchanged;
  return {
    mailFrom: newMailFrom,
    raw: Buffer.concat([Buffer.from(out.join(''), 'utf8'), raw.subarray(bodyStart)]),
    sentAs: {
      mailFrom: newMailFrom,
      from: newFrom,
      rule: ruleName(rules, index),
    },
  };
}
