/**
 * The watch's sampling thread: each request reads the kernel once, the way `count` does and
 * through the same function (src/report/count.ts countLiveTable: the BPF tcp state walk where
 * it runs, else a sock_diag dump counted without rows), and rows only when groups are shown. The main thread never
 * blocks on a read, and the native calls (setns, the walk) stay on this thread.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { errorToWire, warningsToWire } from '../model/wire.js';
import { parseFilter, selector } from '../model/filter.js';
import { ALL_MASK } from '../model/state.js';
import { countLiveTable, countPlan, DEFAULT_TOP } from '../report/count.js';
import type { TickReply, TickRequest } from './ticker.js';

const port = parentPort!;
const now = (): number => performance.timeOrigin + performance.now();

async function take(r: TickRequest): Promise<TickReply> {
  const takenAt = Date.now();
  const atMs = now();
  const t0 = performance.now();
  const f = parseFilter(r.filter);
  // The states are the selection's (defaults, -l, the filter's state words): made on the main thread.
  const scan = r.scan;
  const states = scan.states;
  const keep = states === ALL_MASK && !f.expr ? undefined : selector(states, f.expr);
  // count's assembly (src/report/count.ts); `by` was checked on the main thread.
  const plan = countPlan(r.by === undefined ? {} : { by: r.by, top: r.top ?? DEFAULT_TOP });
  const c = await countLiveTable(r.source, scan, plan, keep, { statesOnly: !f.expr });
  const groups = c.report.groups?.map((g) => ({ key: g.key, counts: [...g.counts], total: g.total }));
  return {
    id: r.id,
    ok: true,
    counts: [...c.report.counts],
    takenAt,
    atMs,
    source: c.source,
    ...(c.method ? { method: c.method } : {}),
    scanMs: performance.now() - t0,
    warnings: warningsToWire(c.warnings),
    notices: c.notices,
    ...(groups ? { groups } : {}),
  };
}

port.on('message', (m: TickRequest | { close: true }) => {
  if ('close' in m) {
    port.close();
    return;
  }
  take(m).then(
    (reply) => port.postMessage(reply),
    (e: unknown) => {
      port.postMessage({ id: m.id, ok: false, error: errorToWire(e) } satisfies TickReply);
    },
  );
});
