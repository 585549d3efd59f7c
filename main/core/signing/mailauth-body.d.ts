// mailauth's body canonicaliser (RFC 6376 §3.4.3/§3.4.4), which its own signer and verifier use.
declare module 'mailauth/lib/dkim/body/relaxed.js' {
  export class RelaxedHash {
    constructor(algorithm: 'sha256' | 'sha1', maxBodyLength: number | false);
    update(chunk: Buffer): void;
    digest(encoding: 'base64'): string;
  }
}
