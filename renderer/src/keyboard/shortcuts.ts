// The keyboard map, as data: the "Keyboard shortcuts" dialog lists the same table the handler
// reads, so the two cannot disagree. Pure.

export type Command = 'next' | 'previous' | 'open' | 'delete' | 'focus-search' | 'help' | 'analyze';

export const shortcuts: { keys: string[]; command: Command; does: string }[] = [
  { keys: ['j', '↓'], command: 'next', does: 'Next message' },
  { keys: ['k', '↑'], command: 'previous', does: 'Previous message' },
  { keys: ['Enter'], command: 'open', does: 'Open the message' },
  { keys: ['Delete'], command: 'delete', does: 'Delete the selected messages' },
  { keys: ['/'], command: 'focus-search', does: 'Search' },
  { keys: ['?'], command: 'help', does: 'Show these shortcuts' },
  { keys: ['a'], command: 'analyze', does: 'Analyze headers' },
];

export const otherKeys: { keys: string[]; does: string }[] = [
  { keys: ['Shift', '↑/↓'], does: 'Extend the selection' },
  { keys: ['Space'], does: 'Select or unselect the message' },
  { keys: ['Ctrl', 'A'], does: 'Select all loaded messages' },
  { keys: ['←', '→'], does: 'Switch tabs' },
  { keys: ['Esc'], does: 'Close a dialog or menu, clear the search' },
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
};

/** The page-wide command for a key, or null to let it do what it does where it is. */
export function commandFor(input: KeyInput): Command | null {
  if (input.ctrlKey || input.metaKey || input.altKey || input.inTextField) return null;
  const command = byKey[input.key] ?? null;
  if (command === null) return null;
  if (input.inList && command !== 'focus-search' && command !== 'help' && command !== 'analyze') {
    return null;
  }
  // arrows and Enter keep their meaning on buttons, tabs and links; with nothing focused they
  // move through the list like j and k
  if ((input.key.startsWith('Arrow') || input.key === 'Enter') && !input.onPage) return null;
  return command;
}
