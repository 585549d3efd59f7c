import { useApi } from '../api/api-context';
import { decodeEncodedWords } from '../format/encoded-words';
import { useAsyncValue } from '../use-async-value';

/**
 * Every header line, one row per value (Received, for one, repeats), the names alphabetically as
 * the API gives them (Mailpit's tab too; the Source tab has them in the order sent). A value
 * with RFC 2047 encoded words keeps its raw text (what a developer debugging an encoding needs;
 * Mailpit shows only that) and reads decoded on a quiet line under it.
 */
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
            <td>
              {row.value}
              <DecodedValue value={row.value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DecodedValue({ value }: { value: string }) {
  const decoded = decodeEncodedWords(value);
  if (decoded === null || decoded === value) return null;
  return (
    <span className="header-decoded" data-testid="header-decoded">
      <span className="header-decoded-label">decoded: </span>
      {decoded}
    </span>
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
