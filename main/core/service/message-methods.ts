// The facade's calls over kept messages: the list and search, one message in its forms, its
// route and delivery, read and delete, and the wait for a message to arrive.
import { applicableActions } from '../queue/delivery-transition.js';
import { deliveryOrCaptured } from '../queue/captured-recipients.js';
import { isHeldInQuarantine } from '../filter/quarantine-release.js';
import { quarantinedRecipients } from '../filter/quarantined-recipients.js';
import { adviseOnSenderRefusal } from '../upstream/sender-refusal.js';
import { analyzeDkim, withReceiversDkim } from '../authcheck/analyzed-dkim.js';
import type {
  AnalyzedHeaders,
  ReportedRoute,
  DeliveryHandAction,
  MailboxCount,
  MessagePartContent,
  MessageSourceView,
  MessageComparison,
  MimePartContent,
  MimeStructurePart,
  MessageStatus,
  RateLimitedView,
  RecipientDeliveryView,
} from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { headerMap } from '../message/header-fields.js';
import type { ComparedMessage } from '../message/message-compare.js';
import { partThumbnail } from '../message/part-thumbnail.js';
import { headerProblems, type HeaderProblem } from '../message/header-conformance.js';
import { unencodedHeaderFields } from '../message/unencoded-headers.js';
import { note } from '../logs/log-record.js';
import { MessageParseError, type ParsedDetail, type ParsedPart } from '../parse/message-parser.js';
import { messageStatus } from '../queue/recipient-state.js';
import { dueNow, rateLimitedView } from './rate-limited.js';
import type { RouteAnalysis } from '../route-analysis/index.js';
import { parseSearchQuery, SearchSyntaxError } from '../search/index.js';
import { CallerError } from '../caller-error.js';
import { NotFoundError } from './service-errors.js';
import type { ServiceEvent } from './service-event.js';
import type { ServiceParts } from './service-parts.js';

/**
 * Route analysis, loaded when a route is first asked for: it decodes header words with libmime and
 * its charset tables (a megabyte of code with iconv-lite), which every start would otherwise
 * compile for a screen many sessions never open.
 */
const routeAnalysis = (): Promise<typeof import('../route-analysis/index.js')> =>
  import('../route-analysis/index.js');

/** iconv-lite's charset tables, loaded when a Source tab first asks, as routeAnalysis is. */
const sourceTextModule = (): Promise<typeof import('../message/source-text.js')> =>
  import('../message/source-text.js');

/** The line diff (the diff package), loaded when two messages are first compared. */
const messageCompare = (): Promise<typeof import('../message/message-compare.js')> =>
  import('../message/message-compare.js');

/** A message's delivery: its status and each recipient with the address check's verdict. */
export interface MessageDeliveryRecord {
  id: string;
  status: MessageStatus;
  recipients: Array<RecipientDelivery & Pick<RecipientDeliveryView, 'advice'>>;
  /** The hand actions that would change at least one recipient now. */
  actions: DeliveryHandAction[];
  /** Its due recipients wait for the upstream's rate limit: which, and until when. */
  rateLimited: RateLimitedView | null;
}

/** A page of the list, newest first, with the counts a list shows above it. */
export interface MessageListing {
  start: number;
  /** Messages kept, and how many of them are unread. */
  total: number;
  unread: number;
  /** Messages the search matched (all of them without a search), and how many are unread. */
  matched: number;
  matchedUnread: number;
  records: MessageRecord[];
}

/** A message opened: its record and its MIME structure, or why that could not be read. */
export interface OpenedMessage {
  record: MessageRecord;
  parsed: ParsedDetail | null;
  parseError?: string;
  /** Top-level header fields with bytes neither UTF-8 nor encoded (unencoded-headers.ts). */
  unencodedHeaders: string[];
  /** What receivers refuse in its header fields (header-conformance.ts). */
  headerProblems: HeaderProblem[];
}

export function messageMethods({ store, events, log, settings, queue, now, dns }: ServiceParts) {
  const { index, spool, parser } = store;

  /**
   * Of a delivery report (a bounce) given to Analyze: what it reports, and the route of the
   * message it returns, read from its returned part. Null for anything else, and for a report
   * whose MIME structure cannot be read (its own route is still answered).
   */
  async function reportedRoute(text: string | Buffer): Promise<ReportedRoute | null> {
    const raw = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const type = headerMap(raw)['Content-Type']?.[0] ?? '';
    if (!/^\s*multipart\/report\b/i.test(type)) return null;
    const detail = await parser.detail(raw).catch((err: unknown) => {
      if (err instanceof MessageParseError) return null;
      throw err;
    });
    if (!detail?.deliveryReport) return null;
    const returnedPart = detail.parts.find((part) => part.messageSubject !== undefined);
    const content = returnedPart ? await parser.part(raw, returnedPart.PartID) : null;
    return {
      deliveryReport: detail.deliveryReport,
      returned:
        returnedPart && content
          ? {
              subject: returnedPart.messageSubject ?? '',
              route: (await routeAnalysis()).analyzeMessage(Buffer.from(content.content), null),
            }
          : null,
    };
  }

  /** Every ID matching a search (for deletes and bulk read changes). */
  const idsMatching = (query: string, timeZone?: string): string[] =>
    store.list(0, Number.MAX_SAFE_INTEGER, query, timeZone).records.map((r) => r.id);
  const methods = {
    /** A record by ID, or the newest for `latest` (Mailpit's alias). */
    record: (id: string): MessageRecord => store.record(id),

    records: (): Iterable<MessageRecord> => index.oldestFirst(),

    /** Records with delivery work left: a recipient still to send or release (delay notices'). */
    workingRecords: (): Iterable<MessageRecord> => index.workingOldestFirst(),

    /** The status of every message planned for relaying (the tray's counts). */
    relayedStatuses: (): Iterable<MessageStatus> => index.relayedStatuses(),

    get total(): number {
      return index.size;
    },

    get unread(): number {
      return index.unread;
    },

    /** `timeZone` is Mailpit's `tz`: how dates in `before:`/`after:` are read. */
    list: (start: number, limit: number, query?: string, timeZone?: string) =>
      store.list(start, limit, query, timeZone),

    idsMatching,

    /** A page of the list, newest first, optionally filtered by a search. */
    listing(start: number, limit: number, query?: string, timeZone?: string): MessageListing {
      const found = store.list(start, limit, query, timeZone);
      return {
        start,
        total: index.size,
        unread: index.unread,
        matched: found.total,
        matchedUnread: found.unread,
        records: found.records,
      };
    },

    raw: (id: string): Promise<Buffer> => store.raw(id),

    /** The source to read: lines that are not UTF-8 decoded with their part's charset. */
    source: async (id: string): Promise<MessageSourceView> =>
      (await sourceTextModule()).sourceText(await store.raw(id)),

    headers: async (id: string): Promise<Record<string, string[]>> =>
      headerMap(await store.raw(id)),

    /** The whole message, parsed. Opening a message marks it read, as in Mailpit. */
    async openMessage(id: string): Promise<OpenedMessage> {
      const record = store.record(id);
      const raw = await spool.readRaw(record.id);
      let opened: OpenedMessage;
      // relayed mail goes out with the Date and Message-ID it lacks (batch-sender.ts): said, so
      // the advice to add one does not read as if receivers got it without
      const relayedWith = record.delivery !== undefined && settings.addMissingHeaders;
      const header = {
        unencodedHeaders: unencodedHeaderFields(raw),
        headerProblems: headerProblems(raw).map((problem) =>
          relayedWith && problem.problem === 'missing'
            ? { ...problem, addedWhenRelayed: true as const }
            : problem,
        ),
      };
      try {
        opened = { record, parsed: await parser.detail(raw), ...header };
      } catch (err) {
        opened = { record, parsed: null, parseError: (err as Error).message, ...header };
      }
      await store.setRead([record.id], true);
      return opened;
    },

    /** The route the message took, from its Received chain, and its envelope checked. */
    async route(id: string): Promise<RouteAnalysis> {
      const record = store.record(id);
      const raw = await spool.readRaw(record.id);
      return (await routeAnalysis()).analyzeMessage(raw, record.envelope);
    },

    /**
     * Pasted headers or a whole .eml, analysed like a stored message's route, with its DKIM
     * signatures verified when the body came with it; nothing is stored.
     */
    analyzeHeaders: async (
      given: string | Buffer,
      /** `latin1`: each character of `given` stands for one byte of a file that is not UTF-8. */
      encoding?: unknown,
    ): Promise<AnalyzedHeaders> => {
      if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'latin1') {
        throw new CallerError(
          `encoding: ${JSON.stringify(encoding)} is not read; give "latin1" (each character one byte of the file, for a message that is not UTF-8) or leave it out`,
        );
      }
      // its bytes again, as the sender signed them (DKIM's body hash is over bytes)
      const text =
        encoding === 'latin1' && typeof given === 'string' ? Buffer.from(given, 'latin1') : given;
      const { analyzeMessage } = await routeAnalysis();
      const [report, dkim] = await Promise.all([reportedRoute(text), analyzeDkim(dns, text)]);
      const analysis = analyzeMessage(text, null);
      return { ...analysis, report, dkim: withReceiversDkim(dkim, analysis.authentication) };
    },

    async part(id: string, partId: string): Promise<ParsedPart> {
      const record = store.record(id);
      // a message kept unread has no parts to take out: said as such, not "internal error"
      const part = await parser.part(await spool.readRaw(record.id), partId).catch((err) => {
        if (!(err instanceof MessageParseError)) throw err;
        throw new NotFoundError(
          `message ${record.id} has no part ${JSON.stringify(partId)} to take out: its MIME structure could not be read (${err.message}); /api/v1/message/${record.id}/raw has it whole`,
        );
      });
      if (!part)
        throw new NotFoundError(`message ${record.id} has no part ${JSON.stringify(partId)}`);
      return part;
    },

    /** The MIME structure as sent: each part's declared type, encoding, headers and size. */
    async structure(id: string): Promise<MimeStructurePart[]> {
      const record = store.record(id);
      return parser.structure(await spool.readRaw(record.id)).catch((err: Error) => {
        if (!(err instanceof MessageParseError)) throw err;
        throw new NotFoundError(
          `message ${record.id}'s MIME structure could not be read (${err.message}); /api/v1/message/${record.id}/raw has it whole`,
        );
      });
    },

    /**
     * What differs between two messages: headers, text, HTML, attachments. Neither is marked
     * read: comparing is not reading.
     */
    async compare(aId: string, bId: string): Promise<MessageComparison> {
      const side = async (id: string): Promise<ComparedMessage> => {
        const record = store.record(id);
        const raw = await spool.readRaw(record.id);
        const parsed = await parser.detail(raw).catch((err: Error) => {
          if (!(err instanceof MessageParseError)) throw err;
          throw new NotFoundError(
            `message ${record.id} cannot be compared: its MIME structure could not be read (${err.message}); /api/v1/message/${record.id}/raw has it whole`,
          );
        });
        return {
          id: record.id,
          subject: parsed.summary.subject,
          created: record.receivedAt,
          headers: headerMap(raw),
          text: parsed.text,
          html: parsed.html,
          parts: parsed.parts.map((part) => ({
            name: part.FileName || part.savedName || `part ${part.PartID}`,
            contentType: part.ContentType,
            size: part.Size,
            sha256: part.Checksums.SHA256,
          })),
        };
      };
      const [a, b] = await Promise.all([side(aId), side(bId)]);
      return (await messageCompare()).compareMessages(a, b);
    },

    /** One part of the structure as sent, and decoded when it is text (the Source tab's parts). */
    async structurePart(id: string, partId: string): Promise<MimePartContent> {
      const record = store.record(id);
      const content = await parser
        .partContent(await spool.readRaw(record.id), partId)
        .catch((err: Error) => {
          if (!(err instanceof MessageParseError)) throw err;
          throw new NotFoundError(
            `message ${record.id}'s MIME structure could not be read (${err.message}); /api/v1/message/${record.id}/raw has it whole`,
          );
        });
      if (!content) {
        throw new NotFoundError(
          `message ${record.id} has no part ${JSON.stringify(partId)} with content of its own (a multipart's content is its parts); /api/v1/message/${record.id}/structure lists the PartIDs`,
        );
      }
      return content;
    },

    /**
     * Mailpit's thumbnail of a part: a 180×120 JPEG of an image, or a white one for anything else
     * (part-thumbnail.ts). `name` is the part's file name, or its Content-ID without one.
     */
    async partThumbnail(id: string, partId: string): Promise<{ jpeg: Buffer; name: string }> {
      const part = await methods.part(id, partId);
      const thumbnail = await partThumbnail(part.contentType, part.content);
      if (thumbnail.reason)
        log(note('http', `thumbnail of part ${partId} of ${id}: ${thumbnail.reason}`, 'warn'));
      return { jpeg: thumbnail.jpeg, name: part.fileName || part.contentId };
    },

    /** An attachment with its name and type, as the contract carries it. */
    async partContent(id: string, partId: string): Promise<MessagePartContent> {
      const part = await methods.part(id, partId);
      return {
        FileName: part.fileName,
        ContentType: part.contentType,
        Data: new Uint8Array(part.content),
      };
    },

    /** Mailboxes with their counts, by name. */
    mailboxes: (): MailboxCount[] => index.mailboxes(),

    /**
     * Each recipient's state and attempts; captured mail lists its envelope recipients, and a
     * message held in the quarantine lists them as quarantined, with the filter's reasons.
     */
    delivery(id: string): MessageDeliveryRecord {
      const record = store.record(id);
      const shown = isHeldInQuarantine(record)
        ? quarantinedRecipients(record)
        : deliveryOrCaptured(record);
      const recipients = shown.map((recipient) => {
        const check = record.addressChecks?.find(
          (c) => c.address.toLowerCase() === recipient.address.toLowerCase(),
        );
        const lastReply = recipient.attempts.at(-1)?.reply;
        const advice =
          (recipient.state === 'bounced' || recipient.state === 'deferred') && lastReply
            ? adviseOnSenderRefusal(
                lastReply,
                recipient.attempts.at(-1)?.sentAs?.mailFrom ?? record.envelope.mailFrom,
                settings.relay?.auth?.user ?? null,
              )
            : null;
        return {
          ...recipient,
          ...(check ? { addressCheck: { verdict: check.verdict, reason: check.reason } } : {}),
          ...(advice ? { advice } : {}),
        };
      });
      const at = now();
      return {
        id: record.id,
        status: messageStatus(shown),
        recipients,
        actions: applicableActions(record.delivery ?? []),
        rateLimited: shown.some((r) => dueNow(r, at)) ? rateLimitedView(queue) : null,
      };
    },

    setRead: (ids: string[], read: boolean): Promise<void> => store.setRead(ids, read),

    /** `search`: they are the messages matching a search (Mailpit tells its clients otherwise). */
    deleteMessages: (ids: string[], cause: 'request' | 'search' = 'request'): Promise<string[]> =>
      store.deleteMessages(ids, cause),

    deleteAll: (): Promise<void> => store.deleteAll(),

    /** Mailpit's "Mark all read" of a search, or of every message when the search is empty. */
    setReadMatching: (query: string, read: boolean, timeZone?: string): Promise<void> =>
      store.setRead(
        query.trim() === ''
          ? [...index.oldestFirst()].map((r) => r.id)
          : idsMatching(query, timeZone),
        read,
      ),

    /** Mailpit's "Delete all" of a search, or every message when the search is empty. */
    deleteMatching: async (query: string, timeZone?: string): Promise<void> => {
      if (query.trim() === '') return store.deleteAll();
      if (parseSearchQuery(query, { timeZone }).terms.length === 0) {
        throw SearchSyntaxError.nothingToDelete(query);
      }
      await store.deleteMessages(idsMatching(query, timeZone), 'search');
    },

    /**
     * Resolves with the newest message matching `query` that is already there, or the first one
     * to arrive before the timeout; null at the timeout. Tests use it instead of polling. With
     * `since`, only a message received at or after that time counts: a suite that does not clear
     * the mailbox first takes the time before it acts and gets no message of an earlier run.
     */
    waitFor(
      query: string,
      timeoutMs: number,
      signal?: AbortSignal,
      since?: Date,
    ): Promise<MessageRecord | null> {
      const filter = query.trim() === '' ? null : parseSearchQuery(query);
      const recent = (r: MessageRecord): boolean =>
        since === undefined || Date.parse(r.receivedAt) >= since.getTime();
      const matches = (r: MessageRecord): boolean =>
        recent(r) && (filter ? index.matches(r.id, filter) : true);
      // the newest match is the only candidate: any other is older still
      const existing = index.page(0, 1, filter).records[0];
      if (existing && recent(existing)) return Promise.resolve(existing);
      return new Promise((resolve) => {
        const finish = (record: MessageRecord | null): void => {
          clearTimeout(timer);
          events.off('event', onEvent);
          signal?.removeEventListener('abort', onAbort);
          resolve(record);
        };
        const onEvent = (event: ServiceEvent): void => {
          if (event.Type === 'listed' && matches(event.Data)) finish(event.Data);
        };
        const onAbort = (): void => finish(null);
        const timer = setTimeout(() => finish(null), timeoutMs);
        events.on('event', onEvent);
        signal?.addEventListener('abort', onAbort);
      });
    },
  };
  return methods;
}

export type MessageMethods = ReturnType<typeof messageMethods>;
