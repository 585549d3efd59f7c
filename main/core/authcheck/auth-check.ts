// Checks of a captured message's authentication, as the receiving side would do them: DKIM
// signatures, SPF for the client IP and envelope sender, DMARC alignment and the ARC chain, by
// mailauth, over our resolver. Each check is pass, fail or neutral with a reason; when DNS cannot
// be reached the checks that needed it say "offline" instead of failing the message.
import type { AuthStatus } from 'mailauth';
import { loadMailauth } from './mailauth-module.js';
import type { DnsResolver } from '../dns/dns-resolver.js';

import type {
  AuthBadge,
  AuthVerdict,
  DkimVerdict,
  MessageAuthCheck,
} from '../../../preload/auth-contract.js';

export type {
  AuthBadge,
  AuthVerdict,
  DkimVerdict,
  MessageAuthCheck,
} from '../../../preload/auth-contract.js';

export interface AuthCheckInput {
  id: string;
  raw: Buffer;
  clientIp: string;
  helo: string;
  /** MAIL FROM; '' for the null sender. */
  sender: string;
  /** Our host name, the authserv-id of the Authentication-Results header. */
  hostname: string;
}

const failing = new Set(['fail', 'softfail', 'permerror', 'policy']);
/** mailauth's comment when the body no longer hashes to the signature's bh=. */
const bodyHashMismatch = 'body hash did not verify';
/** mailauth's comment when no TXT record is found at the signature's selector. */
const noKey = 'no key';
/**
 * mailauth says neutral for these, as Gmail does, but RFC 6376 makes each a PERMFAIL: a body
 * changed after signing (§6.1.3) and a key that is not published (§6.1.2). Receivers count
 * neither as a DKIM pass for DMARC, so a grey badge would hide a signature that will fail.
 */
const permanentFailures = new Set([bodyHashMismatch, noKey]);

function badge(result: string, offline: boolean): AuthBadge {
  if (result === 'pass') return 'pass';
  if (failing.has(result)) return 'fail';
  if ((result === 'temperror' || result === 'temperr') && offline) return 'offline';
  return 'neutral';
}

function verdict(status: AuthStatus | undefined, offline: boolean, fallback: string): AuthVerdict {
  const result = status?.result ?? 'none';
  const temp = result === 'temperror' || result === 'temperr';
  const reason =
    temp && offline
      ? 'DNS could not be reached; check again when online'
      : (status?.comment ?? fallback);
  return { result, badge: badge(result, offline), reason };
}

/**
 * What to say of an ARC result mailauth gave no comment for. A seal whose key cannot be fetched
 * fails without one, and "no ARC chain" beside a fail badge told a reader the forwarder's seal
 * was never there, when it was there and did not verify.
 */
function arcFallback(arc: { status: AuthStatus; i?: number | false } | null): string {
  if (!arc || arc.status.result === 'none') return 'no ARC chain';
  const set = typeof arc.i === 'number' && arc.i > 0 ? ` i=${arc.i}` : '';
  return arc.status.result === 'fail'
    ? `the ARC set${set} did not verify: its seal or message signature does not match, or its key is not in DNS`
    : `the ARC chain up to set${set} verified`;
}

/**
 * What to say of a DMARC result mailauth gave no comment for. Without a record there is no
 * policy, and a record DNS would not give (SERVFAIL, REFUSED) is not known either: "policy none
 * of example.com" read as a p=none record in both cases, beside a DNS error in the SPF badge.
 */
function dmarcFallback(
  dmarc: { status: AuthStatus; domain: string; policy?: string; error?: string } | null,
): string {
  if (!dmarc) return 'no From domain to check';
  if (dmarc.status.result === 'none') return `${dmarc.domain} publishes no DMARC record`;
  if (dmarc.status.result === 'temperror') {
    const why = dmarc.error ? ` (${dmarc.error})` : '';
    return `the DMARC record of ${dmarc.domain} could not be looked up${why}; check again when its DNS answers`;
  }
  return `policy ${dmarc.policy || 'none'} of ${dmarc.domain}`;
}

/** What mailauth gives per signature beyond its types: the l= length, and the key it read. */
interface DkimResultDetail {
  canonBodyLength?: number;
  canonBodyLengthLimited?: boolean;
  status: { underSized?: number | boolean };
}

/**
 * Why a DKIM signature got its result, in words a developer can act on. mailauth's own comments
 * ("no key", none at all for a weak key) name neither the record nor the fix, and a signature
 * that passes with l= says nothing of the body bytes it leaves unsigned.
 */
function dkimReason(
  r: {
    signingDomain?: string;
    selector?: string;
    status: AuthStatus;
    signingHeaders?: { keys?: string };
  },
  fallback: string,
): string {
  const record = `${r.selector ?? ''}._domainkey.${r.signingDomain ?? ''}`;
  const { result, comment, policy } = r.status;
  // mailauth's two words for a signature that no longer matches the message say neither what
  // changed nor what to look at; a developer reading "bad signature" asked which part was wrong
  if (comment === bodyHashMismatch) {
    return `${bodyHashMismatch}: the body was changed after it was signed (its hash is no longer the signature's bh=); sign the body exactly as it is sent, after any footer, re-encoding or line-ending change`;
  }
  if (result === 'fail' && comment === 'bad signature') {
    // mailauth gives h= as "From: To: Subject"
    const names = (r.signingHeaders?.keys ?? '').split(/[\s:]+/).filter(Boolean);
    const signed = names.length > 0 ? ` (${names.join(', ')})` : '';
    return `bad signature: a header field it signs${signed} was changed after signing, or the key published at ${record} is not the key that signed`;
  }
  if (result === 'policy' && policy?.['dkim-rules'] === 'weak-key') {
    return `the key published at ${record} is shorter than 1024 bits, so receivers ignore the signature (RFC 8301); publish a 2048-bit key under a new selector`;
  }
  if (comment === 'no key') {
    return `no key: nothing is published at ${record}; publish the signer's TXT record there, or sign with a selector whose record is`;
  }
  if (comment === 'invalid public key') {
    return `invalid public key: the record at ${record} has no usable p= value; publish the record the signer gives`;
  }
  if (result === 'pass') {
    const detail = r as unknown as DkimResultDetail;
    const unsigned = Number(detail.status.underSized ?? 0);
    if (detail.canonBodyLengthLimited && unsigned > 0) {
      return `${comment ?? fallback}; but only the first ${detail.canonBodyLength ?? 0} bytes of the body are signed (l=): the ${unsigned} bytes after them are not, so anyone could have changed or added them`;
    }
  }
  return comment ?? fallback;
}

/** One of mailauth's DKIM results, as far as the verdicts read it. */
type DkimResult = Parameters<typeof dkimReason>[0] & {
  signature?: string;
  /** The aligned domain (DMARC relaxed alignment with From), or false. */
  status: { aligned?: string | false };
};

/** mailauth's DKIM results as verdicts, with the reasons and the badges of RFC 6376's failures. */
function dkimVerdicts(results: readonly DkimResult[], offline: boolean): DkimVerdict[] {
  return results.map((r) => {
    const v = verdict(r.status, offline, `signature of ${r.signingDomain}`);
    return {
      ...v,
      // DNS offline keeps its own words; otherwise say what the result means and what to do
      reason: v.badge === 'offline' ? v.reason : dkimReason(r, v.reason),
      badge:
        v.badge !== 'offline' && permanentFailures.has(String(r.status.comment)) ? 'fail' : v.badge,
      domain: r.signingDomain ?? '',
      selector: r.selector ?? '',
      aligned: Boolean(r.status.aligned),
    };
  });
}

/**
 * mailauth's resolver over ours: once DNS is found unreachable the rest of the lookups fail at
 * once instead of each waiting for its own timeout. `offline()` says whether that happened.
 */
function offlineAwareResolver(dns: DnsResolver): {
  resolver: (name: string, type: string) => Promise<unknown[]>;
  offline: () => boolean;
} {
  let offline = false;
  const lookup = dns.forMailauth((failure) => {
    if (failure.status === 'offline') offline = true;
  });
  return {
    resolver: async (name, type) => {
      if (offline) throw Object.assign(new Error('DNS is unreachable'), { code: 'ETIMEOUT' });
      return lookup(name, type);
    },
    offline: () => offline,
  };
}

/** A signature as verified, with its b= value (whitespace removed) to tell it from the others. */
export interface VerifiedSignature {
  b: string;
  verdict: DkimVerdict;
}

/**
 * The DKIM signatures of a whole message (header and body), verified as the captured-message
 * check verifies them, with the same words; for Analyze, where no client IP or envelope is known
 * and so SPF, DMARC and ARC would judge nothing. A message with no signature gives none.
 */
export async function verifyDkim(
  dns: DnsResolver,
  raw: Buffer,
): Promise<{ offline: boolean; signatures: VerifiedSignature[] }> {
  const { resolver, offline } = offlineAwareResolver(dns);
  const { dkimVerify } = await loadMailauth();
  const result = await dkimVerify(raw, { resolver: resolver as never });
  // mailauth answers one "none: message not signed" row for a message without a signature
  const signed = (result.results as DkimResult[]).filter((r) => r.status.result !== 'none');
  const verdicts = dkimVerdicts(signed, offline());
  return {
    offline: offline(),
    signatures: signed.map((r, i) => ({
      b: (r.signature ?? '').replace(/\s+/g, ''),
      verdict: verdicts[i] as DkimVerdict,
    })),
  };
}

/** The checks of the message's bytes; the service adds what the delivery record says. */
export async function checkAuthentication(
  dns: DnsResolver,
  input: AuthCheckInput,
): Promise<Omit<MessageAuthCheck, 'relayedSignedBy'>> {
  const { resolver, offline: wentOffline } = offlineAwareResolver(dns);
  const { authenticate } = await loadMailauth();
  const result = await authenticate(input.raw, {
    ip: input.clientIp,
    helo: input.helo,
    sender: input.sender,
    mta: input.hostname,
    resolver: resolver as never,
    disableBimi: true,
  });
  const offline = wentOffline();
  const spf = result.spf || null;
  const dmarc = result.dmarc || null;
  const arc = result.arc || null;
  return {
    ID: input.id,
    checkedAt: new Date().toISOString(),
    offline,
    dkim: dkimVerdicts(result.dkim.results as DkimResult[], offline),
    spf: {
      ...verdict(
        spf?.status,
        offline,
        input.sender === ''
          ? 'null sender: SPF checked the HELO name'
          : `${input.clientIp} for ${input.sender}`,
      ),
      domain: spf?.domain ?? '',
      clientIp: input.clientIp,
      sender: input.sender,
    },
    dmarc: {
      ...verdict(dmarc ? dmarc.status : undefined, offline, dmarcFallback(dmarc)),
      domain: dmarc ? dmarc.domain : '',
      // a record that could not be read has no policy to show
      policy: dmarc && dmarc.status.result !== 'temperror' ? dmarc.policy || 'none' : '',
    },
    arc: {
      ...verdict(arc ? arc.status : undefined, offline, arcFallback(arc)),
      // mailauth counts ARC sets from 1; 0 or false means there is none
      instance: arc && typeof arc.i === 'number' && arc.i > 0 ? arc.i : null,
    },
    authenticationResults:
      result.headers
        .split(/\r\n(?=\S)/)
        .find((h) => h.startsWith('Authentication-Results:'))
        ?.trim() ?? '',
  };
}
