// The filter's settings: what happens to a message with a virus (`virusAction`), what happens
// when clamd cannot be reached (`clamdUnavailable`), the attachment policy (`attachments`), and
// the same choices per routing rule (`rules[i].filter`). Every message names the field, the
// value and the fix, like the routing rules' (main/core/routing-rules/settings-errors.ts).
import { z } from 'zod';
import { fieldError, objectError, show, slipsFirst } from '../routing-rules/settings-errors.js';
import { parseJsonText } from '../settings/json-mistake.js';
import { editDistance } from '../text/nearest-name.js';

export type VirusAction = 'reject' | 'quarantine' | 'tag';
export type ClamdUnavailableAction = 'defer' | 'accept';
export type AttachmentAction = 'reject' | 'quarantine';
/** What spamd's verdict of spam does (`off`: spamd only scores the message in its Spam tab). */
export type SpamAction = 'off' | 'reject' | 'quarantine' | 'tag';

export const virusActions: readonly VirusAction[] = ['reject', 'quarantine', 'tag'];
export const clamdUnavailableActions: readonly ClamdUnavailableAction[] = ['defer', 'accept'];
export const spamActions: readonly SpamAction[] = ['off', 'reject', 'quarantine', 'tag'];

export interface AttachmentPolicy {
  /**
   * File types refused, by extension (`exe`, `js`) or the group `executable`, as the user wrote
   * them (the Settings screen and the saved file show `executable`, not its forty extensions);
   * blockedTypes expands the group. Matched against the attachment's name AND its sniffed
   * content, so a renamed `.exe` is caught.
   */
  types: string[];
  /** Largest attachment allowed, in bytes; null for no limit. */
  maxSize: number | null;
  /** Refuse archives whose entries are encrypted (a scanner cannot look inside them). */
  encrypted: boolean;
  action: AttachmentAction;
}

/** The filter choices a routing rule may override (strictest over a message's recipients wins). */
export interface RuleFilter {
  virusAction?: VirusAction;
  clamdUnavailable?: ClamdUnavailableAction;
  /** `allow`: the attachment policy does not apply to this rule's recipients. */
  attachmentAction?: AttachmentAction | 'allow';
}

/**
 * Executable and script types that mail filters commonly block (the "dangerous attachments"
 * lists of Postfix/amavis set-ups and of the big mail providers). `elf` and `macho` are what
 * file-type names Linux and macOS binaries; PE files (`.exe`, `.dll`, `.scr`) sniff as `exe`.
 */
export const executableTypes: readonly string[] = [
  'exe',
  'dll',
  'com',
  'scr',
  'pif',
  'cpl',
  'msi',
  'msp',
  'elf',
  'macho',
  'bat',
  'cmd',
  'ps1',
  'vbs',
  'vbe',
  'js',
  'jse',
  'wsf',
  'wsh',
  'hta',
  'jar',
  'lnk',
  'reg',
  'apk',
  'app',
  'dmg',
];

const TYPE_NAME = /^[a-z0-9]{1,16}$/;
const GROUP = 'executable';

/** The extensions a policy refuses: its types, with the group `executable` expanded. */
export function blockedTypes(policy: Pick<AttachmentPolicy, 'types'>): Set<string> {
  return new Set(policy.types.flatMap((type) => (type === GROUP ? executableTypes : [type])));
}

/**
 * Whether a type is a misspelling of the group (`executables`, `execuatble`): taken as an
 * extension it would block nothing, so the admin would believe executables refused while every
 * .exe went through.
 */
function nearGroup(type: string): boolean {
  return type !== GROUP && editDistance(type, GROUP) <= 2;
}

const policyExample =
  '{"types": ["executable"], "maxSize": "10m", "encrypted": true, "action": "reject"}';

const sizeUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function enumSchema<T extends string>(field: string, values: readonly T[]) {
  const list = values.map((v) => `"${v}"`).join(', ');
  return z.unknown().transform((input, ctx): T => {
    const found = values.find((v) => v === input);
    if (found === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${field}: ${show(input)} is not valid; use ${list}`,
      });
      return z.NEVER;
    }
    return found;
  });
}

function sizeSchema(field: string) {
  const fix = 'give a size such as "10m" or 1048576 (bytes), or null for no limit';
  return z.unknown().transform((input, ctx): number | null => {
    if (input === null) return null;
    let bytes: number | undefined;
    if (typeof input === 'number' && Number.isInteger(input)) bytes = input;
    if (typeof input === 'string') {
      const match = /^\s*(\d+)\s*([kmg]?)b?\s*$/i.exec(input);
      if (match) bytes = Number(match[1]) * (sizeUnits[(match[2] ?? '').toLowerCase()] ?? 1);
    }
    if (bytes === undefined || bytes < 1) {
      ctx.addIssue({ code: 'custom', message: `${field}: ${show(input)} is not a size; ${fix}` });
      return z.NEVER;
    }
    return bytes;
  });
}

export function attachmentPolicySchema(at = 'attachments') {
  return z
    .strictObject(
      {
        types: z
          .array(
            z.string({
              error: fieldError(`${at}.types[]`, 'a file type', 'use an extension such as "exe"'),
            }),
            {
              error: fieldError(
                `${at}.types`,
                'a list',
                'give a list such as ["executable", "iso"]',
              ),
            },
          )
          .default([])
          .transform((types, ctx) => {
            const out: string[] = [];
            for (const raw of types) {
              const type = raw.trim().replace(/^\./, '').toLowerCase();
              if (!TYPE_NAME.test(type)) {
                ctx.addIssue({
                  code: 'custom',
                  message: `${at}.types: ${show(raw)} is not a file type; use an extension such as "exe" or the group "executable"`,
                });
                continue;
              }
              if (nearGroup(type)) {
                ctx.addIssue({
                  code: 'custom',
                  message: `${at}.types: ${show(raw)} looks like a misspelling of the group "executable" (as an extension it would refuse nothing); write "executable"`,
                });
                continue;
              }
              out.push(type);
            }
            return [...new Set(out)];
          }),
        maxSize: sizeSchema(`${at}.maxSize`).default(null),
        encrypted: z
          .boolean({
            error: fieldError(
              `${at}.encrypted`,
              'true or false',
              'use true to refuse encrypted archives',
            ),
          })
          .default(false),
        action: enumSchema<AttachmentAction>(`${at}.action`, ['reject', 'quarantine']).default(
          'reject',
        ),
      },
      { error: objectError(at, 'types, maxSize, encrypted and action', policyExample) },
    )
    .transform((value): AttachmentPolicy => value);
}

export function ruleFilterSchema(at: string) {
  return z
    .strictObject(
      {
        virusAction: enumSchema<VirusAction>(`${at}.virusAction`, virusActions).optional(),
        clamdUnavailable: enumSchema<ClamdUnavailableAction>(
          `${at}.clamdUnavailable`,
          clamdUnavailableActions,
        ).optional(),
        attachmentAction: enumSchema<AttachmentAction | 'allow'>(`${at}.attachmentAction`, [
          'reject',
          'quarantine',
          'allow',
        ]).optional(),
      },
      {
        error: objectError(
          at,
          'virusAction, clamdUnavailable and attachmentAction',
          '{"virusAction": "quarantine"}',
        ),
      },
    )
    .transform((value): RuleFilter => {
      const out: RuleFilter = {};
      if (value.virusAction !== undefined) out.virusAction = value.virusAction;
      if (value.clamdUnavailable !== undefined) out.clamdUnavailable = value.clamdUnavailable;
      if (value.attachmentAction !== undefined) out.attachmentAction = value.attachmentAction;
      return out;
    });
}

/** For the settings schema: the attachment policy from a JSON string (flag) or an object (file). */
export function parseAttachmentPolicy(raw: unknown): AttachmentPolicy | null | undefined {
  if (raw === null || raw === 'off' || raw === '') return null;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  const parsed = attachmentPolicySchema().safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The first problem with an attachment policy, for the settings error. */
export function attachmentPolicyProblem(raw: unknown): string | null {
  if (typeof raw === 'string') {
    // a mistyped object ("is not an object") sent the admin looking for what is not one
    const read = parseJsonText(raw);
    if (!read.ok) return `attachments: ${read.problem}; give ${policyExample}, or "off"`;
  }
  const value = typeof raw === 'string' ? safeJson(raw) : raw;
  const parsed = attachmentPolicySchema().safeParse(value);
  return parsed.success ? null : (slipsFirst(parsed.error.issues)[0]?.message ?? null);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
