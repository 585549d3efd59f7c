// Message intake: the DATA of one SMTP transaction becomes an accepted message. The data is
// checked (size, loop), its line endings repaired, our Received stamp put first, and the result
// handed to the owner, whose `accept` stores it durably; the client gets 250 only after that.
import { statfsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AuditEvent, AuditValue } from '../policy/index.js';
import type { Envelope } from '../message-record.js';
import { MessageRefusal } from '../filter/message-refusal.js';
import { dataGarbage } from '../load/data-garbage.js';
import { IncomingFile } from '../spool/incoming-file.js';
import { newMessageId } from '../spool/message-id.js';
import { spoolFolder } from '../spool/spool.js';
import { storageFullCode, storageFullRefusal, storageFullWords } from '../spool/storage-full.js';
import { normalizeClientIp } from '../net/ip-address.js';
import { countReceivedHeaders, LineEndingRepairStream } from './line-endings.js';
import { buildReceivedStamp } from './received-stamp.js';
import {
  maxReceivedHeaders,
  type DuplicateMessage,
  type DiscardedMessage,
  type FilteredMessage,
  sessionUser,
  SmtpRefusal,
  type ListenerEvents,
  type ListenerSettings,
} from './listener-contract.js';

function envelopeOf(session: SMTPServerSession): Envelope {
  const mailFrom = session.envelope.mailFrom as SMTPServerAddress | false;
  const tls = session.tlsOptions;
  const bodyArg = mailFrom && mailFrom.args ? mailFrom.args.BODY : undefined;
  const user = session.user as unknown;
  const clientIp = normalizeClientIp(session.remoteAddress);
  const hostname = session.clientHostname;
  return {
    mailFrom: mailFrom ? mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    clientIp,
    // smtp-server writes `[ip]` when it has no name; we keep null for "not known"
    clientHostname: hostname && !hostname.startsWith('[') ? hostname : null,
    helo: session.hostNameAppearsAs || '',
    user: typeof user === 'string' ? user : null,
    tls: tls ? { protocol: tls.version ?? '', cipher: tls.name ?? '' } : null,
    smtpUtf8: Boolean(session.envelope.smtpUtf8),
    eightBitMime: typeof bodyArg === 'string' && bodyArg.toUpperCase() === '8BITMIME',
    session: session.id,
  };
}

/** How often a full disk is looked at again, so the window's notice goes once there is room. */
const roomCheckMs = 5_000;

export class MessageIntake {
  /** The last message could not be stored for want of space (logged once until it can). */
  private storageFull = false;
  private roomCheck: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: ListenerSettings,
    private readonly events: ListenerEvents,
    private readonly audit: (event: AuditEvent, fields: Record<string, AuditValue>) => void,
    /** A message of the SMTP session was stored: its transcript lists it. */
    private readonly stored: (
      sessionId: string,
      messageId: string,
      notes: string[],
    ) => void = () => {},
  ) {}

  /**
   * Receives one message; resolves with the 250's text once it is stored (or, a duplicate
   * ignored, once its file is removed), or throws the reply. The data goes to a file in the spool
   * folder as it arrives (Postfix writes its queue file the same way, with the Received header
   * first, at the start of DATA), so a large message is never held in memory; `accept` syncs it
   * and commits its record, and anything else removes it.
   */
  async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const receivedAt = new Date();
    const id = newMessageId(receivedAt.getTime());
    const envelope = envelopeOf(session);
    const stamp = Buffer.from(
      buildReceivedStamp({
        helo: envelope.helo,
        clientHostname: envelope.clientHostname,
        clientIp: envelope.clientIp,
        hostname: this.settings.hostname,
        extended: session.openingCommand !== 'HELO',
        tls: Boolean(session.secure),
        authenticated: envelope.user !== null,
        smtpUtf8: envelope.smtpUtf8,
        id,
        rcptTo: envelope.rcptTo,
        date: receivedAt,
      }),
      'utf8',
    );
    const repair = new LineEndingRepairStream();
    let file: IncomingFile | null = null;
    let writeError: unknown = null;
    const drop = async (err: unknown): Promise<void> => {
      writeError ??= err;
      const dropped = file;
      file = null;
      await dropped?.discard().catch(() => undefined);
    };
    try {
      file = await IncomingFile.create(spoolFolder(this.settings.dataDir), id);
      await file.write(stamp);
    } catch (err) {
      await drop(err);
    }
    const garbage = dataGarbage();
    try {
      // the whole stream is read even after a failure, or smtp-server could not answer
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        garbage.taken(chunk.length);
        if (!file) continue;
        if (stream.sizeExceeded) {
          // nothing more of it is kept: the 552 comes at the final dot
          await drop(null);
          continue;
        }
        await file.write(repair.push(chunk)).catch(drop);
      }
      if (file) await file.write(repair.end()).catch(drop);
      if (file) await file.finish().catch(drop);
    } catch (err) {
      // the client went away before the final dot: nothing was accepted
      await drop(err);
      throw err;
    }
    if (stream.sizeExceeded) {
      await drop(null);
      this.auditMessageRefusal(session, 552, `larger than ${this.settings.maxSize} bytes`);
      // smtp-server answers 552 5.3.4 itself (rejectOversized); this only ends the transaction
      throw new SmtpRefusal(
        552,
        `5.3.4 Message exceeds the size limit of ${this.settings.maxSize} bytes`,
      );
    }
    if (!file) throw this.storeFailure(id, session, writeError);
    const received: IncomingFile = file;
    if (countReceivedHeaders(received.head.subarray(stamp.length)) > maxReceivedHeaders) {
      await drop(null);
      this.auditMessageRefusal(
        session,
        554,
        `more than ${maxReceivedHeaders} Received headers (loop)`,
      );
      throw new SmtpRefusal(
        554,
        `5.4.6 Too many Received headers (over ${maxReceivedHeaders}): mail loop?`,
      );
    }
    const notes: string[] = [];
    if (repair.bareLf > 0) notes.push(`${repair.bareLf} bare LF normalised to CRLF`);
    if (repair.bareCr > 0) notes.push(`${repair.bareCr} bare CR normalised to CRLF`);
    if (repair.doubledCr > 0) notes.push(`${repair.doubledCr} CR CR LF read as one CRLF`);

    let outcome: DuplicateMessage | FilteredMessage | DiscardedMessage | void;
    try {
      outcome = await this.events.accept({ id, envelope, raw: received, receivedAt, notes });
    } catch (err) {
      // a message only once stored; whatever failed, its file goes
      await received.discard().catch(() => undefined);
      throw this.storeFailure(id, session, err);
    }
    if (this.storageFull) this.roomAgain('spool: there is space on the disk again; taking mail');
    if (outcome && 'discarded' in outcome) {
      // Postfix's DISCARD: the client is told what it is told of any message, and nothing of it
      // is kept; only the audit line says what happened
      await received.discard().catch(() => undefined);
      this.audit('message', {
        result: 'discarded',
        id,
        client: envelope.clientIp,
        user: envelope.user ?? undefined,
        from: `<${envelope.mailFrom}>`,
        nrcpt: envelope.rcptTo.length,
        size: received.size,
        reason: outcome.discarded.reason,
      });
      return `Ok: queued as ${id}`;
    }
    const duplicate = outcome && 'duplicateOf' in outcome ? outcome : null;
    const filtered = outcome && 'filtered' in outcome ? outcome.filtered : null;
    if (duplicate) {
      // accepted as Mailpit accepts it, and nothing of it kept
      await received.discard().catch(() => undefined);
      this.audit('message', {
        result: 'ignored',
        duplicateOf: duplicate.duplicateOf,
        client: envelope.clientIp,
        user: envelope.user ?? undefined,
        from: `<${envelope.mailFrom}>`,
        nrcpt: envelope.rcptTo.length,
        size: received.size,
      });
      return `Ok: not stored again, the same Message-ID as ${duplicate.duplicateOf}`;
    }
    // one line for one message: a quarantined one was also logged `result=accepted` after the
    // filter's `result=quarantined`, and a reader counting outcomes counted it twice
    this.audit('message', {
      result: filtered ? filtered.action : 'accepted',
      id,
      client: envelope.clientIp,
      user: envelope.user ?? undefined,
      from: `<${envelope.mailFrom}>`,
      nrcpt: envelope.rcptTo.length,
      size: received.size,
      tls: envelope.tls ? envelope.tls.protocol || true : false,
      notes: notes.length ? notes.join('; ') : undefined,
      scan: filtered?.scan,
      reason: filtered ? filtered.reasons.join('; ') : undefined,
    });
    this.stored(session.id, id, notes);
    return `Ok: queued as ${id}`;
  }

  /**
   * At MAIL FROM, a message whose declared SIZE does not fit the disk half again over (Postfix's
   * rule) is refused before its data comes: the client need not send megabytes to learn it.
   */
  roomFor(address: SMTPServerAddress, session: SMTPServerSession): SmtpRefusal | null {
    const declared = Number(address.args ? address.args.SIZE : undefined);
    if (!Number.isFinite(declared) || declared <= 0) return null;
    let free: number;
    try {
      const disk = statfsSync(this.settings.dataDir);
      free = disk.bavail * disk.bsize;
    } catch {
      return null; // no figure: the message's own write says what happens
    }
    if (free >= declared * 1.5) return null;
    if (!this.storageFull) {
      const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      this.events.log(
        `spool: the disk holding ${this.settings.dataDir} has ${mb(free)} free, too little for a message of ${mb(declared)} (its SIZE); new mail gets 452 4.3.1 until space is freed`,
      );
      this.storageFull = true;
      this.events.storage?.({ code: 'ENOSPC' });
      this.watchForRoom();
    }
    this.auditMessageRefusal(session, 452, 'disk full', address);
    return new SmtpRefusal(452, '4.3.1 Insufficient system storage; try again later');
  }

  private roomAgain(line: string): void {
    this.storageFull = false;
    if (this.roomCheck) clearInterval(this.roomCheck);
    this.roomCheck = null;
    this.events.log(line);
    this.events.storage?.(null);
  }

  /**
   * Looks at the full disk every few seconds: once a message of the largest size allowed fits
   * (messages deleted, files removed), it says so, and the window's notice goes without waiting
   * for a client to send. (A quota or a file size limit has no such figure: the next message
   * stored says it.)
   */
  private watchForRoom(): void {
    if (this.roomCheck) return;
    this.roomCheck = setInterval(() => {
      statfs(this.settings.dataDir).then(
        (disk) => {
          const free = disk.bavail * disk.bsize;
          if (this.storageFull && free >= this.settings.maxSize) {
            this.roomAgain(
              `spool: there is room on the disk again (${Math.floor(free / 1024 / 1024)} MB free); taking mail`,
            );
          }
        },
        () => undefined,
      );
    }, roomCheckMs);
    this.roomCheck.unref();
  }

  /** Stops looking at the disk (the listener is closing). */
  close(): void {
    if (this.roomCheck) clearInterval(this.roomCheck);
    this.roomCheck = null;
  }

  /** The reply to a message that could not be stored (or that a later stage refused). */
  private storeFailure(id: string, session: SMTPServerSession, err: unknown): SmtpRefusal {
    if (err instanceof MessageRefusal) {
      this.auditMessageRefusal(session, err.responseCode, err.reason);
      return new SmtpRefusal(err.responseCode, err.reply);
    }
    const code = storageFullCode(err);
    if (code) {
      // nothing of the message is left on disk (its file is removed when storing fails)
      const refusal = storageFullRefusal(code);
      if (!this.storageFull) {
        this.events.log(
          `spool: ${storageFullWords(code, this.settings.dataDir)}; ${refusal.logged}`,
        );
        this.storageFull = true;
        this.events.storage?.({ code });
        if (code === 'ENOSPC') this.watchForRoom();
      }
      this.auditMessageRefusal(session, 452, refusal.reason);
      return new SmtpRefusal(452, '4.3.1 Insufficient system storage; try again later');
    }
    this.events.log(`${id}: could not store the message: ${(err as Error).message}`);
    this.auditMessageRefusal(session, 451, 'could not store the message');
    return new SmtpRefusal(451, '4.3.0 Could not store the message; try again later');
  }

  private auditMessageRefusal(
    session: SMTPServerSession,
    reply: number,
    reason: string,
    /** At MAIL FROM the session has no sender yet: the one being refused. */
    sender?: SMTPServerAddress,
  ): void {
    const mailFrom = sender ?? session.envelope.mailFrom;
    this.audit('message', {
      result: 'rejected',
      client: normalizeClientIp(session.remoteAddress),
      user: sessionUser(session) ?? undefined,
      from: mailFrom ? `<${mailFrom.address}>` : undefined,
      nrcpt: session.envelope.rcptTo.length,
      reply,
      reason,
    });
  }
}
