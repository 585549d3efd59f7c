// The API contract's shapes for DKIM keys, authentication checks and address checks. Types only
// (see api-contract.ts); the core builds these values (main/core/signing, authcheck,
// address-check re-export them), so the compiler checks that they fit.

export type DkimAlgorithm = 'rsa' | 'ed25519';

export interface DkimDnsRecord {
  /** `selector._domainkey.example.com` */
  name: string;
  /** `v=DKIM1; k=rsa; p=…` */
  value: string;
  /** A zone-file line, the value split in quoted strings of at most 255 octets (RFC 1035 §3.3.14). */
  zoneLine: string;
}

export interface DkimKeyInfo {
  /**
   * The domain in lower-case A-labels (`xn--bcher-kva.example`): what DNS, the signature's d=
   * and the API's paths take.
   */
  domain: string;
  /**
   * The same domain as people write it, in U-labels (`bücher.example`), for showing; equal to
   * `domain` when that has no A-label. Made by the relay (Node's domainToUnicode), so a window
   * needs no IDNA tables of its own.
   */
  domainUnicode: string;
  selector: string;
  algorithm: DkimAlgorithm;
  /**
   * The RSA modulus length (2048 when generated here; an imported key, such as OpenDKIM's, can
   * be 1024 or 4096); absent for Ed25519.
   */
  bits?: number;
  /** Signing now; an inactive key is kept (e.g. after a rotation) but signs nothing. */
  active: boolean;
  /**
   * A new key (generated or imported) waits for its record: it signs nothing until Check DNS
   * finds the record published, or the user says it is (setting it active). Signing before
   * the record can be looked up fails DKIM at every receiver.
   */
  waitingForDns: boolean;
  /**
   * Why this key cannot sign although it is listed (its private key is gone from the key store:
   * a data folder copied without `dkim/private`); absent when it can. An active key with this
   * signs nothing, so the list must not call it signing.
   */
  cannotSign?: string;
  /**
   * An Ed25519 key whose domain has no RSA key signing or waiting for DNS: many receivers (Gmail
   * and Microsoft 365 among them) do not verify Ed25519 signatures, so the domain's mail passes
   * DKIM there only with an RSA signature beside it. Absent otherwise.
   */
  ed25519Only?: string;
  /** `generated` or `imported` into the store, or `settings` (a --dkim-key file). */
  source: 'generated' | 'imported' | 'settings';
  createdAt: string;
  /** The header fields this key signs (when present in a message; From over-signed). */
  headers: string[];
  record: DkimDnsRecord;
}

/** A selector and its domain: one signing key, as a DKIM-Signature's s= and d= name it. */
export interface DkimSelectorName {
  domain: string;
  selector: string;
}

/**
 * What deleting a key left signing the domain's mail, as `relaydesk dkim remove` and the
 * Settings confirm say it: the relay signs with the active keys of the From domain, else of its
 * closest parent that has any, so removing the last one sends the domain's mail out unsigned.
 */
export interface DkimKeyRemoval {
  /** Always true (what this answer was before it said more). */
  ok: true;
  removed: DkimSelectorName;
  /**
   * `unchanged`: the key signed nothing (waiting for DNS, turned off, or its private key gone);
   * `still-signed`: other keys of the domain sign; `parent-signs`: a parent domain's keys sign
   * its mail now; `unsigned`: nothing signs it any more.
   */
  signing: 'unchanged' | 'still-signed' | 'parent-signs' | 'unsigned';
  /** The keys that sign the domain's mail now; empty when it goes out unsigned. */
  signingKeys: DkimSelectorName[];
  /** Set when the domain's mail now goes out unsigned: what that means and the fix. */
  warning?: string;
}

/** What "Add key" takes: a selector, and a PEM to import or an algorithm to generate. */
export interface DkimKeyInput {
  domain: string;
  selector: string;
  algorithm?: DkimAlgorithm;
  privateKey?: string;
  /** The header fields to sign; the default set when absent. Must include From. */
  headers?: string[];
}

export type DnsCheckStatus = 'match' | 'mismatch' | 'missing' | 'unknown';

export interface DkimDnsCheck {
  name: string;
  status: DnsCheckStatus;
  /** In words: what was found and what to do. */
  reason: string;
  /** The records found at the name (empty when none or unknown). */
  found: string[];
  expected: string;
  /** The key was waiting for this record and signs from now on. */
  activated?: boolean;
}

export type AuthBadge = 'pass' | 'fail' | 'neutral' | 'offline';

export interface AuthVerdict {
  /** The result as RFC 8601 names it (pass, fail, softfail, neutral, none, temperror, permerror…). */
  result: string;
  /** What a badge shows. */
  badge: AuthBadge;
  reason: string;
}

export interface DkimVerdict extends AuthVerdict {
  domain: string;
  selector: string;
  /** The signing domain aligns with the From domain (DMARC relaxed alignment). */
  aligned: boolean;
}

export interface MessageAuthCheck {
  ID: string;
  checkedAt: string;
  /** Some lookups could not be made: DNS was unreachable. */
  offline: boolean;
  dkim: DkimVerdict[];
  spf: AuthVerdict & { domain: string; clientIp: string; sender: string };
  dmarc: AuthVerdict & {
    domain: string;
    /** The record's policy (p=, or sp= for a subdomain); 'none' without a record, '' when DNS would not give it. */
    policy: string;
  };
  arc: AuthVerdict & { instance: number | null };
  /**
   * For a message that came from no SMTP client (`imported`) or was handed in again by a program
   * on this machine with the stamps of an earlier delivery (`sent-again`): the Received stamp
   * whose client SPF was checked for, the server that delivered it to its mailbox as that
   * mailbox's receiver recorded it (`hop` 1-based, as the Route tab numbers them). Null for an
   * imported message whose stamps name no server on the Internet (SPF was then checked for the
   * address the import came from); absent for all other mail, checked for its SMTP client.
   */
  spfClientFrom?: { hop: number; receiver: string; why: 'imported' | 'sent-again' } | null;
  /** The Authentication-Results header a receiver would add (RFC 8601). */
  authenticationResults: string;
  /**
   * Our DKIM keys that signed the copies relayed upstream (every attempt's `signedBy`, once
   * each); empty when none did or nothing was relayed. The checks above read the message as
   * Relaydesk received it, before it was signed on its way out, so their `dkim` can say none
   * while the copies sent were signed.
   */
  relayedSignedBy: Array<{ domain: string; selector: string; algorithm: string }>;
  /**
   * Why the copies relayed upstream went out unsigned although DKIM keys are set up (the last
   * attempt's `unsignedReason`); absent when a key signed them, none exists, or none was sent.
   */
  relayedUnsignedReason?: string;
}

/** A DKIM-Signature field of what was given to Analyze: who signed what, and the verdict. */
export interface AnalyzedDkimSignature {
  /** d=, the signing domain ('' when the field has none). */
  domain: string;
  /** s=, the selector: the key is looked up at `s._domainkey.d`. */
  selector: string;
  /** a=, e.g. rsa-sha256 or ed25519-sha256. */
  algorithm: string;
  /** h=: the header fields it signs, in its order and as written there (From over-signed twice). */
  signedHeaders: string[];
  /**
   * Verified against DNS now, as the message view's own check does; null when only the header
   * block was given, whose body hash (bh=) cannot be checked.
   */
  verdict: DkimVerdict | null;
}

/**
 * Analyze's DKIM finding. `verified`: a whole message was given and each signature was checked;
 * `header-only`: only the header block was given, so the signers are listed but none is
 * verified (a body hash cannot be checked without the body, and calling that a fail would blame
 * the sender for what the paste left out); `unsigned`: no DKIM-Signature field.
 */
export interface AnalyzedDkim {
  /** not-in-copy: unsigned as given, but the paste's Authentication-Results saw a signature. */
  state: 'verified' | 'header-only' | 'unsigned' | 'not-in-copy';
  /** What the state means, in words; '' when the signatures' verdicts say it all. */
  note: string;
  /** Some lookups could not be made: DNS was unreachable. */
  offline: boolean;
  signatures: AnalyzedDkimSignature[];
}

export type AddressVerdict = 'valid' | 'invalid' | 'risky' | 'unknown';

export interface AddressCheck {
  address: string;
  verdict: AddressVerdict;
  /** In words, for the SMTP reply, the CLI and the GUI. */
  reason: string;
  /** A likely intended address (gmial.com → gmail.com), or null. */
  suggestion: string | null;
  /**
   * Why an invalid address is invalid: its syntax, its domain's null MX (the owner says "no mail
   * here"), or DNS saying the domain does not exist or has no address for mail, which a DNS
   * filter or a zone being fixed can say for a while; absent for other verdicts.
   */
  invalidBy?: 'syntax' | 'null-mx' | 'no-domain';
}
