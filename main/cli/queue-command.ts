// `relaydesk queue`: the running relay's delivery queue from a shell, as Postfix's `mailq` /
// `postqueue -p` (list), `postqueue -f` (flush) and `postsuper -h/-H/-d` (hold, release,
// delete) give it. It goes through the HTTP API, as `dump` does: the queue lives in the relay's
// memory and journal, which only the running relay may change.
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type {
  MessageDecisions,
  QuarantineRelease,
  QueueActionResult,
  QueueView,
} from '../../preload/api-contract.js';
import { recipientStates } from '../../preload/api-methods.js';
import { sentByLiftedPause } from '../../preload/flush-resumes.js';
import { mailqListing, postqueueJson, quarantineLine } from './mailq-listing.js';
import { readStdin } from './read-stdin.js';
import {
  answerText,
  CliUsageError,
  parseCommandArgs,
  relayApiOfFlags,
  type ApiAnswer,
  type RelayApi,
} from './relay-api.js';

const usage = `Usage: relaydesk queue [list] [--state STATE] [--json] [--http URL]
       relaydesk queue flush [--http URL]
       relaydesk queue pause [REASON…] [--http URL] | relaydesk queue resume [--http URL]
       relaydesk queue hold|release|retry|delete ID… [--http URL]
       relaydesk queue hold|release|retry|delete - [--http URL]   (the IDs on stdin)
       relaydesk queue release [--virus] ID… [--http URL]
       relaydesk queue delete --held [--suspension ID] [--http URL]

  list      what waits to be relayed (like mailq): queue ID (* being sent, ! held), size,
            arrival time, envelope sender, then each recipient with its state and, in
            parentheses, the upstream's last reply or why it waits; then, when the filter
            holds mail in the quarantine, how many (--state quarantined lists them)
  flush     try every deferred message now (postqueue -f)
  pause     send nothing to the upstream until resumed (mail is still taken in and waits);
            the reason is shown above the listing and in the Queue view
  resume    end a pause, by hand or by an upstream failure, and send what waits
  hold      keep messages from being sent until released (postsuper -h)
  release   let held messages be sent again (postsuper -H); a quarantined message is
            released from the quarantine (as postsuper -H releases what a milter
            quarantined): back to its mailbox, and relayed where its rules relay
            --virus: also one quarantined for a virus (it sends the virus on)
  retry     try these messages now
  delete    take messages out of the queue: their recipients not yet sent are cancelled and
            never tried again (the message stays in the mail list, with its delivery record)
            --held: every held message instead of IDs (postsuper -d ALL hold): its held
            recipients are cancelled; --suspension ID: only the mail held for that
            suspension (relaydesk suspensions shows the IDs)
  -         in place of the IDs: read them from standard input, one or more a line
            (postsuper -d -), e.g. relaydesk queue --json | jq -r 'select(.sender ==
            "bob@example.com") | .queue_id' | relaydesk queue delete -

  --state STATE  list the messages with a recipient in STATE:
                 ${recipientStates.join(', ')}
                 (quarantined: the mail the filter holds, flagged ! as held mail is;
                 release it with relaydesk queue release [--virus] ID)
  --json         one JSON object per message and line, in postqueue -j's fields
  --http URL     the relay's API (default: that of the relay running on --data,
                 else RELAYDESK_HTTP, else that of the relay running on
                 RELAYDESK_DATA or the default data folder, else 127.0.0.1:8025);
                 a UI password goes in the URL (http://any:PASSWORD@host:port),
                 --ui-password-file FILE or RELAYDESK_UI_PASSWORD
  --data DIR     ask the relay running on this data folder (relaydesk serve --data DIR)
`;

/** The API's queue action for each subcommand that takes IDs. */
const actions = {
  hold: { action: 'hold', done: 'held' },
  release: { action: 'release', done: 'released' },
  retry: { action: 'retry', done: 'to be tried now' },
  delete: { action: 'cancel', done: 'deleted from the queue (its unsent recipients cancelled)' },
} as const;

type ActionName = keyof typeof actions;

const isActionName = (name: string): name is ActionName => Object.hasOwn(actions, name);

/** A refusal of the relay's, as one line naming what to do about it. */
async function refusal(api: RelayApi, res: ApiAnswer, doing: string): Promise<Error> {
  const said = await answerText(res);
  const passwordFix =
    'give the UI password in RELAYDESK_UI_PASSWORD, --ui-password-file FILE or the URL (--http http://any:PASSWORD@host:port)';
  switch (res.status) {
    case 401:
      return new Error(
        api.sendsPassword
          ? `the relay's API at ${api.base} refused the UI password given; ${passwordFix}`
          : `the relay's API at ${api.base} needs its UI password (${said}); ${passwordFix}`,
      );
    case 429:
      return new Error(`the relay's API at ${api.base} answered: ${said}`);
    case 404:
      return new Error(`${doing}: ${said}; \`relaydesk queue\` lists the queue IDs`);
    default:
      return new Error(`${doing}: ${said}`);
  }
}

/**
 * Where `queue release ID` goes: the quarantine's release for a message held there; also for one
 * released from it already and held by nothing in the queue, so the answer is the quarantine's
 * "already released" (the queue's "already delivered; only held messages can be released" told
 * a user who released it once that it was never quarantined); else the queue's release (held
 * mail, one released into a suspension's hold, an ID the relay does not know, whose refusal
 * names it).
 */
async function releasesFromQuarantine(api: RelayApi, id: string): Promise<boolean> {
  const res = await api.fetch(`api/v1/message/${encodeURIComponent(id)}/filter`);
  if (res.status === 404) return false;
  if (!res.ok) throw await refusal(api, res, `queue release ${id}`);
  const decisions = (await res.json()) as MessageDecisions;
  const filter = decisions.Filter;
  if (filter?.action !== 'quarantined') return false;
  return filter.released === undefined || !decisions.Recipients.some((r) => r.State === 'held');
}

/**
 * The API's refusal in the CLI's words: the API tells an HTTP client to send
 * {"ConfirmVirus": true} and names this command in parentheses; here the command is the fix.
 */
function inCliWords(said: string): string {
  return said.replace(
    /send \{"ConfirmVirus": true\} \((relaydesk queue release --virus \S+)\)/,
    'run $1',
  );
}

async function releaseFromQuarantine(
  api: RelayApi,
  id: string,
  virus: boolean,
): Promise<QuarantineRelease> {
  const res = await api.fetch(`api/v1/quarantine/${encodeURIComponent(id)}/release`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(virus ? { ConfirmVirus: true } : {}),
  });
  if (res.status === 409)
    throw new Error(`queue release ${id}: ${inCliWords(await answerText(res))}`);
  if (!res.ok) throw await refusal(api, res, `queue release ${id}`);
  return (await res.json()) as QuarantineRelease;
}

function quarantineDone(result: QuarantineRelease): string {
  const to = result.Relayed.length > 0 ? `, queued for ${result.Relayed.join(', ')}` : '';
  // a suspension of its sender keeps it in the queue: said, or "queued" read as on its way
  if (result.HeldBy)
    return `released from the quarantine into ${result.Mailbox}${to} and ${result.HeldBy}`;
  return `released from the quarantine into ${result.Mailbox}${to}`;
}

async function readQueue(api: RelayApi, state: string | undefined): Promise<QueueView> {
  const query = state === undefined ? '' : `?state=${encodeURIComponent(state)}`;
  const res = await api.fetch(`api/v1/queue${query}`);
  if (!res.ok) throw await refusal(api, res, 'queue');
  return (await res.json()) as QueueView;
}

async function post(
  api: RelayApi,
  action: string,
  ids: string[],
  doing: string,
): Promise<string[]> {
  const res = await api.fetch(`api/v1/queue/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ IDs: ids }),
  });
  if (!res.ok) throw await refusal(api, res, doing);
  return ((await res.json()) as QueueActionResult).IDs;
}

/** `queue delete --held [--suspension ID]`: postsuper -d ALL hold. */
async function deleteHeld(
  api: RelayApi,
  ids: string[],
  suspension: string | undefined,
  json: boolean,
  out: (text: string) => void,
): Promise<number> {
  if (ids.length > 0) {
    throw new CliUsageError(
      `queue delete --held: takes no IDs (got ${ids.join(' ')}); give either the IDs or --held`,
    );
  }
  if (suspension !== undefined && suspension.trim() === '') {
    throw new CliUsageError(
      'queue delete: --suspension is empty; give a suspension ID (relaydesk suspensions shows them)',
    );
  }
  const res = await api.fetch('api/v1/queue/cancel', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      suspension === undefined ? { Held: true } : { Held: true, Suspension: suspension },
    ),
  });
  const doing = `queue delete --held${suspension === undefined ? '' : ` --suspension ${suspension}`}`;
  // a suspension not listed: the relay's answer names where the IDs are (not `relaydesk queue`)
  if (res.status === 404) throw new Error(`${doing}: ${await answerText(res)}`);
  if (!res.ok) throw await refusal(api, res, doing);
  const deleted = ((await res.json()) as QueueActionResult).IDs;
  if (json) {
    out(`${JSON.stringify({ IDs: deleted })}\n`);
    return 0;
  }
  for (const id of deleted) out(`${id}: deleted from the queue (its held recipients cancelled)\n`);
  const whose = suspension === undefined ? '' : ` for suspension ${suspension}`;
  out(
    deleted.length === 0
      ? `no message is held${whose}; nothing deleted\n`
      : `${deleted.length} held message${deleted.length === 1 ? '' : 's'}${whose} deleted from the queue\n`,
  );
  return 0;
}

/**
 * A queue ID as the listing shows it: `relaydesk queue` puts `*` after an ID it is sending and
 * `!` after one it holds, as mailq does. Copied from the first column into `relaydesk queue
 * release 0mx…!`, the mark made it an unknown ID (`message "0mx…!" not found`), the held mail
 * staying held.
 */
const listedId = (word: string): string => word.replace(/[*!]$/, '');

/**
 * `postsuper -d -`: the IDs a script picked from the listing (every message of a stolen
 * login's sender, say), piped in, the listing's first column as it is. Without this, `-` was
 * taken as an ID and the answer was `message "-" not found`.
 */
async function idsFromStdin(command: string, input: Readable): Promise<string[]> {
  const ids = (await readStdin(input))
    .toString('utf8')
    .split(/\s+/)
    .map(listedId)
    .filter((word) => word !== '');
  if (ids.length === 0)
    throw new CliUsageError(
      `queue ${command} -: no queue ID on standard input; pipe in the IDs, one or more a line (\`relaydesk queue\` lists them)`,
    );
  return ids;
}

export async function runQueueCommand(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (text: string) => void = (text) => process.stdout.write(text),
  err: (text: string) => void = (text) => process.stderr.write(text),
  input: Readable = process.stdin,
): Promise<number> {
  const parsed = parseCommandArgs('queue', () =>
    parseArgs({
      args,
      options: {
        data: { type: 'string' },
        http: { type: 'string' },
        'ui-password-file': { type: 'string' },
        json: { type: 'boolean' },
        state: { type: 'string' },
        virus: { type: 'boolean' },
        held: { type: 'boolean' },
        suspension: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (parsed.values.help) {
    out(usage);
    return 0;
  }
  const [command = 'list', ...given] = parsed.positionals;
  const ids = !isActionName(command)
    ? given
    : given.length === 1 && given[0] === '-'
      ? await idsFromStdin(command, input)
      : given.map(listedId);
  const api = relayApiOfFlags(parsed.values, env);
  const json = parsed.values.json === true;

  const state = parsed.values.state;
  if (state !== undefined && !(recipientStates as readonly string[]).includes(state)) {
    throw new CliUsageError(
      `queue: --state ${JSON.stringify(state)} is not a recipient state; use one of ${recipientStates.join(', ')}`,
    );
  }

  if (command === 'list') {
    if (ids.length > 0)
      throw new CliUsageError(
        `queue list: takes no IDs (got ${ids.join(' ')}); use --state to filter`,
      );
    const view = await readQueue(api, state);
    out(json ? postqueueJson(view) : mailqListing(view));
    // --json keeps postqueue -j's one object per message: a count is no message
    const held = json || state !== undefined ? null : quarantineLine(view.quarantined);
    if (held) out(held);
    return 0;
  }
  if (state !== undefined)
    throw new CliUsageError(`queue ${command}: --state applies to the listing only`);

  if (command === 'flush') {
    if (ids.length > 0) {
      throw new CliUsageError(
        `queue flush: takes no IDs (it tries everything deferred); use relaydesk queue retry ${ids.join(' ')}`,
      );
    }
    const before = await readQueue(api, undefined);
    const flushed = await post(api, 'retry', [], 'queue flush');
    const lifted = sentByLiftedPause(before, flushed);
    if (json) out(`${JSON.stringify({ IDs: flushed })}\n`);
    else {
      out(
        `${flushed.length} deferred message(s) to be tried now` +
          (lifted > 0
            ? `; the upstream's pause is lifted, so ${lifted} message(s) waiting for it go now too`
            : '') +
          '\n',
      );
    }
    // a pause by hand outlives a flush (as the network coming back does not lift it): say so,
    // or the user waits for mail that will not go
    const paused = (await readQueue(api, undefined)).upstream.paused;
    if (paused?.byHand) {
      err(
        `relaydesk queue: relaying is paused by hand (${paused.reason}): nothing is sent until it is resumed (relaydesk queue resume, or the Queue view)\n`,
      );
    }
    return 0;
  }

  if (command === 'pause' || command === 'resume') {
    if (command === 'resume' && ids.length > 0)
      throw new CliUsageError(`queue resume: takes no IDs (got ${ids.join(' ')})`);
    const reason = ids.join(' ').trim();
    const res = await api.fetch(`api/v1/relay/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(command === 'pause' && reason !== '' ? { reason } : {}),
    });
    if (!res.ok) throw await refusal(api, res, `queue ${command}`);
    const upstream = (await res.json()) as QueueView['upstream'];
    if (json)
      out(`${JSON.stringify(upstream)}
`);
    else if (upstream.paused)
      out(`Relaying is paused: ${upstream.paused.reason}
`);
    else out('Relaying resumed\n');
    return 0;
  }

  if (!isActionName(command)) {
    const names = ['list', 'flush', 'pause', 'resume', ...Object.keys(actions)].map(
      (name) => `"${name}"`,
    );
    throw new CliUsageError(
      `queue: ${JSON.stringify(command)} is not a queue command; use ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`,
    );
  }
  const { held, suspension } = parsed.values;
  if ((held || suspension !== undefined) && command !== 'delete')
    throw new CliUsageError(`queue ${command}: --held and --suspension apply to delete only`);
  if (command === 'delete' && (held || suspension !== undefined))
    return deleteHeld(api, ids, suspension, json, out);
  if (ids.length === 0)
    throw new CliUsageError(
      `queue ${command}: give the queue ID(s)${command === 'delete' ? ', or --held for every held message' : ''}; \`relaydesk queue\` lists them`,
    );
  if (parsed.values.virus && command !== 'release')
    throw new CliUsageError(`queue ${command}: --virus applies to release only`);
  const { action, done } = actions[command];
  let queued = ids;
  const released: string[] = [];
  if (command === 'release') {
    queued = [];
    for (const id of ids) {
      if (await releasesFromQuarantine(api, id)) {
        const result = await releaseFromQuarantine(api, id, parsed.values.virus === true);
        released.push(result.ID);
        if (!json) out(`${result.ID}: ${quarantineDone(result)}\n`);
      } else queued.push(id);
    }
  }
  const changed = [
    ...released,
    ...(queued.length > 0 ? await post(api, action, queued, `queue ${command}`) : []),
  ];
  if (json) out(`${JSON.stringify({ IDs: changed })}\n`);
  else for (const id of changed) if (!released.includes(id)) out(`${id}: ${done}\n`);
  // the relay changes what it can of several IDs (postsuper does too) and refuses only when it
  // can change none: one left out was not done, which must not look like success
  const untouched = ids.filter((id) => !changed.includes(id) && id !== 'latest');
  for (const id of untouched)
    err(
      `relaydesk queue: ${command} ${id}: nothing done, ${command} does not apply to it in its state (\`relaydesk queue\` lists what waits)\n`,
    );
  return untouched.length > 0 ? 1 : 0;
}
