import { useApi } from '../api/api-context';
import { useAsyncValue } from '../use-async-value';

/** Every header line as sent, one row per value (Received, for one, repeats). */
export function HeadersTable({ headers }: { headers: Record<string, string[]> }) {
  const rows = Object.entries(headers).flatMap(([name, values]) =>
    values.map((value, index) => ({ key: `${name}:${index}`, name, value })),
  );
  return (
    <table className="headers-table message-headers" data-testid="headers-table">
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{row.name}</th>
            <td>{row.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Loads the headers only when their tab is opened. */
export function HeadersPanel({ messageId }: { messageId: string }) {
  const api = useApi();
  const headers = useAsyncValue(() => api.getHeaders(messageId), `headers:${messageId}`);
  if (headers.status === 'loading') return <p className="body-notice">Loading headers…</p>;
  if (headers.status === 'failed') {
    return (
      <p className="body-notice error" role="alert">
        {headers.error}
      </p>
    );
  }
  return <HeadersTable headers={headers.value} />;
}
