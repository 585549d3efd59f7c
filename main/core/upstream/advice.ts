// Plain words for a failed session step and the likely fix. The connection test shows them per
// step; a paused upstream carries them so the notification can say what to change.
import { LoginHeldBack } from './login-gate.js';
import { formatSmtpReply } from './smtp-reply.js';
import type { UpstreamSessionError } from './upstream-session.js';
import type { UpstreamEndpoint } from './upstream-settings.js';
import { settingName } from '../../../preload/setting-names.js';

export interface Advice {
  detail: string;
  fix: string;
}

const IMPLICIT_TLS_PORTS = new Set([465, 2465]);
const DNS_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_FAIL', 'EAI_AGAIN']);

export interface AdviceContext {
  /** The connection test found that the port answers a TLS handshake straight away. */
  implicitTlsDetected?: boolean;
}

export function adviseOnSessionError(
  err: UpstreamSessionError,
  endpoint: UpstreamEndpoint,
  context: AdviceContext = {},
): Advice {
  const where = `${endpoint.host}:${endpoint.port}`;
  const reply = err.reply && err.reply.code !== null ? formatSmtpReply(err.reply) : null;
  const chose = endpoint.security === 'starttls' ? 'STARTTLS' : 'no TLS';
  switch (err.step) {
    case 'connect':
      if (err.code === 'ECONNREFUSED') {
        return {
          detail: `connection refused: nothing listens on ${where}`,
          fix: 'check the host and port; mail submission is usually 587 (STARTTLS) or 465 (implicit TLS)',
        };
      }
      if (DNS_CODES.has(err.code)) {
        return {
          detail: `${endpoint.host} cannot be found in DNS (${err.code})`,
          fix: 'check the spelling of the host name and that this computer is online',
        };
      }
      if (err.code === 'ETIMEDOUT') {
        return {
          detail: `no answer from ${where}`,
          fix: `a firewall or your network may block port ${endpoint.port} (many block 25); try 587 or 2525`,
        };
      }
      if (err.code === 'EABORT') return { detail: 'the attempt was cancelled', fix: 'try again' };
      return {
        detail: `cannot reach ${where} (${err.code})`,
        fix: 'check that this computer is online',
      };
    case 'greeting':
      if (reply) {
        return {
          detail: `the upstream refused the connection at its greeting: ${reply}`,
          fix: 'the upstream may block your IP address or be busy; ask the provider if it persists',
        };
      }
      if (
        endpoint.security !== 'tls' &&
        (context.implicitTlsDetected || IMPLICIT_TLS_PORTS.has(endpoint.port))
      ) {
        return {
          detail: `port ${endpoint.port} expects implicit TLS; you chose ${chose}`,
          fix: `${settingName('implicitTls')}, or use the provider's STARTTLS port, usually 587`,
        };
      }
      return {
        detail: `connected to ${where}, but no SMTP greeting came`,
        fix: `check that this port serves SMTP; if it expects implicit TLS, ${settingName('security', 'tls')}`,
      };
    case 'tls':
      if (
        /wrong version|packet length|unknown protocol|EPROTO/i.test(`${err.code} ${err.message}`)
      ) {
        return {
          detail: `port ${endpoint.port} does not start with TLS (it answered in plain text); you chose implicit TLS`,
          fix: `${settingName('security', 'starttls')}, or use the provider's implicit-TLS port, usually 465`,
        };
      }
      return {
        detail: `TLS handshake failed: ${err.message}`,
        fix: 'check the port and security setting; the server may not support TLS 1.2 or newer',
      };
    case 'starttls':
      if (err.code === 'ENOSTARTTLS') {
        return {
          detail: 'the server does not offer STARTTLS',
          fix: 'use implicit TLS ("tls", usually port 465) if the provider offers it; "none" is only for a local test server',
        };
      }
      return {
        detail: `STARTTLS failed${reply ? `: ${reply}` : ` (${err.message})`}`,
        fix: 'check the port and security setting; the server may not support TLS 1.2 or newer',
      };
    case 'ehlo':
      return {
        detail: `the server refused EHLO${reply ? `: ${reply}` : ` (${err.message})`}`,
        fix: `${settingName('heloName')} this computer's fully qualified name`,
      };
    case 'certificate':
      return {
        detail: err.message,
        fix:
          err.fix ??
          `give the CA (${settingName('caFile')}) or pin the certificate (${settingName('pin')})`,
      };
    case 'auth':
      if (err.code === 'ENOAUTH') return { detail: err.message, fix: err.fix ?? '' };
      if (err instanceof LoginHeldBack) {
        return { detail: err.message, fix: adviseOnSessionError(err.refusal, endpoint).fix };
      }
      if (err.reply?.code !== null && err.reply?.code !== undefined && err.reply.code < 500) {
        return {
          detail: `temporary authentication failure: ${reply}`,
          fix: 'the upstream asked to try again later',
        };
      }
      if (
        err.reply?.enhanced === '5.7.139' ||
        /SmtpClientAuthentication/i.test(err.reply?.text ?? '')
      ) {
        return adviseOnMicrosoftLogin(err.reply?.text ?? '', reply ?? err.message);
      }
      return {
        detail: `authentication rejected${reply ? ` (${reply})` : ` (${err.message})`}`,
        // the user name is the half an admin can check on screen (the password is never shown)
        fix: endpoint.auth?.user
          ? `check the password of the user "${endpoint.auth.user}", and that this is the user name the provider gives (often the whole address; for Gmail use an app password)`
          : 'check user and password (for Gmail use an app password)',
      };
  }
}

/**
 * Microsoft 365 answers `535 5.7.139` for every refused login; only the text says which of its
 * causes it is (learn.microsoft.com, "Authenticated client SMTP submission"), and the fixes differ:
 * a mistyped password is the usual one, and telling that admin to enable SMTP AUTH sends them to
 * the wrong screen.
 */
function adviseOnMicrosoftLogin(text: string, reply: string): Advice {
  if (/credentials were incorrect|user name or password/i.test(text)) {
    return {
      detail: `authentication rejected: Microsoft 365 says the user name or password is wrong (${reply})`,
      fix: 'check the user (the full mailbox address) and the password; with multi-factor sign-in, use an app password or OAuth2 (XOAUTH2)',
    };
  }
  if (/SmtpClientAuthentication|smtp_auth_disabled/i.test(text)) {
    return {
      detail: `authentication rejected: SMTP AUTH is disabled for this Microsoft 365 mailbox or tenant (${reply})`,
      fix: 'enable Authenticated SMTP for the mailbox (and tenant), or sign in with OAuth2 (XOAUTH2)',
    };
  }
  if (/basic auth/i.test(text)) {
    return {
      detail: `authentication rejected: Microsoft 365 has turned off password (basic) authentication for this mailbox (${reply})`,
      fix: 'sign in with OAuth2 (XOAUTH2), or ask the tenant admin to allow basic authentication for SMTP AUTH',
    };
  }
  if (/security defaults|did not meet the criteria|conditional access/i.test(text)) {
    return {
      detail: `authentication rejected: a Microsoft 365 sign-in policy (security defaults or conditional access) blocks this login (${reply})`,
      fix: 'exclude this mailbox from the policy (or turn off security defaults), or sign in with OAuth2 (XOAUTH2)',
    };
  }
  return {
    detail: `authentication rejected by Microsoft 365 (${reply})`,
    fix: 'check the user (the full mailbox address) and the password, and that Authenticated SMTP is enabled for the mailbox and tenant',
  };
}
