import { useApi } from '../api/api-context';
import { formatSize } from '../format/mail-format';
import { useAsyncValue } from '../use-async-value';
import { MimeStructure } from './MimeStructure';

/**
 * The message as stored (with our Received line on top), loaded when its tab opens. Lines sent as
 * 8-bit in a legacy charset come decoded with their part's charset, and the note says so: read as
 * UTF-8 they showed a U+FFFD for every letter outside ASCII.
 */
export function RawSource({ messageId }: { messageId: string }) {
  const api = useApi();
  const source = useAsyncValue(() => api.getSource(messageId), `source:${messageId}`);
  if (source.status === 'loading') return <p className="body-notice">Loading source…</p>;
  if (source.status === 'failed') {
    return (
      <p className="body-notice error" role="alert">
        {source.error}
      </p>
    );
  }
  const { text, decodedAs, elidedBytes } = source.value;
  return (
    <>
      <MimeStructure messageId={messageId} />
      {decodedAs.length > 0 && (
        <p className="body-notice source-charset" data-testid="source-charset">
          Some lines are not UTF-8: they are shown decoded as {decodedAs.join(', ')} (the charset
          their MIME part declares
          {decodedAs.includes('windows-1252') && '; windows-1252 where it declares none'}). Download
          .eml has the bytes as they are.
        </p>
      )}
      {elidedBytes > 0 && (
        <p className="body-notice source-elided" data-testid="source-elided">
          Long base64 bodies (attachments) are shortened here to their first and last lines,{' '}
          {formatSize(elidedBytes)} in all, so the source opens at once. Download .eml has every
          byte.
        </p>
      )}
      <pre className="raw-source" data-testid="source">
        {text}
      </pre>
    </>
  );
}
