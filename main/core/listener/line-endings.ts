// smtp-server ends DATA only on an exact CRLF.CRLF, but hands bare LF and bare CR inside the data
// to us unchanged. Stored and forwarded mail must not carry them: an upstream that treats a bare
// LF as a line end could see a second message in the first (SMTP smuggling). Postfix's
// `smtpd_forbid_bare_newline = normalize` does the same repair.

export interface LineEndingRepair {
  data: Buffer;
  bareLf: number;
  bareCr: number;
}

const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n');

/**
 * The repair over data that arrives in chunks (the DATA stream): a CR at the end of a chunk is
 * held back until the next chunk tells whether an LF follows it.
 */
export class LineEndingRepairStream {
  bareLf = 0;
  bareCr = 0;
  private heldCr = false;

  /** The repaired bytes of `chunk` (the chunk itself when it needs no repair). */
  push(chunk: Buffer): Buffer {
    let out: Buffer[] | null = null;
    const afterCr = this.heldCr;
    if (this.heldCr) {
      this.heldCr = false;
      if (chunk.length === 0) {
        this.heldCr = true;
        return chunk;
      }
      if (chunk[0] === LF) out = [Buffer.from([CR])];
      else {
        this.bareCr++;
        out = [CRLF];
      }
    }
    let body = chunk;
    if (body.length > 0 && body[body.length - 1] === CR) {
      this.heldCr = true;
      body = body.subarray(0, body.length - 1);
    }
    const repaired = this.repair(body, afterCr);
    if (!out) return repaired;
    out.push(repaired);
    return Buffer.concat(out);
  }

  /** What is still held back when the data ends. */
  end(): Buffer {
    if (!this.heldCr) return Buffer.alloc(0);
    this.heldCr = false;
    this.bareCr++;
    return CRLF;
  }

  /** `body` never ends in CR; `afterCr` is whether the byte before it was a CR. */
  private repair(body: Buffer, afterCr: boolean): Buffer {
    let bareLf = 0;
    let bareCr = 0;
    for (let i = body.indexOf(LF); i !== -1; i = body.indexOf(LF, i + 1)) {
      if (i === 0 ? !afterCr : body[i - 1] !== CR) bareLf++;
    }
    for (let i = body.indexOf(CR); i !== -1; i = body.indexOf(CR, i + 1)) {
      if (body[i + 1] !== LF) bareCr++;
    }
    if (bareLf === 0 && bareCr === 0) return body;
    this.bareLf += bareLf;
    this.bareCr += bareCr;
    const out = Buffer.allocUnsafe(body.length + bareLf + bareCr);
    let o = 0;
    for (let i = 0; i < body.length; i++) {
      const byte = body[i] as number;
      const bare =
        byte === LF ? (i === 0 ? !afterCr : body[i - 1] !== CR) : byte === CR && body[i + 1] !== LF;
      if (bare) {
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
  const data = tail.length === 0 ? body : Buffer.concat([body, tail]);
  return { data, bareLf: stream.bareLf, bareCr: stream.bareCr };
}

/** The header block ends at the first empty line; count its Received fields (loop guard). */
export function countReceivedHeaders(message: Buffer): number {
  const end = message.indexOf('\r\n\r\n');
  const head = message.subarray(0, end === -1 ? message.length : end).toString('latin1');
  const matches = head.match(/(?:^|\r\n)received:/gi);
  return matches ? matches.length : 0;
}
