/**
 * The table behind the charts: the same per-second rows the charts draw, always in the DOM for
 * screen readers, shown on screen with "Show data".
 */
import { useEffect, useState } from 'react';
import type { SeriesRow } from '../../bridge/engine';
import { useServices } from '../context';
import { duration } from '../format';
import './a11y.css';

const ROWS = 60;

export function ChartData() {
  const { controller } = useServices();
  const [shown, setShown] = useState(false);
  const [rows, setRows] = useState<SeriesRow[]>([]);
  useEffect(() => {
    let version = -1;
    const tick = () => {
      const w = controller.world;
      if (w.seriesVersion === version) return;
      version = w.seriesVersion;
      setRows(w.series.slice(-ROWS));
    };
    tick();
    // Once a second is plenty for a table someone reads; the charts themselves update faster.
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [controller]);
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  return (
    <div className="chart-data">
      <button
        type="button"
        aria-expanded={shown}
        aria-controls="chart-data-panel"
        onClick={() => setShown(!shown)}
      >
        {shown ? 'Hide data' : 'Show data'}
      </button>
      <div id="chart-data-panel" className={shown ? 'chart-data-panel shown' : 'chart-data-panel sr-only'}>
        <table data-testid="chart-data-table">
          <caption>Chart data: one row per simulated second (last {ROWS} s)</caption>
          <thead>
            <tr>
              <th scope="col">Second</th>
              <th scope="col">Latency p50</th>
              <th scope="col">Latency p99</th>
              <th scope="col">DB reads/s</th>
              <th scope="col">DB writes/s</th>
              <th scope="col">Rejected/s</th>
              <th scope="col">Reconnects/s</th>
              <th scope="col">Broker msgs/s</th>
              <th scope="col">Connections</th>
              <th scope="col">Lost/s</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.tS}>
                <th scope="row">{r.tS}</th>
                <td>{r.latencyP50Ms > 0 ? duration(r.latencyP50Ms) : '—'}</td>
                <td>{r.latencyP99Ms > 0 ? duration(r.latencyP99Ms) : '—'}</td>
                <td>{int(r.dbReads)}</td>
                <td>{int(r.dbWrites)}</td>
                <td>{int(r.dbRejected)}</td>
                <td>{int(r.reconnects)}</td>
                <td>{int(r.brokerMessages)}</td>
                <td>{int(r.connections)}</td>
                <td>{int(r.lostDeliveries)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
