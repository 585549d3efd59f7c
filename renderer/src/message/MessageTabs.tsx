import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { TabBadge } from './checks/tab-badges';
import { useScrollEdges } from './use-scroll-edges';

export type BodyTab =
  | 'html'
  | 'html-source'
  | 'text'
  | 'headers'
  | 'source'
  | 'route'
  | 'delivery'
  | 'html-check'
  | 'links'
  | 'spam';

export const bodyTabs: { id: BodyTab; label: string }[] = [
  { id: 'html', label: 'HTML' },
  { id: 'html-source', label: 'HTML source' },
  { id: 'text', label: 'Text' },
  { id: 'headers', label: 'Headers' },
  { id: 'source', label: 'Source' },
  { id: 'route', label: 'Route' },
  { id: 'delivery', label: 'Delivery' },
  { id: 'html-check', label: 'HTML check' },
  { id: 'links', label: 'Links' },
  { id: 'spam', label: 'Spam' },
];

/**
 * WAI-ARIA tabs: Left/Right move between tabs; only the chosen panel is rendered (and loaded).
 * The tabs stay one row: where the pane is too narrow for them (a 900 px window leaves it about
 * 335 px) the row scrolls sideways, a faded edge says more tabs lie that way, and the chosen
 * tab is scrolled into sight.
 */
export function MessageTabs(props: {
  selected: BodyTab;
  onSelect(tab: BodyTab): void;
  /** The tabs this message has (HTML source only where there is HTML). */
  tabs?: readonly { id: BodyTab; label: string }[];
  /** A verdict shown beside a tab's name (a check's score); a screen reader hears it as its description. */
  badges?: Partial<Record<BodyTab, TabBadge>>;
  children: ReactNode;
}) {
  const tabs = props.tabs ?? bodyTabs;
  const buttons = useRef(new Map<BodyTab, HTMLButtonElement>());
  const list = useRef<HTMLDivElement>(null);
  const edges = useScrollEdges(list);

  // Sideways only: scrollIntoView's `block: 'nearest'` also scrolled the message pane whenever
  // the tab row sat at the pane's bottom edge (a long subject or many recipients above it), so a
  // message opened with its subject's first line and its Delete button scrolled out of sight.
  useEffect(() => {
    const row = list.current;
    const tab = buttons.current.get(props.selected);
    if (row && tab) revealSideways(row, tab);
  }, [props.selected]);

  // and kept in sight when a tab before it widens: a check's badge arrives a moment after the
  // message opens (later on a busy machine), and pushed the chosen tab out of the row's end
  const selected = useRef(props.selected);
  const tabIds = tabs.map((tab) => tab.id).join(' ');
  selected.current = props.selected;
  useEffect(() => {
    const row = list.current;
    if (!row || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const tab = buttons.current.get(selected.current);
      if (tab) revealSideways(row, tab);
    });
    observer.observe(row);
    for (const tab of row.children) observer.observe(tab);
    return () => observer.disconnect();
  }, [tabIds]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.id === props.selected);
    const targets: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = tabs[(target + tabs.length) % tabs.length];
    if (!next) return;
    props.onSelect(next.id);
    buttons.current.get(next.id)?.focus();
  };

  return (
    <div className="message-tabs">
      <div
        ref={list}
        role="tablist"
        aria-label="Message body"
        onKeyDown={onKeyDown}
        data-more-before={edges.before || undefined}
        data-more-after={edges.after || undefined}
      >
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(element) => {
              if (element) buttons.current.set(tab.id, element);
              else buttons.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={tab.id === props.selected}
            aria-controls="message-tab-panel"
            tabIndex={tab.id === props.selected ? 0 : -1}
            data-testid={`tab-${tab.id}`}
            aria-describedby={props.badges?.[tab.id] ? `tab-${tab.id}-badge` : undefined}
            onClick={() => props.onSelect(tab.id)}
          >
            {tab.label}
            {props.badges?.[tab.id] && (
              <TabBadgeMark id={`tab-${tab.id}-badge`} badge={props.badges[tab.id]} />
            )}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id="message-tab-panel"
        aria-labelledby={`tab-${props.selected}`}
        className={`tab-panel tab-panel-${props.selected}`}
        data-testid="tab-panel"
        tabIndex={0}
      >
        {props.children}
      </div>
    </div>
  );
}

/** Scrolls the tab row just enough for the tab to be in sight, leaving every other scroll alone. */
function revealSideways(row: HTMLElement, tab: HTMLElement): void {
  const rowBox = row.getBoundingClientRect();
  const tabBox = tab.getBoundingClientRect();
  if (tabBox.left < rowBox.left) row.scrollLeft -= rowBox.left - tabBox.left;
  else if (tabBox.right > rowBox.right) row.scrollLeft += tabBox.right - rowBox.right;
}

/**
 * Outside the tab's name (its text is hidden from the name, read as the description), so the tab
 * is still "Spam" to a screen reader and to a test, with "score 1.2 of 5: not spam" after it.
 */
function TabBadgeMark({ id, badge }: { id: string; badge: TabBadge | undefined }) {
  if (!badge) return null;
  return (
    <>
      <span
        className={`tab-badge tab-badge-${badge.tone}`}
        aria-hidden="true"
        data-testid="tab-badge"
      >
        {badge.text}
      </span>
      <span id={id} hidden>
        {badge.words}
      </span>
    </>
  );
}
