/**
 * What a history document carries beside the state counts, from the raw samples: the kernel
 * TCP counters' deltas, the state transitions counted in the kernel, doctor's findings. Each
 * is summed per raw sample or per step, with the seconds it covers (so rates are exact), and
 * absent where it is not known (the recorder's first sample, transitions not counted, doctor
 * not run): never a zero that was not measured.
 * @module
 */
import { say } from '../i18n/history.js';
import { TcpstateError } from '../model/errors.js';
import { stateName, type StateCode } from '../model/state.js';
import type { FindingSpan, HistoryDoc, HistorySample } from '../model/documents.js';
import { HOUR, MINUTE } from './schema.js';
import type { Database } from './sqlite.js';

/**
 * The counters shown unless asked otherwise: the ones that say a listener, a handshake or a
 * connection went wrong, and the opens they are read against.
 */
export const KEY_COUNTERS: readonly string[] = [
  'Tcp.ActiveOpens',
  'Tcp.PassiveOpens',
  'Tcp.AttemptFails',
  'Tcp.EstabResets',
  'Tcp.OutRsts',
  'Tcp.RetransSegs',
  'Tcp.InErrs',
  'TcpExt.ListenOverflows',
  'TcpExt.ListenDrops',
  'TcpExt.SyncookiesSent',
  'TcpExt.SyncookiesRecv',
  'TcpExt.SyncookiesFailed',
  'TcpExt.TCPReqQFullDrop',
  'TcpExt.TCPReqQFullDoCookies',
  'TcpExt.TCPBacklogDrop',
  'TcpExt.TCPTimeouts',
  'TcpExt.TCPAbortOnData',
  'TcpExt.TCPAbortOnClose',
  'TcpExt.TCPAbortOnMemory',
  'TcpExt.TCPAbortOnTimeout',
  'TcpExt.TCPAbortOnLinger',
  'TcpExt.TCPAbortFailed',
  'TcpExt.TW',
  'TcpExt.TCPTimeWaitOverflow',
];

/** Which counters a document reports: the key ones, all stored, none, or these names. */
export type CounterSelection = 'key' | 'all' | 'none' | readonly string[];

/** `FROM->TO` in netstat's spelling: a transitions map's key. */
export function pairKey(pair: number): string {
  return `${stateName((pair >> 4) as StateCode)}->${stateName((pair & 15) as StateCode)}`;
}

type Rows = IterableIterator<unknown[]>;

/** Fill `doc`'s samples (raw, or steps of `doc.step`) and document-level fields from the raw samples of `netns` in the doc's range. */
export function attachExtras(db: Database, doc: HistoryDoc, netns: string, since: number, until: number, counters: CounterSelection): void {
  const stepMs = doc.step === null ? undefined : doc.step * 1000;
  const byT = new Map<number, HistorySample>();
  for (const s of doc.samples) byT.set(s.t, s);
  const target = (t: number): HistorySample | undefined => byT.get(stepMs === undefined ? t : Math.floor(t / stepMs) * stepMs);
  const range = 'WHERE s.netns = ? AND s.t >= ? AND s.t <= ?';
  // A version 1 file (read, not migrated) says the same through its rows: deltas run from the
  // sample before, doctor ran where findings were kept; it counted no transitions.
  const version = Number(db.pragma('user_version', { simple: true }));
  const v1 = version < 2;
  const countersFrom = v1 ? '(CASE WHEN EXISTS(SELECT 1 FROM counters k WHERE k.sample = s.id) THEN (SELECT max(p.t) FROM samples p WHERE p.netns = s.netns AND p.t < s.t) END)' : 's.counters_from';
  const wasChecked = v1 ? 'EXISTS(SELECT 1 FROM findings g WHERE g.sample = s.id)' : 's.findings_checked = 1';

  if (counters !== 'none') {
    const names = new Map<number, string>();
    for (const r of db.prepare('SELECT id, name FROM counter_names').all()) names.set(r['id'] as number, r['name'] as string);
    const wanted = counters === 'key' ? KEY_COUNTERS : counters === 'all' ? undefined : resolveCounters(counters, [...names.values()]);
    const ids = wanted === undefined ? undefined : [...names].filter(([, n]) => wanted.includes(n)).map(([id]) => id);
    const only = ids === undefined ? '' : ` AND c.name IN (${ids.join(',') || '-1'})`;
    doc.counters = wanted === undefined ? [...names.values()].sort() : [...wanted];
    if (doc.tier !== 'raw' && version >= 3) {
      // Steps of whole rollup buckets: the sums the writer kept per bucket.
      const step = doc.tier === 'hour' ? HOUR : MINUTE;
      const from = Math.floor(since / stepMs!) * stepMs!;
      for (const r of db
        .prepare('SELECT t, counter_ms FROM rollups WHERE step = ? AND netns = ? AND t >= ? AND t <= ? AND counter_ms IS NOT NULL')
        .raw(true)
        .iterate(step, netns, from, until) as Rows) {
        const x = target(r[0] as number);
        if (!x) continue;
        x.counters ??= {};
        x.counterSeconds = round3((x.counterSeconds ?? 0) + (r[1] as number) / 1000);
      }
      for (const r of db.prepare(`SELECT t, name, sum FROM counter_rollups c WHERE step = ? AND netns = ? AND t >= ? AND t <= ?${only}`).raw(true).iterate(step, netns, from, until) as Rows) {
        const x = target(r[0] as number);
        if (!x?.counters) continue;
        const name = names.get(r[1] as number)!;
        x.counters[name] = (x.counters[name] ?? 0) + (r[2] as number);
      }
    } else {
      const stmt = db
        .prepare(`SELECT s.id, s.t, ${countersFrom} AS cf, c.name, c.delta FROM samples s LEFT JOIN counters c ON c.sample = s.id${only} ${range} AND cf IS NOT NULL ORDER BY s.t`)
        .raw(true);
      let lastId = -1;
      for (const r of stmt.iterate(netns, since, until) as Rows) {
        const x = target(r[1] as number);
        if (!x) continue;
        if (r[0] !== lastId) {
          lastId = r[0] as number;
          x.counters ??= {};
          x.counterSeconds = round3((x.counterSeconds ?? 0) + ((r[1] as number) - (r[2] as number)) / 1000);
        }
        if (r[3] !== null) {
          const name = names.get(r[3] as number)!;
          x.counters![name] = (x.counters![name] ?? 0) + (r[4] as number);
        }
      }
    }
  }

  const tstmt = v1
    ? undefined
    : db.prepare(`SELECT s.id, s.t, s.trans_from, s.trans_to, x.pair, x.count FROM samples s LEFT JOIN transitions x ON x.sample = s.id ${range} AND s.trans_from IS NOT NULL ORDER BY s.t`).raw(true);
  let lastId = -1;
  let counted = 0;
  for (const r of (tstmt?.iterate(netns, since, until) ?? []) as Rows) {
    const x = target(r[1] as number);
    if (!x) continue;
    if (r[0] !== lastId) {
      lastId = r[0] as number;
      counted++;
      x.transitions ??= {};
      x.transitionSeconds = round3((x.transitionSeconds ?? 0) + ((r[3] as number) - (r[2] as number)) / 1000);
    }
    if (r[4] !== null) {
      const k = pairKey(r[4] as number);
      x.transitions![k] = (x.transitions![k] ?? 0) + (r[5] as number);
    }
  }
  const total = Number(db.prepare(`SELECT count(*) AS n FROM samples s ${range}`).get(netns, since, until)?.['n'] ?? 0);
  const noted = v1 ? say('oldRecorder').text : (db.prepare("SELECT value FROM meta WHERE key = 'transitions_unavailable'").get()?.['value'] as string | undefined);
  // The file keeps the recorder's note in English: tcpstate's own are said again in the user's language, any other quoted.
  const ours = (['oldRecorder', 'serveNoTransitions'] as const).find((k) => say(k).text === noted);
  if (counted < total) {
    doc.transitionsUnavailable = say('transitionsUncounted', total - counted, total, noted ?? '').text;
    const parts: HistoryDoc['transitionsUncounted'] = { samples: total - counted, of: total, note: noted ?? '', ...(ours ? { ours } : {}) };
    Object.defineProperty(doc, 'transitionsUncounted', { value: parts, enumerable: false });
  }

  const fstmt = db.prepare(`SELECT s.id, s.t, f.rule, f.severity, f.title FROM samples s LEFT JOIN findings f ON f.sample = s.id ${range} AND ${wasChecked} ORDER BY s.t`).raw(true);
  const spans = new Map<string, FindingSpan>();
  let checked = 0;
  lastId = -1;
  for (const r of fstmt.iterate(netns, since, until) as Rows) {
    const t = r[1] as number;
    const x = target(t);
    if (r[0] !== lastId) {
      lastId = r[0] as number;
      checked++;
      if (x) x.findings ??= [];
    }
    if (r[2] === null) continue;
    const f = { rule: r[2] as string, severity: r[3] as string, title: r[4] as string };
    if (x && !x.findings!.some((g) => g.rule === f.rule && g.title === f.title)) x.findings!.push(f);
    const key = `${f.rule}\0${f.title}`;
    const span = spans.get(key);
    const iso = new Date(t).toISOString();
    if (span) {
      span.last = iso;
      span.samples++;
    } else spans.set(key, { ...f, first: iso, last: iso, samples: 1 });
  }
  doc.findingsChecked = checked;
  doc.findings = [...spans.values()];
}

/** Names as given to `--counters` to stored names: `Section.Name`, or a bare name in Tcp or TcpExt. */
function resolveCounters(asked: readonly string[], known: string[]): string[] {
  return asked.map((a) => {
    const hit = a.includes('.') ? known.find((k) => k === a) : (known.find((k) => k === `Tcp.${a}`) ?? known.find((k) => k === `TcpExt.${a}`));
    if (hit === undefined) throw new TcpstateError('ERR_USAGE', say('noCounter', a, known.length ? known.sort().join(', ') : say('noneYet')), { field: '--counters' });
    return hit;
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
