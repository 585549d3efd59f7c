import { randomFillSync } from 'node:crypto';

// IDs sort by arrival (a millisecond timestamp in base 36, then a per-process counter and
// randomness), so the spool's file names and the index need no separate ordering.
let lastMillis = 0;
let counter = 0;

// Random bytes drawn a page at a time: one call into OpenSSL per 800 IDs, not per message (it
// showed in the SMTP thread's profile under load).
const randomPool = Buffer.alloc(4000);
let poolAt = randomPool.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > randomPool.length) {
    randomFillSync(randomPool);
    poolAt = 0;
  }
  poolAt += bytes;
  return randomPool.toString('hex', poolAt - bytes, poolAt);
}

export function newMessageId(now: number = Date.now()): string {
  if (now === lastMillis) counter += 1;
  else {
    lastMillis = now;
    counter = 0;
  }
  const time = now.toString(36).padStart(9, '0');
  const seq = counter.toString(36).padStart(3, '0');
  return `${time}${seq}${randomHex(5)}`;
}

/** Our IDs are 9+3 base-36 characters and 10 hex; anything else is never a spool file name. */
export function isMessageId(value: string): boolean {
  return /^[0-9a-z]{12}[0-9a-f]{10}$/.test(value);
}
