// Provider presets fill in host, port and security; the user adds credentials. Facts for SES,
// SendGrid, Postmark and Mailgun come from shared/reference/relay-anchors.md §1B. Gmail and
// Microsoft 365 are not in that note: their values are the providers' published submission
// endpoints (smtp.gmail.com, smtp.office365.com, both STARTTLS on 587).
import type { UpstreamSecurity, UpstreamSettingsInput } from './upstream-settings.js';

export type PresetId =
  | 'amazon-ses'
  | 'sendgrid'
  | 'postmark'
  | 'mailgun-us'
  | 'mailgun-eu'
  | 'gmail'
  | 'microsoft-365'
  | 'generic-isp';

export interface UpstreamPreset {
  id: PresetId;
  label: string;
  host: string;
  port: number;
  security: UpstreamSecurity;
  /** Other ports the provider serves, e.g. when an ISP blocks 587. */
  alternativePorts: ReadonlyArray<{ port: number; security: UpstreamSecurity }>;
  /** A fixed SMTP user name, when the provider has one (SendGrid's literal `apikey`). */
  user?: string;
  /** What goes in the user and password fields, and other provider rules, in plain words. */
  notes: string[];
}

export const DEFAULT_SES_REGION = 'us-east-1';

type PresetPort = UpstreamPreset['alternativePorts'][number];
const starttls = (port: number): PresetPort => ({ port, security: 'starttls' });
const implicitTls = (port: number): PresetPort => ({ port, security: 'tls' });

/** Message submission on port 587 with STARTTLS (RFC 6409, RFC 8314): where every preset starts. */
function submission(id: PresetId, label: string, host: string) {
  return { id, label, host, port: 587, security: 'starttls' as const };
}

const presets: Record<Exclude<PresetId, 'amazon-ses'>, UpstreamPreset> = {
  sendgrid: {
    ...submission('sendgrid', 'SendGrid', 'smtp.sendgrid.net'),
    alternativePorts: [starttls(2525), implicitTls(465)],
    user: 'apikey',
    notes: ['User is the literal word "apikey"; the password is your API key.'],
  },
  postmark: {
    ...submission('postmark', 'Postmark', 'smtp.postmarkapp.com'),
    // No implicit-TLS port: 465 hangs instead of failing (relay-anchors §1B).
    alternativePorts: [starttls(2525), starttls(25)],
    notes: [
      'Use your Server API token as both user and password, or an SMTP token with the X-PM-Message-Stream header.',
      'Broadcast streams use smtp-broadcasts.postmarkapp.com.',
      'Postmark has no implicit-TLS port: port 465 hangs rather than failing.',
    ],
  },
  'mailgun-us': {
    ...submission('mailgun-us', 'Mailgun (US)', 'smtp.mailgun.org'),
    alternativePorts: [starttls(2525), implicitTls(465)],
    notes: ['User is the per-domain SMTP login (a full address); password is its SMTP password.'],
  },
  'mailgun-eu': {
    ...submission('mailgun-eu', 'Mailgun (EU)', 'smtp.eu.mailgun.org'),
    alternativePorts: [starttls(2525), implicitTls(465)],
    notes: [
      'For domains created in the EU region.',
      'User is the per-domain SMTP login (a full address); password is its SMTP password.',
    ],
  },
  gmail: {
    ...submission('gmail', 'Gmail / Google Workspace', 'smtp.gmail.com'),
    alternativePorts: [implicitTls(465)],
    notes: [
      'User is your full address. With 2-step verification use an app password, or sign in with OAuth2 (XOAUTH2).',
      'Gmail rewrites the From address to the authenticated account unless it is a verified alias.',
    ],
  },
  'microsoft-365': {
    ...submission('microsoft-365', 'Microsoft 365 / Outlook.com', 'smtp.office365.com'),
    alternativePorts: [],
    notes: [
      'SMTP AUTH must be enabled for the mailbox and the tenant; otherwise the reply is 535 5.7.139.',
      'Microsoft is retiring Basic authentication for SMTP AUTH: prefer OAuth2 (XOAUTH2).',
    ],
  },
  'generic-isp': {
    ...submission('generic-isp', 'Internet provider (generic)', 'smtp.example.net'),
    alternativePorts: [implicitTls(465), starttls(25)],
    notes: [
      "Replace the host with your provider's outgoing mail server.",
      'Submission port 587 with STARTTLS is the usual choice; many networks block port 25.',
    ],
  },
};

/** Amazon SES has one endpoint per region: `email-smtp.<region>.amazonaws.com`. */
export function amazonSesPreset(region: string = DEFAULT_SES_REGION): UpstreamPreset {
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(region)) {
    throw new Error(`Amazon SES region "${region}" is not a region name; use e.g. "eu-west-1"`);
  }
  return {
    ...submission('amazon-ses', `Amazon SES (${region})`, `email-smtp.${region}.amazonaws.com`),
    alternativePorts: [starttls(2587), starttls(25), implicitTls(465), implicitTls(2465)],
    notes: [
      'Use SMTP credentials created in the SES console (derived from IAM), not your AWS access keys.',
      'SES refuses connections without TLS (TLS 1.2 or 1.3).',
      'Sandbox accounts: 200 messages per 24 hours, 1 message per second; quotas count recipients.',
      'Maximum message size 40 MB after encoding.',
    ],
  };
}

export function getPreset(id: PresetId, options: { sesRegion?: string } = {}): UpstreamPreset {
  return id === 'amazon-ses' ? amazonSesPreset(options.sesRegion) : presets[id];
}

export const presetIds: readonly PresetId[] = [
  'amazon-ses',
  ...(Object.keys(presets) as PresetId[]),
];

/** Settings input pre-filled from a preset; validate it with upstreamSettingsSchema. */
export function settingsFromPreset(
  preset: UpstreamPreset,
  credentials?: { user?: string; password: string },
): UpstreamSettingsInput {
  return {
    host: preset.host,
    port: preset.port,
    security: preset.security,
    ...(credentials
      ? { auth: { user: credentials.user ?? preset.user ?? '', password: credentials.password } }
      : {}),
  };
}
