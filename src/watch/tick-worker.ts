/**
 * The watch's sampling thread: each request reads the kernel once, the cheapest way `count`
 * does (src/snapshot.ts countLive: the BPF tcp state walk where it runs, else a sock_diag
 * dump counted without rows), and rows only when groups are shown. The main thread never
 * blocks on a read, and the native calls (setns, the walk) stay on this thread.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { countStates, GroupCounter, newCounts, parseGroupKey } from '../model/count.js';
import { isTcpstateError } from '../model/errors.js';
import { parseFilter, selector } from '../model/filter.js';
import { ALL_MASK } from '../model/state.js';
import { SocketTable } from '../model/table.js';
import { countLive, hiddenNotice, scanLive } from '../snapshot.js';
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
  const counts = newCounts();
  if (r.by === undefined) {
    const c = await countLive(r.source, scan, counts, keep, !f.expr);
    return {
      id: r.id,
      ok: true,
      counts: [...counts],
      takenAt,
      atMs,
      source: c.source,
      ...(c.method ? { method: c.method } : {}),
      scanMs: performance.now() - t0,
      warnings: c.warnings,
      notices: c.notices,
    };
  }
  const key = parseGroupKey(r.by, '--by');
  const groups = new GroupCounter(key);
  const rows = key.by === 'process' ? new SocketTable(4096) : undefined;
  const s = await scanLive(r.source, scan, (chunk) => {
    countStates(chunk, keep, counts);
    if (rows) {
      for (let i = 0; i < chunk.length; i++) if (!keep || keep(chunk, i)) rows.copyRow(chunk, i);
    } else groups.add(chunk, keep);
  });
  const notices = [...s.notices];
  const warnings = [...s.warnings];
  if (rows) {
    const owners = await (await import('../sources/owners.js')).ownerSource(scan).start().done();
    rows.owners = owners.owners;
    warnings.push(...owners.warnings);
    if (owners.hidden > 0) notices.push(hiddenNotice(owners.hidden));
    groups.add(rows, undefined);
  }
  const top = groups.top(r.top ?? 10).map((g) => ({ key: g.key, counts: [...g.counts], total: g.total }));
  return { id: r.id, ok: true, counts: [...counts], takenAt, atMs, source: s.source, scanMs: performance.now() - t0, warnings, notices, groups: top };
}

port.on('message', (m: TickRequest | { close: true }) => {
  if ('close' in m) {
    port.close();
    return;
  }
  take(m).then(
    (reply) => port.postMessage(reply),
    (e: unknown) => {
      port.postMessage(
        isTcpstateError(e)
          ? { id: m.id, ok: false, error: { code: e.code, message: e.message, where: { ...e.where } } }
          : { id: m.id, ok: false, error: { code: 'ERR_IO', message: (e as Error).message ?? String(e), where: {} } },
      );
    },
  );
});
