import { useRef, useState } from 'react';
import { useFocusThroughBusy } from '../layout/use-focus-through-busy';
import { useApi } from '../api/api-context';
import type { ConnectionTestView } from '../api/contract';
import { useOnScreen } from './pinned-settings-context';
import { serverWords } from '../api/http-transport';

const stepNames: Record<ConnectionTestView['steps'][number]['step'], string> = {
  connect: 'Connect',
  greeting: 'Greeting',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  tls: 'TLS',
  certificate: 'Certificate',
  auth: 'Authentication',
};

/**
 * "Test connection": connect, greeting, EHLO, STARTTLS or TLS, certificate, AUTH, each with a
 * tick or a plain explanation and the fix. Sends no mail. Tests `candidate` (the form's upstream,
 * unsaved; the saved password is used when it has none) or, without one, the saved upstream.
 */
export function ConnectionTestPanel({
  candidate,
  onPassed,
  onTrust,
  label = 'Connection test',
}: {
  candidate?: () => Record<string, unknown> | undefined;
  onPassed?(): void;
  /** Puts a refused certificate's fingerprint in the form's pin (Settings → Upstream only). */
  onTrust?(fingerprint256: string): void;
  /** The region's name: the banner's and Settings' are on one page at once, and must differ. */
  label?: string;
}) {
  const api = useApi();
  const onScreen = useOnScreen();
  const [result, setResult] = useState<ConnectionTestView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // disabled while it tests: the focus fell to the page's body (the banner's button in the
  // middle of the window, the next Tab went back to the search box)
  const button = useRef<HTMLButtonElement>(null);
  const noteFocus = useFocusThroughBusy(button, busy);

  const run = async () => {
    noteFocus();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const answer = await api.testUpstream(candidate?.());
      setResult(answer);
      if (answer.ok) onPassed?.();
    } catch (failure) {
      setError(serverWords(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="connection-test" aria-label={label}>
      <button ref={button} type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Testing…' : 'Test connection'}
      </button>
      <div aria-live="polite">
        {busy && <p className="field-hint">Talking to the upstream (no mail is sent)…</p>}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {result && (
          <>
            <p className={result.ok ? 'test-verdict ok' : 'test-verdict failed'}>
              {result.ok
                ? 'The upstream accepts a connection with these settings.'
                : 'The upstream cannot be used with these settings yet.'}
            </p>
            <ol className="test-steps" aria-label="Connection test steps">
              {result.steps.map((step, index) => (
                <li key={index} className={step.ok ? 'ok' : 'failed'}>
                  <span className="step-mark" aria-hidden="true">
                    {step.ok ? '✓' : '✗'}
                  </span>
                  <span>
                    <strong>{stepNames[step.step]}</strong>
                    <span className="visually-hidden">{step.ok ? ' passed' : ' failed'}</span>:{' '}
                    {onScreen(step.detail)}
                    {step.fix && (
                      <span className="step-fix">
                        {' '}
                        <strong>Fix:</strong> {onScreen(step.fix)}
                      </span>
                    )}
                  </span>
                </li>
              ))}
            </ol>
            {result.certificate && (
              <p className="field-hint">
                Certificate: {result.certificate.subject}, valid until {result.certificate.validTo}{' '}
                ({result.certificate.verification})
              </p>
            )}
            {result.certificate && !result.certificate.ok && onTrust && (
              // the fix the step names is a flag or a settings key; here it is one click, and
              // the admin still tests and saves it
              <p className="trust-certificate">
                <button
                  type="button"
                  onClick={() =>
                    onTrust((result.certificate as { fingerprint256: string }).fingerprint256)
                  }
                >
                  Trust this certificate
                </button>{' '}
                <span className="field-hint">
                  fills in “Trust exactly this certificate” with {result.certificate.fingerprint256}
                  ; only if it is your upstream&apos;s (ask its admin), then Test connection again
                  and Save.
                </span>
              </p>
            )}
            {result.transcript && (
              <details>
                <summary>SMTP transcript</summary>
                <pre className="transcript">{result.transcript}</pre>
              </details>
            )}
          </>
        )}
      </div>
    </section>
  );
}
