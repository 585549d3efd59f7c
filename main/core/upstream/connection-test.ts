// "Test connection": walks the same session steps as a delivery (connect, greeting, EHLO,
// STARTTLS or TLS, certificate, AUTH), reports each in plain words, sends no mail and QUITs.
import tls from 'node:tls';
import { adviseOnSessionError } from './advice.js';
import type { CertificateReport } from './certificate-check.js';
import { TranscriptRecorder } from './transcript.js';
import {
  authenticate,
  authMechanismsOffered,
  endSession,
  openSession,
  UpstreamSessionError,
  type SessionStep,
  type SessionTimeouts,
  type UpstreamSession,
} from './upstream-session.js';
import { stripBrackets, type UpstreamEndpoint } from './upstream-settings.js';

export interface ConnectionTestStep {
  step: SessionStep;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  steps: ConnectionTestStep[];
  /** EHLO keywords after TLS, e.g. `SIZE 10240000`, `AUTH PLAIN LOGIN`. */
  capabilities: string[];
  certificate: CertificateReport | null;
  transcript: string;
}

export interface ConnectionTestOptions {
  /** Shorter than a delivery's, so the button answers quickly. */
  timeouts?: Partial<SessionTimeouts>;
  signal?: AbortSignal;
}

const TEST_TIMEOUTS: SessionTimeouts = { connectMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

/**
 * A server that has said nothing after this long, where it should greet in plain text, may be
 * an implicit-TLS port waiting for our handshake. A second connection tries TLS then, so the
 * user hears "port 465 expects implicit TLS" at once instead of after the greeting timeout.
 * (Slow greeters such as Postfix's postscreen do not answer a TLS handshake, so they are not
 * mistaken for one.)
 */
const EARLY_TLS_PROBE_MS = 1500;

/** Does the port complete a TLS handshake at once? Tells "expects implicit TLS" from "silent". */
function answersTls(endpoint: UpstreamEndpoint, timeoutMs: number): Promise<boolean> {
  const host = stripBrackets(endpoint.host);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: endpoint.port,
      rejectUnauthorized: false,
      ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }),
    });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function greetingStep(transcript: TranscriptRecorder): ConnectionTestStep | null {
  const greeting = transcript.greeting;
  return greeting
    ? { step: 'greeting', ok: true, detail: greeting.split('\n')[0] ?? greeting }
    : null;
}

/** The steps that succeeded before `failedAt` (or all of them), read off the transcript. */
function stepsReached(
  endpoint: UpstreamEndpoint,
  transcript: TranscriptRecorder,
  tlsInfo: UpstreamSession['tls'],
  failedAt: SessionStep | null,
): ConnectionTestStep[] {
  const steps: ConnectionTestStep[] = [];
  const reached = (step: SessionStep) => failedAt !== step;
  if (!reached('connect')) return steps;
  steps.push({
    step: 'connect',
    ok: true,
    detail: `connected to ${endpoint.host}${transcript.remoteAddress ? ` (${transcript.remoteAddress})` : ''} port ${endpoint.port}`,
  });
  if (endpoint.security === 'tls') {
    if (!reached('tls')) return steps;
    steps.push({
      step: 'tls',
      ok: true,
      detail: tlsInfo ? `implicit TLS: ${tlsInfo.version} ${tlsInfo.cipher}` : 'implicit TLS',
    });
  }
  const greeting = greetingStep(transcript);
  if (!greeting || !reached('greeting')) return steps;
  steps.push(greeting);
  const plainEhlo = transcript.exchanges.find(
    (e) => e.command !== null && /^(EHLO|HELO)\b/i.test(e.command),
  );
  if (!plainEhlo || !reached('ehlo')) return steps;
  steps.push({
    step: 'ehlo',
    ok: true,
    detail:
      plainEhlo.reply
        .split('\n')
        .slice(1)
        .map((l) => l.slice(4))
        .join(', ') || 'accepted',
  });
  if (endpoint.security === 'starttls') {
    if (!reached('starttls') || !tlsInfo) return steps;
    steps.push({
      step: 'starttls',
      ok: true,
      detail: `upgraded to ${tlsInfo.version} ${tlsInfo.cipher}`,
    });
  }
  return steps;
}

function describeCertificate(cert: CertificateReport): string {
  return [
    `subject ${cert.subject}`,
    `issuer ${cert.issuer}`,
    `names ${cert.names.join(', ')}`,
    `valid until ${cert.validTo}`,
    `verification: ${cert.verification}`,
    `SHA-256 ${cert.fingerprint256}`,
  ].join('; ');
}

export async function testUpstream(
  endpoint: UpstreamEndpoint,
  options: ConnectionTestOptions = {},
): Promise<ConnectionTestResult> {
  const timeouts = { ...TEST_TIMEOUTS, ...options.timeouts };
  const transcript = new TranscriptRecorder();
  const session$ = new AbortController();
  options.signal?.addEventListener('abort', () => session$.abort(), { once: true });
  let implicitTlsEarly = false;
  const probeTimer =
    endpoint.security === 'tls'
      ? null
      : setTimeout(() => {
          if (transcript.greeting) return;
          void answersTls(endpoint, 3000).then((answers) => {
            if (!answers || transcript.greeting) return;
            implicitTlsEarly = true;
            session$.abort();
          });
        }, EARLY_TLS_PROBE_MS);
  probeTimer?.unref();
  try {
    const session = await openSession(endpoint, { transcript, timeouts, signal: session$.signal });
    const steps = stepsReached(endpoint, transcript, session.tls, null);
    if (session.certificate) {
      steps.push({
        step: 'certificate',
        ok: true,
        detail: describeCertificate(session.certificate),
      });
    }
    // Refresh the EHLO step with what the server offers after TLS (AUTH often appears only then).
    const ehlo = steps.find((s) => s.step === 'ehlo');
    if (ehlo) ehlo.detail = session.capabilities.join(', ') || ehlo.detail;
    if (endpoint.auth) {
      try {
        await authenticate(session, transcript);
        steps.push({
          step: 'auth',
          ok: true,
          detail: `authenticated as ${endpoint.auth.user} with ${session.authMechanism}`,
        });
      } catch (err) {
        if (!(err instanceof UpstreamSessionError)) throw err;
        const advice = adviseOnSessionError(err, endpoint);
        steps.push({ step: 'auth', ok: false, detail: advice.detail, fix: advice.fix });
        return finish(false, steps, session, transcript);
      }
    } else {
      const offered = authMechanismsOffered(session.capabilities);
      steps.push({
        step: 'auth',
        ok: true,
        detail: `not tried: no credentials configured (the server offers ${offered.length ? `AUTH ${offered.join(' ')}` : 'no AUTH'})`,
      });
    }
    return finish(true, steps, session, transcript);
  } catch (caught) {
    if (!(caught instanceof UpstreamSessionError)) throw caught;
    const err = implicitTlsEarly
      ? new UpstreamSessionError('greeting', 'ETIMEDOUT', null, 'no greeting in plain text')
      : caught;
    const implicitTlsDetected =
      implicitTlsEarly ||
      (err.step === 'greeting' && !err.reply && endpoint.security !== 'tls'
        ? await answersTls(endpoint, Math.min(timeouts.greetingMs, 5_000))
        : false);
    const advice = adviseOnSessionError(err, endpoint, { implicitTlsDetected });
    const steps = stepsReached(endpoint, transcript, err.tls, err.step);
    const certificate = err.certificate;
    if (err.step === 'certificate' && certificate) {
      steps.push({
        step: 'certificate',
        ok: false,
        detail: `${advice.detail}; ${describeCertificate(certificate)}`,
        fix: advice.fix,
      });
    } else {
      steps.push({ step: err.step, ok: false, detail: advice.detail, fix: advice.fix });
    }
    return { ok: false, steps, capabilities: [], certificate, transcript: transcript.toString() };
  } finally {
    if (probeTimer) clearTimeout(probeTimer);
  }
}

async function finish(
  ok: boolean,
  steps: ConnectionTestStep[],
  session: UpstreamSession,
  transcript: TranscriptRecorder,
): Promise<ConnectionTestResult> {
  await endSession(session);
  return {
    ok,
    steps,
    capabilities: [...session.capabilities],
    certificate: session.certificate,
    transcript: transcript.toString(),
  };
}
