import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ThemeChoice } from '../settings/appearance';
import { themeChoices } from '../settings/appearance';

/** An entry of the menu: an action, a toggle (checked or not), or one of a set of choices. */
export type MoreAction =
  | { kind: 'action'; label: string; testId?: string; run(): void }
  | { kind: 'toggle'; label: string; testId?: string; checked: boolean; run(): void };

/**
 * "More actions": the toolbar's less-used buttons and the theme, in an ARIA menu button (the WAI
 * menu-button pattern), so the toolbar keeps to one row at 1280 px. Enter, Space or ArrowDown
 * opens it on the first item (ArrowUp on the last); arrows, Home and End move; Escape closes it
 * and gives the focus back to the button; Tab or a click elsewhere closes it.
 */
export function MoreActionsMenu(props: {
  actions: MoreAction[];
  theme: ThemeChoice;
  onTheme(choice: ThemeChoice): void;
}) {
  const [open, setOpen] = useState(false);
  const [focusAt, setFocusAt] = useState<'first' | 'last'>('first');
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items = (): HTMLElement[] =>
    Array.from(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    const all = items();
    (focusAt === 'first' ? all[0] : all.at(-1))?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open, focusAt]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const openAt = (where: 'first' | 'last') => {
    setFocusAt(where);
    setOpen(true);
  };

  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openAt('first');
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      openAt('last');
    }
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move = (index: number) => all[(index + all.length) % all.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(all.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab') {
      setOpen(false);
      return;
    } else return;
    // the page's own shortcuts (j/k, Escape…) must not act on these keys too
    event.preventDefault();
    event.stopPropagation();
  };

  const choose = (run: () => void) => {
    close(true);
    run();
  };

  return (
    <div className="more-actions">
      <button
        ref={button}
        type="button"
        className="toolbar-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="more-actions-menu"
        data-testid="more-actions"
        onClick={() => (open ? close(false) : openAt('first'))}
        onKeyDown={onButtonKey}
      >
        {/* the arrow is drawn, not said: aria-haspopup tells a screen reader of the menu */}
        More actions <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          ref={menu}
          id="more-actions-menu"
          role="menu"
          aria-label="More actions"
          className="more-actions-menu"
          onKeyDown={onMenuKey}
        >
          {props.actions.map((action) => (
            <button
              key={action.label}
              type="button"
              tabIndex={-1}
              role={action.kind === 'toggle' ? 'menuitemcheckbox' : 'menuitem'}
              aria-checked={action.kind === 'toggle' ? action.checked : undefined}
              data-testid={action.testId}
              onClick={() => choose(action.run)}
            >
              <span className="menu-mark" aria-hidden="true">
                {action.kind === 'toggle' && action.checked ? '✓' : ''}
              </span>
              {action.label}
            </button>
          ))}
          <div role="group" aria-label="Theme" className="menu-group">
            <span className="menu-group-label" aria-hidden="true">
              Theme
            </span>
            {themeChoices.map((option) => (
              <button
                key={option.value}
                type="button"
                tabIndex={-1}
                role="menuitemradio"
                aria-checked={props.theme === option.value}
                data-testid={`theme-${option.value}`}
                onClick={() => choose(() => props.onTheme(option.value))}
              >
                <span className="menu-mark" aria-hidden="true">
                  {props.theme === option.value ? '●' : ''}
                </span>
                {option.label}
              </button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
