import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether a box hides content below its bottom edge (its own scroll), kept up to date as its
 * size or content changes.
 */
export function useScrollsDown(ref: RefObject<HTMLElement | null>): boolean {
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    // a pixel of slack: heights are fractional on zoomed or high-DPI screens
    const measure = () => setScrolls(element.scrollHeight > element.clientHeight + 1);
    measure();
    const resized = new ResizeObserver(measure);
    resized.observe(element);
    // the content grows without the box changing size (a tag added, a long field)
    for (const child of element.children) resized.observe(child);
    const changed = new MutationObserver(measure);
    changed.observe(element, { childList: true, subtree: true, characterData: true });
    return () => {
      resized.disconnect();
      changed.disconnect();
    };
  }, [ref]);
  return scrolls;
}
