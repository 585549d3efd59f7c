import { useEffect, useState, type RefObject } from 'react';

export interface ScrollEdges {
  /** Content lies to the left, scrolled out of sight. */
  before: boolean;
  /** Content lies to the right, out of sight. */
  after: boolean;
}

/**
 * Whether a sideways-scrolling row hides content at either end, kept up to date as it scrolls
 * and as its size changes. A scrollbar alone does not say it (overlay scrollbars, as on macOS,
 * show only while scrolling).
 */
export function useScrollEdges(ref: RefObject<HTMLElement | null>): ScrollEdges {
  const [edges, setEdges] = useState<ScrollEdges>({ before: false, after: false });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      // a pixel of slack: scrollLeft is fractional on zoomed or high-DPI screens
      const before = element.scrollLeft > 1;
      const after = element.scrollLeft + element.clientWidth < element.scrollWidth - 1;
      setEdges((last) =>
        last.before === before && last.after === after ? last : { before, after },
      );
    };
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const resized = new ResizeObserver(measure);
    resized.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      resized.disconnect();
    };
  }, [ref]);
  return edges;
}
