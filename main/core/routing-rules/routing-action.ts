// What a routing rule does with a recipient: capture it into a mailbox, relay it, redirect it
// to a fixed address (relay, but to a staging inbox instead of the real person), or reject it
// at RCPT with an SMTP reply. The delivery code takes these as they are.
import { z } from 'zod';
import { fieldError, objectError, show } from './settings-errors.js';
import { ruleTags, type RuleTags } from '../tags/rule-tags.js';

/** Where captured mail goes when a rule names no mailbox. */
export const DEFAULT_MAILBOX = 'inbox';

export type RoutingAction = (
  | { type: 'capture'; mailbox: string }
  | { type: 'relay' }
  | { type: 'redirect'; to: string }
  | { type: 'reject'; code: number; enhanced: string; text: string }
) &
  RuleTags;

/** An action as a settings file or form writes it, before defaults. */
export type RoutingActionInput = (
  | { type: 'capture'; mailbox?: string }
  | { type: 'relay' }
  | { type: 'redirect'; to: string }
  | { type: 'reject'; code?: number; enhanced?: string; text?: string }
) &
  RuleTags;

const ACTION_TYPES = ['capture', 'relay', 'redirect', 'reject'] as const;
const ACTION_SHAPE =
  '{"type": "capture"}, {"type": "relay"}, {"type": "redirect", "to": "qa@example.com"} or {"type": "reject"}';

// Mailbox names may become folder names or URL segments later, hence the small alphabet and
// the ban on names made only of dots ("." and ".." are directory references).
const MAILBOX_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MAILBOX_FIX = 'use 1–64 letters, digits, "-", "_" or ".", e.g. "project-a"';

// An address the relay can put in RCPT TO as is: a local part without spaces, brackets or quotes
// (quoted local parts are legal but nobody redirects staging mail to one) and a host name
// (Unicode letters allowed, for SMTPUTF8 domains). A single-label domain like `localhost` is fine.
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const PLAIN_ADDRESS = new RegExp(
  `^[^\\s\\p{Cc}@<>()[\\]\\\\,;:"]{1,64}@(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`,
  'u',
);

/** Whether a string is a bare `local@domain` address fit for RCPT TO. */
export function isPlainAddress(value: string): boolean {
  return PLAIN_ADDRESS.test(value);
}

/** RFC 3463 status code; the class must agree with the reply code's first digit (RFC 2034). */
const ENHANCED_CODE = /^([45])\.(\d{1,3})\.(\d{1,3})$/;
// SMTP replies are ASCII (RFC 5321 §4.2) and one line here; 400 leaves room under the 512-octet
// reply line limit (§4.5.3.1.5) for the code, the enhanced code and CRLF.
const REPLY_TEXT = /^[\x20-\x7e]{1,400}$/;

export const DEFAULT_REJECT_TEXT = 'Recipient address rejected by routing rule';

function mailboxSchema(field: string) {
  return z
    .string({ error: fieldError(field, 'a mailbox name', MAILBOX_FIX) })
    .superRefine((name, ctx) => {
      if (!MAILBOX_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `${field}: ${show(name)} is not a mailbox name; ${MAILBOX_FIX}`,
        });
      } else if (/^\.+$/.test(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `${field}: ${show(name)} is not a mailbox name; it needs a letter, digit, "-" or "_" (names made only of dots are reserved)`,
        });
      }
    });
}

function captureSchema(at: string) {
  return z.strictObject(
    {
      type: z.literal('capture'),
      mailbox: mailboxSchema(`${at}.mailbox`).default(DEFAULT_MAILBOX),
    },
    { error: objectError(at, 'type and mailbox', '{"type": "capture", "mailbox": "inbox"}') },
  );
}

function relaySchema(at: string) {
  return z.strictObject(
    { type: z.literal('relay') },
    {
      error: objectError(
        at,
        'only type (a relay goes to the real recipients)',
        '{"type": "relay"}',
      ),
    },
  );
}

function redirectSchema(at: string) {
  const field = `${at}.to`;
  const fix = 'use a full address like qa@example.com';
  return z.strictObject(
    {
      type: z.literal('redirect'),
      to: z
        .string({
          error: (iss) =>
            iss.input === undefined
              ? `${field} is missing; a redirect needs the address to send to, like qa@example.com`
              : `${field}: ${show(iss.input)} is not an email address; ${fix}`,
        })
        .superRefine((to, ctx) => {
          if (!isPlainAddress(to)) {
            ctx.addIssue({
              code: 'custom',
              message: `${field}: ${show(to)} is not an email address; ${fix}`,
            });
          }
        }),
    },
    { error: objectError(at, 'type and to', '{"type": "redirect", "to": "qa@example.com"}') },
  );
}

function rejectSchema(at: string) {
  const codeField = `${at}.code`;
  const codeFix = 'use a 4xx (try again later) or 5xx (permanent) code such as 550';
  const enhancedField = `${at}.enhanced`;
  const textField = `${at}.text`;
  return z
    .strictObject(
      {
        type: z.literal('reject'),
        code: z
          .number({ error: fieldError(codeField, 'an SMTP reply code', codeFix) })
          .int({ error: fieldError(codeField, 'an SMTP reply code', codeFix) })
          .min(400, { error: fieldError(codeField, 'a 4xx or 5xx reply code', codeFix) })
          .max(599, { error: fieldError(codeField, 'a 4xx or 5xx reply code', codeFix) })
          .default(550),
        enhanced: z
          .string({
            error: fieldError(
              enhancedField,
              'an enhanced status code',
              'use the form 5.7.1 (RFC 3463), or leave it out',
            ),
          })
          .optional(),
        text: z
          .string({
            error: fieldError(textField, 'text', 'give a short reason, or leave it out'),
          })
          .superRefine((text, ctx) => {
            if (!REPLY_TEXT.test(text)) {
              const why =
                text === ''
                  ? `${textField} is empty; give a short reason, or leave it out`
                  : `${textField}: ${show(text)} is not usable in an SMTP reply; use up to 400 printable ASCII characters on one line`;
              ctx.addIssue({ code: 'custom', message: why });
            }
          })
          .optional(),
      },
      {
        error: objectError(
          at,
          'type, code, enhanced and text',
          '{"type": "reject", "code": 550, "text": "…"}',
        ),
      },
    )
    .transform((value, ctx): RoutingAction => {
      const replyClass = String(value.code)[0] ?? '5';
      let enhanced = `${replyClass}.7.1`;
      if (value.enhanced !== undefined) {
        const parts = ENHANCED_CODE.exec(value.enhanced);
        if (!parts) {
          ctx.addIssue({
            code: 'custom',
            path: ['enhanced'],
            message: `${enhancedField}: ${show(value.enhanced)} is not an enhanced status code; use the form ${replyClass}.7.1 (RFC 3463), or leave it out`,
          });
        } else if (parts[1] !== replyClass) {
          ctx.addIssue({
            code: 'custom',
            path: ['enhanced'],
            message: `${enhancedField}: ${show(value.enhanced)} does not agree with code ${value.code}; an enhanced code starts with the same digit as the reply code (${replyClass}.x.x)`,
          });
        } else {
          enhanced = value.enhanced;
        }
      }
      return {
        type: 'reject',
        code: value.code,
        enhanced,
        text: value.text ?? DEFAULT_REJECT_TEXT,
      };
    });
}

/**
 * The action of one rule, with messages rooted at `at` (e.g. `rules[2].action`). The `type`
 * picks the shape first, so a redirect without `to` says so instead of listing four union
 * branches that did not fit.
 */
export function routingActionSchema(at: string) {
  const shapes = {
    capture: captureSchema(at),
    relay: relaySchema(at),
    redirect: redirectSchema(at),
    reject: rejectSchema(at),
  };
  return z.unknown().transform((input, ctx): RoutingAction => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({
        code: 'custom',
        message:
          input === undefined
            ? `${at} is missing; give ${ACTION_SHAPE}`
            : `${at} is not an object; give ${ACTION_SHAPE}`,
      });
      return z.NEVER;
    }
    const type: unknown = (input as Record<string, unknown>).type;
    const known = ACTION_TYPES.find((name) => name === type);
    if (known === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message:
          type === undefined
            ? `${at}.type is missing; use "capture", "relay", "redirect" or "reject"`
            : `${at}.type: ${show(type)} is not an action; use "capture", "relay", "redirect" or "reject"`,
      });
      return z.NEVER;
    }
    // `tags` (main/core/tags) may go on any action that keeps the message
    const { tags: rawTags, ...shape } = input as Record<string, unknown>;
    const tags = known === 'reject' ? { value: undefined } : ruleTags(rawTags, `${at}.tags`);
    if ('problem' in tags) {
      ctx.addIssue({ code: 'custom', path: ['tags'], message: tags.problem });
      return z.NEVER;
    }
    const result = shapes[known].safeParse(known === 'reject' ? input : shape);
    if (!result.success) {
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
      return z.NEVER;
    }
    return tags.value ? { ...result.data, tags: tags.value } : result.data;
  });
}

/** The action in words, for explanations and logs: `redirect to qa@example.com`. */
export function describeAction(action: RoutingAction): string {
  switch (action.type) {
    case 'capture':
      return `capture into mailbox "${action.mailbox}"`;
    case 'relay':
      return 'relay to the recipient';
    case 'redirect':
      return `redirect to ${action.to}`;
    case 'reject':
      return `reject with ${action.code} ${action.enhanced} ${action.text}`;
  }
}
