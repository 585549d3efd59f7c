import type { MouseEvent } from 'react';
import { tagChipStyle, useTagColours } from './tag-colours';

/**
 * A message's tags, as small chips (Mailpit shows them the same way). In the list, clicking one
 * shows the messages with that tag, as Mailpit's list does, and does not open the row's message.
 * The chip is no button: a row is an option of the listbox, whose content is presentational, so
 * the keyboard reaches the same list through the toolbar's tag filter.
 */
export function TagChips({
  tags,
  onShowTag,
}: {
  tags: readonly string[];
  onShowTag?(tag: string): void;
}) {
  const colours = useTagColours();
  if (tags.length === 0) return null;
  const show = (tag: string) => (event: MouseEvent) => {
    // the row under the chip would select and open its message
    event.stopPropagation();
    onShowTag?.(tag);
  };
  return (
    <span className="tag-chips" data-testid="tag-chips">
      {tags.map((tag) => (
        <span
          key={tag}
          className={`tag-chip${onShowTag ? ' filters' : ''}${colours.on ? ' coloured' : ''}`}
          style={tagChipStyle(tag, colours.on)}
          data-testid="tag-chip"
          title={onShowTag ? `Show the messages tagged ${tag}` : undefined}
          onClick={onShowTag ? show(tag) : undefined}
        >
          {tag}
        </span>
      ))}
    </span>
  );
}
