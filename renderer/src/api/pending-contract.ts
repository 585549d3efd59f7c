// Shapes the screens read that the contract does not carry yet. The method table of issue 9
// (preload/api-methods.ts, with the route types in preload/route-contract.ts) replaces this file;
// until then these mirror what the HTTP routes answer, field for field.
import type { MessageSummary, RecipientState, SmtpReplyView } from './contract';

export type IpScope = string;

export interface Hop {
  from: string | null;
  fromRdns: string | null;
  fromIp: string | null;
  by: string | null;
  with: string | null;
  tls: boolean | null;
  id: string | null;
  for: string | null;
  timestamp: string | null;
  delaySeconds: number | null;
  raw: string;
  parsed: boolean;
  index: number;
  tlsVersion: string | null;
  tlsCipher: string | null;
  authenticated: boolean;
  local: boolean;
  forged: boolean;
  fromIpScope: IpScope | null;
  private: boolean | null;
  skew: boolean;
  broken: boolean;
}

export interface Warning {
  code: string;
  message: string;
  hop?: number;
}

export interface AuthenticationResult {
  header: string;
  fieldIndex: number;
  authservId: string | null;
  method: string;
  result: string;
  reason: string | null;
  comment: string | null;
  properties: Record<string, string>;
}

export interface EnvelopeComparison {
  mailFrom: string;
  from: string[];
  sender: string | null;
  returnPath: string | null;
  mailFromMatchesFrom: boolean;
  mailFromMatchesReturnPath: boolean | null;
  rcptTo: string[];
  headerRecipients: string[];
  bcc: string[];
  notInEnvelope: string[];
}

export interface RouteAnalysis {
  hops: Hop[];
  totalSeconds: number | null;
  slowestHop: number | null;
  authentication: AuthenticationResult[];
  warnings: Warning[];
  positiveSeconds: number | null;
  envelope: EnvelopeComparison | null;
}

export interface QueuedRecipient {
  address: string;
  deliverTo: string;
  state: RecipientState;
  nextAttemptAt: string | null;
  attempts: number;
  lastReply: SmtpReplyView | null;
  why: string;
}

export interface QueuedMessage extends MessageSummary {
  recipients: QueuedRecipient[];
}

export interface UpstreamPause {
  reason: string;
  fix: string;
  since?: string;
}

export interface QueueView {
  upstream: { configured: boolean; paused: UpstreamPause | null };
  messages: QueuedMessage[];
}

export interface ConnectionTestStep {
  step: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  steps: ConnectionTestStep[];
  capabilities: string[];
  transcript: string;
}

export interface MailboxCount {
  Name: string;
  Total: number;
  Unread: number;
}

export type QueueAction = 'hold' | 'release' | 'retry' | 'resend' | 'cancel';
