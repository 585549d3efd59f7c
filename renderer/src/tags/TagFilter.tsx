import { useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';

/** `tag:"name"` in the search syntax; quoted so tags with spaces work. */
export function tagQuery(tag: string): string {
  return `tag:"${tag.replace(/"/g, '')}"`;
}

/**
 * The tags in use. The list follows the mail: it is read again when messages arrive, change or
 * go (a burst of events makes one request).
 */
export function useTagsInUse(api: RendererApi): string[] {
  const [tags, setTags] = useState<string[]>([]);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () =>
      api.tags().then(
        (list) => current && setTags(list),
        () => undefined,
      );
    void load();
    const off = api.onEvent((event) => {
      if (event.Type !== 'new' && event.Type !== 'update' && event.Type !== 'delete') return;
      if (event.Type === 'update' && event.Data.Tags === undefined) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load(), 250);
    });
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
      off();
    };
  }, [api]);
  return tags;
}

/** Shows only the messages with one tag. */
export function TagFilter(props: {
  api: RendererApi;
  selected: string | null;
  onSelect(tag: string | null): void;
}) {
  const { api, selected, onSelect } = props;
  const tags = useTagsInUse(api);

  if (tags.length === 0 && selected === null) return null;
  return (
    <select
      className="tag-filter"
      data-testid="tag-filter"
      aria-label="Show messages with a tag"
      value={selected ?? ''}
      onChange={(event) => onSelect(event.target.value === '' ? null : event.target.value)}
    >
      <option value="">All tags</option>
      {[...new Set([...tags, ...(selected ? [selected] : [])])].map((tag) => (
        <option key={tag} value={tag}>
          {tag}
        </option>
      ))}
    </select>
  );
}
