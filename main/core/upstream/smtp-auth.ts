// The AUTH step: pick a mechanism the upstream offers and log in, with the credentials masked in
// the transcript before they can be written to it.
import { onFirstUse } from '../load/first-use.js';
import { authMechanismsOffered } from './ehlo-capabilities.js';
import { UpstreamSessionError, type NodemailerLikeError } from './session-error.js';
import { parseSmtpReply } from './smtp-reply.js';
import type { TranscriptRecorder } from './transcript.js';
import type { UpstreamSession } from './upstream-session.js';
import type { UpstreamAuth, UpstreamEndpoint } from './upstream-settings.js';

// loaded by the first OAuth2 login only
const xoauth2Module = onFirstUse("nodemailer's XOAUTH2", () => import('nodemailer/lib/xoauth2'));

/** Masks the endpoint's password or token (and the AUTH PLAIN/XOAUTH2 strings made of it). */
export function registerSecrets(
  transcript: TranscriptRecorder,
  auth: UpstreamAuth | undefined,
): void {
  if (!auth) return;
  if ('accessToken' in auth) {
    transcript.addSecret(
      auth.accessToken,
      `user=${auth.user}\x01auth=Bearer ${auth.accessToken}\x01\x01`,
    );
  } else {
    transcript.addSecret(auth.password, `\x00${auth.user}\x00${auth.password}`);
  }
}

/** The mechanism we will use, or an explanation of why none fits. */
export function chooseMechanism(
  endpoint: UpstreamEndpoint,
  offered: readonly string[],
): { mechanism: string } | { problem: string } {
  const auth = endpoint.auth;
  if (!auth) return { problem: 'no credentials configured' };
  if (offered.length === 0) {
    return { problem: 'the server does not offer AUTH' };
  }
  if (auth.mechanism !== 'auto') {
    return offered.includes(auth.mechanism)
      ? { mechanism: auth.mechanism }
      : { problem: `the server offers AUTH ${offered.join(' ')}, not ${auth.mechanism}` };
  }
  // nodemailer's order of preference; CRAM-MD5 last because it needs the password stored in clear
  const mechanism = ['PLAIN', 'LOGIN', 'CRAM-MD5'].find((m) => offered.includes(m));
  return mechanism
    ? { mechanism }
    : {
        problem: `the server offers AUTH ${offered.join(' ')}, none of which works with a password`,
      };
}

export async function authenticate(
  session: UpstreamSession,
  transcript: TranscriptRecorder,
): Promise<void> {
  const auth = session.endpoint.auth;
  if (!auth) return;
  const choice = chooseMechanism(session.endpoint, authMechanismsOffered(session.capabilities));
  if ('problem' in choice) {
    session.connection.close();
    throw new UpstreamSessionError(
      'auth',
      'ENOAUTH',
      null,
      choice.problem,
      'check the host and port (authenticated submission is usually port 587 or 465), or remove the credentials if this upstream trusts your address',
    );
  }
  registerSecrets(transcript, auth);
  const credentials =
    'accessToken' in auth
      ? {
          user: auth.user,
          method: 'XOAUTH2',
          oauth2: new (await xoauth2Module()).default({
            user: auth.user,
            accessToken: auth.accessToken,
          }),
        }
      : { user: auth.user, pass: auth.password, method: choice.mechanism };
  try {
    await new Promise<void>((resolve, reject) => {
      session.connection.login(credentials, (err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    const e = err as NodemailerLikeError;
    session.connection.close();
    throw new UpstreamSessionError(
      'auth',
      e.code === 'EAUTH' && e.response ? 'EAUTH' : (e.originalCode ?? e.code ?? 'EAUTH'),
      e.response ? parseSmtpReply(e.response) : null,
      `authentication as ${auth.user} with ${choice.mechanism} failed: ${e.response ?? e.message}`,
    );
  }
  session.authMechanism = choice.mechanism;
}
