import type { RecipientState } from '../api/contract';
import type { MailboxCount } from '../api/contract';
import { waitingStates } from '../queue/queue-groups';

export type Place =
  | { kind: 'mail'; mailbox: string | null }
  | { kind: 'queue' }
  | { kind: 'logs' }
  /** `session`: the one whose conversation is shown (`#sessions/ID`). */
  | { kind: 'sessions'; session: string | null }
  | { kind: 'settings' };

export function samePlace(a: Place, b: Place): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'mail' || b.kind !== 'mail' || a.mailbox === b.mailbox;
}

/** Where the content filter keeps the mail it quarantines (main/core/filter/message-filter.ts). */
export const quarantineMailbox = 'quarantine';

/** Where relayed mail is kept while and after it is sent (main/core/queue/delivery-plan.ts). */
export const outboxMailbox = 'outbox';

/**
 * Relaydesk's own mailboxes by their labels; `dsn` holds the failure reports it wrote. The
 * outbox is one of them: shown as it is stored ("outbox"), it stood lowercase under "Inbox".
 */
const ownMailboxLabels: Readonly<Record<string, string>> = {
  inbox: 'Inbox',
  [outboxMailbox]: 'Outbox',
  [quarantineMailbox]: 'Quarantine',
  dsn: 'Failure reports',
};

/**
 * Names the user gave (a routing rule's mailbox, `ingest --mailbox`) keep their spelling: it is
 * the one `mailbox:` searches and a POP3 login (`NAME/MAILBOX`) takes, so "project-a" must not
 * read "Project-a".
 */
export function mailboxLabel(name: string): string {
  return Object.hasOwn(ownMailboxLabels, name) ? (ownMailboxLabels[name] as string) : name;
}

/** Inbox first and always there (it is where mail goes by default), then the others by name. */
export function sidebarMailboxes(boxes: readonly MailboxCount[]): MailboxCount[] {
  const inbox = boxes.find((box) => box.Name.toLowerCase() === 'inbox') ?? {
    Name: 'inbox',
    Total: 0,
    Unread: 0,
  };
  return [inbox, ...boxes.filter((box) => box !== inbox && box.Name.toLowerCase() !== 'inbox')];
}

function Item(props: {
  place: Place;
  current: Place;
  label: string;
  count?: string;
  countLabel?: string;
  onGo(place: Place): void;
  testId?: string;
}) {
  const here = samePlace(props.place, props.current);
  return (
    <li>
      <button
        type="button"
        className={`nav-item${here ? ' current' : ''}`}
        aria-current={here ? 'page' : undefined}
        data-testid={props.testId}
        onClick={() => props.onGo(props.place)}
      >
        <span className="nav-label">{props.label}</span>
        {props.count && (
          <span className="nav-count">
            <span aria-hidden="true">{props.count}</span>
            <span className="visually-hidden">, {props.countLabel}</span>
          </span>
        )}
      </button>
    </li>
  );
}

export function Sidebar(props: {
  current: Place;
  mailboxes: readonly MailboxCount[];
  total: number;
  unread: number;
  queue: Partial<Record<RecipientState, number>>;
  onGo(place: Place): void;
}) {
  const waiting = waitingStates.filter(({ state }) => (props.queue[state] ?? 0) > 0);
  const queueCount = waiting.map(({ state }) => `${props.queue[state]} ${state}`).join(', ');
  return (
    <nav className="sidebar" aria-label="Views">
      <h2 className="nav-heading">Mail</h2>
      <ul>
        <Item
          place={{ kind: 'mail', mailbox: null }}
          current={props.current}
          label="All mail"
          count={props.unread > 0 ? String(props.unread) : undefined}
          countLabel={`${props.unread} unread`}
          onGo={props.onGo}
          testId="nav-all"
        />
        {sidebarMailboxes(props.mailboxes).map((box) => (
          <Item
            key={box.Name}
            place={{ kind: 'mail', mailbox: box.Name }}
            current={props.current}
            label={mailboxLabel(box.Name)}
            count={box.Unread > 0 ? String(box.Unread) : undefined}
            countLabel={`${box.Unread} unread`}
            onGo={props.onGo}
            testId={`nav-mailbox-${box.Name}`}
          />
        ))}
      </ul>
      <h2 className="nav-heading">Relay</h2>
      <ul>
        <li>
          <button
            type="button"
            className={`nav-item${props.current.kind === 'queue' ? ' current' : ''}`}
            aria-current={props.current.kind === 'queue' ? 'page' : undefined}
            data-testid="nav-queue"
            onClick={() => props.onGo({ kind: 'queue' })}
          >
            <span className="nav-label">Queue</span>
            {waiting.length > 0 && (
              <span className="nav-states" data-testid="queue-counts">
                {/* drawn, not said: the sentence after them is what a screen reader reads,
                    once ("Queue 34 deferred 34 deferred" read both) */}
                {waiting.map(({ state }) => (
                  <span key={state} className={`nav-state state-${state}`} aria-hidden="true">
                    {props.queue[state]} {state}
                  </span>
                ))}
                <span className="visually-hidden">, {queueCount}</span>
              </span>
            )}
          </button>
        </li>
        <Item
          place={{ kind: 'sessions', session: null }}
          current={props.current}
          label="SMTP sessions"
          onGo={props.onGo}
          testId="nav-sessions"
        />
        <Item
          place={{ kind: 'logs' }}
          current={props.current}
          label="Logs"
          onGo={props.onGo}
          testId="nav-logs"
        />
        <Item
          place={{ kind: 'settings' }}
          current={props.current}
          label="Settings"
          onGo={props.onGo}
          testId="nav-settings"
        />
      </ul>
    </nav>
  );
}
