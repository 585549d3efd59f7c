import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type DragEvent,
} from 'react';
import { useApi } from './api/api-context';
import type { MessagesPage, MessageSummary, QueuedMessage } from './api/contract';
import type { EventStreamState } from './api/renderer-api';
import { commandFor, isTabCommand, tabCommands } from './keyboard/shortcuts';
import { ShortcutsDialog } from './keyboard/ShortcutsDialog';
import { Sidebar, mailboxLabel, quarantineMailbox, type Place } from './layout/Sidebar';
import { Splitter } from './layout/Splitter';
import {
  isPageStep,
  mailAddressSearch,
  readMailAddress,
  sameList,
  type MailAddress,
} from './layout/mail-address';
import { MoreActionsMenu } from './layout/MoreActionsMenu';
import { flushSync } from 'react-dom';
import { BulkBar, bulkSentence, type BulkAction } from './mailbox/BulkBar';
import { BulkReleaseDialog } from './mailbox/BulkReleaseDialog';
import { CancelDeliveryConfirm } from './queue/CancelDeliveryConfirm';
import { messageCount } from './queue/held-mail';
import {
  outcomeSummary,
  planRelease,
  runRelease,
  type ReleaseOutcome,
  type ReleasePlan,
} from './mailbox/bulk-release';
import { EmptyInbox } from './mailbox/EmptyInbox';
import { MailboxStatus } from './mailbox/MailboxStatus';
import { MessageList, type MessageListHandle } from './mailbox/MessageList';
import { SearchBox } from './mailbox/SearchBox';
import { SearchAnnouncer } from './mailbox/SearchAnnouncer';
import { SuspensionsPanel } from './mailbox/SuspensionsPanel';
import { ScannerState } from './status/ScannerState';
import { ChaosSwitch } from './chaos/ChaosSwitch';
import { TagFilter, tagQuery } from './tags/TagFilter';
import { EditTagsDialog } from './tags/EditTagsDialog';
import {
  afterBulkAction,
  isBulkSelection,
  noSelection,
  withoutDeleted,
  type Selection,
} from './mailbox/selection';
import {
  neighbourOf,
  viewQuery,
  type ListView,
  type MessageWindow,
} from './mailbox/message-window';
import { ListActions } from './mailbox/ListActions';
import { useMessageWindow } from './mailbox/use-message-window';
import type { BodyTab } from './message/MessageTabs';
import { MessageActions } from './message/MessageActions';
import { MessageView } from './message/MessageView';
import { failingUpstream, queueCounts } from './queue/queue-groups';
import { runQueueAction } from './queue/queue-actions';
import { QueueView } from './queue/QueueView';
import { LogsView } from './logs/LogsView';
// a page of its own, opened seldom: loaded when first shown, out of the first paint's bundle
const CompareDialog = lazy(() =>
  import('./message/CompareDialog').then((module) => ({ default: module.CompareDialog })),
);
const SessionsView = lazy(() =>
  import('./sessions/SessionsView').then((module) => ({ default: module.SessionsView })),
);
import { AnalyzeDialog } from './route/AnalyzeDialog';
import { readMessageFile } from './route/message-file';
import { SettingsView } from './settings/SettingsView';
import { SenderAlerts } from './status/SenderAlerts';
import { ArrivalAnnouncer } from './status/ArrivalAnnouncer';
import { Banners } from './status/Banners';
import { useRelayStatus } from './status/use-relay-status';
import { UpstreamContext } from './status/upstream-pause-context';
import { PinnedSettingsContext } from './settings/pinned-settings-context';
import { useListenerProblems } from './status/use-listener-status';
import { revealSection } from './status/reveal-section';
import { useUnreadBadge } from './status/use-unread-badge';
import { useFocusLanding } from './layout/focus-landing';
import { useBrowserNotifications } from './status/use-browser-notifications';
import { useTheme } from './theme/theme';
import { useAsyncValue } from './use-async-value';
import {
  rememberPaneWidth,
  useDesktopViews,
  useRememberedPaneWidth,
} from './desktop/desktop-bridge';
import { shownSubject } from './format/mail-format';
import { serverWords } from './api/http-transport';

type OpenDialog =
  | { kind: 'analyze'; text?: string; error?: string; partial?: string; encoding?: 'latin1' }
  | { kind: 'shortcuts' }
  | { kind: 'tags' }
  | { kind: 'bulk-release'; plan: ReleasePlan }
  | { kind: 'bulk-cancel'; ids: string[]; messages: QueuedMessage[] }
  | { kind: 'compare'; ids: [string, string] }
  | null;

/** What the last action on the selected messages said: why it did nothing, or each outcome. */
interface BulkNotice {
  text: string;
  error: boolean;
  /** One line per message that was not released, naming it and why. */
  details?: string[];
}

/** The page the address's #fragment names, so a view can be linked to and survives a reload. */
function placeFromHash(hash: string): Place {
  if (hash === '#settings') return { kind: 'settings' };
  if (hash === '#logs') return { kind: 'logs' };
  if (hash === '#sessions') return { kind: 'sessions', session: null };
  if (hash.startsWith('#sessions/')) {
    return { kind: 'sessions', session: decodeURIComponent(hash.slice('#sessions/'.length)) };
  }
  if (hash === '#queue') return { kind: 'queue' };
  return { kind: 'mail', mailbox: null };
}

/**
 * The widest the message list may be in a window this wide: 40% of it below 1100 px, 35% under
 * 900 px, where the sidebar narrows too, so the message keeps more than a third of the window.
 */
export function listWidthLimit(windowWidth: number): number {
  if (windowWidth >= 1100) return 900;
  return Math.max(240, Math.round(windowWidth * (windowWidth <= 900 ? 0.35 : 0.4)));
}

/** What the opened message needs for its tabs in one row (MessageTabs, compact below 760 px). */
const messageTabsWidth = 680;

/**
 * The list's width until the user drags it (or the desktop app remembers a width): 460 px, less
 * in a window where that would cut the message's tabs off (at 1280 px "HTML check", "Links" and
 * "Spam" sat past the pane's edge), but never under 360 px, where the tabs scroll instead.
 */
export function defaultListWidth(windowWidth: number): number {
  // the sidebar (200 px) and the splitter (5 px) beside the list
  return Math.max(360, Math.min(460, windowWidth - 205 - messageTabsWidth));
}

/**
 * Below this window width (a browser on the headless mode; the desktop window stops at 640) the
 * mail page shows one pane at a time, as Mailpit's and Gmail's narrow layouts do: the list, or
 * the message with a Back to the list. Side by side, a 420 px window left the message a sliver.
 */
const narrowWindow = 640;

function isPlaceHash(hash: string): boolean {
  return (
    hash === '' ||
    hash === '#' ||
    ['#settings', '#logs', '#queue', '#sessions'].includes(hash) ||
    hash.startsWith('#sessions/')
  );
}

function hashOf(place: Place): string {
  if (place.kind === 'sessions' && place.session !== null) {
    return `#sessions/${encodeURIComponent(place.session)}`;
  }
  return place.kind === 'mail' ? '' : `#${place.kind}`;
}

/** The list an address names, as the message window keys it. */
function listViewOf(address: MailAddress): ListView {
  return {
    mailbox: address.mailbox,
    query: [address.query, address.tag ? tagQuery(address.tag) : ''].filter(Boolean).join(' '),
  };
}

function isTextField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/**
 * What the reading pane says with no message open. With nothing listed it says why, since
 * "Nothing to read yet" under a search that matched nothing read as if the mailbox were empty.
 */
function readingNotice(
  list: MessageWindow,
  query: string,
  mailbox: string | null,
  streamState: EventStreamState,
): string {
  // a list that failed while Relaydesk is away failed for that, not for its search: "this
  // search cannot be run" showed with no search typed after a kill -9
  if (list.error && streamState === 'reconnecting') {
    return 'Nothing to read while Relaydesk is not answering: the list comes back when it does.';
  }
  if (list.error && query !== '') return 'Nothing to read: this search cannot be run.';
  if (list.error) return 'Nothing to read: the list could not be loaded (its notice says why).';
  if (!list.ready || list.total > 0) return 'Select a message to read it.';
  if (query !== '') return 'No message matches this search: clear it to read the rest.';
  if (mailbox !== null) return 'This mailbox is empty.';
  return 'Nothing to read yet: new mail shows in the list as it arrives.';
}

export function App(props: { firstPage?: Promise<MessagesPage> } = {}) {
  const api = useApi();
  const theme = useTheme();
  const { choice, choose } = theme;
  // the search, tag, mailbox and opened message a link or a reload named (?q=…)
  const [opening] = useState(() => readMailAddress(window.location.search));
  const [place, setPlace] = useState<Place>(() => {
    const page = placeFromHash(window.location.hash);
    return page.kind === 'mail' ? { kind: 'mail', mailbox: opening.mailbox } : page;
  });
  const [mailbox, setMailbox] = useState<string | null>(opening.mailbox);
  // the search is what was typed, narrowed to one tag when the tag filter is set
  const [typed, setTyped] = useState(opening.query);
  const [tag, setTag] = useState<string | null>(opening.tag);
  const query = listViewOf({ ...opening, query: typed, tag }).query;
  // the row the list scrolls to once its view's rows are there: the address's start= at a
  // reload, a shared link or Back
  const [scrollTo, setScrollTo] = useState<{ row: number; view: ListView } | null>(() =>
    opening.start > 0 ? { row: opening.start, view: listViewOf(opening) } : null,
  );
  const [showSenders, setShowSenders] = useState(false);
  // where the focus goes when the button that moved the user here went with the page it was on
  useFocusLanding(
    place.kind === 'sessions'
      ? `sessions/${place.session ?? ''}`
      : place.kind === 'mail' && showSenders
        ? 'senders'
        : place.kind,
  );
  const [preset, setPreset] = useState<{ query: string; n: number } | undefined>(
    opening.query === '' ? undefined : { query: opening.query, n: 0 },
  );
  // quarantined mail (kept, never relayed) is its own view: the search the filter's tag gives
  const showQuarantine = useCallback(
    () => setPreset((last) => ({ query: 'tag:quarantined', n: (last?.n ?? 0) + 1 })),
    [],
  );
  const view = useMemo(() => ({ mailbox, query }), [mailbox, query]);
  const {
    state: list,
    streamState,
    ensureRows,
    markRead,
  } = useMessageWindow(api, view, props.firstPage);
  useUnreadBadge(list.counts.unread);
  const status = useRelayStatus(api);
  const listenerProblems = useListenerProblems(api);
  // read again after a settings save: the label and the Delete all button apply at once
  const [settingsSaves, setSettingsSaves] = useState(0);
  const info = useAsyncValue(() => api.info(), `info-${settingsSaves}`);
  // fixed for the run: read once, for the fixes that name a pinned setting's flag
  const settingsView = useAsyncValue(() => api.getSettings(), 'pinned');
  const pinned = useMemo(
    () => (settingsView.status === 'ready' ? settingsView.value.pinned : {}),
    [settingsView],
  );
  const label = info.status === 'ready' ? (info.value.Label ?? '') : '';
  const hideDeleteAll = info.status === 'ready' && info.value.HideDeleteAllButton === true;
  const [openedId, setOpenedId] = useState<string | null>(opening.message);
  // Each message opens on its content (HTML, or its text without HTML), as Mailpit's message
  // view clicks its first tab whenever another message is shown: a tab kept from the last message
  // opened the next one on "Spam: SpamAssassin is not available" or on another message's
  // checks, where the reader wanted its words. The choice belongs to the message it was made on;
  // the Queue's "open" names the Delivery tab for the message it opens.
  const [chosenTab, setChosenTab] = useState<{ messageId: string; tab: BodyTab } | null>(null);
  const tab: BodyTab =
    chosenTab !== null && chosenTab.messageId === openedId ? chosenTab.tab : 'html';
  const [selection, setSelection] = useState<Selection>(noSelection);
  const [bulkNotice, setBulkNotice] = useState<BulkNotice | null>(null);
  // what an action on the selection (or the Delete key) did, for a screen reader: a sighted user
  // sees the rows change or go, and the focus lands on the list without a word of it
  const [bulkSaid, setBulkSaid] = useState('');
  /** Words for the polite region, emptied on the page first so the same words again are said. */
  const say = (words: string) => {
    flushSync(() => setBulkSaid(''));
    setBulkSaid(words);
  };
  /**
   * A selection the user made: another question, so the answer to the last one goes. (What an
   * action leaves selected keeps its answer beside it: the answer says why they are left.)
   */
  const chooseSelection = useCallback((next: Selection) => {
    setSelection(next);
    setBulkNotice(null);
  }, []);
  /** What the action handled leaves the selection; what it could not stays selected. */
  const leaveSelection = (handled: readonly string[]) =>
    setSelection((current) => afterBulkAction(current, handled));
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // null: not dragged nor remembered, so the default for the window's width (defaultListWidth)
  const [listWidth, setListWidth] = useState<number | null>(null);
  // the desktop app remembers the list's width; a drag is saved once it settles
  useRememberedPaneWidth('list', setListWidth);
  const draggedWidth = useRef<number | null>(null);
  useEffect(() => {
    if (listWidth === null || draggedWidth.current !== listWidth) return;
    const timer = setTimeout(() => rememberPaneWidth('list', listWidth), 400);
    return () => clearTimeout(timer);
  }, [listWidth]);
  // a narrow window keeps room to read: the list takes at most 40% of it below 1100 px
  const [windowWidth, setWindowWidth] = useState(() => window.innerWidth);
  useEffect(() => {
    const follow = () => setWindowWidth(window.innerWidth);
    window.addEventListener('resize', follow);
    return () => window.removeEventListener('resize', follow);
  }, []);
  const maxListWidth = listWidthLimit(windowWidth);
  const shownListWidth = Math.min(listWidth ?? defaultListWidth(windowWidth), maxListWidth);
  const narrow = windowWidth < narrowWindow;
  const listHandle = useRef<MessageListHandle>(null);
  // Back to the list (narrow window): the keyboard goes on from the message read, once the list
  // is shown again (a hidden list takes no focus)
  const backToList = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (backToList.current === undefined || openedId !== null) return;
    listHandle.current?.focusOn(backToList.current);
    backToList.current = undefined;
  }, [openedId, showSenders]);
  const searchInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const follow = () => {
      // an in-page link (a Settings section, a field named by an error) is not a place
      const hash = window.location.hash;
      if (!isPlaceHash(hash) && document.getElementById(decodeURIComponent(hash.slice(1)))) return;
      setPlace((current) => {
        const wanted = placeFromHash(window.location.hash);
        return hashOf(wanted) === hashOf(current) ? current : wanted;
      });
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  // The address follows the list and the opened message. A new list (a search, a tag, a mailbox)
  // is a new history entry, as Mailpit's router pushes one per search, so Back returns to the list
  // before. A search typed on after a pause replaces the entry its first pause made (one entry
  // for 'subject:inv', then 'oice'), never one a link, Enter or Back gave; another message opened
  // replaces the entry too.
  const typedEntry = useRef(false);
  useEffect(() => {
    const { pathname, search: current, hash } = window.location;
    const shown = readMailAddress(current);
    const named = { query: typed, tag, mailbox, message: openedId };
    const newList = !sameList(shown, { ...named, start: 0 });
    // a new list starts at its top, as Mailpit's start= goes with a new search
    const wanted = { ...named, start: newList ? 0 : shown.start };
    const next = mailAddressSearch(wanted, current);
    if (next === current) return;
    const typing =
      lastSearch.current?.how === 'typed' && lastSearch.current.query === typed && typed !== '';
    const push =
      newList && !(typing && typedEntry.current && sameList({ ...shown, query: typed }, wanted));
    history[push ? 'pushState' : 'replaceState'](history.state, '', pathname + next + hash);
    if (newList) typedEntry.current = typing;
  }, [typed, tag, mailbox, openedId]);

  // Back and Forward: the list and message that entry named
  useEffect(() => {
    const follow = () => {
      typedEntry.current = false;
      const address = readMailAddress(window.location.search);
      setTyped(address.query);
      setPreset((last) => ({ query: address.query, n: (last?.n ?? 0) + 1 }));
      setTag(address.tag);
      setMailbox(address.mailbox);
      setPlace((current) =>
        current.kind === 'mail' && current.mailbox !== address.mailbox
          ? { kind: 'mail', mailbox: address.mailbox }
          : current,
      );
      setOpenedId(address.message);
      setScrollTo({ row: address.start, view: listViewOf(address) });
    };
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, []);

  // The list's place in the address (start=): scrolled into another page of rows it is a new
  // entry, so Back steps back a page as Mailpit's Previous; within a page, or moved by the list
  // itself (mail arriving on top, a row scrolled back to), the entry is replaced.
  const followTopRow = useCallback((start: number, moved: boolean) => {
    const { pathname, search: current, hash } = window.location;
    const shown = readMailAddress(current);
    if (shown.start === start) return;
    const next = mailAddressSearch({ ...shown, start }, current);
    const push = !moved && isPageStep(shown.start, start);
    history[push ? 'pushState' : 'replaceState'](history.state, '', pathname + next + hash);
  }, []);

  const go = (next: Place) => {
    setPlace(next);
    if (hashOf(next) !== window.location.hash) {
      history.replaceState(
        null,
        '',
        hashOf(next) || window.location.pathname + window.location.search,
      );
    }
    if (next.kind === 'mail' && next.mailbox !== mailbox) {
      setMailbox(next.mailbox);
      chooseSelection(noSelection);
    }
  };

  // what the desktop app asks for: a clicked notification or menu item, an .eml opened with it
  useDesktopViews((view) => {
    if (view.view === 'analyze') {
      const encoding = view.file?.encoding;
      setDialog({ kind: 'analyze', text: view.file?.text, ...(encoding ? { encoding } : {}) });
    } else if (view.view === 'queue') go({ kind: 'queue' });
    else if (view.view === 'sessions') go({ kind: 'sessions', session: null });
    else if (view.view === 'settings') {
      go({ kind: 'settings' });
      if (view.section) revealSection(view.section);
    } else if (view.view === 'senders') {
      go({ kind: 'mail', mailbox: null });
      setShowSenders(true);
    } else {
      go({ kind: 'mail', mailbox: null });
      if (view.view === 'message') {
        setShowSenders(false);
        setOpenedId(view.id);
      }
    }
  });

  /** How the last search came (see the address's effect below). */
  const lastSearch = useRef<{ query: string; how: 'typed' | 'submitted' } | null>(null);
  const typedNow = useRef(typed);
  typedNow.current = typed;
  const search = useCallback((text: string, how: 'typed' | 'submitted') => {
    lastSearch.current = { query: text, how };
    // the search the page opened with (#settings?q=…) settles in the box: it is no new search
    const changed = how === 'submitted' || text !== typedNow.current;
    setTyped(text);
    if (text !== '' && changed)
      setPlace((current) => (current.kind === 'mail' ? current : { kind: 'mail', mailbox: null }));
  }, []);

  const open = useCallback(
    (message: MessageSummary) => {
      setOpenedId(message.ID);
      // Said explicitly rather than left to getMessage's side effect (Mailpit's GET marks read),
      // so opening marks read over IPC too, whatever the handler does.
      if (!message.Read) markRead([message.ID], true);
    },
    [markRead],
  );

  /** Deleted from here, and not yet gone from the list (its event is on its way). */
  const deletedUnseen = useRef(new Set<string>());
  // a clicked browser notification opens its message, as the desktop app's do
  const notifications = useBrowserNotifications(
    api,
    useCallback(
      (message: MessageSummary) => {
        setPlace((current) =>
          current.kind === 'mail' ? current : { kind: 'mail', mailbox: null },
        );
        setShowSenders(false);
        chooseSelection({ ids: new Set([message.ID]), anchor: message.ID });
        open(message);
      },
      [open, chooseSelection],
    ),
  );

  // A message deleted elsewhere (another window, the API, retention) closes if it was open.
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.Type !== 'delete') return;
        const deleted = event.Data;
        if (deleted === null) deletedUnseen.current.clear();
        else for (const id of deleted.IDs) deletedUnseen.current.delete(id);
        setOpenedId((current) =>
          current !== null && (deleted === null || deleted.IDs.includes(current)) ? null : current,
        );
        setSelection((current) => withoutDeleted(current, deleted === null ? null : deleted.IDs));
      }),
    [api],
  );

  const targets = useCallback((): string[] => {
    if (selection.ids.size > 0) return [...selection.ids];
    return openedId ? [openedId] : [];
  }, [selection, openedId]);

  const removeMessages = async (ids: string[]) => {
    // the message being read goes with them: the next one opens, as in Mailpit (skipping any
    // deleted a moment ago whose event has not reached the list yet)
    const gone = [...ids, ...deletedUnseen.current];
    const after =
      openedId !== null && ids.includes(openedId) ? neighbourOf(list, openedId, gone) : null;
    await api.deleteMessages(ids);
    for (const id of ids) deletedUnseen.current.add(id);
    if (after) {
      setSelection({ ids: new Set([after.ID]), anchor: after.ID });
      open(after);
    }
    // The header's Delete (or the bulk bar) goes with what it deleted, and the focus would fall
    // to the page: the list takes it, on the message now open, so j/k and Delete go on from there.
    // A field being typed in keeps it.
    if (!isTextField(document.activeElement)) listHandle.current?.focusOn(after?.ID ?? null);
  };

  /** "2 released, 1 already released", and which were not, by subject, and why. */
  const showReleased = (outcomes: ReleaseOutcome[]) => {
    const subject = (id: string) => {
      const position = list.positions.get(id);
      const row = position === undefined ? undefined : list.rows.get(position);
      return row ? `“${shownSubject(row.Subject)}”` : id;
    };
    const details = outcomes.flatMap((outcome) =>
      outcome.result === 'released' ? [] : [`${subject(outcome.id)}: ${outcome.why}`],
    );
    // one released before has what was asked for: said, not alarmed about
    const error = outcomes.some((o) => o.result === 'not held' || o.result === 'failed');
    setBulkNotice({ text: outcomeSummary(outcomes), error, details });
    // the outcome is drawn with its words, which a screen reader may not read: the region there
    // before says them (a failure's outcome is an alert, read as it comes)
    if (!error) say(outcomeSummary(outcomes));
    leaveSelection(outcomes.filter((o) => o.result === 'released').map((o) => o.id));
    status.refresh();
  };

  /**
   * Release of the selection: held queue mail as the queue's release always did; mail the filter
   * holds through the quarantine's release, after a confirm that counts the viruses.
   */
  const releaseSelected = async (ids: string[]): Promise<number | null> => {
    const plan = await planRelease(api, ids);
    if (plan.quarantined.length > 0) setDialog({ kind: 'bulk-release', plan });
    else if (plan.releasedBefore.size > 0) showReleased(await runRelease(api, plan, false));
    else {
      const released = await runQueueAction(api, 'release', ids);
      leaveSelection(released);
      return released.length;
    }
    // the confirm, or the outcome's own notice, says what happened
    return null;
  };

  /**
   * Cancel of the selection asks first, counting the messages and the recipients it stops from
   * the queue; a message with nothing left to cancel (captured only, every recipient final) is
   * skipped, and the confirm and the outcome say so.
   */
  const askCancel = (ids: string[]) => {
    const queued = new Map((status.queue?.messages ?? []).map((m) => [m.ID, m]));
    const waiting = ids.flatMap((id) => {
      const message = queued.get(id);
      return message?.actions.includes('cancel') ? [message] : [];
    });
    if (waiting.length > 0) {
      setDialog({ kind: 'bulk-cancel', ids, messages: waiting });
      return;
    }
    const text = `Nothing to cancel: ${ids.length === 1 ? 'the selected message waits' : `none of the ${ids.length} selected messages waits`} to be delivered (captured only, or already delivered).`;
    setBulkNotice({ text, error: false, details: [] });
    say(text);
  };

  const cancelSelected = async (ids: string[]) => {
    setDialog(null);
    setBulkNotice(null);
    try {
      const cancelled = await runQueueAction(api, 'cancel', ids);
      leaveSelection(cancelled);
      const skipped = ids.length - cancelled.length;
      const text =
        `${messageCount(cancelled.length)} cancelled: never sent, kept in the mail list` +
        (skipped > 0
          ? `; ${skipped} skipped, with nothing left to cancel (captured only, or already delivered), left selected.`
          : '.');
      setBulkNotice({ text, error: false, details: [] });
      say(text);
    } catch (failure) {
      setBulkNotice({ text: serverWords(failure), error: true });
    }
    status.refresh();
  };

  const runBulk = async (action: BulkAction, only?: string[]) => {
    const ids = only ?? targets();
    if (ids.length === 0) return;
    if (action === 'cancel') {
      askCancel(ids);
      return;
    }
    setBulkNotice(null);
    // emptied on the page now, so the same words again are a change a screen reader reads (a
    // mark read has no wait in which React would draw the empty region)
    flushSync(() => setBulkSaid(''));
    try {
      let changed: number | null = ids.length;
      if (action === 'read' || action === 'unread') {
        markRead(ids, action === 'read');
        leaveSelection(ids);
      } else if (action === 'delete') {
        await removeMessages(ids);
        leaveSelection(ids);
      } else if (action === 'release') changed = await releaseSelected(ids);
      else {
        // the relay names what it changed: a message it could not hold or retry stays selected
        const handled = await runQueueAction(api, action, ids);
        leaveSelection(handled);
        changed = handled.length;
      }
      if (changed !== null) setBulkSaid(bulkSentence(action, changed));
    } catch (failure) {
      // e.g. Hold on delivered messages only: the relay names each and its state
      setBulkNotice({
        text: serverWords(failure),
        error: true,
      });
    }
    status.refresh();
  };

  const openedPosition = openedId === null ? undefined : list.positions.get(openedId);
  // opening marks read; a message not loaded in the list (opened from the queue) is read too
  const openedRead =
    openedPosition === undefined ? true : (list.rows.get(openedPosition)?.Read ?? true);
  // page-wide keys; the list and the dialogs handle their own first
  const keys = useRef({ runBulk, place, openedId });
  keys.current = { runBulk, place, openedId };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || document.querySelector('dialog[open]')) return;
      const target = event.target as Element | null;
      const command = commandFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        inTextField: isTextField(target),
        inList: !!target?.closest?.('[role="listbox"]'),
        onPage: !target || target === document.body || target === document.documentElement,
      });
      if (!command) return;
      const inMail = keys.current.place.kind === 'mail';
      event.preventDefault();
      if (command === 'help') setDialog({ kind: 'shortcuts' });
      else if (command === 'analyze') setDialog({ kind: 'analyze' });
      else if (command === 'focus-search') searchInput.current?.focus();
      else if (!inMail) return;
      else if (isTabCommand(command)) {
        const messageId = keys.current.openedId;
        if (messageId !== null) setChosenTab({ messageId, tab: tabCommands[command] });
      } else if (command === 'next' || command === 'previous') {
        listHandle.current?.step(command === 'next' ? 1 : -1);
      } else if (command === 'open') listHandle.current?.openActive();
      else if (command === 'delete') void keys.current.runBulk('delete');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const onDropFile = (event: DragEvent) => {
    const file = event.dataTransfer.files[0];
    if (!file || dialog) return;
    event.preventDefault();
    // only the head of the file: a large one dropped by mistake must not freeze the window
    void readMessageFile(file).then((read) => setDialog({ kind: 'analyze', ...read }));
  };

  const bulkSelection = isBulkSelection(selection);
  // The bulk bar goes once nothing it acts on is left (or Clear selection): the focus its button
  // had would fall to the page, so the list takes it, on the message being read.
  const hadBulkBar = useRef(false);
  useEffect(() => {
    const had = hadBulkBar.current;
    hadBulkBar.current = bulkSelection;
    if (!had || bulkSelection || dialog) return;
    if (document.activeElement === document.body || document.activeElement === null)
      listHandle.current?.focusOn(openedId);
  }, [bulkSelection, dialog, openedId]);

  const smtp = info.status === 'ready' ? info.value.Listeners.smtp : null;
  const emptyMailbox = list.ready && !list.error && list.total === 0;
  const emptyListId = useId();
  const title =
    place.kind === 'mail'
      ? place.mailbox === null
        ? 'All mail'
        : mailboxLabel(place.mailbox)
      : '';

  return (
    <UpstreamContext.Provider value={status.queue?.upstream ?? null}>
      <PinnedSettingsContext.Provider value={pinned}>
        <div
          className="app"
          data-testid="app"
          data-transport={api.transport}
          onDragOver={(event) => event.preventDefault()}
          onDrop={onDropFile}
        >
          <header className="toolbar">
            <h1>
              Relaydesk
              {label !== '' && (
                <span className="instance-label" data-testid="instance-label">
                  {label}
                </span>
              )}
            </h1>
            <SearchBox
              onSearch={search}
              inputRef={searchInput}
              onLeave={() => listHandle.current?.focus()}
              preset={preset}
            />
            <TagFilter api={api} selected={tag} onSelect={setTag} />
            <ChaosSwitch api={api} chaos={info.status === 'ready' ? info.value.Chaos : undefined} />
            <button type="button" onClick={() => setDialog({ kind: 'analyze' })}>
              Analyze headers
            </button>
            <MoreActionsMenu
              theme={choice}
              onTheme={choose}
              actions={[
                {
                  kind: 'toggle',
                  label: 'Quarantine',
                  testId: 'show-quarantine',
                  checked: query === 'tag:quarantined',
                  run: () => {
                    go({ kind: 'mail', mailbox });
                    showQuarantine();
                  },
                },
                {
                  kind: 'toggle',
                  label: 'Senders',
                  testId: 'show-suspensions',
                  checked: showSenders && place.kind === 'mail',
                  run: () => {
                    // the panel is part of the mail page
                    const away = place.kind !== 'mail';
                    if (away) go({ kind: 'mail', mailbox });
                    setShowSenders((shown) => away || !shown);
                  },
                },
                ...(notifications.available
                  ? [
                      {
                        kind: 'toggle' as const,
                        label: 'Browser notifications',
                        testId: 'toggle-notifications',
                        checked: notifications.enabled,
                        run: notifications.toggle,
                      },
                    ]
                  : []),
                {
                  kind: 'action',
                  label: 'Edit tags…',
                  testId: 'edit-tags',
                  run: () => setDialog({ kind: 'tags' }),
                },
                {
                  kind: 'action',
                  label: 'Keyboard shortcuts (?)',
                  testId: 'show-shortcuts',
                  run: () => setDialog({ kind: 'shortcuts' }),
                },
              ]}
            />
            <MailboxStatus
              total={list.counts.total}
              unread={list.counts.unread}
              shown={
                // a mailbox, tag or search narrows the list: count what it shows (once it has
                // answered, so a new search does not read "0 of 340" while it runs)
                viewQuery(list.view) !== '' && list.ready
                  ? { total: list.total, unread: list.unread }
                  : null
              }
              pending={
                viewQuery(list.view) === '' || list.ready
                  ? null
                  : list.view.query.trim() !== ''
                    ? 'search'
                    : 'view'
              }
              streamState={streamState}
            />
            <ArrivalAnnouncer />
            <SearchAnnouncer query={list.view.query.trim()} ready={list.ready} total={list.total} />
          </header>
          <Banners
            pause={status.pause}
            failing={failingUpstream(status.queue)}
            listenerProblems={listenerProblems.failed}
            diskFull={listenerProblems.diskFull}
            scannerDown={listenerProblems.scannerDown}
            onOpenListenerSettings={() => {
              go({ kind: 'settings' });
              revealSection('listener');
            }}
            onOpenFilterSettings={() => {
              go({ kind: 'settings' });
              revealSection('filtering');
            }}
            streamState={streamState}
            onRecovered={status.refresh}
          />
          <div
            className="workspace"
            data-narrow={
              !narrow
                ? undefined
                : place.kind === 'mail' && (openedId !== null || showSenders)
                  ? 'message'
                  : 'list'
            }
          >
            <Sidebar
              current={place}
              mailboxes={status.mailboxes}
              total={list.counts.total}
              unread={list.counts.unread}
              queue={queueCounts(status.queue)}
              onGo={(next) => {
                // a mailbox picked in the sidebar is shown as it is: the search (Quarantine puts
                // one in), the tag filter and the Senders pane go, as Mailpit's Inbox link (to /)
                // drops its search and the tags in it
                if (next.kind === 'mail') {
                  setShowSenders(false);
                  setTag(null);
                  if (typed !== '') {
                    setTyped('');
                    setPreset((last) => ({ query: '', n: (last?.n ?? 0) + 1 }));
                  }
                }
                go(next);
              }}
            />
            {place.kind === 'mail' && (
              <main className="panes">
                {/* beside the panes, not in the list's: in a narrow window the list is hidden
                  while a message is open, and a region there is not heard (Delete on the open
                  message said nothing) */}
                <p className="visually-hidden" role="status" data-testid="bulk-said">
                  {bulkSaid}
                </p>
                <section
                  className="message-list"
                  aria-label={`Message list: ${title}`}
                  style={narrow ? undefined : { width: shownListWidth }}
                  data-testid="message-list-pane"
                >
                  <h2 className="visually-hidden">{title}</h2>
                  {!bulkSelection && !(emptyMailbox && query === '' && mailbox === null) && (
                    <ListActions
                      total={list.total}
                      query={viewQuery(view)}
                      hideDeleteAll={hideDeleteAll}
                      onMarkAllRead={async () => {
                        const count = list.total;
                        await api.setReadMatching(viewQuery(view), true);
                        // the rows turn from bold in silence; the focus is back on the button
                        say(bulkSentence('read', count));
                      }}
                      onDeleteAll={async () => {
                        const shown = viewQuery(view);
                        const count = list.total;
                        setBulkNotice(null);
                        try {
                          await (shown === '' ? api.deleteMessages([]) : api.deleteMatching(shown));
                          say(bulkSentence('delete', count));
                          // the toolbar, and its Delete all that had the focus back from the
                          // confirm, goes with the last message: the focus would fall to the page
                          if (!isTextField(document.activeElement))
                            listHandle.current?.focusOn(null);
                        } catch (failure) {
                          // said above the list, not in its toolbar: the toolbar goes with the last
                          // message, and a failed Delete all still takes the messages off the list
                          // (files that would not go: listed again at the next start)
                          setBulkNotice({ text: serverWords(failure), error: true });
                        }
                        status.refresh();
                      }}
                    />
                  )}
                  {/* the sidebar's quarantine mailbox is where an admin looks first: whether
                    clamd answers belongs there as much as on the Quarantine search */}
                  {(query === 'tag:quarantined' || mailbox === quarantineMailbox) && (
                    <ScannerState />
                  )}
                  <BulkBar
                    count={bulkSelection ? selection.ids.size : 0}
                    onAction={(action) => void runBulk(action)}
                    onCompare={() => {
                      const [first, second] = [...selection.ids];
                      if (first && second) setDialog({ kind: 'compare', ids: [first, second] });
                    }}
                    onClear={() => chooseSelection(noSelection)}
                  />
                  {bulkNotice && !bulkNotice.details && (
                    <p className="list-notice error" role="alert" data-testid="bulk-error">
                      {bulkNotice.text}
                    </p>
                  )}
                  {bulkNotice?.details && (
                    <div
                      className={`list-notice bulk-outcome${bulkNotice.error ? ' error' : ''}`}
                      role={bulkNotice.error ? 'alert' : undefined}
                      data-testid="bulk-outcome"
                    >
                      <p data-testid="bulk-outcome-summary">{bulkNotice.text}</p>
                      {bulkNotice.details.length > 0 && (
                        <details>
                          <summary>Which, and why</summary>
                          <ul data-testid="bulk-outcome-details">
                            {bulkNotice.details.map((line) => (
                              <li key={line}>{line}</li>
                            ))}
                          </ul>
                        </details>
                      )}
                    </div>
                  )}
                  {list.error && (
                    <p className="list-notice error" role="alert" data-testid="list-error">
                      {list.error}
                    </p>
                  )}
                  {emptyMailbox && query === '' && mailbox === null && (
                    <EmptyInbox
                      describes={emptyListId}
                      smtp={smtp}
                      down={
                        listenerProblems.failed.find((l) => l.listener === 'smtp')?.address ?? null
                      }
                    />
                  )}
                  {emptyMailbox && (query !== '' || mailbox !== null) && (
                    <p className="list-notice list-empty" data-testid="list-empty" id={emptyListId}>
                      {query !== '' ? 'No messages match this search.' : 'This mailbox is empty.'}
                    </p>
                  )}
                  <MessageList
                    handle={listHandle}
                    window={list}
                    ensureRows={ensureRows}
                    selection={selection}
                    onSelection={chooseSelection}
                    openedId={openedId}
                    onOpen={(message) => {
                      setShowSenders(false);
                      open(message);
                    }}
                    onDelete={() => void runBulk('delete')}
                    emptyDescription={emptyMailbox ? emptyListId : undefined}
                    onShowTag={setTag}
                    onTopRow={followTopRow}
                    scrollTo={scrollTo}
                  />
                </section>
                {!narrow && (
                  <Splitter
                    label="Resize the message list"
                    width={shownListWidth}
                    min={Math.min(280, maxListWidth)}
                    max={maxListWidth}
                    onResize={(width) => {
                      draggedWidth.current = width;
                      setListWidth(width);
                    }}
                  />
                )}
                <section className="message-pane" aria-label="Opened message">
                  {narrow && (openedId !== null || showSenders) && (
                    <button
                      type="button"
                      className="toolbar-button back-to-list"
                      data-testid="back-to-list"
                      onClick={() => {
                        backToList.current = openedId;
                        setShowSenders(false);
                        setOpenedId(null);
                      }}
                    >
                      <span aria-hidden="true">← </span>Back to the list
                    </button>
                  )}
                  {/* an anomaly alert, told at once and kept until dismissed */}
                  <SenderAlerts onReview={() => setShowSenders(true)} />
                  {showSenders ? (
                    <SuspensionsPanel queue={status.queue} />
                  ) : openedId ? (
                    <MessageView
                      key={openedId}
                      messageId={openedId}
                      tab={tab}
                      onSelectTab={(chosen) => setChosenTab({ messageId: openedId, tab: chosen })}
                      onShowTag={setTag}
                      actions={(unreadable) => (
                        <MessageActions
                          messageId={openedId}
                          read={openedRead}
                          onSetRead={(read) => {
                            markRead([openedId], read);
                            // the button's label changes, and a screen reader hears nothing of it
                            say(bulkSentence(read ? 'read' : 'unread', 1));
                          }}
                          onDelete={() => void runBulk('delete', [openedId])}
                          unreadable={unreadable}
                        />
                      )}
                    />
                  ) : (
                    <p className="view-notice" data-testid="reading-notice">
                      {readingNotice(list, query, mailbox, streamState)}
                    </p>
                  )}
                </section>
              </main>
            )}
            {place.kind === 'queue' && (
              <main className="page">
                <QueueView
                  queue={status.queue}
                  error={status.error}
                  onChanged={status.refresh}
                  onOpenMessage={(id) => {
                    go({ kind: 'mail', mailbox });
                    // the Senders pane, if it was left open, stood where the message was asked for
                    setShowSenders(false);
                    setOpenedId(id);
                    setChosenTab({ messageId: id, tab: 'delivery' });
                  }}
                  onShowQuarantine={() => {
                    go({ kind: 'mail', mailbox });
                    showQuarantine();
                  }}
                />
              </main>
            )}
            {place.kind === 'logs' && (
              <main className="page">
                <LogsView />
              </main>
            )}
            {place.kind === 'sessions' && (
              <main className="page">
                <Suspense fallback={<p className="logs-count">Loading the sessions…</p>}>
                  <SessionsView
                    chosen={place.session}
                    onChoose={(id) => go({ kind: 'sessions', session: id })}
                    onOpenMessage={(id) => {
                      go({ kind: 'mail', mailbox });
                      setShowSenders(false);
                      setOpenedId(id);
                    }}
                  />
                </Suspense>
              </main>
            )}
            {place.kind === 'settings' && (
              <main className="page">
                <SettingsView
                  appearance={theme}
                  onSaved={() => {
                    setSettingsSaves((n) => n + 1);
                    // an upstream set or removed: Resend and the Queue follow without a reload
                    status.refresh();
                  }}
                  onOpenSenders={() => {
                    go({ kind: 'mail', mailbox });
                    setShowSenders(true);
                  }}
                />
              </main>
            )}
          </div>
          {dialog?.kind === 'analyze' && (
            <AnalyzeDialog
              key={dialog.text ?? dialog.error ?? ''}
              initialText={dialog.text}
              initialPartial={dialog.partial}
              initialEncoding={dialog.encoding}
              initialError={dialog.error}
              onClose={() => setDialog(null)}
            />
          )}
          {dialog?.kind === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
          {dialog?.kind === 'compare' && (
            <Suspense fallback={null}>
              <CompareDialog ids={dialog.ids} onClose={() => setDialog(null)} />
            </Suspense>
          )}
          {dialog?.kind === 'bulk-cancel' && (
            <CancelDeliveryConfirm
              messages={dialog.messages.map((m) => ({
                subject: m.Subject,
                recipients: m.recipients,
              }))}
              skipped={dialog.ids.length - dialog.messages.length}
              onKeep={() => setDialog(null)}
              onConfirm={() => void cancelSelected(dialog.ids)}
            />
          )}
          {dialog?.kind === 'bulk-release' && (
            <BulkReleaseDialog
              plan={dialog.plan}
              onClose={() => setDialog(null)}
              onDone={(outcomes) => {
                setDialog(null);
                showReleased(outcomes);
              }}
            />
          )}
          {dialog?.kind === 'tags' && (
            <EditTagsDialog
              onClose={() => setDialog(null)}
              // the tag filter follows its tag
              onRenamed={(from, to) => setTag((current) => (current === from ? to : current))}
              onDeleted={(gone) => setTag((current) => (current === gone ? null : current))}
            />
          )}
        </div>
      </PinnedSettingsContext.Provider>
    </UpstreamContext.Provider>
  );
}
