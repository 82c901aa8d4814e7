/** Keyboard shortcuts (issue 3): Space, →, + / −, D, 1–4, ?, Esc. */
import { useEffect } from 'react';
import type { AppStore } from '../store/store';
import type { Controller } from './controller';
import { getViewFlags } from './compare/mode';
import { compareKeys } from './compare/snapshot';
import { STRATEGY_ORDER } from './strategies';

const COMPARE_KEYS = new Set([' ', '+', '=', '-', '_', '1', '2', '3', '4']);

export function useKeyboard(store: AppStore, controller: Controller): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const tag = t?.tagName;
      const type = tag === 'INPUT' ? (t as HTMLInputElement).type : '';
      // Controls keep their own keys: typing in fields, arrows on sliders and radios, Space on
      // buttons and radios. Everything else on them (digits, +/−, ?) is still a shortcut.
      if (tag === 'TEXTAREA' || tag === 'SELECT' || t?.isContentEditable) return;
      if (tag === 'INPUT' && type !== 'range' && type !== 'radio' && type !== 'checkbox') return;
      const nav = e.key.startsWith('Arrow') || ['Home', 'End', 'PageUp', 'PageDown'].includes(e.key);
      if ((type === 'range' || type === 'radio') && (nav || e.key === ' ')) return;
      // Compare mode drives its own four runs: Space, + and − go there, not to the paused single
      // run; the strategy digits mean nothing there (a digit would restart all four runs).
      if (getViewFlags().mode === 'compare' && COMPARE_KEYS.has(e.key)) {
        if (e.key === ' ' && (tag === 'BUTTON' || t?.getAttribute('role') === 'button')) return;
        if (compareKeys.current?.(e.key)) e.preventDefault();
        return;
      }
      const st = store.getState();
      switch (e.key) {
        case ' ':
          if (tag === 'BUTTON' || t?.getAttribute('role') === 'button') return;
          e.preventDefault();
          st.togglePlaying();
          break;
        case 'ArrowRight':
          e.preventDefault();
          controller.step();
          break;
        case '+':
        case '=':
          controller.addServer();
          break;
        case '-':
        case '_':
          controller.removeServer();
          break;
        case 'd':
        case 'D':
          // A held key repeats: one deploy per press (a second press while it rolls is refused).
          // Compare mode has no deploy: its lanes compare scaling, not releases.
          if (!e.repeat && getViewFlags().mode !== 'compare') controller.deploy();
          break;
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
          st.setStrategy(STRATEGY_ORDER[Number(e.key) - 1]!);
          break;
        case '?':
          st.setShowHelp(!st.showHelp);
          break;
        case 'Escape':
          if (st.showHelp) st.setShowHelp(false);
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, controller]);
}
