// smtp-server ends DATA only on an exact CRLF.CRLF, but hands bare LF and bare CR inside the data
// to us unchanged. Stored and forwarded mail must not carry them: an upstream that treats a bare
// LF as a line end could see a second message in the first (SMTP smuggling). Postfix's
// `smtpd_forbid_bare_newline = normalize` does the same repair.
import { headerBlockEnd } from '../mail/header-block.js';

export interface LineEndingRepair {
  data: Buffer;
  bareLf: number;
  bareCr: number;
  /** CR CR LF made CRLF. */
  doubledCr: number;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * The repair over data that arrives in chunks (the DATA stream): CRs at the end of a chunk are
 * held back until the next chunk tells what follows them.
 *
 * CR CR LF is one line end, as Mailpit reads it (internal/smtpd/main.go replaces it with CRLF,
 * its issues #87 and #153: mailers that turn each LF of a CRLF text into CRLF write it). Made
 * two line ends it would be an empty line, which ends the header block at the first field.
 */
export class LineEndingRepairStream {
  bareLf = 0;
  bareCr = 0;
  doubledCr = 0;
  /** CRs that ended the last chunk (at most two: what CR CR LF needs to be recognised). */
  private heldCrs = 0;

  /** The repaired bytes of `chunk` (the chunk itself when it needs no repair). */
  push(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    const data =
      this.heldCrs === 0 ? chunk : Buffer.concat([Buffer.alloc(this.heldCrs, CR), chunk]);
    let trailing = 0;
    while (trailing < 2 && trailing < data.length && data[data.length - 1 - trailing] === CR) {
      trailing++;
    }
    this.heldCrs = trailing;
    return this.repair(trailing === 0 ? data : data.subarray(0, data.length - trailing));
  }

  /** What is still held back when the data ends. */
  end(): Buffer {
    const held = this.heldCrs;
    this.heldCrs = 0;
    if (held === 0) return Buffer.alloc(0);
    this.bareCr += held;
    return Buffer.from('\r\n'.repeat(held), 'latin1');
  }

  /** `body` never ends in CR, and nothing before it is held. */
  private repair(body: Buffer): Buffer {
    let bareLf = 0;
    let bareCr = 0;
    let doubledCr = 0;
    for (let i = body.indexOf(LF); i !== -1; i = body.indexOf(LF, i + 1)) {
      if (i === 0 || body[i - 1] !== CR) bareLf++;
    }
    for (let i = body.indexOf(CR); i !== -1; i = body.indexOf(CR, i + 1)) {
      if (body[i + 1] === LF) continue;
      if (body[i + 1] === CR && body[i + 2] === LF) doubledCr++;
      else bareCr++;
    }
    if (bareLf === 0 && bareCr === 0 && doubledCr === 0) return body;
    this.bareLf += bareLf;
    this.bareCr += bareCr;
    this.doubledCr += doubledCr;
    const out = Buffer.allocUnsafe(body.length + bareLf + bareCr);
    let o = 0;
    for (let i = 0; i < body.length; i++) {
      const byte = body[i] as number;
      if (byte === LF && (i === 0 || body[i - 1] !== CR)) {
        out[o++] = CR;
        out[o++] = LF;
      } else if (byte === CR && body[i + 1] !== LF) {
        // the first CR of CR CR LF goes; a bare one becomes a line end
        if (body[i + 1] === CR && body[i + 2] === LF) continue;
        out[o++] = CR;
        out[o++] = LF;
      } else out[o++] = byte;
    }
    return out.subarray(0, o);
  }
}

export function normalizeLineEndings(input: Buffer): LineEndingRepair {
  const stream = new LineEndingRepairStream();
  const body = stream.push(input);
  const tail = stream.end();
  let data = tail.length === 0 ? body : Buffer.concat([body, tail]);
  // a whole message's last line ends with CRLF, as one over SMTP always does (the CRLF before
  // the final dot is the message's): a file or a pipe without a final newline was stored
  // without, and POP3's LIST then counted 2 octets fewer than RETR sends
  if (data.length > 0 && !(data[data.length - 2] === CR && data[data.length - 1] === LF)) {
    data = Buffer.concat([data, Buffer.from('\r\n', 'latin1')]);
  }
  return { data, bareLf: stream.bareLf, bareCr: stream.bareCr, doubledCr: stream.doubledCr };
}

/** The header block ends at the first empty line; count its Received fields (loop guard). */
export function countReceivedHeaders(message: Buffer): number {
  const head = message.subarray(0, headerBlockEnd(message).headerEnd).toString('latin1');
  const matches = head.match(/(?:^|\r\n)received:/gi);
  return matches ? matches.length : 0;
}
