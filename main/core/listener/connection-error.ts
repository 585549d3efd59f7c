// A client connection's error as the log says it: which client, and for a failed TLS handshake
// what it means and what to do. smtp-server hands on OpenSSL's own line
// ("804C…:error:0A000076:SSL routines:tls_choose_sigalg:no suitable signature algorithm:
// ../deps/openssl/…/t1_lib.c:3353:"), which named neither the client nor the cause.
import { normalizeClientIp } from '../net/ip-address.js';

interface ConnectionError extends Error {
  code?: string;
  /** OpenSSL's reason, e.g. "no suitable signature algorithm". */
  reason?: string;
  remoteAddress?: string;
  /** smtp-server's: stage `connect` for a TLS handshake (STARTTLS or implicit TLS). */
  meta?: { stage?: string; message?: string; remoteAddress?: string };
}

const oldClientFix =
  'update its TLS library or settings, or, for an old printer or scanner on a network you trust, lower --tls-min-version';

const untrusted =
  "the client does not trust this relay's certificate (self-signed, or from a CA it does not know): have the client trust it (its SHA-256 fingerprint is in the start-up log and in Settings), or give --tls-cert a certificate from a CA the client trusts";

/** What an OpenSSL handshake failure means for the client that met it, by Node's code. */
const handshakeWords: Record<string, string> = {
  ERR_SSL_UNSUPPORTED_PROTOCOL: `the client offers only a TLS version older than --tls-min-version allows: ${oldClientFix}`,
  ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM: `the client offers only old signature algorithms, as TLS 1.0 and 1.1 clients do: ${oldClientFix}`,
  ERR_SSL_NO_SHARED_CIPHER:
    'the client and this relay have no cipher in common: update the client, or give a certificate of another key type',
  ERR_SSL_WRONG_VERSION_NUMBER:
    'the client did not speak TLS (plain text where a handshake was due, or implicit TLS on the STARTTLS port): check its port and security setting',
  ERR_SSL_HTTP_REQUEST: 'the client sent HTTP, not SMTP: check its port',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: untrusted,
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: untrusted,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: untrusted,
};

function isHandshake(err: ConnectionError): boolean {
  return err.meta?.stage === 'connect' || (err.code ?? '').startsWith('ERR_SSL_');
}

/** One log line for an error on a client's connection, without OpenSSL's source file and line. */
export function connectionErrorLine(listener: string, err: ConnectionError): string {
  // (an implicit-TLS handshake fails before there is a connection: the address is in meta)
  const address = err.remoteAddress ?? err.meta?.remoteAddress;
  const client = address ? normalizeClientIp(address) : null;
  if (!isHandshake(err)) return `${listener}: ${client ? `${client}: ` : ''}${err.message}`;
  const raw = err.meta?.message ?? err.message;
  // OpenSSL's line: "<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:"
  const reason = err.reason ?? /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(raw)?.[1] ?? raw;
  const words = handshakeWords[err.code ?? ''];
  return `${listener}: TLS handshake with ${client ?? 'a client'} failed (${reason.trim()})${words ? `: ${words}` : ''}`;
}
