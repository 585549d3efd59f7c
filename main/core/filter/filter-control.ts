// The filter stage as RelayService uses it: stores a message through the spool's inspected path
// (raw file, scan, then sidecar), writes the decision to the audit log, and reports the
// scanner's state for the API.
import type { FilterStatus } from '../../../preload/filter-contract.js';
import { settingName, settingNamedFrom } from '../../../preload/setting-names.js';
import type { AcceptedMessage } from '../listener/smtp-listener.js';
import type { MessageRecord } from '../message-record.js';
import type { MessageParser } from '../parse/message-parser.js';
import { auditLine } from '../policy/audit-line.js';
import type { RoutingRule } from '../routing-rules/index.js';
import type { Spool } from '../spool/spool.js';
import {
  ClamdTimeoutError,
  describeClamdAddress,
  type ClamdClient,
  type ClamdUnavailableError,
} from './clamd-client.js';
import {
  spamdAddressText,
  spamdAnswers,
  type SpamdUnavailableError,
} from '../checks/spam-check/index.js';
import { applyVerdict, MessageFilter, type FilterSettings } from './message-filter.js';
import { MessageDiscard } from './message-refusal.js';

export type { FilterStatus };

/** clamd does not answer: what happens to mail meanwhile, and what to do. */
export interface ScannerDown {
  reason: string;
  fix: string;
  clamdUnavailable: 'defer' | 'accept';
  /** Some new mail is refused (451): the setting says defer, or a routing rule's filter does. */
  refusesMail: boolean;
}

/** How often, and how long, a clamd that did not answer at start is asked again. */
const scannerRecheckMs = 5_000;
/**
 * How long the filter's state waits for spamd's PONG: shown at once when the view opens, and a
 * spamd slower than this to answer a PING is too slow to score mail without holding it up.
 */
const spamdPingTimeoutMs = 3_000;
const scannerRecheckForMs = 10 * 60_000;

/**
 * What the service log last said of clamd: `unknown` before anything is known (and after the
 * start-up check gave up), `up` once it answered, `down` once the log said it does not.
 */
type ScannerState = 'unknown' | 'up' | 'down';

export class FilterControl {
  private readonly filter: MessageFilter;
  private scannerTimer: NodeJS.Timeout | null = null;
  private watching = false;
  /** A PING of the checks below is on its way: clamd is being asked again. */
  private pinging = false;
  /**
   * Why clamd was last found hung (it took the connection and did not answer in time): while it
   * is down for that reason, messages are not sent to it (MessageFilter's scannerHung). One that
   * refuses the connection answers at once, with its own error, and is still asked per message.
   */
  private hung: string | null = null;
  private scannerState: ScannerState = 'unknown';
  /** The clamd the state above is about: the settings' address when it was last looked at. */
  private watched: ClamdClient | null = null;
  private warn: (line: string) => void = () => undefined;
  private info: (line: string) => void = () => undefined;
  private told: (down: ScannerDown | null) => void = () => undefined;
  /** What the service log last said of spamd: the address it said does not answer, or null. */
  private spamdDown: string | null = null;

  constructor(
    private readonly settings: FilterSettings,
    private readonly rules: () => readonly RoutingRule[],
    parser: MessageParser,
    now: () => number,
    private readonly log: (line: string) => void = () => undefined,
    /** What pins a setting for this run (a flag or a variable), so a log line names it so. */
    private readonly pinnedBy: (key: string) => string | undefined = () => undefined,
  ) {
    this.filter = new MessageFilter(
      settings,
      rules,
      parser,
      now,
      (error, scanner) => {
        // a scan at an address changed since says nothing of the one asked now
        if (scanner === this.watched) this.scannerAnswered(error);
      },
      () =>
        this.scannerState === 'down' && (this.scannerTimer !== null || this.pinging)
          ? this.hung
          : null,
      (spamd, error) => this.spamdAnswered(spamd, error),
    );
  }

  /**
   * After each message spamd was asked about. spamd stopped (or hung) said nothing in the
   * service log, only a note on each message passed on unscored: said once when it stops
   * answering, with what happens to mail meanwhile and the fix, and once when it answers again.
   */
  private spamdAnswered(spamd: string, error: SpamdUnavailableError | null): void {
    if (error === null) {
      // an address changed in Settings meanwhile answers, not the one that did not
      if (this.spamdDown !== null)
        this.info(
          `${spamd} answers${spamd === this.spamdDown ? ' again' : ''}: messages are scored for spam`,
        );
      this.spamdDown = null;
      return;
    }
    if (this.spamdDown === spamd) return;
    this.spamdDown = spamd;
    this.warn(
      `${error.spamd} does not answer (${error.reason}); until it does, mail is passed on unscored, as amavis passes it when SpamAssassin fails. Start spamd again (its log says why it stopped), check its address (${settingName('spamassassin')}), or choose ${settingName('spamAction', 'off')}`,
    );
  }

  /** What the window is told while clamd does not answer: what happens to mail, and the fix. */
  private down(where: string): ScannerDown {
    const defer = this.settings.clamdUnavailable === 'defer';
    const mail = defer
      ? 'every new message gets 451 4.7.0 and its client retries later'
      : 'new mail is taken unscanned and tagged not-scanned';
    const ruled = this.rules().some((rule) => rule.filter?.clamdUnavailable !== undefined);
    // the window shows a notice that refuses no mail as a warning, not as an error
    const ruleDefers = this.rules().some((rule) => rule.filter?.clamdUnavailable === 'defer');
    return {
      reason: `${mail}${ruled ? " (where a routing rule's filter says otherwise, as it says)" : ''}: clamd at ${where} does not answer`,
      fix: `start clamd (it takes a while to load its database; this notice goes once it answers), ${settingName('clamd')}, or choose ${settingName('clamdUnavailable', defer ? 'accept' : 'defer')}`,
      clamdUnavailable: this.settings.clamdUnavailable,
      refusesMail: defer || ruleDefers,
    };
  }

  /**
   * The other clamdUnavailable, offered as a way out: the log lines offered accept even to a
   * relay that had it already.
   */
  private get otherChoice(): string {
    return this.named(
      'clamdUnavailable',
      this.settings.clamdUnavailable === 'defer' ? 'accept' : 'defer',
    );
  }

  /**
   * A setting as a log line names it: by the flag or variable that set it, else its box; one
   * left at its default by the flag in a relay whose clamd a flag sets (a command-line setup).
   */
  private named(key: 'clamd' | 'clamdUnavailable', value = ''): string {
    const clamdBy = this.pinnedBy('clamd');
    const commandLine = clamdBy?.startsWith('--') ? clamdBy : undefined;
    return settingNamedFrom(key, value, this.pinnedBy(key) ?? commandLine);
  }

  /** What happens to mail while clamd does not answer, per clamdUnavailable. */
  private get meanwhile(): string {
    return this.settings.clamdUnavailable === 'defer'
      ? `each message is refused with 451 4.7.0 and its client retries later (${this.named('clamdUnavailable', 'defer')})`
      : `mail is taken unscanned and tagged not-scanned (${this.named('clamdUnavailable', 'accept')})`;
  }

  /**
   * After each scan. clamd lost while running (stopped, crashed, restarted by its package's
   * update) said nothing in the service log, only one audit line per message: said once when it
   * stops answering, with what happens to mail meanwhile and the fix, and once when it answers
   * again (a scan got through, or the PING asked every few seconds meanwhile).
   */
  private scannerAnswered(error: ClamdUnavailableError | null): void {
    const scanner = this.filter.scanner;
    if (!scanner) return;
    const where = scanner.description;
    this.hung = error instanceof ClamdTimeoutError ? error.message : null;
    if (error === null) {
      if (this.scannerState === 'down') {
        this.info(`clamd at ${where} answers again: messages are scanned`);
        this.told(null);
      }
      this.scannerState = 'up';
      this.stopRecheck();
      return;
    }
    // at start the start-up check speaks (it says "does not answer PING" once)
    if (this.scannerState !== 'up') return;
    this.scannerState = 'down';
    this.told(this.down(where));
    this.warn(
      `clamd at ${where} stopped answering (${error.message}); until it answers again, ${this.meanwhile}, unless a routing rule's filter says otherwise. Start clamd again (it takes a while to load its database; its log says why it stopped), or choose ${this.otherChoice}`,
    );
    this.recheck(Number.POSITIVE_INFINITY);
  }

  /**
   * Settings were saved. While clamd does not answer, the window's notice is said again in the
   * words of the settings now: it was worded once, when clamd went down, and kept saying "451"
   * after clamdUnavailable was switched to accept (or a routing rule's filter was added).
   */
  settingsChanged(): void {
    const scanner = this.filter.scanner;
    if (scanner !== this.watched) {
      this.follow(scanner);
      return;
    }
    if (scanner && this.scannerState === 'down') this.told(this.down(scanner.description));
  }

  /**
   * The clamd address (or its timeout) was changed in Settings: the next message goes to the new
   * one (MessageFilter), and what was known of the old one goes with it. The new one is asked
   * as at start, so the strip and the log speak of the address in use, never of the old one.
   */
  private follow(scanner: ClamdClient | null): void {
    const before = this.watched;
    this.watched = scanner;
    this.stopRecheck();
    this.hung = null;
    const wasDown = this.scannerState === 'down';
    this.scannerState = 'unknown';
    if (wasDown) this.told(null);
    if (!this.watching) return;
    if (before && scanner && before.description !== scanner.description)
      this.info(
        `clamd address changed in Settings from ${before.description} to ${scanner.description}: the next message is scanned there`,
      );
    else if (before && !scanner)
      this.info('clamd address removed in Settings: messages are no longer scanned for viruses');
    if (scanner) this.askUntilAnswered(scanner);
  }

  /** Asks clamd every few seconds until it answers, or until `deadline`. */
  private recheck(deadline: number): void {
    const scanner = this.filter.scanner;
    if (!scanner || !this.watching || this.scannerTimer) return;
    this.scannerTimer = setTimeout(() => {
      this.scannerTimer = null;
      void this.ping(scanner).then((up) => {
        if (scanner !== this.watched) return;
        if (up) this.scannerAnswered(null);
        else if (this.scannerState === 'down' && Date.now() < deadline) this.recheck(deadline);
      });
    }, scannerRecheckMs);
    this.scannerTimer.unref();
  }

  private async ping(scanner: ClamdClient): Promise<boolean> {
    this.pinging = true;
    try {
      return await scanner.ping();
    } finally {
      this.pinging = false;
    }
  }

  private stopRecheck(): void {
    if (this.scannerTimer) clearTimeout(this.scannerTimer);
    this.scannerTimer = null;
  }

  get enabled(): boolean {
    return this.filter.enabled;
  }

  /**
   * Scans and inspects one message while its raw file is written and synced, and stores the
   * record with the verdict; when it is refused (a MessageRefusal), nothing is renamed into
   * place, so nothing was stored. Scanning in parallel with the fsync keeps the cost per small
   * message at about the scan alone (bench/filter-scan.js).
   */
  async store(
    spool: Spool,
    message: AcceptedMessage,
    made: Promise<MessageRecord>,
    /** False when the SMTP listener writes the message's one audit line (with the verdict). */
    audit = true,
  ): Promise<MessageRecord> {
    const inspected = this.filter
      .inspect({ record: made, raw: message.raw })
      .then(async (verdict) => applyVerdict(await made, verdict));
    try {
      await spool.storeWhile(message.id, message.raw, inspected);
    } catch (err) {
      if (audit && err instanceof MessageDiscard) {
        this.log(
          auditLine('message', {
            result: 'discarded',
            id: message.id,
            client: message.envelope.clientIp,
            from: `<${message.envelope.mailFrom}>`,
            reason: err.reason,
          }),
        );
      }
      throw err;
    }
    const record = await inspected;
    const verdict = record.filter;
    if (audit && verdict && verdict.action !== 'accepted') {
      this.log(
        auditLine('message', {
          result: verdict.action,
          id: record.id,
          client: record.envelope.clientIp,
          from: `<${record.envelope.mailFrom}>`,
          scan: verdict.scan,
          reason: verdict.reasons.join('; '),
        }),
      );
    }
    return record;
  }

  /**
   * At start, asks clamd once: with clamd not started (or --clamd mistyped) every message got
   * 451 and the office's mail piled up in its clients' outboxes with nothing said but one audit
   * line per refusal. A clamd still loading its database (started at the same boot) answers a
   * little later: it is asked again every few seconds for a while, and its answer said once.
   */
  watchScanner(
    warn: (line: string) => void,
    info: (line: string) => void,
    /** The window's notice: set while clamd does not answer, null once it does. */
    told: (down: ScannerDown | null) => void = () => undefined,
  ): void {
    // kept with no clamd set too: one set in Settings later is asked and spoken of the same way
    this.warn = warn;
    this.info = info;
    this.told = told;
    this.watching = true;
    const scanner = this.filter.scanner;
    this.watched = scanner;
    if (scanner) this.askUntilAnswered(scanner);
  }

  /** The start-up check of one clamd: asked every few seconds for a while until it answers. */
  private askUntilAnswered(scanner: ClamdClient): void {
    const where = scanner.description;
    const deadline = Date.now() + scannerRecheckForMs;
    const ask = async (): Promise<void> => {
      this.scannerTimer = null;
      const up = await this.ping(scanner);
      // another address was set meanwhile, or a scan may have said it
      if (scanner !== this.watched || this.scannerState === 'up') return;
      if (up) {
        if (this.scannerState === 'down') {
          this.info(`clamd at ${where} answers now: messages are scanned`);
          this.told(null);
        }
        this.scannerState = 'up';
        return;
      }
      if (this.scannerState === 'unknown') {
        this.scannerState = 'down';
        this.told(this.down(where));
        this.warn(
          `clamd at ${where} does not answer PING; until it does, ${this.meanwhile}, unless a routing rule's filter says otherwise. Start clamd (it takes a while to load its database), ${this.named('clamd')}, or choose ${this.otherChoice}`,
        );
      }
      if (Date.now() < deadline && this.watching) {
        this.scannerTimer = setTimeout(() => void ask(), scannerRecheckMs);
        this.scannerTimer.unref();
      }
    };
    void ask();
  }

  stopWatchingScanner(): void {
    this.watching = false;
    if (this.scannerTimer) clearTimeout(this.scannerTimer);
    this.scannerTimer = null;
  }

  async status(): Promise<FilterStatus> {
    const scanner = this.filter.scanner;
    // the spamd mail is filtered by: with spamAction off it only scores a message opened in its
    // Spam tab, and its being down changes nothing for mail
    const spamd = this.settings.spamAction === 'off' ? null : this.settings.spamassassin;
    const [clamdReachable, spamdReachable] = await Promise.all([
      scanner ? scanner.ping() : null,
      spamd ? spamdAnswers(spamd, spamdPingTimeoutMs) : null,
    ]);
    return {
      clamd: this.settings.clamd ? describeClamdAddress(this.settings.clamd) : null,
      clamdReachable,
      virusAction: this.settings.virusAction,
      clamdUnavailable: this.settings.clamdUnavailable,
      spamAction: this.settings.spamAction,
      spamd: spamd ? spamdAddressText(spamd) : null,
      spamdReachable,
      attachments: this.settings.attachments,
    };
  }
}
