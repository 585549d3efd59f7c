// The settings as saved from the GUI or the API: what runs now, plus saved changes that wait for
// a restart. A save is checked whole, written to the settings store, and what can change live
// is applied to the running settings at once.
import type {
  SettingsFieldWarning,
  SettingsCheck,
  SettingsSaveResult,
  SettingsView,
} from '../../../preload/api-contract.js';
import {
  applyLiveSettings,
  checkSettingsChange,
  settingsView,
} from '../settings/settings-editor.js';
import { FileSettingsStore, type SettingsStore } from '../settings/settings-store.js';
import type { Settings } from '../settings/settings-schema.js';
import { storageFullCode, storageFullWords } from '../spool/storage-full.js';
import { ReportedFailure } from '../reported-failure.js';
import { unknownUserWarnings } from '../sender-control/unknown-user.js';
import {
  unlistenableAddressWarnings,
  unreadableFileWarnings,
} from '../settings/restart-readiness.js';

export interface SettingsKeeperOptions {
  /** The running settings; live changes are written into this object. */
  settings: Settings;
  store?: SettingsStore;
  /** What the store holds now, when the caller already read it. */
  saved?: Record<string, unknown>;
  /** Settings fixed by a flag or an environment variable for this run, with what sets them. */
  pinned?: Record<string, string>;
  /** Where saved settings are kept, in words (shown in the Settings view). */
  savedIn?: string;
  /** How many SMTP users exist (AUTH settings are checked against it). */
  userCount: () => number;
  /** The SMTP users' names as last read (a quota on a user no login has is warned of). */
  userNames?: () => readonly string[];
  /** Reads the users again, before a save's warnings (`relaydesk user add` in another process). */
  refreshUsers?: () => Promise<void>;
  /** The saved settings when they differ from the running ones (see RelayServiceOptions). */
  target?: Settings;
  /** Whether whoever started the service offered to restart it (see restart-offer.ts). */
  restartable?: () => boolean;
  /** Called after a save that changed something, once the live settings are applied. */
  applied: (changed: string[], restartNeeded: string[]) => void;
}

export class SettingsKeeper {
  /** The settings as saved: what runs now, plus saved changes that wait for a restart. */
  target: Settings;
  private savedValues: Record<string, unknown> | null;
  private readonly store: SettingsStore;
  private readonly pinned: Record<string, string>;
  private readonly savedIn: string;
  private saving: Promise<unknown> = Promise.resolve();
  /** Listen addresses saved for the restart whose port could not be taken at the save. */
  private addressWarnings: SettingsFieldWarning[] = [];

  constructor(private readonly options: SettingsKeeperOptions) {
    const { settings } = options;
    const target = options.target ?? settings;
    this.target = { ...target, rateLimit: { ...target.rateLimit } };
    this.store = options.store ?? new FileSettingsStore(settings.dataDir);
    this.savedValues = options.saved ?? null;
    this.pinned = options.pinned ?? {};
    this.savedIn =
      options.savedIn ??
      (this.store instanceof FileSettingsStore ? this.store.path : 'the settings store');
  }

  /** The settings as saved (secrets only said to be set), which are pinned, which wait for a restart. */
  view(): SettingsView {
    return {
      ...settingsView(this.target, this.options.settings, this.pinned, this.savedIn),
      warnings: [
        ...unknownUserWarnings(this.target, this.options.userNames?.() ?? []),
        ...unreadableFileWarnings(this.target),
        ...this.addressWarnings,
      ],
      restartable: this.options.restartable?.() ?? false,
    };
  }

  /** Checks a change without saving it: every wrong field with its value and what is allowed. */
  check(change: unknown): SettingsCheck {
    const checked = this.checkChange(change);
    return checked.errors.length > 0
      ? { ok: false, errors: checked.errors, restartNeeded: checked.restartNeeded }
      : { ok: true, errors: [], restartNeeded: checked.restartNeeded };
  }

  /**
   * Saves a change when all of it is valid, else changes nothing. Rules, retention, limits and
   * the upstream apply at once; the listeners' addresses and TLS after a restart.
   */
  save(change: unknown): Promise<SettingsSaveResult> {
    // one save at a time: each checks against what the previous one saved
    const saving = this.saving.then(() => this.saveNow(change));
    this.saving = saving.catch(() => undefined);
    return saving;
  }

  private checkChange(change: unknown) {
    return checkSettingsChange(this.target, change, {
      pinned: this.pinned,
      userCount: this.options.userCount(),
    });
  }

  private async saveNow(change: unknown): Promise<SettingsSaveResult> {
    const checked = this.checkChange(change);
    const { errors, restartNeeded } = checked;
    if (errors.length > 0) return { ok: false, errors, restartNeeded };
    const changed = Object.keys(checked.saved);
    if (changed.length > 0) {
      const saved = { ...(this.savedValues ?? (await this.store.read())), ...checked.saved };
      try {
        await this.store.write(saved);
      } catch (err) {
        throw unwritten(err, this.savedIn, changed);
      }
      this.savedValues = saved;
      this.target = checked.next;
      applyLiveSettings(this.options.settings, checked.next);
      this.options.applied(changed, restartNeeded);
    }
    // each save asks again: a program holding a port may have stopped since
    this.addressWarnings = await unlistenableAddressWarnings(this.target, this.options.settings);
    await this.options.refreshUsers?.();
    const settings = this.view();
    return { ok: true, errors: [], warnings: settings.warnings, restartNeeded, settings };
  }
}

/**
 * A save the store could not write (the disk full, a read-only file system, a folder that is not
 * the user's): said with why, what stays as it was and what to do, where an internal error would
 * say only that one happened. An error without an errno code (the desktop's store) goes on as is.
 */
function unwritten(err: unknown, savedIn: string, changed: string[]): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') return err;
  const full = storageFullCode(err);
  const [why, fix] = full
    ? [storageFullWords(full, savedIn), 'free space on that disk, then save again']
    : code === 'EROFS'
      ? [
          `${savedIn} is on a read-only file system (EROFS)`,
          'make it writable, or start Relaydesk with a writable --data folder, then save again',
        ]
      : code === 'EACCES' || code === 'EPERM'
        ? [
            `the user running Relaydesk may not write ${savedIn} (${code})`,
            'give that user write access to the file and its folder, then save again',
          ]
        : [`${savedIn} could not be written (${code})`, 'save again once it can be written'];
  const kept =
    changed.length === 1
      ? `${changed[0]} keeps its current value`
      : `${changed.join(', ')} keep their current values`;
  return new ReportedFailure(
    `settings: writing ${savedIn} failed: ${(err as Error).message}`,
    `${why}, so nothing was saved or changed: ${kept}; ${fix}`,
    { cause: err },
  );
}
