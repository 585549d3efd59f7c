import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

/** Where a pane's width may go: enough to read a row, never the whole window. */
export function clampWidth(width: number, min: number, max: number): number {
  return Math.round(Math.max(min, Math.min(max, width)));
}

/** A draggable, keyboard-operable divider between two panes (WAI-ARIA window splitter). */
export function Splitter(props: {
  label: string;
  width: number;
  min: number;
  max: number;
  onResize(width: number): void;
}) {
  const drag = useRef<{ x: number; width: number } | null>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.shiftKey ? 64 : 16;
    const delta = { ArrowLeft: -step, ArrowRight: step }[event.key];
    if (delta !== undefined) {
      event.preventDefault();
      props.onResize(clampWidth(props.width + delta, props.min, props.max));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      props.onResize(event.key === 'Home' ? props.min : props.max);
    }
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={props.label}
      aria-valuenow={props.width}
      aria-valuemin={props.min}
      aria-valuemax={props.max}
      tabIndex={0}
      className="splitter"
      onKeyDown={onKeyDown}
      onPointerDown={(event: PointerEvent) => {
        drag.current = { x: event.clientX, width: props.width };
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={(event: PointerEvent) => {
        if (!drag.current) return;
        props.onResize(
          clampWidth(drag.current.width + event.clientX - drag.current.x, props.min, props.max),
        );
      }}
      onPointerUp={() => {
        drag.current = null;
      }}
    />
  );
}
