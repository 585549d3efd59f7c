import { useApi } from '../api/api-context';
import { useAsyncValue } from '../use-async-value';

/** The message exactly as stored (with our Received line on top), loaded when its tab opens. */
export function RawSource({ messageId }: { messageId: string }) {
  const api = useApi();
  const raw = useAsyncValue(() => api.getRaw(messageId), `raw:${messageId}`);
  if (raw.status === 'loading') return <p className="body-notice">Loading source…</p>;
  if (raw.status === 'failed') {
    return (
      <p className="body-notice error" role="alert">
        {raw.error}
      </p>
    );
  }
  return (
    <pre className="raw-source" data-testid="source">
      {raw.value}
    </pre>
  );
}
