/**
 * A PNG of what is on screen inside `root`: every SVG is serialised with its computed styles
 * inlined (page CSS and CSS variables do not reach an SVG drawn as an image), drawn at its place,
 * and every canvas (the moving dots) is copied on top. Nothing leaves the browser.
 */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linecap',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
] as const;

function inlineStyles(src: Element, dst: Element): void {
  const cs = getComputedStyle(src);
  const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
  // Through the CSSOM, not setAttribute: the page's CSP forbids inline style attributes.
  (dst as SVGElement | HTMLElement).style.cssText = style;
  const a = src.children;
  const b = dst.children;
  for (let i = 0; i < a.length && i < b.length; i++) inlineStyles(a[i]!, b[i]!);
}

function svgImage(svg: SVGSVGElement, w: number, h: number): Promise<HTMLImageElement> {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('could not render the SVG'));
    };
    img.src = url;
  });
}

/** Button glyphs and other icons are UI, not the picture. */
const ICON_MAX_PX = 24;
const CAPTION_PX = 28;

export async function renderPng(
  root: HTMLElement,
  caption = '',
  scale = window.devicePixelRatio || 1,
): Promise<Blob> {
  const box = root.getBoundingClientRect();
  const extra = caption ? CAPTION_PX : 0;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(box.width * scale));
  canvas.height = Math.max(1, Math.round((box.height + extra) * scale));
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  const css = getComputedStyle(document.documentElement);
  ctx.fillStyle = css.getPropertyValue('--bg').trim() || '#0d1117';
  ctx.fillRect(0, 0, box.width, box.height + extra);
  if (caption) {
    // The scenario travels with the picture, so a slide states what it shows.
    ctx.fillStyle = css.getPropertyValue('--muted').trim() || '#9aa6b2';
    ctx.font = `13px ${getComputedStyle(root).fontFamily}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(caption, 12, box.height + extra / 2, box.width - 24);
  }
  // Document order is paint order for siblings: canvases laid over SVGs stay on top.
  const layers = root.querySelectorAll<SVGSVGElement | HTMLCanvasElement>('svg, canvas');
  for (const el of layers) {
    if (el instanceof SVGSVGElement && el.ownerSVGElement) continue; // nested: drawn with its parent
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    if (el instanceof SVGSVGElement && r.width <= ICON_MAX_PX && r.height <= ICON_MAX_PX) continue;
    const x = r.left - box.left;
    const y = r.top - box.top;
    try {
      if (el instanceof HTMLCanvasElement) ctx.drawImage(el, x, y, r.width, r.height);
      else ctx.drawImage(await svgImage(el, r.width, r.height), x, y, r.width, r.height);
    } catch {
      // One layer failing to render should not cost the whole picture.
    }
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'),
  );
}
