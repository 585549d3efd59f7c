import { useState } from 'react';
import type { ConnectionTestResult } from '../api/pending-contract';
import { useScreens } from '../api/screens-context';

/** "Test connection": each step with a tick or a plain explanation and the fix. */
export function ConnectionTest({ onPassed }: { onPassed?(): void }) {
  const screens = useScreens();
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await screens.testConnection();
      setResult(answer);
      if (answer.ok) onPassed?.();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="connection-test">
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Testing…' : 'Test connection'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <ol className="test-steps" aria-label="Connection test" data-testid="test-steps">
          {result.steps.map((step, index) => (
            <li key={index} className={step.ok ? 'ok' : 'failed'}>
              <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span> <strong>{step.step}</strong>:{' '}
              {step.detail}
              {step.fix && <span className="fix"> Fix: {step.fix}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
