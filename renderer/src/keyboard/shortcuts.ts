// The keyboard map, as data: the "Keyboard shortcuts" dialog lists the same table the handler
// reads, so the two cannot disagree. Pure.

export type Command =
  'next' | 'previous' | 'open' | 'delete' | 'focus-search' | 'help' | 'analyze' | TabCommand;

/**
 * The open message's tabs a key shows. Each message opens on its content (as Mailpit's view
 * does), so someone reading the route, headers or delivery of one message after another presses
 * j and then r, instead of reaching for the tab with the mouse each time.
 */
export const tabCommands = {
  'tab-headers': 'headers',
  'tab-source': 'source',
  'tab-route': 'route',
  'tab-delivery': 'delivery',
} as const;

export type TabCommand = keyof typeof tabCommands;

export function isTabCommand(command: Command): command is TabCommand {
  return command in tabCommands;
}

export const shortcuts: { keys: string[]; command: Command; does: string }[] = [
  { keys: ['j', '↓'], command: 'next', does: 'Next message' },
  { keys: ['k', '↑'], command: 'previous', does: 'Previous message' },
  { keys: ['Enter'], command: 'open', does: 'Open the message' },
  { keys: ['Delete'], command: 'delete', does: 'Delete the selected messages' },
  { keys: ['/'], command: 'focus-search', does: 'Search' },
  { keys: ['?'], command: 'help', does: 'Show these shortcuts' },
  { keys: ['a'], command: 'analyze', does: 'Analyze headers' },
  { keys: ['h'], command: 'tab-headers', does: "Show the open message's headers" },
  { keys: ['s'], command: 'tab-source', does: "Show the open message's source" },
  { keys: ['r'], command: 'tab-route', does: "Show the open message's route (its hops)" },
  { keys: ['d'], command: 'tab-delivery', does: "Show the open message's delivery" },
];

export const otherKeys: { keys: string[]; does: string }[] = [
  { keys: ['Shift', '↑/↓'], does: 'Extend the selection' },
  { keys: ['Space'], does: 'Select or unselect the message' },
  { keys: ['Ctrl', 'A'], does: 'Select all loaded messages' },
  { keys: ['←', '→'], does: 'Switch tabs' },
  { keys: ['Esc'], does: 'Close a dialog or menu, clear the search' },
  { keys: ['↓'], does: 'In the search box: go to the messages found, keeping the search' },
  // the list's tag chips are for the mouse (a listbox row holds no buttons): the open message's
  // tags are buttons that do the same
  {
    keys: ['Tab', 'Enter'],
    does: 'Show the messages with a tag of the open message (Tab to the tag in its header)',
  },
];

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field, where letters are typing, not commands. */
  inTextField: boolean;
  /** The key went to the list, which handles j/k/arrows/Enter/Delete itself. */
  inList: boolean;
  /** Nothing has the focus (the key went to the page itself), so the arrows are free. */
  onPage?: boolean;
}

const byKey: Record<string, Command> = {
  j: 'next',
  k: 'previous',
  ArrowDown: 'next',
  ArrowUp: 'previous',
  Enter: 'open',
  Delete: 'delete',
  '/': 'focus-search',
  '?': 'help',
  a: 'analyze',
  h: 'tab-headers',
  s: 'tab-source',
  r: 'tab-route',
  d: 'tab-delivery',
};

/** The page-wide command for a key, or null to let it do what it does where it is. */
export function commandFor(input: KeyInput): Command | null {
  if (input.ctrlKey || input.metaKey || input.altKey || input.inTextField) return null;
  const command = byKey[input.key] ?? null;
  if (command === null) return null;
  // the list handles its own moves; these keys mean nothing there, so they work from it too
  const fromList = command === 'focus-search' || command === 'help' || command === 'analyze';
  if (input.inList && !fromList && !isTabCommand(command)) return null;
  // arrows and Enter keep their meaning on buttons, tabs and links; with nothing focused they
  // move through the list like j and k
  if ((input.key.startsWith('Arrow') || input.key === 'Enter') && !input.onPage) return null;
  return command;
}
