import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { ConnectionTestView } from '../api/contract';

/** Each step of a connection test with a tick, or a plain explanation and the fix. */
export function TestSteps({ result }: { result: ConnectionTestView }) {
  return (
    <ol className="test-steps" aria-label="Connection test" data-testid="test-steps">
      {result.steps.map((step, index) => (
        <li key={index} className={step.ok ? 'ok' : 'failed'}>
          <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span> <strong>{step.step}</strong>:{' '}
          {step.detail}
          {step.fix && <span className="fix"> Fix: {step.fix}</span>}
        </li>
      ))}
    </ol>
  );
}

/** "Test connection": runs the test of the saved upstream and shows its steps. */
export function ConnectionTest({ onPassed }: { onPassed?(result: ConnectionTestView): void }) {
  const api = useApi();
  const [result, setResult] = useState<ConnectionTestView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.testUpstream();
      setResult(answer);
      if (answer.ok) onPassed?.(answer);
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
      {result && <TestSteps result={result} />}
    </div>
  );
}
