// Which listeners (SMTP, SMTPS, POP3, POP3S) are up, and why one is not. `relaydesk serve` stops
// with one line when a port is taken, as Mailpit does and scripts expect; the desktop app (and
// `--listener-failure keep-running`) instead keeps running without that listener, so the user
// sees the reason and the fix in the window and can change the port in Settings → Listener.
import type {
  ListenerName,
  ListenerProblemView,
  ScannerDownView,
  ListenerStatusView,
  ListenersView,
} from '../../../preload/listener-contract.js';
import { settingName } from '../../../preload/setting-names.js';
import { SettingsError, type ListenAddress, type Settings } from '../settings/settings-schema.js';
import {
  storageFullRefusal,
  storageFullWords,
  type StorageFullCode,
} from '../spool/storage-full.js';
import { listenerKeys, listenerWords, sharesSocket } from '../settings/listener-overlap.js';

export type ListenerStatusSettings = Pick<
  Settings,
  'smtp' | 'http' | 'smtps' | 'pop3' | 'pop3s' | 'listenerFailure' | 'dataDir'
>;

const flags: Record<ListenerName, string> = {
  smtp: '--smtp',
  smtps: '--smtps',
  pop3: '--pop3',
  pop3s: '--pop3s',
};

/**
 * Where the address is changed: the SMTP listeners under Settings → Listener; POP3's by its flag,
 * variable or settings key, which the window shows as its box under Settings → Checks & POP3.
 */
function placeOf(name: ListenerName): string {
  return name === 'smtp' || name === 'smtps' ? 'Settings → Listener' : settingName(name);
}

function where(address: ListenAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

/** The system's code of a failed listen: on the error or what it wraps, else read from the text. */
function errorCode(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  const text = err instanceof Error ? err.message : String(err);
  if (/already in use/.test(text)) return 'EADDRINUSE';
  if (/not allowed to listen/.test(text)) return 'EACCES';
  if (/not an address of this machine/.test(text)) return 'EADDRNOTAVAIL';
  return null;
}

/** The reason and the fix of a failed listen, in the user's words. */
export function listenProblem(
  err: unknown,
  address: ListenAddress,
  at: Date,
  settingsPlace = placeOf('smtp'),
): ListenerProblemView {
  const code = errorCode(err) ?? 'ERROR';
  const at3339 = at.toISOString();
  switch (code) {
    case 'EADDRINUSE':
      return {
        code,
        reason: `${where(address)} is already in use by another program`,
        fix: `stop that program, or choose another port in ${settingsPlace} and restart Relaydesk`,
        at: at3339,
      };
    case 'EACCES':
      return {
        code,
        reason: `not allowed to listen on ${where(address)} (ports below 1024 need administrator rights)`,
        fix: `choose a port above 1024, such as 1025, in ${settingsPlace} and restart Relaydesk`,
        at: at3339,
      };
    case 'EADDRNOTAVAIL':
      return {
        code,
        reason: `${address.host} is not an address of this machine`,
        fix: `use 127.0.0.1 (or an address this machine has) in ${settingsPlace} and restart Relaydesk`,
        at: at3339,
      };
    default: {
      const text = (err instanceof Error ? err.message : String(err)).replace(/^--[\w-]+: /, '');
      return {
        code,
        reason: `cannot listen on ${where(address)}: ${text}`,
        fix: `check the address in ${settingsPlace} and restart Relaydesk`,
        at: at3339,
      };
    }
  }
}

/** Whether an error from starting a listener is a failed listen (not a settings mistake). */
function isListenFailure(err: unknown): boolean {
  if (err instanceof SettingsError || !(err instanceof Error)) return false;
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  if (cause?.syscall === 'listen') return true;
  // the listeners word their failed listens this way (main/core/listener, main/core/pop3)
  return /^--(smtps?|pop3s?): .*(already in use|not allowed to listen|not an address of this machine|cannot listen on)/.test(
    err.message,
  );
}

/** Which of a group's listeners an error names (the flag its message starts with). */
function named(err: Error, group: readonly ListenerName[]): ListenerName {
  const flag = /^(--[\w-]+):/.exec(err.message)?.[1];
  return group.find((name) => flags[name] === flag) ?? (group[0] as ListenerName);
}

/** A listener group as the service has it: started together, closed together. */
export interface ListenerGroup<T> {
  start(): Promise<T>;
  close(): Promise<void>;
}

export class ListenerStatus {
  private readonly states = new Map<ListenerName, ListenerStatusView>();
  private diskFull: ListenerProblemView | null = null;
  private scannerDown: ScannerDownView | null = null;

  constructor(
    private readonly settings: ListenerStatusSettings,
    private readonly now: () => number,
    private readonly events: {
      publish(view: ListenersView): void;
      log(line: string): void;
    },
  ) {}

  /** Every configured listener, in the order they start, and whether the disk refuses mail. */
  view(): ListenersView {
    const order: ListenerName[] = ['smtp', 'smtps', 'pop3', 'pop3s'];
    return {
      listeners: order.flatMap((name) => {
        const state = this.states.get(name);
        return state ? [state] : [];
      }),
      diskFull: this.diskFull,
      scannerDown: this.scannerDown,
    };
  }

  /**
   * clamd stopped answering (or never did since the start) or answers again: said to the
   * window, which showed a relay taking mail while every client got 451 (clamdUnavailable
   * defer), with only a line in the Logs view and the Settings screen's strip to tell.
   */
  scanner(
    down: Pick<ScannerDownView, 'reason' | 'fix' | 'clamdUnavailable' | 'refusesMail'> | null,
  ): void {
    if (down === null && this.scannerDown === null) return;
    const was = this.scannerDown;
    // said again in new words (the settings changed): unchanged words are no news, and the time
    // it went down stays
    if (
      down &&
      was &&
      was.reason === down.reason &&
      was.fix === down.fix &&
      was.clamdUnavailable === down.clamdUnavailable &&
      was.refusesMail === down.refusesMail
    ) {
      return;
    }
    this.scannerDown = down && {
      code: 'CLAMD',
      ...down,
      at: was?.at ?? new Date(this.now()).toISOString(),
    };
    this.events.publish(this.view());
  }

  /**
   * The disk filled up (new mail refused with 452) or has room again: said to the window, which
   * otherwise showed a relay taking mail while every client was being turned away.
   */
  storage(full: { code: StorageFullCode } | null): void {
    if (full === null) {
      this.diskFull = null;
    } else {
      const refusal = storageFullRefusal(full.code);
      // a full disk is looked at again every few seconds (message-intake.ts); a quota or a
      // size limit shows only when the next message is stored
      const after =
        full.code === 'ENOSPC'
          ? ': mail is taken again by itself once a message fits'
          : full.code === 'EFBIG'
            ? '; this notice goes when the next message is stored'
            : ': mail is taken again by itself once there is room, and this notice goes when the next message is stored';
      this.diskFull = {
        code: full.code,
        reason: `${storageFullWords(full.code, this.settings.dataDir)}, so ${refusal.refused}`,
        fix: `${refusal.fix}${after}`,
        at: new Date(this.now()).toISOString(),
      };
    }
    this.events.publish(this.view());
  }

  /** A listening listener's loopback twin (listen-address.ts), told with its address. */
  alsoListening(name: ListenerName, twin: ListenAddress | null): void {
    const state = this.states.get(name);
    if (!state || state.state !== 'listening') return;
    this.states.set(name, { ...state, alsoListeningOn: twin ? where(twin) : null });
  }

  /** The listeners that could not start. */
  failed(): ListenerStatusView[] {
    return this.view().listeners.filter((l) => l.state === 'failed');
  }

  private configured(name: ListenerName): ListenAddress | null {
    return this.settings[name];
  }

  private set(
    name: ListenerName,
    state: ListenerStatusView['state'],
    listeningOn: ListenAddress | null,
    problem: ListenerProblemView | null,
  ): void {
    const address = this.configured(name);
    if (!address) return;
    this.states.set(name, {
      listener: name,
      flag: flags[name],
      address: where(address),
      state,
      listeningOn: listeningOn ? where(listeningOn) : null,
      problem,
    });
  }

  /**
   * A port in use by another of this relay's listeners (two set to one port by a flag or an older
   * version's save; listener-overlap.ts) is said so: "in use by another program" sent the user
   * looking for a program that was Relaydesk itself.
   */
  private ownClash(
    failed: ListenerName,
    address: ListenAddress,
    problem: ListenerProblemView,
  ): ListenerProblemView {
    if (problem.code !== 'EADDRINUSE') return problem;
    const other = listenerKeys.find((key) => {
      const taken = key === failed ? null : this.settings[key];
      return taken ? sharesSocket(address, taken) : false;
    });
    if (!other) return problem;
    return {
      ...problem,
      reason: `${where(address)} is the ${listenerWords[other]} listener's address as well (one port, one listener)`,
      fix: `give ${listenerWords[failed]} a port of its own in ${placeOf(failed)} and restart Relaydesk`,
    };
  }

  /**
   * Starts one group of listeners (SMTP with SMTPS, or POP3 with POP3S). A failed listen stops
   * the start unless `listenerFailure` is `keep-running`; then it is recorded, logged and told,
   * the group is closed (its listeners start together), and null is returned.
   */
  async start<T>(
    group: ListenerGroup<T>,
    names: readonly ListenerName[],
    listening: (started: T) => Partial<Record<ListenerName, ListenAddress | null>>,
  ): Promise<T | null> {
    try {
      const started = await group.start();
      const bound = listening(started);
      for (const name of names) this.set(name, 'listening', bound[name] ?? null, null);
      return started;
    } catch (err) {
      if (this.settings.listenerFailure !== 'keep-running' || !isListenFailure(err)) throw err;
      await group.close();
      const failed = named(err as Error, names);
      const address = this.configured(failed) as ListenAddress;
      const problem = this.ownClash(
        failed,
        address,
        listenProblem(err, address, new Date(this.now()), placeOf(failed)),
      );
      for (const name of names) {
        if (name === failed) this.set(name, 'failed', null, problem);
        else this.set(name, 'not-started', null, null);
      }
      this.events.log(
        `listener: ${flags[failed]} ${where(address)} could not start: ${problem.reason}; ${problem.fix}. Relaydesk keeps running without it`,
      );
      this.events.publish(this.view());
      return null;
    }
  }
}
