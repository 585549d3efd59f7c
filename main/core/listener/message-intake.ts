// Message intake: the DATA of one SMTP transaction becomes an accepted message. The data is
// checked (size, loop), its line endings repaired, our Received stamp put first, and the result
// handed to the owner, whose `accept` stores it durably; the client gets 250 only after that.
import type { Readable } from 'node:stream';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AuditEvent, AuditValue } from '../policy/index.js';
import type { Envelope } from '../message-record.js';
import { MessageRefusal } from '../filter/message-refusal.js';
import { newMessageId } from '../spool/message-id.js';
import { isStorageFull } from '../spool/storage-full.js';
import { normalizeClientIp } from '../net/ip-address.js';
import { countReceivedHeaders, normalizeLineEndings } from './line-endings.js';
import { buildReceivedStamp } from './received-stamp.js';
import {
  maxReceivedHeaders,
  sessionUser,
  SmtpReply,
  type ListenerEvents,
  type ListenerSettings,
} from './listener-contract.js';

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

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
  };
}

export class MessageIntake {
  /** The last message could not be stored for want of space (logged once until it can). */
  private storageFull = false;

  constructor(
    private readonly settings: ListenerSettings,
    private readonly events: ListenerEvents,
    private readonly audit: (event: AuditEvent, fields: Record<string, AuditValue>) => void,
  ) {}

  /** Receives one message; resolves with its ID once it is stored, or throws the reply. */
  async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const data = await collect(stream);
    if (stream.sizeExceeded) {
      this.auditMessageRefusal(session, 552, `larger than ${this.settings.maxSize} bytes`);
      // smtp-server answers 552 5.3.4 itself (rejectOversized); this only ends the transaction
      throw new SmtpReply(
        552,
        `5.3.4 Message exceeds the size limit of ${this.settings.maxSize} bytes`,
      );
    }
    const repaired = normalizeLineEndings(data);
    if (countReceivedHeaders(repaired.data) > maxReceivedHeaders) {
      this.auditMessageRefusal(
        session,
        554,
        `more than ${maxReceivedHeaders} Received headers (loop)`,
      );
      throw new SmtpReply(
        554,
        `5.4.6 Too many Received headers (over ${maxReceivedHeaders}): mail loop?`,
      );
    }
    const notes: string[] = [];
    if (repaired.bareLf > 0) notes.push(`${repaired.bareLf} bare LF normalised to CRLF`);
    if (repaired.bareCr > 0) notes.push(`${repaired.bareCr} bare CR normalised to CRLF`);

    const receivedAt = new Date();
    const id = newMessageId(receivedAt.getTime());
    const envelope = envelopeOf(session);
    const stamp = buildReceivedStamp({
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
    });
    const raw = Buffer.concat([Buffer.from(stamp, 'utf8'), repaired.data]);
    try {
      await this.events.accept({ id, envelope, raw, receivedAt, notes });
    } catch (err) {
      if (err instanceof MessageRefusal) {
        this.auditMessageRefusal(session, err.responseCode, err.reason);
        throw new SmtpReply(err.responseCode, err.reply);
      }
      if (isStorageFull(err)) {
        // nothing of the message is left on disk (durable writes rename only whole files)
        if (!this.storageFull) {
          this.events.log(
            `spool: the disk holding ${this.settings.dataDir} is full (${(err as NodeJS.ErrnoException).code}); new mail gets 452 4.3.1 until space is freed`,
          );
        }
        this.storageFull = true;
        this.auditMessageRefusal(session, 452, 'disk full');
        throw new SmtpReply(452, '4.3.1 Insufficient system storage; try again later');
      }
      this.events.log(`${id}: could not store the message: ${(err as Error).message}`);
      this.auditMessageRefusal(session, 451, 'could not store the message');
      throw new SmtpReply(451, '4.3.0 Could not store the message; try again later');
    }
    if (this.storageFull) {
      this.storageFull = false;
      this.events.log(`spool: there is space on the disk again; taking mail`);
    }
    this.audit('message', {
      result: 'accepted',
      id,
      client: envelope.clientIp,
      user: envelope.user ?? undefined,
      from: `<${envelope.mailFrom}>`,
      nrcpt: envelope.rcptTo.length,
      size: raw.length,
      tls: envelope.tls ? envelope.tls.protocol || true : false,
      notes: notes.length ? notes.join('; ') : undefined,
    });
    return id;
  }

  private auditMessageRefusal(session: SMTPServerSession, reply: number, reason: string): void {
    const mailFrom = session.envelope.mailFrom;
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
