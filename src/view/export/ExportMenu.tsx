/**
 * Export and share, one menu in the top bar: a PNG of the current view, the per-second series and
 * (in compare mode) the comparison table as CSV or JSON, and the scenario link to copy.
 */
import { useRef, useState } from 'react';
import { resultInWorker } from '../../bridge/client';
import { normalizeScenario } from '../../bridge/engine';
import { useServices } from '../context';
import { compareSnapshot } from '../compare/snapshot';
import { useViewFlags } from '../compare/mode';
import { compareCsv, fileStem, seriesCsv, uniqueSeconds } from './csv';
import { downloadBlob, downloadText } from './download';
import { renderPng } from './png';
import { ShareIcon } from '../ui/icons';
import { STRATEGY_LABEL } from '../../content/compare';
import { readScenarioText, scenarioFileText } from '../../store/scenarioFile';
import './export.css';

export function ExportMenu() {
  const { store, controller } = useServices();
  const { mode } = useViewFlags();
  const ref = useRef<HTMLDetailsElement>(null);
  const [link, setLink] = useState('');
  const [status, setStatus] = useState('');
  const compare = mode === 'compare';
  const stem = (kind: string) => {
    const s = store.getState().scenario;
    return fileStem(compare ? { ...s, strategy: 'compare' } : s, kind);
  };
  const done = (msg: string) => {
    setStatus(msg);
    if (ref.current) ref.current.open = false;
  };

  const png = async () => {
    const root = document.querySelector<HTMLElement>(compare ? '.compare-view' : '.main');
    if (!root) return;
    setStatus('Rendering…');
    try {
      const s = store.getState().scenario;
      const t = compare ? '' : ` · t = ${(store.getState().summary?.simTimeS ?? 0).toFixed(1)} s`;
      const what = compare ? 'all five strategies' : STRATEGY_LABEL[s.strategy];
      const caption = `HopScope · ${what} · ${s.users.toLocaleString('en-US')} users · ${s.messagesPerUserPerMin} msg/min · seed ${s.seed}${t}`;
      downloadBlob(`${stem('view')}.png`, await renderPng(root, caption));
      done('PNG saved');
    } catch (e) {
      setStatus(`PNG failed: ${(e as Error).message}`);
    }
  };
  const series = (fmt: 'csv' | 'json') => {
    if (compare) {
      const lanes = compareSnapshot.current?.lanes ?? [];
      if (fmt === 'csv') {
        const parts = lanes.map((l, i) => {
          const csv = seriesCsv(l.series, l.strategy);
          return i === 0 ? csv : csv.slice(csv.indexOf('\r\n') + 2);
        });
        downloadText(`${stem('series')}.csv`, parts.join(''), 'text/csv');
      } else {
        const out = Object.fromEntries(lanes.map((l) => [l.strategy, uniqueSeconds(l.series)]));
        downloadText(`${stem('series')}.json`, JSON.stringify(out, null, 1), 'application/json');
      }
    } else {
      const rows = controller.world.series;
      if (fmt === 'csv') downloadText(`${stem('series')}.csv`, seriesCsv(rows), 'text/csv');
      else
        downloadText(
          `${stem('series')}.json`,
          JSON.stringify({ scenario: store.getState().scenario, series: uniqueSeconds(rows) }, null, 1),
          'application/json',
        );
    }
    done(`Series ${fmt.toUpperCase()} saved`);
  };
  const table = (fmt: 'csv' | 'json') => {
    const snap = compareSnapshot.current;
    if (!snap) return setStatus('No comparison yet');
    if (fmt === 'csv') downloadText(`${stem('table')}.csv`, compareCsv(snap.rows, snap.verdicts), 'text/csv');
    else
      downloadText(
        `${stem('table')}.json`,
        JSON.stringify(
          {
            scenario: store.getState().scenario,
            rows: snap.rows.map((r) => ({ ...r, verdict: snap.verdicts.get(r.strategy) ?? '' })),
          },
          null,
          1,
        ),
        'application/json',
      );
    done(`Table ${fmt.toUpperCase()} saved`);
  };
  // The whole scenario (with the actions taken so far) run to its duration in a worker of its own:
  // the same Result JSON the command line prints for this scenario and seed.
  const [computing, setComputing] = useState(false);
  const result = async () => {
    setComputing(true);
    setStatus('Running the scenario to its end…');
    try {
      const scenario = normalizeScenario(structuredClone(store.getState().scenario));
      const r = await resultInWorker(scenario);
      downloadText(`${stem('result')}.json`, `${JSON.stringify(r, null, 2)}\n`, 'application/json');
      done('Result saved');
    } catch (e) {
      setStatus(`Result failed: ${(e as Error).message}`);
    } finally {
      setComputing(false);
    }
  };
  const fileRef = useRef<HTMLInputElement>(null);
  const saveScenario = () => {
    downloadText(`${stem('scenario')}.json`, scenarioFileText(store.getState().scenario), 'application/json');
    done('Scenario saved');
  };
  const openScenario = async (file: File) => {
    const st = store.getState();
    try {
      const s = readScenarioText(file.name, await file.text());
      // The file replaces the whole scenario, its actions included; the run restarts at t = 0.
      if (st.replaceScenario(s)) {
        st.pushNotice(`Opened ${file.name}: a new run from t = 0.`, 'info');
        done(`Opened ${file.name}`);
      }
    } catch (e) {
      // The same one line the command line prints, naming the field; the scenario is unchanged.
      st.pushNotice(`Could not open ${file.name}: ${(e as Error).message}`);
      setStatus('Scenario not opened');
    }
  };
  const copy = () => {
    const url = window.location.href;
    setLink(url);
    const ok = () => setStatus('Link copied');
    const manual = () => setStatus('Select the link above and copy it');
    if (navigator.clipboard) navigator.clipboard.writeText(url).then(ok, manual);
    else manual();
  };

  return (
    <details
      className="export-menu"
      ref={ref}
      // Opening the menu is the one click that shares: the link is copied and shown.
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open) copy();
      }}
    >
      <summary className="share" title="Copy the link to this scenario; export a picture or the numbers">
        <ShareIcon />
        <span className="share-label">Share</span>
      </summary>
      <div className="export-panel" role="group" aria-label="Share and export">
        <label className="export-link">
          Scenario link
          <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        </label>
        <button type="button" onClick={copy}>
          Copy link
        </button>
        <p className="export-status" role="status">
          {status}
        </p>
        <button
          type="button"
          title="A JSON file with this scenario and its actions (the same format as npm run sim -- --scenario)"
          onClick={saveScenario}
        >
          Save scenario…
        </button>
        <button
          type="button"
          title="Load a scenario JSON file (as saved here, or from scenarios/)"
          onClick={() => fileRef.current?.click()}
        >
          Open scenario…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Scenario file"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) void openScenario(f);
          }}
        />
        <button type="button" onClick={() => void png()}>
          PNG image of the view
        </button>
        <button type="button" onClick={() => series('csv')}>
          Series CSV
        </button>
        <button type="button" onClick={() => series('json')}>
          Series JSON
        </button>
        {compare ? null : (
          <button
            type="button"
            disabled={computing}
            title="Run this scenario to its end and save the Result JSON (what the command line prints)"
            onClick={() => void result()}
          >
            Save result…
          </button>
        )}
        {compare ? (
          <>
            <button type="button" onClick={() => table('csv')}>
              Comparison table CSV
            </button>
            <button type="button" onClick={() => table('json')}>
              Comparison table JSON
            </button>
          </>
        ) : null}
      </div>
    </details>
  );
}
