// Suspended senders: a client IP, a CIDR, an SMTP user or an envelope sender that the
// administrator (or the anomaly alert) has cut off. Kept in `suspensions.json` in the data
// folder, written durably, and used at once: the listener asks on every connection and MAIL.
import { CallerError, NotFoundError } from '../caller-error.js';
import { randomBytes } from 'node:crypto';
import type { SuspensionEntry } from '../../../preload/api-contract.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cidrNetwork, inCidr, parseCidr, parseIp, type CidrRange } from '../net/ip-address.js';
import {
  matchesPattern,
  parseAddressPattern,
  type AddressPattern,
} from '../routing-rules/index.js';
import { parseJsonText } from '../settings/json-mistake.js';
import { writeFilesDurably } from '../spool/durable-file.js';
import { unreadableDataFile } from '../spool/unreadable-data-file.js';
import { userPatternProblem } from './user-pattern.js';

export type SuspensionKind = SuspensionEntry['Kind'];
export const suspensionKinds: readonly SuspensionKind[] = ['ip', 'cidr', 'user', 'sender'];

/** One suspension, in the API's shape. */
export type Suspension = SuspensionEntry;

export class SuspensionInputError extends CallerError {
  override name = 'SuspensionInputError';
}

export class SuspensionNotFoundError extends NotFoundError {
  override name = 'SuspensionNotFoundError';
}

/** Who is sending: the client address, the SMTP user (if logged in) and the envelope sender. */
export interface SenderIdentity {
  clientIp: string;
  user: string | null;
  sender: string;
}

interface Compiled {
  entry: Suspension;
  range: CidrRange | null;
  pattern: AddressPattern | null;
}

const fileVersion = 1;
const REASON = /^[^\p{Cc}]{1,300}$/u;

function compile(entry: Suspension): Compiled {
  const value = entry.Value;
  switch (entry.Kind) {
    case 'ip': {
      const address = parseIp(value);
      if (!address || value.includes('/')) {
        throw new SuspensionInputError(
          `Value: ${JSON.stringify(value)} is not an IP address; give one such as 192.0.2.7 or 2001:db8::7 (or use Kind "cidr" for a range)`,
        );
      }
      return { entry, range: parseCidr(address.toString()), pattern: null };
    }
    case 'cidr': {
      const range = parseCidr(value);
      if (range) return { entry, range, pattern: null };
      throw new SuspensionInputError(
        `Value: ${JSON.stringify(value)} is not a CIDR; give one such as 192.0.2.0/24 or 2001:db8::/32`,
      );
    }
    case 'user':
    case 'sender': {
      const parsed = value.trim() === '' ? { problem: 'is empty' } : parseAddressPattern(value);
      if ('problem' in parsed) {
        throw new SuspensionInputError(
          `Value: ${JSON.stringify(value)} ${parsed.problem}; give ${entry.Kind === 'user' ? 'the SMTP user name, e.g. "printer"' : 'the sender address, e.g. "bob@example.com", or a glob such as "*@example.com"'}`,
        );
      }
      return { entry, range: null, pattern: parsed.pattern };
    }
  }
}

/** What Value holds for each Kind, with an example. */
const valueExample: Record<SuspensionKind, string> = {
  ip: 'the client\'s IP address to suspend, e.g. "192.0.2.7"',
  cidr: 'the network to suspend, e.g. "192.0.2.0/24"',
  user: 'the SMTP user name to suspend, e.g. "printer"',
  sender:
    'the sender address to suspend, e.g. "bob@example.com", or a glob such as "*@example.com"',
};

/** Checks a new entry's fields; throws with the field, the value and the fix. */
export function validateSuspension(input: unknown): Pick<Suspension, 'Kind' | 'Value' | 'Reason'> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SuspensionInputError(
      'body: give {"Kind": "ip"|"cidr"|"user"|"sender", "Value": "…", "Reason": "…"}',
    );
  }
  const { Kind, Value, Reason } = input as Record<string, unknown>;
  // a field left out was told `Kind: null is not valid` / `Value: null is not text`, which named
  // a value nobody gave: say which field is missing and what to put there (as for Reason)
  const missing = (field: unknown) => field === undefined || field === null;
  const kind = suspensionKinds.find((k) => k === Kind);
  if (!kind) {
    const fix = 'use "ip", "cidr", "user" or "sender"';
    throw new SuspensionInputError(
      missing(Kind)
        ? `Kind is missing; ${fix} (what Value is: a client IP, a CIDR, an SMTP user or a sender address)`
        : `Kind: ${JSON.stringify(Kind)} is not valid; ${fix}`,
    );
  }
  if (typeof Value !== 'string' || Value.trim() === '') {
    // "not valid" said nothing of why: an empty Value is the usual case (a form left blank)
    throw new SuspensionInputError(
      missing(Value)
        ? `Value is missing; give ${valueExample[kind]}`
        : `Value: ${JSON.stringify(Value)} is ${typeof Value === 'string' ? 'empty' : 'not text'}; give ${valueExample[kind]}`,
    );
  }
  if (typeof Reason !== 'string' || !REASON.test(Reason.trim())) {
    const fix = 'give one line of up to 300 characters saying why (the client is told)';
    // a request without a Reason was told `Reason: null is not valid`, naming no missing field
    throw new SuspensionInputError(
      Reason === undefined || Reason === null
        ? `Reason is missing; ${fix}`
        : `Reason: ${JSON.stringify(Reason)} is ${typeof Reason === 'string' && Reason.trim() === '' ? 'empty' : 'not valid'}; ${fix}`,
    );
  }
  const entry = { Kind: kind, Value: Value.trim(), Reason: Reason.trim() };
  if (kind === 'sender') senderMatchesSomething(entry.Value);
  const userProblem = kind === 'user' ? userPatternProblem(entry.Value) : null;
  if (userProblem) {
    throw new SuspensionInputError(`Value: ${JSON.stringify(entry.Value)} ${userProblem}`);
  }
  const { range } = compile({ ...entry, ID: '', Created: '', Auto: false });
  // stored as it matches: `10.0.0.1/24` covers 10.0.0.0-255, and the list must say so
  if (kind === 'cidr' && range) entry.Value = cidrNetwork(range);
  return entry;
}

/**
 * Refuses a sender value that, as a glob, can match no envelope sender: the suspension would be
 * listed, and the admin reassured, while the sender goes on sending. The forms are the ones
 * admins bring from elsewhere: a bare domain (Postfix's access maps match `example.com` for a
 * whole domain), `@example.com` (Postfix's virtual maps) and `<bob@example.com>` (copied from a
 * log line). Only new entries are checked: one saved earlier still loads.
 */
function senderMatchesSomething(value: string): void {
  if (value.startsWith('/')) return; // a regex says exactly what it means
  const hasGlob = value.includes('*') || value.includes('?');
  let fix: string | null = null;
  if (/^<.*>$/.test(value)) {
    fix = `is in angle brackets, which no sender address has; give ${JSON.stringify(value.slice(1, -1) || '*@example.com')}`;
  } else if (!value.includes('@') && !hasGlob && !value.includes('.')) {
    // no dot: no domain but a login name (`sender alice` for the stolen login alice), and
    // "*@alice" for "the whole domain" sent the admin the wrong way
    fix = `has no "@", so it matches no sender address; to stop the SMTP login ${JSON.stringify(value)} choose the kind user, or give a sender address such as ${JSON.stringify(`${value}@example.com`)}`;
  } else if (!value.includes('@') && !hasGlob) {
    fix = `has no "@", so it matches no sender address; give ${JSON.stringify(`*@${value}`)} for the whole domain, or one address such as ${JSON.stringify(`bob@${value}`)}`;
  } else if (value.startsWith('@')) {
    fix = `has nothing before the "@", so it matches no sender address; give ${JSON.stringify(`*${value}`)} for the whole domain`;
  }
  if (fix) throw new SuspensionInputError(`Value: ${JSON.stringify(value)} ${fix}`);
}

/** A suspension as saved, its fields checked (compile checks the value against its kind). */
function savedEntry(item: unknown): Suspension {
  const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  if (!suspensionKinds.includes(entry.Kind as Suspension['Kind'])) {
    throw new SuspensionInputError(
      `Kind: ${JSON.stringify(entry.Kind ?? null)} is not valid; use "ip", "cidr", "user" or "sender"`,
    );
  }
  for (const field of ['ID', 'Value', 'Reason', 'Created'] as const) {
    if (typeof entry[field] !== 'string') {
      throw new SuspensionInputError(
        `${field}: ${JSON.stringify(entry[field] ?? null)} is not text; give it as a string`,
      );
    }
  }
  return { ...(entry as unknown as Suspension), Auto: entry.Auto === true };
}

export class SuspensionStore {
  private entries: Compiled[] = [];
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly now: () => number,
  ) {
    this.path = join(dataDir, 'suspensions.json');
  }

  /**
   * Reads the saved suspensions. One that cannot be read stops the start, naming the file, the
   * entry and the fix: starting without them would let a suspended sender send (the file is the
   * README's to edit by hand, and a hand edit is where a typo comes from).
   */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      throw unreadableDataFile('suspensions', this.path, err);
    }
    const read = parseJsonText(text);
    // removing it is the other way out, not the advice: it lifts every suspension
    const orRemove = 'or remove the file to start with no sender suspended';
    if (!read.ok)
      throw new Error(`suspensions: ${JSON.stringify(this.path)} is ${read.problem} (${orRemove})`);
    const list = (read.value as { suspensions?: unknown } | null)?.suspensions ?? [];
    if (!Array.isArray(list)) {
      throw new Error(
        `suspensions: ${JSON.stringify(this.path)}: "suspensions" is not a list; make it one (${orRemove})`,
      );
    }
    this.entries = list.map((item: unknown, i) => {
      try {
        return compile(savedEntry(item));
      } catch (err) {
        throw new Error(
          `suspensions: ${JSON.stringify(this.path)}: suspensions[${i}].${(err as Error).message}; fix or remove that entry`,
          { cause: err },
        );
      }
    });
  }

  private async save(): Promise<void> {
    await writeFilesDurably([
      {
        path: this.path,
        data: JSON.stringify(
          { version: fileVersion, suspensions: this.entries.map((c) => c.entry) },
          null,
          1,
        ),
      },
    ]);
  }

  list(): Suspension[] {
    return this.entries.map((c) => c.entry);
  }

  async add(input: unknown, auto = false): Promise<Suspension> {
    const fields = validateSuspension(input);
    const entry: Suspension = {
      ID: randomBytes(6).toString('hex'),
      ...fields,
      Created: new Date(this.now()).toISOString(),
      Auto: auto,
    };
    this.entries.push(compile(entry));
    await this.save();
    return entry;
  }

  async remove(id: string): Promise<Suspension> {
    const found = this.entries.find((c) => c.entry.ID === id);
    if (!found) throw new SuspensionNotFoundError(`suspension ${JSON.stringify(id)} not found`);
    this.entries = this.entries.filter((c) => c !== found);
    await this.save();
    return found.entry;
  }

  /** Every suspension that covers a client, its SMTP user or its envelope sender. */
  covering(input: SenderIdentity): Suspension[] {
    return this.entries.filter((c) => compiledCovers(c, input)).map((c) => c.entry);
  }

  /** The suspension that covers a client address (kinds ip and cidr), if any. */
  forClient(ip: string): Suspension | null {
    return this.covering({ clientIp: ip, user: null, sender: '' })[0] ?? null;
  }

  /** The suspension that covers a client, its SMTP user or its envelope sender, if any. */
  forSender(input: SenderIdentity): Suspension | null {
    return this.covering(input)[0] ?? null;
  }
}

/** Whether a suspension, listed or already lifted, covers a client, its user or its sender. */
export function suspensionCovers(entry: Suspension, input: SenderIdentity): boolean {
  return compiledCovers(compile(entry), input);
}

function compiledCovers({ entry, range, pattern }: Compiled, input: SenderIdentity): boolean {
  if (range) {
    const address = parseIp(input.clientIp);
    return address ? inCidr(address, range) : false;
  }
  if (!pattern) return false;
  if (entry.Kind === 'user') return input.user !== null && matchesPattern(pattern, input.user);
  return entry.Kind === 'sender' && input.sender !== '' && matchesPattern(pattern, input.sender);
}

/** The administrator's reason as it can go in an SMTP reply: one line of printable ASCII. */
export function replyReason(reason: string): string {
  return reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}
