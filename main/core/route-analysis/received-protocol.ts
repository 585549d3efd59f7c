// The with-clause and TLS: the protocol keyword, and the many ways servers note encryption in
// comments, which matter more than the keyword because many write plain ESMTP over TLS.
import { clauseText, firstValue, type Clause } from './received-clauses.js';

/**
 * RFC 3848 / RFC 6531 plain keywords: no TLS unless a comment says otherwise. UTF8SMTP is what a
 * server (Relaydesk's own stamp included) writes for SMTPUTF8 mail without TLS.
 */
const plainProtocol = /^(?:E?SMTPA?|LMTPA?|UTF8(?:SMTP|LMTP)A?)$/i;
/** RFC 3848 / RFC 6531 / RFC 8314 keywords that say TLS: …S and …SA (ESMTPS, UTF8SMTPSA, HTTPS). */
const secureProtocol = /^(?:[A-Z0-9]*MTP|HTTP)SA?$/i;
export const authenticatedProtocol = /^(?:[A-Z0-9]*MTP|HTTP)S?A$/i;

interface TlsFacts {
  tls: boolean | null;
  version: string | null;
  cipher: string | null;
}

const mentionsTls = /tls|ssl|encrypt|cipher/i;
const postfixTls = /\busing\s+((?:TLS|SSL)v?[\d.]+)(?:\s+with\s+cipher\s+(\S+))?/i;
/** NVIDIA's mail gateway: `(using TLS: TLSv1.2, DES-CBC3-SHA)`. */
const labelledTls = /\busing\s+TLS:\s*((?:TLS|SSL)v?[\d.]+),\s*([\w-]+)/i;
const keyedTls = /\bversion=((?:TLS|SSL)v?[\w.]*)/i;
const eximTls = /^((?:TLS|SSL)(?:v?\d+(?:[._]\d+)*)?)(?::([^:\s]+))?(?:[:\s,]|$)/i;
const encrypted = /(?<!\bnot\s)\bencrypted\b/i;
const qmailCipher = /^(\S+)\s+encrypted\b/i;
const tlsLabel = /\bTLS:\s*\S/;
/** Mimecast names neither version nor cipher: `(Using TLS) by relay.mimecast.com`. */
const bareTls = /^using\s+(?:TLS|SSL)$/i;
const keyedCipher = /\bcipher=([\w-]+)/i;
const startTls = /\bSTARTTLS\b/i;
/**
 * Cisco Secure Email (IronPort) writes the TLS session into the keyword itself:
 * `with ESMTP/TLS/DHE-RSA-AES256-GCM-SHA384`, or `ESMTP/TLS` with no cipher.
 */
const tlsInKeyword = /^([A-Z0-9]+)\/TLS(?:\/([\w-]+))?$/i;

/**
 * IBM's mail gateway writes its login banner where the protocol goes: `with IBM ESMTP SMTP Gateway:
 * Authorized Use Only! Violators will be prosecuted` (every stamp of e06smtp*.uk.ibm.com and
 * e28smtp*.in.ibm.com). The protocol is the RFC 3848 keyword in it; the rest is a warning to
 * intruders that read as the protocol's name. The raw field keeps it.
 */
const ibmGatewayBanner = /^IBM\s+([A-Z0-9]*MTPS?A?)\s+SMTP\s+Gateway\b/i;

/**
 * The protocol keyword as RFC 3848 names it, without the TLS session IronPort writes into it or
 * the banner IBM's gateway writes around it.
 */
export function protocolKeyword(written: string | null): string | null {
  if (written === null) return null;
  const banner = ibmGatewayBanner.exec(written);
  if (banner?.[1]) return banner[1];
  return tlsInKeyword.exec(written)?.[1] ?? written;
}
/**
 * A cipher as Exim and Haraka write it after `tls` (`TLS_AES_256_GCM_SHA384`,
 * `ECDHE-RSA-AES256-GCM-SHA384`). IIS writes `over TLS secured channel`: TLS, but no cipher.
 */
const cipherName = /^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)+$/;

/** What one comment says of TLS, tried in this order; null when it says nothing. */
function tlsInComment(text: string): { version: string | null; cipher: string | null } | null {
  const postfix = postfixTls.exec(text) ?? labelledTls.exec(text);
  if (postfix) return { version: postfix[1] ?? null, cipher: postfix[2] ?? null };
  const keyed = keyedTls.exec(text);
  if (keyed) {
    // OpenSSL before 1.1 named every TLS cipher's protocol `TLSv1/SSLv3`, and Sendmail wrote that
    // as the version: it says TLS 1.0 to 1.2, not which (IBM's `cipher=AES256-GCM-SHA384` is 1.2)
    const version = /^TLSv1\/SSLv3\b/i.test(text.slice(keyed.index + 'version='.length))
      ? null
      : (keyed[1] ?? null);
    return { version, cipher: null };
  }
  const exim = eximTls.exec(text);
  if (exim) {
    // a bare `TLS` names no version
    const version = exim[1] && exim[1].length > 3 ? exim[1] : null;
    return { version, cipher: exim[2] ?? null };
  }
  if (encrypted.test(text)) return { version: null, cipher: qmailCipher.exec(text)?.[1] ?? null };
  if (tlsLabel.test(text) || bareTls.test(text)) return { version: null, cipher: null };
  return null;
}

/**
 * TLS as the field records it: the protocol keyword (RFC 3848 "S"), Postfix `using TLSv1.3`,
 * Sendmail/Gmail/Microsoft `version=TLS…`, Exchange `(TLS)`, Exim `(TLS1.3) tls CIPHER` and legacy
 * `(TLS1.2:CIPHER:256)`, qmail `(CIPHER encrypted)`, Mimecast `with … STARTTLS` and `(Using TLS)`,
 * IronPort `with ESMTP/TLS/CIPHER`.
 */
export function tlsFacts(
  protocol: string | null,
  clauses: readonly Clause[],
  comments: string[],
): TlsFacts {
  let version: string | null = null;
  let cipher: string | null = null;
  let marker = false;
  for (const comment of comments) {
    if (!mentionsTls.test(comment)) continue;
    const text = comment.trim();
    const found = tlsInComment(text);
    if (found) {
      marker = true;
      version ??= found.version;
      cipher ??= found.cipher;
    }
    cipher ??= keyedCipher.exec(text)?.[1] ?? null;
  }
  const tlsClause = clauses.find((clause) => clause.keyword === 'tls');
  const tlsCipher = firstValue(tlsClause);
  if (tlsCipher) {
    marker = true;
    if (cipherName.test(tlsCipher.text)) cipher ??= tlsCipher.text;
  }
  for (const clause of clauses) {
    if (clause.keyword !== 'with') continue;
    const text = clauseText(clause) ?? '';
    if (startTls.test(text)) marker = true;
    const inKeyword = tlsInKeyword.exec(text);
    if (inKeyword) {
      marker = true;
      cipher ??= inKeyword[2] ?? null;
    }
  }
  let tls: boolean | null = null;
  if (marker || (protocol !== null && secureProtocol.test(protocol))) tls = true;
  else if (protocol !== null && plainProtocol.test(protocol)) tls = false;
  return { tls, version, cipher };
}
