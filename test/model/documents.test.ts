/**
 * Per-state numbers have one shape in every JSON document (issue 15 §4): an object keyed by
 * netstat's state names, every state, zeros included, in print order (`StateMap`). Each
 * document is made for real (captured trees, text and pcap fixtures, a history file, serve's
 * builders over a sample) and walked: every `states` it holds, and watch's `deltas`, `rates`,
 * `since`, history's `min`, `max`, `mean`, must be that shape. Doctor's document is parsed with
 * its type, whose keys are checked against the document's.
 */
import { DEFAULT_CONFIG } from '../../src/sources/config.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countDocument, doctorDocument, socketsDocument } from '../../src/engine/documents.js';
import type { Sample } from '../../src/engine/sampler.js';
import type { SampleRow } from '../../src/history/sample-row.js';
import { openStore } from '../../src/history/store.js';
import { newCounts } from '../../src/model/count.js';
import { type DoctorDocument, type PcapConnectionDoc, type PcapDocument, type PcapEndpointDoc, type PcapFrameCounts, type PcapStepDoc, SCHEMAS } from '../../src/model/documents.js';
import { ALL_MASK, ESTABLISHED, LISTEN, PRINT_ORDER, stateName, TIME_WAIT } from '../../src/model/state.js';
import { liveSnapshot, scanOptions } from '../../src/snapshot.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const FIX = join(REPO, 'test', 'fixtures');
const NAMES = PRINT_ORDER.map(stateName);
const KEYS = new Set(['states', 'deltas', 'rates', 'since', 'min', 'max', 'mean']);
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-docs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Every per-state value in `doc`, with its path: keys in KEYS holding objects (or anything but null). */
function perState(doc: unknown, path = '$', out: { path: string; value: unknown }[] = []): { path: string; value: unknown }[] {
  if (Array.isArray(doc)) {
    for (const [i, v] of doc.entries()) perState(v, `${path}[${i}]`, out);
  } else if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'states' && v !== null && typeof v === 'object' && !Array.isArray(v) && 'change' in v) {
        // diff/2: a state map per side and for the change.
        for (const [side, m] of Object.entries(v)) out.push({ path: `${path}.states.${side}`, value: m });
      } else if (KEYS.has(k)) {
        // `states` whatever it holds; watch's and history's other keys when they hold numbers per state (history's `since` is a time).
        const perStateValue = k === 'states' ? v !== null && !(path === '$' && isNameList(v)) : v !== null && typeof v === 'object';
        if (perStateValue) out.push({ path: `${path}.${k}`, value: v });
      } else perState(v, `${path}.${k}`, out);
    }
  }
  return out;
}

/** history's top-level `states`: the names of the states each entry holds (checked apart). */
function isNameList(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function assertStateMap(path: string, v: unknown, schema: string): void {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${schema} ${path}: an object keyed by state, got ${JSON.stringify(v)?.slice(0, 80)}`);
  assert.deepEqual(Object.keys(v), NAMES, `${schema} ${path}: every state, in print order`);
  for (const [k, n] of Object.entries(v)) assert.equal(typeof n, 'number', `${schema} ${path}.${k}`);
}

/** Walk one document; `minimum` per-state values must be found (the document has them). */
function check(doc: { schema: string }, minimum: number): void {
  const found = perState(doc);
  assert.ok(found.length >= minimum, `${doc.schema}: ${found.length} per-state values, expected at least ${minimum}`);
  for (const f of found) assertStateMap(f.path, f.value, doc.schema);
}

async function json(args: string[], codes = [0]): Promise<{ schema: string }> {
  const r = await runMain(args);
  assert.ok(codes.includes(r.code), `${args.join(' ')}: ${r.code} ${r.stderr}`);
  return JSON.parse(r.stdout) as { schema: string };
}

function row(t: number, est: number): SampleRow {
  const counts = newCounts();
  counts[LISTEN] = 2;
  counts[ESTABLISHED] = est;
  counts[TIME_WAIT] = 1;
  return { t, intervalMs: 10_000, netns: '', source: 'synthetic', scanMs: 1, counts, groups: [], counterDeltas: new Map(), findings: [] };
}

test('every document writes its per-state numbers as one StateMap', async () => {
  const zoo = join(FIX, 'proc-zoo');
  const text = join(FIX, 'text');
  check(await json(['count', '--proc-root', zoo, '-a', '--by', 'lport', '--json']), 2);
  check(await json(['count', '--hosts', '--json', join(text, 'netstat-an.txt'), join(text, 'ss-tanpoieO.txt')]), 3);
  check(await json(['ls', '--proc-root', zoo, '--json']), 0);
  const diff = await json(['diff', '--json', join(text, 'netstat-an.txt'), join(text, 'busybox-an.txt')], [0, 1]);
  assert.equal(diff.schema, SCHEMAS.diff);
  check(diff, 3);
  check(await json(['pcap', '--json', join(FIX, 'pcap', 'eth-ns.pcap')]), 1);
  check(await json(['watch', '--json', '--count', '1', '--by', 'lport', '--proc-root', zoo]), 3);
  check(await json(['doctor', '--json', '--proc-root', join(FIX, 'proc-doctor', 'root')], [0, 1, 2]), 0);

  const db = join(tmp, 'h.db');
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
  const store = openStore(db, { write: true });
  for (let i = 0; i < 12; i++) store.writeRow(row(t0 + i * 10_000, 5 + i));
  store.close();
  const raw = (await json(['history', '--db', db, '--since', '1h', '--json'])) as { schema: string; shown: string[]; states?: unknown };
  assert.deepEqual(raw.shown, NAMES, 'history lists the states its entries hold');
  assert.equal(raw.states, undefined, 'no top-level list named states: the name is a state map everywhere');
  check(raw, 12);
  check(await json(['history', '--db', db, '--since', '1h', '--step', '1m', '--json']), 4);

  // serve's /api/v1/counts, /api/v1/sockets, /api/v1/doctor over a sample.
  const snap = await liveSnapshot('proc', scanOptions({ procRoot: zoo, tcp: true, udp: false, v4: true, v6: true, states: ALL_MASK, config: DEFAULT_CONFIG }));
  const s: Sample = { table: snap.table, source: snap.source, warnings: [], notices: [], takenAt: Date.now(), atMs: 0, scanMs: 0, totalMs: 1 };
  check(countDocument(s, { by: 'rport', top: 2 }), 2);
  check(socketsDocument(s, { limit: 3 }), 0);
  check(doctorDocument(s, undefined, 'this host'), 0);
});

test("doctor's document parses as its type: the same keys, the schema the model names", async () => {
  const doc = (await json(['doctor', '--json', '--proc-root', join(FIX, 'proc-doctor', 'root')], [0, 1, 2])) as DoctorDocument;
  assert.equal(doc.schema, SCHEMAS.doctor);
  // Every key the type declares (optional ones marked), checked against the printed document.
  const declared: Record<keyof DoctorDocument, boolean> = {
    schema: true,
    where: true,
    source: true,
    captured: true,
    samples: true,
    intervalMs: true,
    takenAt: false,
    sampleMs: false,
    worst: true,
    findings: true,
    checks: true,
    inputs: true,
    invalidInputs: true,
    warnings: true,
  };
  for (const k of Object.keys(doc)) assert.ok(k in declared, `undeclared key ${k}`);
  for (const [k, required] of Object.entries(declared)) if (required) assert.ok(k in doc, `missing key ${k}`);
  assert.ok(doc.findings.length > 0);
  for (const f of doc.findings) assert.deepEqual(Object.keys(f).sort(), ['evidence', 'explanation', 'id', 'metrics', 'nextSteps', 'severity', 'socketCount', 'sockets', 'subject', 'title']);
  assert.deepEqual(Object.keys(doc.inputs).sort(), ['counters', 'listenBacklogKnown', 'processes', 'sysctls']);
});

/** Every key a type declares (true: always present), against one printed object. */
function sameKeys(what: string, o: object, declared: Record<string, boolean>): void {
  for (const k of Object.keys(o)) assert.ok(k in declared, `${what}: undeclared key ${k}`);
  for (const [k, required] of Object.entries(declared)) if (required) assert.ok(k in o, `${what}: missing key ${k}`);
}

test("pcap's document parses as its type: the document, a connection, an end, a step and the frame counts", async () => {
  const doc = (await json(['pcap', '--json', '--timeline', join(FIX, 'pcap', 'eth-us.pcap')])) as PcapDocument;
  assert.equal(doc.schema, SCHEMAS.pcap);
  const top: Record<keyof PcapDocument, boolean> = {
    schema: true,
    file: true,
    connections: true,
    format: true,
    connectionCount: true,
    states: true,
    total: true,
    anomalies: true,
    frames: true,
    warnings: true,
  };
  sameKeys('document', doc, top);
  const conn: Record<keyof PcapConnectionDoc, boolean> = {
    id: true,
    family: true,
    orig: true,
    resp: true,
    originGuessed: true,
    start: true,
    relStart: true,
    duration: true,
    firstFrame: true,
    connState: true,
    history: true,
    anomalies: true,
    timeline: false,
  };
  const end: Record<keyof PcapEndpointDoc, boolean> = { address: true, port: true, state: true, how: true, packets: true, bytes: true, payload: true, timeWaitEnds: false };
  const step: Record<keyof PcapStepDoc, boolean> = { t: true, frame: true, endpoint: true, from: true, to: true, origin: false, how: true, event: true, row: true, why: true, segment: true };
  assert.ok(doc.connections.length > 0);
  let steps = 0;
  for (const c of doc.connections) {
    sameKeys(`connection ${c.id}`, c, conn);
    sameKeys(`connection ${c.id} orig`, c.orig, end);
    sameKeys(`connection ${c.id} resp`, c.resp, end);
    for (const s of c.timeline ?? []) {
      sameKeys(`connection ${c.id} step`, s, step);
      steps++;
    }
  }
  assert.ok(steps > 0, 'the timeline was written');
  const frames: Record<keyof PcapFrameCounts, boolean> = {
    frames: true,
    tcp: true,
    notIp: true,
    notTcp: true,
    unknownLink: true,
    headerCut: true,
    malformed: true,
    fragments: true,
    connections: true,
  };
  sameKeys('frames', doc.frames, frames);
  assert.equal(doc.total, doc.connections.length * 2, 'two ends a connection, each counted once by state');
});
