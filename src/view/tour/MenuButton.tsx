/**
 * A button that opens a menu of choices (WAI-ARIA menu button): arrows move between items, Enter
 * picks, Esc closes and returns focus to the button. Opens upwards: it lives under the stage.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface MenuItem {
  id: string;
  label: string;
  hint?: string;
}

export function MenuButton(props: {
  label: string;
  icon?: ReactNode;
  title: string;
  items: readonly MenuItem[];
  onPick(id: string): void;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const btn = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!list.current?.contains(t) && !btn.current?.contains(t)) setOpen(false);
    };
    window.addEventListener('pointerdown', onDown);
    return () => window.removeEventListener('pointerdown', onDown);
  }, [open]);

  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) btn.current?.focus();
  };

  return (
    <div className={`menu-wrap ${props.className ?? ''}`}>
      <button
        ref={btn}
        type="button"
        className="class-btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={props.title}
        onClick={() => setOpen((o) => !o)}
      >
        {props.icon}
        <span>{props.label}</span>
      </button>
      {open ? (
        <div
          ref={list}
          id={menuId}
          className="menu"
          role="menu"
          aria-label={props.label}
          onKeyDown={(e) => {
            const items = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
            const i = items.indexOf(document.activeElement as HTMLElement);
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close(true);
            } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const n = items.length;
              items[(i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n]?.focus();
            } else if (e.key === 'Home' || e.key === 'End') {
              e.preventDefault();
              items[e.key === 'Home' ? 0 : items.length - 1]?.focus();
            } else if (e.key === 'Tab') {
              close(false);
            }
          }}
        >
          {props.items.map((it) => (
            <button
              key={it.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close(true);
                props.onPick(it.id);
              }}
            >
              <span className="menu-label">{it.label}</span>
              {it.hint ? <span className="menu-hint">{it.hint}</span> : null}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
