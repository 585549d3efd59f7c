// The maildrop: where `relaydesk sendmail` leaves a message when the relay cannot take it (not
// running, or answering "try again later"), for `relaydesk serve` to take in when it runs; the
// way Postfix's sendmail writes into its maildrop queue and its pickup daemon reads it.
//
// One file per message, named by the message's ID, holding everything in one piece:
//
//   Relaydesk-Maildrop: 1\n
//   {"mailFrom":…,"rcptTo":[…],"queuedAt":…,"user":…,"uid":…,"size":N}\n
//   the message's N bytes
//
// One file, not a message plus an envelope sidecar, because a pair has a moment where one
// exists without the other, and the reader would need rules for each half; a single file is
// written under a temporary name, fsynced, renamed, and the folder fsynced, so a crash at any
// step leaves either no file under an ID name (the caller did not get exit 0: it was killed or
// told) or the whole file. The size in the envelope line catches a file cut short anyway (a
// copy, a damaged disk): such a file is moved aside, never half read. The ID is made when the
// message is dropped and becomes its ID in the spool, so the pickup can tell whether a file left
// behind by a crash between storing and removing it was already stored (see maildrop-pickup.ts).
import { constants } from 'node:fs';
import { chmod, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFolder, syncFolder, tempPathFor } from '../spool/durable-file.js';
import { isMessageId, newMessageId } from '../spool/message-id.js';

const magic = 'Relaydesk-Maildrop: 1\n';

/** The drop folder in a data folder: `<data>/maildrop`, mode 0700 (only its owner may drop). */
export function maildropFolder(dataDir: string): string {
  return join(dataDir, 'maildrop');
}

/** Files that could not be taken in are moved here, with a log line saying why. */
export function maildropFailedFolder(dataDir: string): string {
  return join(maildropFolder(dataDir), 'failed');
}

/** The envelope sendmail gives a dropped message. */
export interface DropEnvelope {
  mailFrom: string;
  rcptTo: string[];
  /** RFC 3339: when sendmail was called (the date of its Received stamp once taken in). */
  queuedAt: string;
  /** The local user who ran sendmail (the log and the message's note name them). */
  user: string;
  uid: number | null;
}

export interface DroppedMessage {
  id: string;
  envelope: DropEnvelope;
  raw: Buffer;
}

/** A drop file that cannot be read as one: moved aside with `message` as the reason. */
export class DropFileError extends Error {}

/** Whether `name` in the drop folder is a dropped message (not a temporary, not `failed/`). */
export function isDropFileName(name: string): boolean {
  return isMessageId(name);
}

export function encodeDropFile(envelope: DropEnvelope, raw: Buffer): Buffer {
  const head = JSON.stringify({ ...envelope, size: raw.length });
  return Buffer.concat([Buffer.from(`${magic}${head}\n`, 'utf8'), raw]);
}

// what sendmail writes (it refuses anything else): the addresses go into the Received stamp and
// the SMTP envelope, where a space or a line break would change their meaning
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const envelopeAddress = /^[^\s<>\u0000-\u001f\u007f]+@[^\s<>@\u0000-\u001f\u007f]+$/;
// the sender may be empty (the null sender) or, as `-f root` gives it, a bare name
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const senderAddress = /^[^\s<>\u0000-\u001f\u007f]*$/;

function isAddressList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function decodeDropFile(id: string, data: Buffer): DroppedMessage {
  if (!data.subarray(0, magic.length).equals(Buffer.from(magic))) {
    throw new DropFileError(`it does not start with "${magic.trim()}" (not a drop file)`);
  }
  const lineEnd = data.indexOf(0x0a, magic.length);
  if (lineEnd === -1) throw new DropFileError('its envelope line is cut short');
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(data.subarray(magic.length, lineEnd).toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch (err) {
    throw new DropFileError(`its envelope line is not JSON (${(err as Error).message})`);
  }
  const { mailFrom, rcptTo, queuedAt, user, uid, size } = head;
  if (typeof mailFrom !== 'string' || !senderAddress.test(mailFrom)) {
    throw new DropFileError(`envelope: mailFrom ${JSON.stringify(mailFrom)} is not an address`);
  }
  if (!isAddressList(rcptTo) || rcptTo.length === 0) {
    throw new DropFileError('envelope: rcptTo is not a list of at least one address');
  }
  const notAddress = rcptTo.find((a) => !envelopeAddress.test(a));
  if (notAddress !== undefined) {
    throw new DropFileError(`envelope: rcptTo ${JSON.stringify(notAddress)} is not an address`);
  }
  if (typeof queuedAt !== 'string' || Number.isNaN(Date.parse(queuedAt))) {
    throw new DropFileError(`envelope: queuedAt ${JSON.stringify(queuedAt)} is not a time`);
  }
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw new DropFileError('envelope: size is not a byte count');
  }
  const raw = data.subarray(lineEnd + 1);
  if (raw.length !== size) {
    throw new DropFileError(
      `the message is ${raw.length} bytes where its envelope says ${size} (the file is cut short or damaged)`,
    );
  }
  return {
    id,
    raw,
    envelope: {
      mailFrom,
      rcptTo,
      queuedAt,
      user: typeof user === 'string' ? user : 'unknown',
      uid: typeof uid === 'number' ? uid : null,
    },
  };
}

/** What can still be told of a drop file that cannot be decoded, for the notice about it. */
export interface SalvagedDrop {
  envelope: Partial<DropEnvelope>;
  /** What follows the envelope line (perhaps cut short), or null when there is no such line. */
  raw: Buffer | null;
}

/** Reads what it can of a damaged drop file; never throws. */
export function salvageDropFile(data: Buffer): SalvagedDrop {
  if (!data.subarray(0, magic.length).equals(Buffer.from(magic))) {
    return { envelope: {}, raw: null };
  }
  const lineEnd = data.indexOf(0x0a, magic.length);
  if (lineEnd === -1) return { envelope: {}, raw: null };
  const envelope: Partial<DropEnvelope> = {};
  try {
    const head = JSON.parse(data.subarray(magic.length, lineEnd).toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof head.mailFrom === 'string' && senderAddress.test(head.mailFrom)) {
      envelope.mailFrom = head.mailFrom;
    }
    if (isAddressList(head.rcptTo)) {
      envelope.rcptTo = head.rcptTo.filter((a) => envelopeAddress.test(a));
    }
    if (typeof head.queuedAt === 'string' && !Number.isNaN(Date.parse(head.queuedAt))) {
      envelope.queuedAt = head.queuedAt;
    }
    if (typeof head.user === 'string') envelope.user = head.user;
    if (typeof head.uid === 'number') envelope.uid = head.uid;
  } catch {
    // an envelope line that is not JSON tells nothing; the message after it may
  }
  return { envelope, raw: data.subarray(lineEnd + 1) };
}

/**
 * Writes a message into the drop folder durably and answers its path; the caller reports
 * success only after this resolved. The folder is made 0700 if missing, the file 0600: the
 * relay trusts what is in it as a local submission, so only its owner may write there.
 */
export async function writeDropFile(
  dataDir: string,
  envelope: DropEnvelope,
  raw: Buffer,
): Promise<string> {
  const folder = maildropFolder(dataDir);
  await makeFolder(folder);
  const id = newMessageId(Date.parse(envelope.queuedAt));
  const path = join(folder, id);
  const temp = tempPathFor(path);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(encodeDropFile(envelope, raw));
    await handle.sync();
    await handle.close();
    // a umask cannot widen 0600, but a file system that ignores the mode (a shared mount) is
    // worth a second try rather than a readable message
    await chmod(temp, 0o600).catch(() => undefined);
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncFolder(folder);
  return path;
}
