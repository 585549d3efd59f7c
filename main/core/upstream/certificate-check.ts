// TLS trust for the upstream: system CAs plus an optional `caFile`, or a SHA-256 pin that accepts
// exactly one certificate (self-signed included) and nothing else.
//
// The handshake itself never rejects (rejectUnauthorized: false). Node still verifies the chain
// and the host name and leaves the verdict on the socket (`authorized`, `authorizationError`);
// we read it right after the handshake and end the session before AUTH or MAIL if it fails. That
// way a pin can accept a self-signed certificate, the connection test can show the certificate it
// refused, and the only thing sent before the check is the EHLO name.
import { statSync } from 'node:fs';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import type { UpstreamEndpoint } from './upstream-settings.js';
import { loadCaFile, stripBrackets } from './upstream-settings.js';
import { fileSignature } from '../settings/file-signature.js';
import { settingName } from '../../../preload/setting-names.js';

export interface CertificateReport {
  subject: string;
  issuer: string;
  /** DNS and IP names the certificate is valid for. */
  names: string[];
  validFrom: string;
  validTo: string;
  /** `AB:CD:…`, the form pinSha256 accepts. */
  fingerprint256: string;
  /** How it was judged: trusted, pinned, accepted unverified, or why it was refused. */
  verification: string;
  ok: boolean;
}

export interface CertificateVerdict {
  report: CertificateReport;
  /** A plain explanation when the certificate is refused, with the fix. */
  problem: { detail: string; fix: string; code: string } | null;
}

interface CaSource {
  getCACertificates?: (type: string) => string[];
}

/** Node 20 only has its bundled roots; Node ≥ 22.15 (Electron) can add the OS store. */
function systemCertificates(): string[] {
  const get = (tls as unknown as CaSource).getCACertificates;
  if (typeof get !== 'function') return [];
  try {
    return get('system');
  } catch {
    return [];
  }
}

/** The CA file's certificates as last read, by path, with what the file was like then. */
const caFiles = new Map<string, { signature: string; pem: string }>();

/**
 * The `caFile`'s certificates as the file holds them now: a CA renewed in the same file counts
 * from the next connection, with no save or restart (the settings keep the PEM they were saved
 * with). A file gone or without a certificate meanwhile keeps what was last read: the settings
 * check refused such a file when it was given, and a half-written one must not cut the relay off.
 */
function caPemNow(endpoint: UpstreamEndpoint): string | undefined {
  const path = endpoint.caFile;
  if (path === undefined) return endpoint.caPem;
  const known = caFiles.get(path);
  let signature: string;
  try {
    signature = fileSignature(statSync(path));
  } catch {
    return known?.pem ?? endpoint.caPem;
  }
  if (known?.signature === signature) return known.pem;
  const loaded = loadCaFile(path);
  if ('problem' in loaded) return known?.pem ?? endpoint.caPem;
  caFiles.set(path, { signature, pem: loaded.pem });
  return loaded.pem;
}

export function tlsOptionsFor(endpoint: UpstreamEndpoint): tls.ConnectionOptions {
  const system = systemCertificates();
  const caPem = caPemNow(endpoint);
  const extra = caPem ? [caPem] : [];
  return {
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    // Setting `ca` replaces Node's default roots, so the defaults go in first.
    ...(extra.length || system.length
      ? { ca: [...tls.rootCertificates, ...system, ...extra] }
      : {}),
  };
}

const nameOf = (entity: Record<string, string | string[] | undefined> | undefined): string => {
  if (!entity) return '';
  return Object.entries(entity)
    .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
};

function namesOf(cert: PeerCertificate): string[] {
  const names = (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter((entry) => entry.length > 0);
  const cn = cert.subject?.CN;
  if (names.length === 0 && typeof cn === 'string') names.push(cn);
  return names;
}

function explain(
  code: string,
  cert: PeerCertificate,
  host: string,
): { detail: string; fix: string } {
  // named as the command line and the settings file each call them (a user has one or the
  // other); the window names its own boxes instead (setting-names)
  const pinFix = `or pin this certificate (${settingName('pinSha256', cert.fingerprint256)})`;
  const caFix = `(${settingName('caFile')})`;
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        detail: `certificate is for ${namesOf(cert).join(', ')}, not ${host}`,
        fix: `use the host name the certificate names as the upstream host, ${pinFix}`,
      };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return {
        detail: 'certificate is self-signed and not trusted',
        fix: `give its CA certificate ${caFix}, ${pinFix}`,
      };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return {
        detail: `certificate is issued by an untrusted CA (${nameOf(cert.issuer as unknown as Record<string, string>)})`,
        fix: `give that CA certificate ${caFix}, ${pinFix}`,
      };
    case 'CERT_HAS_EXPIRED':
      return {
        detail: `certificate expired on ${cert.valid_to}`,
        fix: 'the upstream must renew its certificate',
      };
    case 'CERT_NOT_YET_VALID':
      return {
        detail: `certificate is not valid before ${cert.valid_from}`,
        fix: "check this computer's clock",
      };
    default:
      return {
        detail: `certificate not trusted (${code})`,
        fix: `give the CA ${caFix}, ${pinFix}`,
      };
  }
}

export function checkPeerCertificate(
  socket: TLSSocket,
  endpoint: UpstreamEndpoint,
): CertificateVerdict {
  const cert = socket.getPeerCertificate();
  const base = {
    subject: nameOf(cert.subject as unknown as Record<string, string>),
    issuer: nameOf(cert.issuer as unknown as Record<string, string>),
    names: namesOf(cert),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
  };
  const authError = socket.authorized ? null : String(socket.authorizationError ?? 'UNKNOWN');

  if (endpoint.pinSha256) {
    if (cert.fingerprint256 === endpoint.pinSha256) {
      return {
        report: { ...base, verification: 'pinned (SHA-256 matches)', ok: true },
        problem: null,
      };
    }
    return {
      report: { ...base, verification: 'refused: does not match the pinned SHA-256', ok: false },
      problem: {
        code: 'ECERTPIN',
        detail: `certificate SHA-256 ${cert.fingerprint256} does not match the pinned ${endpoint.pinSha256}`,
        fix: 'if the upstream changed its certificate on purpose, pin the new fingerprint; otherwise someone may be intercepting the connection',
      },
    };
  }
  if (!authError) {
    return { report: { ...base, verification: 'trusted', ok: true }, problem: null };
  }
  if (!endpoint.verifyCertificate) {
    return {
      report: { ...base, verification: `accepted without verification (${authError})`, ok: true },
      problem: null,
    };
  }
  const { detail, fix } = explain(authError, cert, stripBrackets(endpoint.host));
  return {
    report: { ...base, verification: `refused: ${detail}`, ok: false },
    problem: { code: authError, detail, fix },
  };
}
