// smtp-server ends DATA only on an exact CRLF.CRLF, but hands bare LF and bare CR inside the data
// to us unchanged. Stored and forwarded mail must not carry them: an upstream that treats a bare
// LF as a line end could see a second message in the first (SMTP smuggling). Postfix's
// `smtpd_forbid_bare_newline = normalize` does the same repair.
import { headerBlockEnd } from '../mail/header-block.js';

export interface LineEndingRepair {
  data: Buffer;
  bareLf: number;
  bareCr: number;
}

const CR = 0x0d;
const LF = 0x0a;

export function normalizeLineEndings(input: Buffer): LineEndingRepair {
  let bareLf = 0;
  let bareCr = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i];
    if (byte === LF && (i === 0 || input[i - 1] !== CR)) bareLf++;
    else if (byte === CR && input[i + 1] !== LF) bareCr++;
  }
  if (bareLf === 0 && bareCr === 0) return { data: input, bareLf, bareCr };

  const out = Buffer.allocUnsafe(input.length + bareLf + bareCr);
  let o = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte === LF && (i === 0 || input[i - 1] !== CR)) {
      out[o++] = CR;
      out[o++] = LF;
    } else if (byte === CR && input[i + 1] !== LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else out[o++] = byte;
  }
  return { data: out.subarray(0, o), bareLf, bareCr };
}

/** The header block ends at the first empty line; count its Received fields (loop guard). */
export function countReceivedHeaders(message: Buffer): number {
  const head = message.subarray(0, headerBlockEnd(message).headerEnd).toString('latin1');
  const matches = head.match(/(?:^|\r\n)received:/gi);
  return matches ? matches.length : 0;
}
