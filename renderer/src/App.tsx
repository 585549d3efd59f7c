import { useCallback, useEffect, useState } from 'react';
import { useApi } from './api/api-context';
import type { MessageSummary } from './api/contract';
import { MailboxStatus } from './mailbox/MailboxStatus';
import { MessageList } from './mailbox/MessageList';
import { SearchBox } from './mailbox/SearchBox';
import { useMailbox } from './mailbox/use-mailbox';
import type { BodyTab } from './message/MessageTabs';
import { MessageView } from './message/MessageView';
import { ChaosSwitch } from './chaos/ChaosSwitch';
import { TagFilter, tagQuery } from './tags/TagFilter';
import { LogsView } from './logs/LogsView';
import { useStoredThemeChoice } from './settings/appearance';
import { SettingsView } from './settings/SettingsView';

type Page = 'mail' | 'settings' | 'logs';

/** Which page the address's #fragment asks for (the sidebar replaces this). */
function usePage(): Page {
  const read = (): Page =>
    window.location.hash === '#settings'
      ? 'settings'
      : window.location.hash === '#logs'
        ? 'logs'
        : 'mail';
  const [page, setPage] = useState<Page>(read);
  useEffect(() => {
    const follow = () => setPage(read());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return page;
}

export function App() {
  const api = useApi();
  const { state, streamState, search, markRead } = useMailbox(api);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const [tab, setTab] = useState<BodyTab>('html');
  // the search shown is what was typed, narrowed to one tag when the tag filter is set
  const [typed, setTyped] = useState('');
  const [tag, setTag] = useState<string | null>(null);
  useEffect(
    () => search([typed, tag ? tagQuery(tag) : ''].filter(Boolean).join(' ')),
    [search, typed, tag],
  );
  const page = usePage();
  const appearance = useStoredThemeChoice();

  const open = useCallback(
    (message: MessageSummary) => {
      setOpenedId(message.ID);
      // Said explicitly rather than left to getMessage's side effect (Mailpit's GET marks read),
      // so opening marks read over IPC too, whatever the handler does.
      if (!message.Read) markRead([message.ID], true);
    },
    [markRead],
  );

  // A message deleted elsewhere (another window, the API, retention) closes if it was open.
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.Type !== 'delete') return;
        const deleted = event.Data;
        setOpenedId((current) =>
          current !== null && (deleted === null || deleted.IDs.includes(current)) ? null : current,
        );
      }),
    [api],
  );

  return (
    <div className="app" data-testid="app" data-transport={api.transport}>
      <header className="toolbar">
        <h1>Relaydesk</h1>
        <SearchBox onSearch={setTyped} />
        <TagFilter api={api} selected={tag} onSelect={setTag} />
        <ChaosSwitch api={api} />
        <MailboxStatus total={state.total} unread={state.unread} streamState={streamState} />
        <nav aria-label="Pages" className="pages">
          <a href="#" aria-current={page === 'mail' ? 'page' : undefined}>
            Mail
          </a>
          <a href="#logs" aria-current={page === 'logs' ? 'page' : undefined}>
            Logs
          </a>
          <a href="#settings" aria-current={page === 'settings' ? 'page' : undefined}>
            Settings
          </a>
        </nav>
      </header>
      {page === 'settings' && (
        <main className="page">
          <SettingsView appearance={appearance} />
        </main>
      )}
      {page === 'logs' && (
        <main className="page">
          <LogsView />
        </main>
      )}
      <main className="panes" hidden={page !== 'mail'}>
        <MessageList
          messages={state.messages}
          openedId={openedId}
          loading={state.loading}
          error={state.error}
          searching={state.query !== ''}
          onOpen={open}
        />
        <section className="message-pane" aria-label="Opened message">
          {openedId ? (
            <MessageView key={openedId} messageId={openedId} tab={tab} onSelectTab={setTab} />
          ) : (
            <p className="view-notice">Select a message to read it.</p>
          )}
        </section>
      </main>
    </div>
  );
}
