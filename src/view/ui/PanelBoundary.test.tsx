import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PanelBoundary } from './PanelBoundary';

describe('PanelBoundary', () => {
  it('renders its panel while nothing has failed', () => {
    const html = renderToStaticMarkup(
      <PanelBoundary name="The charts" className="area-charts">
        <section className="charts">ok</section>
      </PanelBoundary>,
    );
    expect(html).toBe('<section class="charts">ok</section>');
  });

  it('after a render error: one line naming the panel and the error, in its grid area, and a retry', () => {
    const state = PanelBoundary.getDerivedStateFromError(
      new Error('cannot read x\n    at Metrics (Metrics.tsx:12)'),
    );
    expect(state).toEqual({ error: 'cannot read x' });
    const b = new PanelBoundary({ name: 'The metrics panel', className: 'area-right', children: null });
    b.state = state;
    const html = renderToStaticMarkup(<>{b.render()}</>);
    expect(html).toContain('class="panel-failed area-right"');
    expect(html).toContain('role="alert"');
    expect(html).toContain('The metrics panel stopped: cannot read x.');
    expect(html).toContain('>Try again</button>');
    expect(html).not.toContain('Metrics.tsx:12');
  });
});
