/**
 * Recorded history as OpenMetrics text with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics FILE DIR` (back-filling a Prometheus).
 * Series by series (each metric family contiguous, each series' samples in time order), so
 * promtool reads it in one pass; written in pieces, never held whole.
 * @module
 */
import { stateLabel } from '../model/state.js';
import { STATE_COLUMNS } from './schema.js';
import { namespaces } from './query.js';
import type { Database } from './sqlite.js';

/** Label value escaping (backslash, quote, newline). */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Write `tcpstate_sockets{state[,netns]}` for every raw sample in [since, until], then `# EOF`. */
export function exportOpenMetrics(db: Database, q: { since: number; until: number; netns?: string }, write: (text: string) => void): number {
  let n = 0;
  let buf = '# HELP tcpstate_sockets TCP sockets by state, recorded by tcpstate record.\n# TYPE tcpstate_sockets gauge\n';
  const all = q.netns === undefined ? namespaces(db) : [q.netns];
  for (const netns of all) {
    for (const s of STATE_COLUMNS) {
      const labels = `{state="${stateLabel(s.code)}"${netns ? `,netns="${esc(netns)}"` : ''}}`;
      const stmt = db.prepare(`SELECT t, "${s.col}" FROM samples WHERE netns = ? AND t >= ? AND t <= ? ORDER BY t`).raw(true);
      for (const r of stmt.iterate(netns, q.since, q.until) as IterableIterator<[number, number]>) {
        buf += `tcpstate_sockets${labels} ${r[1]} ${(r[0] / 1000).toFixed(3)}\n`;
        n++;
        if (buf.length > 1 << 20) {
          write(buf);
          buf = '';
        }
      }
    }
  }
  write(buf + '# EOF\n');
  return n;
}
