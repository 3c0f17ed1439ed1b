import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeState } from '../../src/fsm/machine.js';
import { ROWS } from '../../src/fsm/rfc9293.js';
import { findScenario, SCENARIOS } from '../../src/fsm/scenarios.js';
import { parseScript, runScript, type World } from '../../src/fsm/simulate.js';
import { runCli } from '../lib/netns.js';
import { cli } from './cli.js';
import { assertGolden as golden, DETERMINISTIC_ENV as goldenEnv } from '../lib/golden.js';

function run(name: string): World {
  const s = findScenario(name);
  assert.ok(s, `scenario ${name} exists`);
  return runScript(parseScript(s.script), s.profile);
}

/** Each end's distinct states in order, as describeState spells them. */
function path(w: World, side: 'A' | 'B'): string {
  const out = ['CLOSE'];
  for (const s of w.steps) {
    const d = describeState(side === 'A' ? s.a : s.b);
    if (out[out.length - 1] !== d) out.push(d);
  }
  return out.join('>');
}

const ISSUE_SCENARIOS = ['client-close', 'server-close', 'simultaneous-open', 'simultaneous-close', 'half-close', 'refused', 'rst-syn-rcvd', 'abort', 'fin-lost', 'time-wait-refin'];

test('every scenario the issue names exists and runs to the end', () => {
  for (const n of ISSUE_SCENARIOS) assert.ok(findScenario(n), n);
  for (const s of SCENARIOS) assert.doesNotThrow(() => runScript(parseScript(s.script), s.profile), s.name);
  assert.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length);
});

test('every row of the table is reached by some scenario', () => {
  const reached = new Set<string>();
  for (const s of SCENARIOS) for (const st of runScript(parseScript(s.script), s.profile).steps) for (const r of st.rows) reached.add(r.id);
  const missing = ROWS.filter((r) => !reached.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, []);
});

test('the scenarios walk the paths the figures show', () => {
  const cc = run('client-close');
  assert.equal(path(cc, 'A'), 'CLOSE>SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT>CLOSE');
  assert.equal(path(cc, 'B'), 'CLOSE>LISTEN>SYN_RECV (passive)>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE');
  const sc = run('server-close');
  assert.equal(path(sc, 'B'), 'CLOSE>LISTEN>SYN_RECV (passive)>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT>CLOSE');
  assert.equal(path(sc, 'A'), 'CLOSE>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE');
  const so = run('simultaneous-open');
  for (const side of ['A', 'B'] as const) assert.equal(path(so, side), 'CLOSE>SYN_SENT>SYN_RECV (active)>ESTABLISHED');
  const sclose = run('simultaneous-close');
  for (const side of ['A', 'B'] as const) assert.match(path(sclose, side), /ESTABLISHED>FIN_WAIT1>CLOSING>TIME_WAIT>CLOSE$/);
  const hc = run('half-close');
  assert.ok(
    hc.steps.some((s) => s.side === 'A' && s.a.code === 5 && s.events.includes('rcv-data')),
    'FIN_WAIT2 receives data',
  );
  const ref = run('refused');
  assert.equal(path(ref, 'A'), 'CLOSE>SYN_SENT>CLOSE');
  assert.ok(
    ref.steps.some((s) => s.side === 'B' && s.sent.some((x) => x.kind === 'rst')),
    'the closed port answers with RST',
  );
  assert.match(path(run('rst-syn-rcvd'), 'B'), /LISTEN>SYN_RECV \(passive\)>LISTEN/);
  const ab = run('abort');
  assert.match(path(ab, 'A'), /ESTABLISHED>CLOSE$/);
  assert.match(path(ab, 'B'), /ESTABLISHED>CLOSE$/);
  const fl = run('fin-lost');
  assert.ok(
    fl.steps.some((s) => s.side === 'A' && s.events.includes('rto') && s.sent[0]?.kind === 'fin'),
    'the FIN is sent again',
  );
  const tw = run('time-wait-refin');
  assert.ok(
    tw.steps.some((s) => s.side === 'A' && s.a.code === 6 && s.events.includes('rcv-fin') && s.sent[0]?.kind === 'ack'),
    'TIME_WAIT acknowledges the FIN again',
  );
  // The RFC-only path is refused under Linux.
  const lc = findScenario('listen-connect')!;
  assert.throws(() => runScript(parseScript(lc.script), 'linux'), /LISTEN.*RFC 9293 only/);
});

test('simulate lists the scenarios and prints a timeline (golden: client-close)', async () => {
  const list = await cli(['simulate'], goldenEnv);
  assert.equal(list.code, 0);
  for (const s of SCENARIOS) assert.match(list.stdout, new RegExp(`^  ${s.name} `, 'm'));
  const r = await cli(['simulate', 'client-close'], goldenEnv);
  assert.equal(r.code, 0, r.stderr);
  golden('simulate-client-close.txt', r.stdout);
  const j = await cli(['simulate', 'simultaneous-close', '--json'], goldenEnv);
  const doc = JSON.parse(j.stdout) as { end: { client: string; server: string }; steps: { client: string }[] };
  assert.deepEqual(doc.end, { client: 'CLOSE', server: 'CLOSE', inFlight: 0 });
  assert.ok(doc.steps.some((s) => s.client === 'CLOSING'));
});

test('a disallowed event is an error naming the word, the state, the event and the allowed events', () => {
  const r = runCli(['simulate', '--events', 'b:listen a:connect deliver a:close deliver a:send']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /word 6 "a:send": event send \(SEND\) is not allowed in FIN_WAIT2/);
  assert.match(r.stderr, /connection closing/);
  assert.match(r.stderr, /allowed in FIN_WAIT2: abort, rcv-syn/);
  const bad = runCli(['simulate', '--events', 'a>b']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no segment in flight from A to B/);
  const unknown = runCli(['simulate', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown scenario "nope"; scenarios: client-close/);
});
