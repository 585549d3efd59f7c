// The decisions of the inbound policy, as pure functions over what is known about the session.
// The listener asks at each step (connect, AUTH, MAIL, RCPT) and sends the reply given here.
//
// The rules (Postfix `smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated,
// reject_unauth_destination`):
// - a trusted client (loopback unless turned off, or on the allowlist) may send and relay;
// - any other client must authenticate; with no SMTP users to authenticate as, it is refused at
//   once (554 5.7.1), so an exposed listener without users answers nothing else;
// - an untrusted client that has not authenticated gets `554 5.7.1 Relay access denied` for a
//   recipient that would leave (relay, redirect) and `530 5.7.0 Authentication required` for one
//   that would be captured. Capture is not relaying, but a catcher on a LAN is still not open to
//   anyone who finds it: allowlist the team's network, or give the team an SMTP user;
// - relayed recipients must not use an open-relay address form (relay-address.ts), whoever asks;
// - `requireAuth` makes every client authenticate before MAIL, `requireTls` encrypt before MAIL.
import type { ClientTrust } from './client-trust.js';
import { isLoopbackHost } from '../net/ip-address.js';
import { relayAddressProblem } from './relay-address.js';

export type RecipientAction = 'capture' | 'relay' | 'redirect' | 'reject';

export interface PolicyReply {
  code: number;
  /** The reply text, starting with its enhanced status code. */
  message: string;
  /** Why, in a few words, for the audit log. */
  reason: string;
}

export interface SessionStanding {
  trust: ClientTrust;
  /** The SMTP AUTH user, or null. */
  user: string | null;
  /** TLS is active (STARTTLS done, or the implicit-TLS listener). */
  secure: boolean;
}

export interface PolicySettings {
  requireAuth: boolean;
  requireTls: boolean;
}

/** At connect: refuse a client that could never be allowed to send. */
export function connectionDecision(input: {
  trust: ClientTrust;
  usersExist: boolean;
}): PolicyReply | null {
  if (input.trust.trusted || input.usersExist) return null;
  return {
    code: 554,
    message: `5.7.1 Access denied: ${input.trust.ip} is not on the allowlist`,
    reason: 'not on the allowlist and no SMTP users exist',
  };
}

/** The client may relay (any action but capture). */
export function mayRelay(standing: SessionStanding): boolean {
  return standing.trust.trusted || standing.user !== null;
}

/**
 * With no SMTP users and no `requireAuth`, a trusted client's AUTH succeeds with any password
 * and only names the user (Mailpit's `--smtp-auth-accept-any`): test suites configured with
 * credentials keep working against a local catcher. Never for an untrusted client.
 */
export function acceptsAnyCredentials(input: {
  trust: ClientTrust;
  usersExist: boolean;
  requireAuth: boolean;
}): boolean {
  return input.trust.trusted && !input.usersExist && !input.requireAuth;
}

/** AUTH over an unencrypted session: on loopback listeners only unless set otherwise. */
export function insecureAuthAllowed(
  setting: 'auto' | 'allow' | 'refuse',
  listenHost: string,
): boolean {
  if (setting === 'allow') return true;
  if (setting === 'refuse') return false;
  return isLoopbackHost(listenHost);
}

/** At MAIL FROM. */
export function mailDecision(
  standing: SessionStanding,
  settings: PolicySettings,
): PolicyReply | null {
  if (settings.requireTls && !standing.secure) {
    return {
      code: 530,
      message: '5.7.0 Must issue a STARTTLS command first',
      reason: 'TLS required',
    };
  }
  if (settings.requireAuth && standing.user === null) {
    return {
      code: 530,
      message: '5.7.0 Authentication required',
      reason: 'authentication required for every client',
    };
  }
  return null;
}

/** At RCPT TO, once the routing rules have said what would happen to the recipient. */
export function recipientDecision(
  standing: SessionStanding,
  recipient: string,
  action: RecipientAction,
): PolicyReply | null {
  const leaves = action === 'relay' || action === 'redirect';
  if (!mayRelay(standing)) {
    if (leaves) {
      return {
        code: 554,
        message: '5.7.1 Relay access denied',
        reason: `untrusted client may not relay (${action})`,
      };
    }
    return {
      code: 530,
      message: '5.7.0 Authentication required',
      reason: 'untrusted client must authenticate',
    };
  }
  if (action === 'relay') {
    const problem = relayAddressProblem(recipient);
    if (problem) {
      return {
        code: 553,
        message: `5.7.1 ${problem.text}`,
        reason: `open-relay address form: ${problem.trick}`,
      };
    }
  }
  return null;
}
