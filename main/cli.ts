// The headless entry: `relaydesk serve`, `relaydesk sendmail`. Every setting is a flag here, a
// key in the --config file and a RELAYDESK_<NAME> environment variable.
import { resolveWithSaved } from './core/settings/saved-settings.js';
import { mistypedVariables } from './core/settings/settings-sources.js';
import { SettingsError } from './core/settings/settings-schema.js';
import { serveFlagsHelp } from './core/settings/settings-docs.js';
import { expandServeFlags, parseServeFlags, serveFlags, UsageError } from './cli/serve-flags.js';
import { mailpitVariables } from './cli/other-tool-flags.js';
import type { RunningRelaydesk } from './headless.js';
import { followParentUnderNpm } from './cli/parent-watch.js';
import { CliUsageError } from './cli/relay-api.js';
import { hostPort } from './core/net/ip-address.js';
import { consoleLines } from './cli/console-lines.js';
import { relaydeskVersion } from './core/version.js';

const usage = `Usage: relaydesk <command> [flags]

Commands:
  serve      run the relay and its web UI/API without the desktop window
  sendmail   read a message on stdin and submit it to the running relay, or keep it in the
             drop folder for serve when the relay is down (relaydesk sendmail [-t] [-f from]
             [--data DIR] [rcpt…]; for PHP's sendmail_path and cron)
  user       SMTP users: relaydesk user add|passwd|remove|list NAME [--data DIR]
             (the password is read from stdin; see relaydesk user --help)
  suspend    cut off a sender at once, on the running relay:
             relaydesk suspend ip|cidr|user|sender VALUE --reason TEXT [--http HOST:PORT]
  unsuspend  lift it: relaydesk unsuspend ID [--release]; list: relaydesk suspensions
  lockout    SMTP AUTH lockouts of the running relay: relaydesk lockout list|release
  queue      the running relay's delivery queue, like mailq: relaydesk queue [--json],
             relaydesk queue flush|pause|resume, relaydesk queue hold|release|retry|delete ID…
  dump       write every message of the running relay to a folder as .eml, with index.json
             (relaydesk dump DIR [--http URL])
  ingest     import .eml files, Maildir folders and mbox files into the running relay
             (relaydesk ingest PATH… [--http URL] [--mailbox NAME])
  dkim       DKIM keys: relaydesk dkim keygen DOMAIN SELECTOR [--data DIR], import DOMAIN
             SELECTOR FILE, list, check, confirm, remove
  validate   check addresses read from stdin, one per line (valid, invalid, risky, unknown)
  version    print Relaydesk's version (also --version)

Flags of serve (also RELAYDESK_<NAME> variables and keys of the --config file; README.md has
the table). An on/off flag alone means true; a list flag may be repeated.
  --config FILE   a JSON settings file
${serveFlagsHelp()}
  (the relay password comes from --relay-password-file FILE or RELAYDESK_RELAY_PASSWORD, never a flag)
`;

/** What `serve` prints: its log lines, a write per turn of the event loop. */
const lines = consoleLines();

async function serve(args: string[]): Promise<void> {
  const { flags, configFile, help } = parseServeFlags(args);
  if (help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const resolved = await resolveWithSaved({ flags, configFile, env: process.env });
  const settings = resolved.settings;
  const log = (line: string): void => lines.log(line);
  process.on('exit', () => lines.flush());
  for (const line of mistypedVariables(process.env)) log(line);
  for (const line of mailpitVariables(process.env, serveFlags)) log(line);
  // The signal handlers are in place before anything starts: a SIGTERM that comes while we
  // start, or just after the ready line, must stop us cleanly too, not kill us outright.
  // A second signal changes nothing: under `npm start` one Ctrl-C reaches us twice (from the
  // terminal and from npm), and the messages in flight must still be finished.
  let running: RunningRelaydesk | null = null;
  let stopping: string | null = null;
  let stopWakeWatch = (): void => undefined;
  const finish = (relay: RunningRelaydesk): void => {
    stopWakeWatch();
    relay.close().then(
      () => {
        lines.print('Relaydesk stopped\n');
        process.exit(0);
      },
      (err: Error) => {
        lines.flush();
        process.stderr.write(`relaydesk: error while stopping: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = signal;
    // close first (the SMTP listener stops taking connections at once), then say so: whoever
    // reads the line may connect again within microseconds
    if (running) finish(running);
    lines.print(`${signal}: finishing the messages being received, then stopping\n`);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  followParentUnderNpm(process.env, () => stop('SIGTERM (the npm process that started us ended)'));

  // the relay's modules (Fastify, smtp-server, SQLite, …) load only once the flags and settings
  // are good: a mistyped flag, --help and the other commands answer without them (0.3 s
  // instead of 0.7 here)
  const { startRelaydesk } = await import('./headless.js');
  running = await startRelaydesk({ resolved: settings, saved: resolved, log });
  if (stopping) {
    finish(running);
    return;
  }
  const say = consoleReady(lines);
  /**
   * The Settings view's "Restart now": the service stops as on SIGTERM (the messages being
   * received are finished) and starts again in this process with the settings read again. When
   * it cannot start with them (a port taken, under --listener-failure exit; the UI's own port
   * taken), it starts again with the settings it ran with, so a wrong port typed in the GUI never
   * leaves the relay down; the saved ones still wait, and the log says why.
   */
  const offerRestart = (relay: RunningRelaydesk): void =>
    relay.service.offerRestart(() => void restartInPlace(relay));
  const restartInPlace = async (before: RunningRelaydesk): Promise<void> => {
    const ran = before.service.settings;
    try {
      await before.close();
    } catch (err) {
      lines.flush();
      process.stderr.write(
        `relaydesk: error while stopping to restart: ${(err as Error).message}\n`,
      );
      process.exit(1);
    }
    // a SIGTERM during the restart stopped what ran, and the stop says so and exits
    if (stopping) return;
    let next: RunningRelaydesk;
    try {
      const again = await resolveWithSaved({ flags, configFile, env: process.env });
      next = await startRelaydesk({ resolved: again.settings, saved: again, log });
    } catch (err) {
      // the saved address came from Settings, not from a flag: named by its setting (smtp:, not
      // --smtp:, which a user who never typed a flag went looking for)
      const why = (err as Error).message.replace(/^--(smtps?|http|pop3s?): /, '$1: ');
      log(
        `restart: the saved settings could not start (${why}); starting again with the settings it ran with`,
      );
      try {
        const saved = await resolveWithSaved({ flags, configFile, env: process.env });
        next = await startRelaydesk({ resolved: ran, saved, savedTarget: saved.settings, log });
      } catch (again) {
        lines.flush();
        process.stderr.write(`relaydesk: could not start again: ${(again as Error).message}\n`);
        process.exit(1);
      }
    }
    running = next;
    if (stopping) {
      finish(next);
      return;
    }
    offerRestart(next);
    if (hostPort(before.http) !== hostPort(next.http)) {
      const { redirectMovedUi } = await import('./cli/moved-ui.js');
      await redirectMovedUi(before.http, next.url);
    }
    say(next);
  };
  offerRestart(running);
  // no Electron powerMonitor or net.isOnline here: deferred mail is retried when a wake from
  // sleep shows, and when the network comes back or changes
  const { watchForWake } = await import('./cli/wake-watch.js');
  const { NetworkWatch, machineInterfaces } = await import('./cli/network-watch.js');
  const relay = (): RunningRelaydesk => running as RunningRelaydesk;
  const network = new NetworkWatch(machineInterfaces(process.env));
  const retry = (why: string, said: string): void => {
    relay()
      .service.retryDeferred(why)
      .then((ids) => {
        if (ids.length > 0)
          log(
            `${said}: retrying deferred mail now (${ids.length} message${ids.length === 1 ? '' : 's'})`,
          );
      })
      .catch((err: Error) => log(`retry after the ${why} failed: ${err.message}`));
  };
  stopWakeWatch = watchForWake({
    now: Date.now,
    // (the serve tests look every fraction of a second instead of every 15 s)
    everyMs: Number(process.env.RELAYDESK_TEST_WATCH_MS) || undefined,
    onWake: (away) => {
      network.look(); // a new address found at the wake is part of it
      log(`woke after about ${Math.round(away / 60_000)} min asleep: retrying deferred mail now`);
      relay()
        .service.retryDeferred('wake from sleep')
        .catch((err: Error) => log(`retry after the wake failed: ${err.message}`));
    },
    onTick: () => {
      const change = network.look();
      if (!change) return;
      const addresses = change.appeared.map((a) => `${a.address} on ${a.interface}`).join(', ');
      const why = change.wasOffline ? 'network is back' : 'network changed';
      const pause = relay().service.relayPause;
      // a pause by hand, a rejected login or certificate waits for a person: another network
      // does not fix it, and each try would be one more failed login (some lock the account)
      if (pause && !pause.unreachable) {
        log(`${why} (${addresses}); relaying stays paused: ${pause.reason}`);
        return;
      }
      retry(why, `${why} (${addresses})`);
    },
  });
  say(running);
}

/** The ready line, at start and after each restart in place. */
function consoleReady(out: typeof lines) {
  return (running: RunningRelaydesk): void => {
    // with --listener-failure keep-running, SMTP may be down (the log line above says why)
    const smtpDown = running.service.listenerView().listeners.find((l) => l.listener === 'smtp');
    const smtpWords =
      smtpDown?.state === 'failed'
        ? `SMTP not listening (${smtpDown.address} could not start)`
        : `SMTP on ${hostPort(running.smtp)}`;
    out.print(
      `Relaydesk is ready: ${smtpWords}, UI and API on ${running.url} (data in ${running.service.settings.dataDir})\n`,
    );
  };
}

/**
 * The commands besides `serve`, each answering its exit code. Each is imported when it runs:
 * `serve` has no use for nodemailer (sendmail), mbox-reader (ingest) or the DKIM and address
 * checkers, and would keep them in memory for as long as it runs.
 */
const commands: Readonly<Record<string, (args: string[]) => Promise<number>>> = {
  sendmail: async (args) => (await import('./cli/sendmail.js')).runSendmail(args),
  user: async (args) => (await import('./cli/user-command.js')).runUserCommand(args),
  lockout: async (args) => (await import('./cli/lockout-command.js')).runLockoutCommand(args),
  queue: async (args) => (await import('./cli/queue-command.js')).runQueueCommand(args),
  dump: async (args) => (await import('./cli/dump.js')).runDump(args),
  ingest: async (args) => (await import('./cli/ingest.js')).runIngest(args),
  dkim: async (args) => (await import('./cli/dkim-command.js')).runDkimCommand(args),
  validate: async (args) => (await import('./cli/validate-command.js')).runValidateCommand(args),
  suspend: async (args) =>
    (await import('./cli/suspend-command.js')).runSuspendCommand('suspend', args),
  unsuspend: async (args) =>
    (await import('./cli/suspend-command.js')).runSuspendCommand('unsuspend', args),
  suspensions: async (args) =>
    (await import('./cli/suspend-command.js')).runSuspendCommand('suspensions', args),
};

function commandList(): string {
  const names = ['serve', ...Object.keys(commands), 'version'].map((name) => `"${name}"`);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    const run = command === undefined ? undefined : commands[command];
    if (command === 'serve') await serve(expandServeFlags(rest));
    else if (run) process.exitCode = await run(rest);
    else if (
      command === undefined ||
      command === 'help' ||
      command === '--help' ||
      command === '-h'
    ) {
      process.stdout.write(usage);
    } else if (command === 'version' || command === '--version' || command === '-V') {
      // what Mailpit's `mailpit version` and most tools' --version print: a bug report's first line
      process.stdout.write(`relaydesk ${relaydeskVersion}\n`);
    } else {
      throw new UsageError(`${command}: unknown command; use ${commandList()}`);
    }
  } catch (err) {
    lines.flush();
    if (err instanceof UsageError || err instanceof SettingsError || err instanceof CliUsageError) {
      // a settings list's problems come one a line (quotas[0].ip, quotas[1].user): each its own
      process.stderr.write(
        err.message
          .split('\n')
          .map((line) => `relaydesk: ${line}\n`)
          .join(''),
      );
      process.exit(2);
    }
    // startup failures (port in use, data folder not writable) are one line each
    process.stderr.write(`relaydesk: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
