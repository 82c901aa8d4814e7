/**
 * The left rail's tab bar (WAI-ARIA tabs: roving focus, ←/→/Home/End move and select). A tab is
 * one entry of the list the rail passes in, so adding one is one line there.
 */
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface RailTab<Id extends string = string> {
  id: Id;
  label: string;
  panel: () => ReactNode;
}

export const tabId = (id: string) => `rail-tab-${id}`;
export const panelId = (id: string) => `rail-panel-${id}`;

export function RailTabs<Id extends string>({
  tabs,
  active,
  onSelect,
}: {
  tabs: readonly RailTab<Id>[];
  active: Id;
  onSelect(id: Id): void;
}) {
  const listRef = useRef<HTMLDivElement>(null);
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    // The page's own arrow shortcut (→ = Step) must not fire while moving between tabs.
    e.preventDefault();
    e.stopPropagation();
    const t = tabs[next]!;
    onSelect(t.id);
    listRef.current?.querySelector<HTMLButtonElement>(`#${tabId(t.id)}`)?.focus();
  };
  return (
    <div className="rail-tabs" role="tablist" aria-label="Settings" ref={listRef}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={tabId(t.id)}
          aria-selected={t.id === active}
          aria-controls={panelId(t.id)}
          tabIndex={t.id === active ? 0 : -1}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The active tab's panel (only the active one is mounted: the rail keeps one scroll). */
export function RailPanel<Id extends string>({ tabs, active }: { tabs: readonly RailTab<Id>[]; active: Id }) {
  const t = tabs.find((x) => x.id === active) ?? tabs[0]!;
  return (
    <div className="rail-panel" role="tabpanel" id={panelId(t.id)} aria-labelledby={tabId(t.id)}>
      {t.panel()}
    </div>
  );
}
