// The upstream smart host, as the user configures it (Postfix `relayhost = [host]:port` plus its
// TLS and SASL settings). Every validation message names the field, the value and the fix, so the
// settings screen, the headless config file and the CLI can all show it as is. Secrets (password,
// access token) are never echoed back.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

import { settingName } from '../../../preload/setting-names.js';
import { isLoopbackHost } from '../net/ip-address.js';
import { slipsFirst, unknownFieldProblem } from '../routing-rules/settings-errors.js';

export type UpstreamSecurity = 'starttls' | 'tls' | 'none';
export type PasswordMechanism = 'auto' | 'PLAIN' | 'LOGIN' | 'CRAM-MD5';
export type UpstreamAuth =
  | { user: string; password: string; mechanism: PasswordMechanism }
  | { user: string; accessToken: string; mechanism: 'XOAUTH2' };

/** Ports where the submissions service (RFC 8314 §3.3) speaks TLS from the first byte. */
const IMPLICIT_TLS_PORTS: ReadonlySet<number> = new Set([465, 2465]);

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/** A zod error map for one field: `<field>: <value> is not …; <fix>`. */
function fieldError(field: string, what: string, fix: string) {
  return (iss: { input?: unknown }) =>
    iss.input === undefined
      ? `${field} is missing; ${fix}`
      : `${field}: ${show(iss.input)} is not ${what}; ${fix}`;
}

/** Same as fieldError for secrets: the value never appears in the message. */
function secretError(field: string, fix: string) {
  return (iss: { input?: unknown }) =>
    iss.input === undefined ? `${field} is missing; ${fix}` : `${field} is not valid; ${fix}`;
}

/** The security a port implies when none is named: implicit TLS on 465, STARTTLS elsewhere. */
export function impliedSecurity(port: number): UpstreamSecurity {
  return IMPLICIT_TLS_PORTS.has(port) ? 'tls' : 'starttls';
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Why a host string is unusable, or null when it is fine. */
function hostProblem(host: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return 'give the bare host name, without a scheme';
  const bare = stripBrackets(host);
  if (isIP(bare)) return null;
  if (/:\d+$/.test(host)) return 'put the port in the port field, not in the host';
  if (!HOSTNAME.test(host)) return 'give a host name like smtp.example.com or an IP address';
  return null;
}

/**
 * Accepts a certificate SHA-256 fingerprint as hex (with or without colons, as `openssl x509
 * -fingerprint -sha256` prints it) or base64, and returns Node's `fingerprint256` form
 * (`AB:CD:…`, upper case) so it compares directly with `getPeerCertificate().fingerprint256`.
 */
export function normalizePinSha256(pin: string): string | null {
  const value = pin.trim().replace(/^sha-?256[:/=]\s*/i, '');
  let bytes: Buffer | null = null;
  if (/^[0-9a-f]{2}(?::[0-9a-f]{2}){31}$/i.test(value)) {
    bytes = Buffer.from(value.replace(/:/g, ''), 'hex');
  } else if (/^[0-9a-f]{64}$/i.test(value)) {
    bytes = Buffer.from(value, 'hex');
  } else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (!bytes || bytes.length !== 32) return null;
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** A CA file's certificates, or why it cannot be used. */
export function loadCaFile(path: string): { pem: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { problem: `cannot be read (${code})` };
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    return { problem: 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)' };
  }
  return { pem: text };
}

/** The fields of an upstream; a fallback has no fallback of its own. */
function endpointKeys(root: string): string[] {
  const keys = ['host', 'port', 'security', 'allowInsecure', 'verifyCertificate', 'caFile'];
  keys.push('pinSha256', 'auth', 'heloName');
  return root.endsWith('fallback') ? keys : [...keys, 'fallback'];
}

function endpointSchema(root: string) {
  const f = (name: string) => `${root}.${name}`;
  const mechanisms = ['auto', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'] as const;

  const auth = z
    .strictObject(
      {
        user: z
          .string({ error: fieldError(f('auth.user'), 'a user name', 'give the SMTP user name') })
          .min(1, { error: `${f('auth.user')} is empty; give the SMTP user name` }),
        password: z
          .string({ error: secretError(f('auth.password'), 'give the password as text') })
          .min(1, { error: `${f('auth.password')} is empty; give the password` })
          .optional(),
        accessToken: z
          .string({ error: secretError(f('auth.accessToken'), 'give the OAuth2 token as text') })
          .min(1, { error: `${f('auth.accessToken')} is empty; give the OAuth2 access token` })
          .optional(),
        mechanism: z
          .enum(mechanisms, {
            error: fieldError(
              f('auth.mechanism'),
              'a known mechanism',
              'use "auto", "PLAIN", "LOGIN", "CRAM-MD5" or "XOAUTH2"',
            ),
          })
          .optional(),
      },
      {
        error: (iss) =>
          iss.code === 'unrecognized_keys'
            ? unknownFieldProblem(
                f('auth'),
                iss.keys,
                ['user', 'password', 'accessToken', 'mechanism'],
                'user with password (and mechanism) or user with accessToken',
              )
            : `${f('auth')} is not an object; give {user, password} or {user, accessToken}`,
      },
    )
    .superRefine((value, ctx) => {
      if (value.password === undefined && value.accessToken === undefined) {
        // An office admin's slip in Settings → Upstream: a user name typed, the password left
        // empty. Said at the password (where the Settings view shows it), naming the user and
        // each way to give it, or the way to send without logging in.
        ctx.addIssue({
          code: 'custom',
          path: ['password'],
          message: `${f('auth.password')} is missing: the user ${JSON.stringify(value.user)} has no password; ${settingName('relayPassword')}, ${settingName('accessToken')}, or ${settingName('relayUser')} to send without logging in`,
        });
      } else if (value.password !== undefined && value.accessToken !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `${f('auth')} has both a password and an access token; give only one: auth.password (PLAIN, LOGIN, CRAM-MD5) or auth.accessToken (XOAUTH2)`,
        });
      } else if (value.accessToken !== undefined && (value.mechanism ?? 'XOAUTH2') !== 'XOAUTH2') {
        ctx.addIssue({
          code: 'custom',
          path: ['mechanism'],
          message: `${f('auth.mechanism')}: "${value.mechanism}" cannot use an access token; use "XOAUTH2" or give auth.password instead`,
        });
      } else if (value.password !== undefined && value.mechanism === 'XOAUTH2') {
        ctx.addIssue({
          code: 'custom',
          path: ['mechanism'],
          message: `${f('auth.mechanism')}: "XOAUTH2" needs auth.accessToken, not auth.password; give the token or choose "auto"`,
        });
      }
    })
    .transform((value): UpstreamAuth =>
      value.accessToken !== undefined
        ? { user: value.user, accessToken: value.accessToken, mechanism: 'XOAUTH2' as const }
        : {
            user: value.user,
            password: value.password ?? '',
            mechanism: (value.mechanism ?? 'auto') as PasswordMechanism,
          },
    );

  return z
    .strictObject(
      {
        host: z
          .string({
            error: fieldError(
              f('host'),
              'a host name',
              'give the smart host, e.g. smtp.example.com',
            ),
          })
          .trim()
          .superRefine((host, ctx) => {
            const problem =
              host === '' ? 'give the smart host, e.g. smtp.example.com' : hostProblem(host);
            if (problem)
              ctx.addIssue({
                code: 'custom',
                message: `${f('host')}: ${show(host)} is not a host name; ${problem}`,
              });
          }),
        port: z
          .number({
            error: fieldError(
              f('port'),
              'a port number',
              'use a whole number from 1 to 65535, e.g. 587',
            ),
          })
          .int({
            error: fieldError(f('port'), 'a whole number', 'use a port from 1 to 65535, e.g. 587'),
          })
          .min(1, {
            error: fieldError(f('port'), 'a valid port', 'use a port from 1 to 65535, e.g. 587'),
          })
          .max(65535, {
            error: fieldError(f('port'), 'a valid port', 'use a port from 1 to 65535, e.g. 587'),
          }),
        security: z
          .enum(['starttls', 'tls', 'none'], {
            error: fieldError(
              f('security'),
              'a security mode',
              'use "starttls", "tls" (implicit, port 465) or "none"',
            ),
          })
          .optional(),
        allowInsecure: z
          .boolean({ error: fieldError(f('allowInsecure'), 'true or false', 'use true or false') })
          .default(false),
        verifyCertificate: z
          .boolean({
            error: fieldError(f('verifyCertificate'), 'true or false', 'use true or false'),
          })
          .default(true),
        caFile: z
          .string({ error: fieldError(f('caFile'), 'a file path', 'give the path of a PEM file') })
          .min(1, { error: `${f('caFile')} is empty; give the path of a PEM file or leave it out` })
          .optional(),
        pinSha256: z
          .string({
            error: fieldError(
              f('pinSha256'),
              'a fingerprint',
              'give the SHA-256 fingerprint as hex or base64',
            ),
          })
          .optional(),
        auth: auth.optional(),
        heloName: z
          .string({
            error: fieldError(
              f('heloName'),
              'a host name',
              "give this machine's name, e.g. relay.example.com",
            ),
          })
          .trim()
          .superRefine((name, ctx) => {
            const literal = /^\[(?:IPv6:)?[0-9a-f.:]+\]$/i.test(name);
            if (!literal && !HOSTNAME.test(name)) {
              ctx.addIssue({
                code: 'custom',
                message: `${f('heloName')}: ${show(name)} is not a host name; give a name like relay.example.com or an address literal like [192.0.2.1]`,
              });
            }
          })
          .optional(),
      },
      {
        error: (iss) =>
          iss.code === 'unrecognized_keys'
            ? unknownFieldProblem(
                root,
                iss.keys,
                endpointKeys(root),
                `${endpointKeys(root).join(', ')} (check the spelling)`,
              )
            : `${root} is not an object; give {host, port, …}`,
      },
    )
    .transform((value, ctx) => {
      const security: UpstreamSecurity = value.security ?? impliedSecurity(value.port);
      if (security === 'none' && !value.allowInsecure && !isLoopbackHost(value.host)) {
        ctx.addIssue({
          code: 'custom',
          path: ['security'],
          // Postfix and Thunderbird both let an admin send in clear to a LAN smart host; here it
          // takes a word of its own, since the password and the mail cross the network readable
          message: `${f('security')}: "none" is not allowed towards ${value.host} (not loopback): the password and the mail would cross the network in clear; use "starttls" or "tls", or set ${f('allowInsecure')} to true`,
        });
      }
      let caPem: string | undefined;
      if (value.caFile !== undefined) {
        const loaded = loadCaFile(value.caFile);
        if ('problem' in loaded) {
          ctx.addIssue({
            code: 'custom',
            path: ['caFile'],
            message: `${f('caFile')}: ${show(value.caFile)} ${loaded.problem}; give the path of the CA certificate in PEM form`,
          });
        } else {
          caPem = loaded.pem;
        }
      }
      let pinSha256: string | undefined;
      if (value.pinSha256 !== undefined) {
        const pin = normalizePinSha256(value.pinSha256);
        if (!pin) {
          ctx.addIssue({
            code: 'custom',
            path: ['pinSha256'],
            message: `${f('pinSha256')}: ${show(value.pinSha256)} is not a SHA-256 fingerprint; give 64 hex digits (colons allowed) or 44 base64 characters, as the connection test shows it`,
          });
        } else {
          pinSha256 = pin;
        }
      }
      return {
        host: value.host,
        port: value.port,
        security,
        allowInsecure: value.allowInsecure,
        verifyCertificate: value.verifyCertificate,
        ...(value.caFile !== undefined ? { caFile: value.caFile } : {}),
        ...(caPem !== undefined ? { caPem } : {}),
        ...(pinSha256 !== undefined ? { pinSha256 } : {}),
        ...(value.auth !== undefined ? { auth: value.auth } : {}),
        ...(value.heloName !== undefined ? { heloName: value.heloName } : {}),
      };
    });
}

/**
 * Builds the schema with its messages rooted at `root` (the field path the user sees), so a
 * settings file that nests the upstream elsewhere still gets messages naming the right field.
 */
export function createUpstreamSettingsSchema(root = 'upstream') {
  const fallbackRoot = `${root}.fallback`;
  const primary = endpointSchema(root);
  const fallback = endpointSchema(fallbackRoot);
  // The fallback is a plain endpoint (one level, as Postfix `smtp_fallback_relay`): taken out
  // before the primary's strict check, and validated on its own so its messages name it.
  return z.unknown().transform((input, ctx): Endpoint & { fallback?: Endpoint } => {
    const isRecord = typeof input === 'object' && input !== null && !Array.isArray(input);
    const { fallback: fallbackInput, ...rest } = isRecord ? (input as Record<string, unknown>) : {};
    const first = primary.safeParse(isRecord ? rest : input);
    const second = fallbackInput === undefined ? undefined : fallback.safeParse(fallbackInput);
    // re-added as custom issues below, so the slips go first here, while their code still shows
    const issues = [
      ...(first.success ? [] : slipsFirst(first.error.issues)),
      ...(second && !second.success
        ? second.error.issues.map((issue) => ({ ...issue, path: ['fallback', ...issue.path] }))
        : []),
    ];
    for (const issue of issues) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    if (!first.success || issues.length > 0) return z.NEVER;
    return second?.success ? { ...first.data, fallback: second.data } : first.data;
  });
}

type Endpoint = z.output<ReturnType<typeof endpointSchema>>;
/** What a settings file or form may hold before defaults and normalisation. */
export type UpstreamSettingsInput = z.input<ReturnType<typeof endpointSchema>> & {
  fallback?: z.input<ReturnType<typeof endpointSchema>>;
};

export const upstreamSettingsSchema = createUpstreamSettingsSchema();

export type UpstreamSettings = z.infer<typeof upstreamSettingsSchema>;
/** One smart host (the primary or the fallback) with its TLS and AUTH settings. */
export type UpstreamEndpoint = Omit<UpstreamSettings, 'fallback'>;

/**
 * One line per problem, each already naming the field, the value and the fix. Anything that is
 * not a validation error is reduced to its message (never its data, which may hold a secret).
 */
export function describeSettingsError(err: unknown): string {
  if (err instanceof z.ZodError)
    return slipsFirst(err.issues)
      .map((issue) => issue.message)
      .join('\n');
  if (err instanceof Error) return err.message;
  return String(err);
}
