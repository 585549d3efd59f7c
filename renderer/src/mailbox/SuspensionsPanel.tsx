import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type { QueuedMessage, QueueView, SuspensionEntry } from '../api/contract';
import { serverWords } from '../api/http-transport';
import { heldMessages, messageCount } from '../queue/held-mail';
import { HeldMailConfirm } from '../queue/HeldMailConfirm';
import { useUpstreamPause } from '../status/upstream-pause-context';
import { formatFullDate } from '../format/mail-format';
import { focusLanding } from '../layout/focus-landing';

/** A confirm open over one suspension's held mail: sending it (lift and release) or cancelling it. */
interface HeldConfirm {
  entry: SuspensionEntry;
  action: 'release' | 'cancel';
  /** What the action sends or cancels. */
  messages: QueuedMessage[];
  /** Release only: held for it too, but another suspension still covers them: they stay held. */
  stillHeld: number;
}

type Kind = SuspensionEntry['Kind'];

const kinds: Kind[] = ['ip', 'cidr', 'user', 'sender'];
const placeholders: Record<Kind, string> = {
  ip: '192.168.1.23',
  cidr: '192.168.1.0/24',
  user: 'printer',
  sender: 'newsletter@example.com or *@example.com',
};

/** What lifting did, in the CLI's words: lifting a sender's suspension while its IP is still
 * suspended releases nothing, and a button that just made the entry vanish let the admin believe
 * the held mail was on its way. */
export function liftNotice(
  lifted: SuspensionEntry & { Released: string[]; StillHeld: string[] },
  release: boolean,
  /** Relaying is paused: what was released waits in the queue for it to resume. */
  relayPaused = false,
): string {
  const count = (n: number) => `${n} held message${n === 1 ? '' : 's'}`;
  let text = `${lifted.Kind} ${lifted.Value} is no longer suspended`;
  if (release) text += `; ${count(lifted.Released.length)} released`;
  if (release && relayPaused && lifted.Released.length > 0)
    text += ' (relaying is paused: released mail goes when it resumes)';
  const still = lifted.StillHeld.length;
  if (still > 0) {
    text += `; ${count(still)} stay${still === 1 ? 's' : ''} held: another suspension still covers ${still === 1 ? 'it' : 'them'}`;
  } else if (!release) {
    text += '; what it held stays held for review in the Queue';
  }
  return text;
}

/**
 * Suspended senders: cut one off at once (an IP, a range, an SMTP user or a sender, with the
 * reason the client is told), lift a suspension, or lift it and send on what it held. Kept
 * current by the `sender` events, so an automatic pause appears here as it happens. `queue` (the
 * relay's, read again as mail changes) counts what each one holds: one that holds nothing offers
 * only Lift, since sending or cancelling its held mail could only answer that none is held.
 */
export function SuspensionsPanel(props: { queue: QueueView | null }) {
  const api = useApi();
  const [entries, setEntries] = useState<SuspensionEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>('ip');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  // said beside the notice, in the warning colours: a suspension of a user name nobody has
  // (a typo of the stolen login's) stops nobody, which a grey "… suspended" hid
  const [warning, setWarning] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<HeldConfirm | null>(null);
  // while relaying is paused what a lift releases waits in the queue: "at once" was not true
  const relayPaused = useUpstreamPause() !== null;
  // the lift confirm's title and button say what the body says: released mail waits for the
  // pause to end, so it is released, not sent
  const liftVerb = relayPaused ? 'release' : 'send';

  /** How many messages the suspension holds now; null until the queue is read. */
  const holding = (entry: SuspensionEntry): number | null =>
    props.queue ? heldMessages(props.queue, entry).length : null;

  const reload = useCallback(() => {
    api.listSuspensions().then(setEntries, (err: Error) => setError(serverWords(err)));
  }, [api]);

  useEffect(() => {
    reload();
    return api.onEvent((event) => {
      if (event.Type === 'sender') reload();
    });
  }, [api, reload]);

  // every action says what it did (the CLI's sentence), or why it was refused
  const act = <T,>(work: Promise<T>, told: (result: T) => string): void => {
    work.then(
      (result) => {
        setError(null);
        setWarning(null);
        setNotice(told(result));
        reload();
      },
      (err: Error) => {
        // the last action's "… suspended" beside this refusal read as if this one was done too
        setNotice(null);
        setWarning(null);
        setError(serverWords(err));
      },
    );
  };

  /**
   * Lift and release, or Cancel held: one click stands for every message the suspension held
   * (an automatic pause of a hacked workstation's: 30 and more), so the confirm names how many
   * and whose, read from the queue now. With none held, lifting sends nothing: no confirm.
   */
  const ask = (entry: SuspensionEntry, action: HeldConfirm['action']): void => {
    // a lift sends only what no other suspension covers: the relay says which those are
    const lift = action === 'release' ? api.suspensionLift(entry.ID) : Promise.resolve(null);
    Promise.all([api.queue('held'), lift]).then(
      ([queue, preview]) => {
        let messages = heldMessages(queue, entry);
        let stillHeld = 0;
        if (preview) {
          const sent = new Set(preview.Releases);
          messages = messages.filter((m) => sent.has(m.ID));
          stillHeld = preview.StillHeld.length;
        }
        if (messages.length > 0) setConfirm({ entry, action, messages, stillHeld });
        else if (action === 'release')
          act(api.unsuspend(entry.ID, true), (l) => liftNotice(l, true, relayPaused));
        else {
          setError(null);
          setWarning(null);
          setNotice(`No message is held for ${entry.Kind} ${entry.Value}`);
        }
      },
      (err: Error) => {
        setNotice(null);
        setWarning(null);
        setError(serverWords(err));
      },
    );
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    act(api.suspend(kind, value.trim(), reason.trim()), (made) => {
      setValue('');
      setReason('');
      const held = made.Held.length;
      const inAttempt = made.InAttempt.length;
      setWarning(made.Warning ?? null);
      return `${made.Kind} ${made.Value} suspended${held > 0 ? `; ${held} queued message${held === 1 ? '' : 's'} held for review` : ''}${inAttempt > 0 ? `; ${inAttempt} in an attempt now, held if that attempt defers ${inAttempt === 1 ? 'it' : 'them'}` : ''}`;
    });
  };

  return (
    <section className="suspensions" data-testid="suspensions" aria-label="Suspended senders">
      <h2 {...focusLanding}>Suspended senders</h2>
      <form className="suspend-form" onSubmit={submit}>
        <select
          aria-label="Kind"
          data-testid="suspend-kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as Kind)}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <input
          aria-label="Value"
          data-testid="suspend-value"
          placeholder={placeholders[kind]}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <input
          aria-label="Reason"
          data-testid="suspend-reason"
          placeholder="Reason (the client is told)"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <button type="submit" className="toolbar-button" data-testid="suspend-submit">
          Suspend
        </button>
      </form>
      {error && (
        <p className="body-notice error" role="alert" data-testid="suspend-error">
          {error}
        </p>
      )}
      {/* always in the page, so a screen reader hears what the next action did */}
      <p className={notice ? 'body-notice' : undefined} role="status" data-testid="suspend-notice">
        {notice}
      </p>
      {warning && (
        <p className="body-notice suspend-warning" role="alert" data-testid="suspend-warning">
          {warning}
        </p>
      )}
      {entries && entries.length === 0 && <p className="body-notice">Nobody is suspended.</p>}
      <ul className="suspension-list">
        {(entries ?? []).map((entry) => (
          <li key={entry.ID} data-testid="suspension" data-suspension-id={entry.ID}>
            <span className="suspension-what">
              {entry.Kind} <strong>{entry.Value}</strong>
              {entry.Auto && <span className="row-flag">automatic</span>}
            </span>
            <span className="suspension-reason">
              {entry.Reason}
              {/* when, and whether a person or the anomaly alert made it: an automatic pause of
                  last night reads differently from one a colleague made an hour ago */}
              <span className="suspension-made" data-testid="suspension-made">
                {entry.Auto ? 'Paused by the anomaly alert' : 'Suspended by hand'},{' '}
                <time dateTime={entry.Created}>{formatFullDate(entry.Created)}</time>
                {holding(entry) !== null && (
                  <span data-testid="suspension-holds">
                    {' · '}
                    {holding(entry) === 0
                      ? 'holds no mail'
                      : `holds ${messageCount(holding(entry) ?? 0)}`}
                  </span>
                )}
              </span>
            </span>
            <span className="suspension-actions">
              <button
                type="button"
                className="toolbar-button"
                data-testid="unsuspend"
                onClick={() => act(api.unsuspend(entry.ID, false), (l) => liftNotice(l, false))}
              >
                Lift
              </button>
              {/* until the queue is read, what it holds is not known: both are offered (each
                  reads the queue itself) */}
              {holding(entry) !== 0 && (
                <>
                  <button
                    type="button"
                    className="toolbar-button"
                    data-testid="unsuspend-release"
                    title={
                      relayPaused
                        ? 'Lift, and release the mail it held to wait for relaying to resume'
                        : 'Lift, and send on the mail it held'
                    }
                    onClick={() => ask(entry, 'release')}
                  >
                    Lift and release…
                  </button>
                  <button
                    type="button"
                    className="toolbar-button"
                    data-testid="suspension-cancel-held"
                    title="Cancel the mail it held: never sent"
                    onClick={() => ask(entry, 'cancel')}
                  >
                    Cancel held…
                  </button>
                </>
              )}
            </span>
          </li>
        ))}
      </ul>
      {confirm && (
        <HeldMailConfirm
          title={
            confirm.action === 'release'
              ? `Lift the ${confirm.entry.Auto ? 'automatic pause' : 'suspension'} and ${liftVerb} ${messageCount(confirm.messages.length)}?`
              : `Cancel ${messageCount(confirm.messages.length)} held for ${confirm.entry.Kind} ${confirm.entry.Value}?`
          }
          messages={confirm.messages}
          confirmLabel={
            confirm.action === 'release'
              ? `Lift and ${liftVerb} ${messageCount(confirm.messages.length)}`
              : `Cancel ${messageCount(confirm.messages.length)}`
          }
          testId={confirm.action === 'release' ? 'lift-release-dialog' : 'cancel-held-dialog'}
          onKeep={() => setConfirm(null)}
          onConfirm={async () => {
            const { entry, action } = confirm;
            if (action === 'release') {
              const lifted = await api.unsuspend(entry.ID, true);
              setNotice(liftNotice(lifted, true, relayPaused));
            } else {
              const { IDs } = await api.cancelHeld(entry.ID);
              setNotice(
                `${messageCount(IDs.length)} held for ${entry.Kind} ${entry.Value} cancelled: never sent; ${entry.Kind} ${entry.Value} is still suspended`,
              );
            }
            setError(null);
            setWarning(null);
            setConfirm(null);
            reload();
          }}
        >
          {confirm.action === 'release' ? (
            <>
              <p>
                The {confirm.entry.Kind} <strong>{confirm.entry.Value}</strong> was{' '}
                {confirm.entry.Auto ? 'paused automatically' : 'suspended'}: {confirm.entry.Reason}.{' '}
                {relayPaused
                  ? 'Lifting it releases these messages, but relaying is paused: they wait in the queue and go to their recipients when relaying resumes.'
                  : 'Lifting it sends these messages to their recipients at once.'}{' '}
                If the sender was hacked, cancel them instead.
              </p>
              {confirm.stillHeld > 0 && (
                <p data-testid="lift-release-dialog-still-held">
                  {messageCount(confirm.stillHeld)} held for it{' '}
                  {confirm.stillHeld === 1 ? 'stays' : 'stay'} held: another suspension still covers{' '}
                  {confirm.stillHeld === 1 ? 'it' : 'them'} (lift that one too to send{' '}
                  {confirm.stillHeld === 1 ? 'it' : 'them'}).
                </p>
              )}
            </>
          ) : (
            <p>
              Their held recipients are cancelled and never tried again; the messages stay in the
              mail list with their delivery record. The {confirm.entry.Kind} {confirm.entry.Value}{' '}
              stays suspended: new mail from it is still refused.
            </p>
          )}
        </HeldMailConfirm>
      )}
    </section>
  );
}
