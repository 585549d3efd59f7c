// Content rules: Postfix's header_checks and body_checks (header_checks(5)) as one list. Each
// rule is a regular expression over one header (unfolded, as `Name: value`) or one body line,
// with an action: reject (550 5.7.1 at end of DATA), discard (250, then dropped), hold (kept,
// held in the queue for a person), warn (a log line), and ignore / replace / prepend, which
// change the copy that is sent on. As in Postfix, the first rule that matches a line decides for
// that line; a reject or a discard ends the inspection of the message.
//
// Catastrophic backtracking: JavaScript regular expressions cannot be interrupted, so the input
// is bounded the way Postfix bounds it (header_size_limit, line_length_limit,
// body_checks_size_limit, with smaller header figures), and a pattern with a quantified group
// that itself holds an unbounded quantifier (`(a+)+`, `(.*x)*`), the classic exponential shape,
// is refused when the setting is read.
import { z } from 'zod';
import { headerBlockEnd } from '../mail/header-block.js';
import { objectError, show } from '../routing-rules/settings-errors.js';
import { parseJsonText } from '../settings/json-mistake.js';
import {
  readSourcePrefix,
  sourceHead,
  sourceSize,
  type MessageSource,
} from '../spool/message-source.js';

export type ContentRuleWhere = 'header' | 'body';
export type ContentRuleAction =
  'reject' | 'discard' | 'hold' | 'warn' | 'ignore' | 'replace' | 'prepend';

export const contentRuleActions: readonly ContentRuleAction[] = [
  'reject',
  'discard',
  'hold',
  'warn',
  'ignore',
  'replace',
  'prepend',
];
const textRequired: ReadonlySet<ContentRuleAction> = new Set(['reject', 'replace', 'prepend']);

/** A rule as the settings hold and show it. */
export interface ContentRuleSource {
  where: ContentRuleWhere;
  match: string;
  flags?: string;
  action: ContentRuleAction;
  text?: string;
}

export interface ContentRule extends ContentRuleSource {
  pattern: RegExp;
}

/** The longest unfolded header examined (Postfix's header_size_limit is 102400). */
export const headerExamined = 8192;
/** The longest part of a body line examined (Postfix's line_length_limit). */
export const lineExamined = 2048;
/** How much of the body is examined (Postfix's body_checks_size_limit). */
export const bodyExamined = 51_200;
const patternMax = 1000;
const textMax = 500;

const example =
  '[{"where": "header", "match": "^Subject: .*lottery", "flags": "i", "action": "reject", "text": "no lotteries here"}]';

/**
 * Whether a pattern has a quantified group holding an unbounded quantifier: `(a+)+`, `(\w*x)*`,
 * `(?:a|aa)+` is not caught (alternation overlap), but the nested form is the one people write.
 */
export function nestedQuantifier(source: string): boolean {
  // group contents, with escapes and character classes taken out first
  const plain = source.replace(/\\./g, 'x').replace(/\[(?:[^\]\\]|\\.)*\]/g, 'x');
  const stack: boolean[] = [];
  // `*`, `+` and `{n,}` are unbounded; `?` and `{n}`/`{n,m}` are not
  const unbounded = (at: number): boolean =>
    plain[at] === '*' || plain[at] === '+' || /^\{\d*,\}/.test(plain.slice(at));
  for (let i = 0; i < plain.length; i++) {
    const c = plain[i];
    if (c === '(') stack.push(false);
    else if (c === ')') {
      const inner = stack.pop() ?? false;
      const repeated = unbounded(i + 1);
      if (inner && repeated) return true;
      // the group counts as unbounded inside its parent when it is repeated or holds one
      if (stack.length > 0 && (inner || repeated)) stack[stack.length - 1] = true;
    } else if (stack.length > 0 && unbounded(i)) {
      stack[stack.length - 1] = true;
    }
  }
  return false;
}

/** One line of an SMTP reply or a header: no line breaks, nothing unprintable. */
const oneLine = /^[^\r\n\0]*$/;
const headerLine = /^[\x21-\x39\x3b-\x7e]+:[ \t]*[^\r\n\0]*$/;

function ruleSchema(at: string) {
  return z
    .strictObject(
      {
        where: z.unknown().optional(),
        match: z.unknown().optional(),
        flags: z.unknown().optional(),
        action: z.unknown().optional(),
        text: z.unknown().optional(),
      },
      { error: objectError(at, 'where, match, flags, action and text', example.slice(1, -1)) },
    )
    .transform((value, ctx): ContentRule => {
      const problems: string[] = [];
      const where = value.where;
      if (where !== 'header' && where !== 'body')
        problems.push(
          where === undefined
            ? `${at}.where is missing; give "header" (each header, as "Name: value") or "body" (each body line)`
            : `${at}.where: ${show(where)} is not valid; use "header" (each header, as "Name: value") or "body" (each body line)`,
        );
      const action = contentRuleActions.find((a) => a === value.action);
      if (action === undefined)
        problems.push(
          `${at}.action${value.action === undefined ? ' is missing' : `: ${show(value.action)} is not valid`}; use ${contentRuleActions.map((a) => `"${a}"`).join(', ')}`,
        );
      let flags = '';
      if (value.flags !== undefined) {
        if (typeof value.flags !== 'string' || !/^i?$/.test(value.flags))
          problems.push(
            `${at}.flags: ${show(value.flags)} is not valid; use "i" (ignore case, as Postfix's regexp tables do by default) or leave it out`,
          );
        else flags = value.flags;
      }
      let pattern: RegExp | null = null;
      const match = value.match;
      if (typeof match !== 'string' || match === '') {
        problems.push(
          match === undefined
            ? `${at}.match is missing; give a regular expression such as "^Subject: .*lottery"`
            : `${at}.match: ${show(match)} is not a regular expression; give one as text, such as "^Subject: .*lottery"`,
        );
      } else if (match.length > patternMax) {
        problems.push(
          `${at}.match: ${show(match)} is ${match.length} characters; use at most ${patternMax}`,
        );
      } else {
        try {
          pattern = new RegExp(match, flags);
        } catch (err) {
          const why = (err as Error).message.replace(
            /^Invalid regular expression: \/.*\/[a-z]*: /s,
            '',
          );
          problems.push(
            `${at}.match: ${show(match)} is not a valid regular expression (${why}); fix it, or write a character such as "(" or "[" as "\\\\(" to match it as it is`,
          );
        }
        if (pattern && nestedQuantifier(match)) {
          pattern = null;
          problems.push(
            `${at}.match: ${show(match)} repeats a group that itself repeats (such as "(a+)+"), which can take exponential time on a crafted line; write it without the nested repeat (e.g. "(a+)+" as "a+")`,
          );
        }
      }
      let text: string | undefined;
      if (value.text !== undefined) {
        if (typeof value.text !== 'string')
          problems.push(`${at}.text: ${show(value.text)} is not text; give it in quotes`);
        else if (!oneLine.test(value.text))
          problems.push(`${at}.text: ${show(value.text)} has a line break; give one line`);
        else if (value.text.length > textMax)
          problems.push(
            `${at}.text: ${show(value.text)} is ${value.text.length} characters; use at most ${textMax}`,
          );
        else text = value.text;
      }
      if (action !== undefined && textRequired.has(action) && value.text === undefined) {
        const what =
          action === 'reject'
            ? 'the reply the client gets after "550 5.7.1", such as "no lotteries here"'
            : where === 'header'
              ? `the header to ${action === 'replace' ? 'put in its place' : 'add before it'}, such as "X-Office-Rule: matched"`
              : `the line to ${action === 'replace' ? 'put in its place' : 'add before it'}`;
        problems.push(`${at}.text is missing; "${action}" needs it: give ${what}`);
      }
      if (text !== undefined && action === 'reject' && /[^\x20-\x7e]/.test(text))
        problems.push(
          `${at}.text: ${show(text)} is sent in the SMTP reply, which is ASCII; use only ASCII characters`,
        );
      if (
        text !== undefined &&
        where === 'header' &&
        (action === 'replace' || action === 'prepend') &&
        !headerLine.test(text)
      )
        problems.push(
          `${at}.text: ${show(text)} is not a header; give "Name: value", such as "X-Office-Rule: matched"`,
        );
      if (problems.length > 0 || !pattern || !action) {
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return {
        where: where as ContentRuleWhere,
        match: match as string,
        ...(flags ? { flags } : {}),
        action,
        ...(text !== undefined ? { text } : {}),
        pattern,
      };
    });
}

/**
 * Parses `contentRules`: a list (JSON text from a flag or the Settings box, or an array from the
 * settings file). Throws an Error naming each entry and field at fault, one line each.
 */
export function parseContentRules(raw: unknown): ContentRule[] {
  if (raw === null || raw === '' || raw === 'off') return [];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const read = parseJsonText(raw);
    if (!read.ok) throw new Error(`contentRules: ${read.problem}; give ${example}, or "off"`);
    value = read.value;
  }
  if (!Array.isArray(value))
    throw new Error(`contentRules: ${show(value)} is not a list; give ${example}`);
  const problems: string[] = [];
  const rules: ContentRule[] = [];
  value.forEach((item: unknown, index) => {
    const parsed = ruleSchema(`contentRules[${index}]`).safeParse(item);
    if (parsed.success) rules.push(parsed.data);
    else {
      const slips = parsed.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
      problems.push(
        ...new Set((slips.length > 0 ? slips : parsed.error.issues).map((i) => i.message)),
      );
    }
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return rules;
}

/** A rule as the settings view and the saved file show it (no compiled pattern). */
export function contentRuleSource(rule: ContentRule): ContentRuleSource {
  const { pattern: _pattern, ...source } = rule;
  return source;
}

/** One change to the copy sent on: `remove` bytes at `at` taken out, `insert` put there. */
export interface ContentEdit {
  at: number;
  remove: number;
  insert: string;
}

/** What the rules found in one message. */
export interface ContentInspection {
  /** The reject or discard that ended the inspection, if any. */
  stop: { action: 'reject' | 'discard'; rule: number; reason: string; text: string } | null;
  /** Why the message is held, when a hold rule matched. */
  hold: string | null;
  /** Every match in words (warn, hold, and the changes), for the record and the audit log. */
  reasons: string[];
  edits: ContentEdit[];
}

/** Text as a reason shows it: one line, printable, cut after `max` characters. */
function shownLine(text: string, max = 100): string {
  const clean = text
    .replace(/[\r\n]*[ \t]+|[\r\n]+/g, ' ')
    .replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max - 3)}...` : clean);
}

/** The longest match a reason quotes: enough to recognise it, not a whole line's worth. */
const matchShown = 60;

/**
 * What a reason says of a match: the rule's own match and where it was, never the rest of the
 * line. The reasons go to the audit log, the message's notes, the API, the GUI and webhooks, and
 * a rule on "password:" must not copy the password after it into all of them.
 */
function shownMatch(line: Line, match: RegExpExecArray): string {
  const place =
    line.where === 'header'
      ? `in the ${line.text.slice(0, Math.max(0, line.text.indexOf(':'))) || 'unnamed'} header`
      : `in body line ${line.number}`;
  return `${shownLine(match[0], matchShown)} ${place}`;
}

function describe(rule: ContentRule, index: number): string {
  return `content rule ${index} (${rule.where} /${rule.match}/${rule.flags ?? ''} ${rule.action})`;
}

interface Line {
  where: ContentRuleWhere;
  start: number;
  end: number;
  /** The line break it ends with ('' for a last line without one). */
  eol: string;
  text: string;
  /** Which body line it is, from 1 (0 for a header). */
  number: number;
}

/** The header fields (unfolded) and the body lines of the examined prefix, with byte offsets. */
function linesOf(prefix: Buffer, complete: boolean, body: boolean): Line[] {
  const { headerEnd, bodyStart } = headerBlockEnd(prefix);
  const lines: Line[] = [];
  // header fields: a line and its continuation lines (starting with a space or a tab)
  let at = 0;
  while (at < headerEnd) {
    let end = at;
    do {
      const lf = prefix.indexOf(0x0a, end);
      end = lf < 0 || lf >= headerEnd ? headerEnd : lf + 1;
    } while (end < headerEnd && (prefix[end] === 0x20 || prefix[end] === 0x09));
    // a header block over the 1 MiB read: its last field, cut, is neither matched nor changed
    if (end >= prefix.length && !complete) break;
    const field = prefix.subarray(at, end).toString('utf8');
    const eol = field.endsWith('\r\n') ? '\r\n' : field.endsWith('\n') ? '\n' : '';
    const unfolded = field.slice(0, field.length - eol.length).replace(/\r?\n(?=[ \t])/g, '');
    lines.push({
      where: 'header',
      start: at,
      end,
      eol,
      text: unfolded.slice(0, headerExamined),
      number: 0,
    });
    at = end;
  }
  // no body rule: its lines are not even split
  const limit = body ? Math.min(prefix.length, bodyStart + bodyExamined) : bodyStart;
  at = bodyStart;
  let number = 0;
  while (at < limit) {
    const lf = prefix.indexOf(0x0a, at);
    // a line cut by the examined prefix is still examined, but never changed: its end is unseen
    const end = lf < 0 ? prefix.length : lf + 1;
    if (lf < 0 && !complete) break;
    const line = prefix.subarray(at, Math.min(end, at + lineExamined + 2)).toString('utf8');
    const eol = lf < 0 ? '' : prefix[lf - 1] === 0x0d ? '\r\n' : '\n';
    const text = line.replace(/\r?\n$/, '').slice(0, lineExamined);
    lines.push({ where: 'body', start: at, end, eol, text, number: ++number });
    at = end;
  }
  return lines;
}

function firstMatch(
  rules: readonly ContentRule[],
  line: Line,
): { rule: ContentRule; index: number; match: RegExpExecArray } | null {
  for (const [index, rule] of rules.entries()) {
    if (rule.where !== line.where) continue;
    const match = rule.pattern.exec(line.text);
    if (match) return { rule, index, match };
  }
  return null;
}

/** Applies the rules to a message; the first rule matching a line decides for it. */
export async function inspectContent(
  rules: readonly ContentRule[],
  raw: MessageSource,
): Promise<ContentInspection> {
  const result: ContentInspection = { stop: null, hold: null, reasons: [], edits: [] };
  if (rules.length === 0) return result;
  const head = sourceHead(raw);
  const size = sourceSize(raw);
  let prefix = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const body = rules.some((r) => r.where === 'body');
  if (body) {
    const { bodyStart } = headerBlockEnd(prefix);
    prefix = await readSourcePrefix(raw, bodyStart + bodyExamined + lineExamined);
  }
  const complete = prefix.length >= size;
  for (const line of linesOf(prefix, complete, body)) {
    const found = firstMatch(rules, line);
    if (!found) continue;
    const { rule, index, match } = found;
    const what = `${describe(rule, index)} matched ${shownMatch(line, match)}`;
    const eol = line.eol || '\r\n';
    switch (rule.action) {
      case 'reject':
      case 'discard':
        result.stop = { action: rule.action, rule: index, reason: what, text: rule.text ?? '' };
        return result;
      case 'hold':
        result.hold ??= `held by ${describe(rule, index)}${rule.text ? `: ${rule.text}` : ''}`;
        result.reasons.push(`${what}: held for review${rule.text ? ` (${rule.text})` : ''}`);
        break;
      case 'warn':
        result.reasons.push(`${what}${rule.text ? `: ${rule.text}` : ''}`);
        break;
      case 'ignore':
        result.edits.push({ at: line.start, remove: line.end - line.start, insert: '' });
        result.reasons.push(`${what}: removed from the copy sent on`);
        break;
      case 'replace':
        result.edits.push({
          at: line.start,
          remove: line.end - line.start,
          insert: `${rule.text ?? ''}${eol}`,
        });
        result.reasons.push(
          `${what}: replaced by ${shownLine(rule.text ?? '')} in the copy sent on`,
        );
        break;
      case 'prepend':
        result.edits.push({ at: line.start, remove: 0, insert: `${rule.text ?? ''}${eol}` });
        result.reasons.push(
          `${what}: ${shownLine(rule.text ?? '')} added before it in the copy sent on`,
        );
        break;
    }
  }
  return result;
}

/** The copy sent on: the message with the rules' edits (offsets are of the stored message). */
export function withContentEdits(raw: Buffer, edits: readonly ContentEdit[] | undefined): Buffer {
  if (!edits || edits.length === 0) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.at - b.at)) {
    if (edit.at < at || edit.at + edit.remove > raw.length) continue;
    parts.push(raw.subarray(at, edit.at), Buffer.from(edit.insert, 'utf8'));
    at = edit.at + edit.remove;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

export const contentRulesExample = example;
