/**
 * Marks a scrolling panel whose content continues below its bottom edge (`data-more`), so the
 * page can say so: headless and overlay scrollbars show nothing until touched (issue 9, item 9).
 */
import { useEffect, useRef } from 'react';

export function useMoreBelow<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => {
      const more = el.scrollTop + el.clientHeight < el.scrollHeight - 1;
      if (more) el.dataset.more = '1';
      else delete el.dataset.more;
    };
    check();
    el.addEventListener('scroll', check, { passive: true });
    const ro = new ResizeObserver(check);
    ro.observe(el);
    for (const c of Array.from(el.children)) ro.observe(c);
    const mo = new MutationObserver(() => {
      for (const c of Array.from(el.children)) ro.observe(c);
      check();
    });
    mo.observe(el, { childList: true, subtree: true });
    return () => {
      el.removeEventListener('scroll', check);
      ro.disconnect();
      mo.disconnect();
    };
  }, []);
  return ref;
}
