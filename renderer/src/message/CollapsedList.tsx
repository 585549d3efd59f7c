import { useState, type ReactNode } from 'react';

/** How many items a long list shows before "+N more": enough to recognise the audience. */
export const shownByDefault = 4;

/**
 * The first few of a long list and a button for the rest. A message sent to dozens of
 * recipients otherwise lists them all (in To and again in RCPT TO) and pushes the body out of
 * sight. A single hidden item is shown rather than a "+1 more" button as wide as it.
 */
export function CollapsedList<T>(props: {
  items: readonly T[];
  render(visible: readonly T[]): ReactNode;
  /** What the hidden items hold that must not go unnoticed (e.g. "2 Bcc"). */
  hiddenNote?(hidden: readonly T[]): string | null;
  /** Names the items for the button's accessible name ("To recipients"). */
  label: string;
  testId: string;
  /** How many show before "+N more" (shownByDefault). */
  shown?: number;
}) {
  const [expanded, setExpanded] = useState(false);
  const shown = props.shown ?? shownByDefault;
  const collapsible = props.items.length > shown + 1;
  const visible = collapsible && !expanded ? props.items.slice(0, shown) : props.items;
  const hidden = props.items.slice(visible.length);
  const note = hidden.length > 0 ? props.hiddenNote?.(hidden) : null;
  return (
    <>
      {props.render(visible)}
      {collapsible && (
        <button
          type="button"
          className="link-button more-button"
          aria-expanded={expanded}
          data-testid={props.testId}
          onClick={() => setExpanded((shown) => !shown)}
        >
          {expanded ? 'Show fewer' : `+${hidden.length} more${note ? ` (${note})` : ''}`}
          {/* the visible words lead the name (WCAG 2.5.3); the rest says more of what */}
          <span className="visually-hidden"> {props.label}</span>
        </button>
      )}
    </>
  );
}
