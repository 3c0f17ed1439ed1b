import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { edgeLabels, figureEdges } from '../../src/fsm/figure.js';
import { stateName } from '../../src/model/state.js';
import { FSM_STATES, ROWS, rowLabel } from '../../src/fsm/rfc9293.js';
import { parseState } from '../../src/model/state.js';
import { REPO } from '../lib/netns.js';
import { cli } from './cli.js';
import { assertGolden as golden, DETERMINISTIC_ENV as goldenEnv } from '../lib/golden.js';
import { countColor, decodePng } from './png.js';

const FIXTURE = 'test/fixtures/fsm-zoo';

/** Skip when a tool is missing; under TCPSTATE_REQUIRE_KERNEL=1 (CI) fail instead, as kernelOrSkip does. */
function toolOrSkip(t: TestContext, tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error(`${tool} is not installed (TCPSTATE_REQUIRE_KERNEL=1 makes this a failure)`);
    t.skip(`${tool} is not installed`);
    return false;
  }
}

/** Every text node of a parsed SVG, in document order. */
function texts(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string' || typeof node === 'number') out.push(String(node));
  else if (Array.isArray(node)) for (const n of node) texts(n, out);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) if (!k.startsWith('@_')) texts(v, out);
  return out;
}

function ssCounts(): Map<number, number> {
  const m = new Map<number, number>();
  for (const l of readFileSync(join(REPO, FIXTURE, 'ss-tan.txt'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)) {
    const c = parseState(l.split(/\s+/)[0]!)!;
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  return m;
}

test("the figure draws every row marked for it, and the usual paths are the seed's", async () => {
  const drawn = new Set(figureEdges().flatMap((e) => e.rows.map((r) => r.id)));
  for (const r of ROWS) if (r.fig) assert.ok(drawn.has(r.id), `row ${r.id} is drawn`);
  const text = await cli(['diagram'], goldenEnv);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /client's usual path: CLOSE -> SYN_SENT -> ESTABLISHED -> FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT -> CLOSE/);
  assert.match(text.stdout, /server's usual path: CLOSE -> LISTEN -> SYN_RECV -> ESTABLISHED -> CLOSE_WAIT -> LAST_ACK -> CLOSE/);
  golden('diagram-states.txt', text.stdout);
});

test('the SVG parses as XML and holds every state, every edge label and the counts', async () => {
  const r = await cli(['diagram', '--format', 'svg', '--counts', '--proc-root', FIXTURE], goldenEnv);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(XMLValidator.validate(r.stdout), true);
  const doc = new XMLParser({ ignoreAttributes: false, preserveOrder: true }).parse(r.stdout) as unknown;
  const all = texts(doc);
  for (const code of FSM_STATES) assert.ok(all.includes(stateName(code)), `state ${stateName(code)} is drawn`);
  for (const row of ROWS.filter((x) => x.fig))
    assert.ok(
      all.some((s) => s.startsWith(rowLabel(row))),
      `edge label "${rowLabel(row)}" (${row.id})`,
    );
  for (const e of figureEdges()) for (const l of edgeLabels(e)) assert.ok(all.includes(l), `label "${l}"`);
  const want = ssCounts();
  const flat = new XMLParser({ ignoreAttributes: false }).parse(r.stdout) as { svg: { g: Record<string, string>[] } };
  const nodes = flat.svg.g.filter((g) => g['@_class'] === 'node' && g['@_data-count'] !== undefined);
  assert.equal(nodes.length, FSM_STATES.length);
  for (const g of nodes) assert.equal(Number(g['@_data-count']), want.get(parseState(g['@_data-state']!)!) ?? 0, `count on ${g['@_data-state']}`);
});

test('headless Chromium renders the SVG legibly: not blank, both usual paths in colour, shaded nodes', async (t) => {
  if (!toolOrSkip(t, 'chromium')) return;
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-svg-'));
  try {
    const svg = join(dir, 'states.svg');
    const png = join(dir, 'states.png');
    const r = await cli(['diagram', '--format', 'svg', '--counts', '--proc-root', FIXTURE, '-o', svg], goldenEnv);
    assert.equal(r.code, 0, r.stderr);
    const c = spawnSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${png}`,
        '--window-size=1240,1120',
        `file://${svg}`,
      ],
      { timeout: 90_000, encoding: 'utf8' },
    );
    assert.equal(c.status, 0, `chromium failed: ${c.stderr}`);
    const img = decodePng(readFileSync(png));
    assert.equal(img.width, 1240);
    const pixels = img.width * img.height;
    const white = countColor(img, [255, 255, 255], 8);
    const ink = pixels - white;
    assert.ok(ink / pixels > 0.03, `not blank: ${((100 * ink) / pixels).toFixed(1)}% of pixels drawn`);
    assert.ok(ink / pixels < 0.6, `not a solid block: ${((100 * ink) / pixels).toFixed(1)}% drawn`);
    assert.ok(countColor(img, [0x1f, 0x4e, 0x9c], 30) > 1500, 'the client path (blue) is drawn');
    assert.ok(countColor(img, [0xb3, 0x3c, 0x12], 30) > 800, 'the server path (red, dashed) is drawn');
    assert.ok(countColor(img, [0xf0, 0x8c, 0x3c], 25) > 2000, 'the fullest node (LISTEN, 6) is shaded strongly');
    assert.ok(countColor(img, [0x11, 0x11, 0x11], 40) > 3000, 'text is drawn');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the DOT output is accepted by Graphviz and names every state', async (t) => {
  if (!toolOrSkip(t, 'dot')) return;
  const r = await cli(['diagram', '--format', 'dot', '--counts', '--proc-root', FIXTURE], goldenEnv);
  assert.equal(r.code, 0, r.stderr);
  const svg = execFileSync('dot', ['-Tsvg'], { input: r.stdout, encoding: 'utf8' });
  assert.equal(XMLValidator.validate(svg), true);
  for (const code of FSM_STATES) assert.ok(svg.includes(`>${stateName(code)}</text>`), `graphviz drew ${stateName(code)}`);
  for (const e of figureEdges()) assert.ok(svg.includes(`<title>${e.from}&#45;&gt;${e.to}</title>`), `graphviz drew ${e.from}->${e.to}`);
});

test('Mermaid output has every state and edge', async () => {
  const r = await cli(['diagram', '--format', 'mermaid'], goldenEnv);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'stateDiagram-v2');
  for (const e of figureEdges())
    assert.ok(
      lines.some((l) => l.startsWith(`  ${e.from} --> ${e.to}: ${edgeLabels(e)[0]}`)),
      `${e.from} --> ${e.to}`,
    );
  const seq = await cli(['diagram', '--figure', 'simultaneous-close', '--format', 'mermaid'], goldenEnv);
  assert.match(seq.stdout, /^sequenceDiagram\n/);
  assert.equal(seq.stdout.match(/Note (left of A|right of B): CLOSING/g)?.length, 2);
});

test("sequence figures: handshake and simultaneous close as SVG, each end's states in order", async () => {
  const marks = (svg: string, side: string) => [...svg.matchAll(new RegExp(`data-side="${side}" data-state="([^"]+)"`, 'g'))].map((m) => m[1]).filter((s, i, a) => a[i - 1] !== s);
  const hs = (await cli(['diagram', '--figure', 'handshake', '--format', 'svg'], goldenEnv)).stdout;
  assert.equal(XMLValidator.validate(hs), true);
  assert.deepEqual(marks(hs, 'A'), ['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE']);
  assert.deepEqual(marks(hs, 'B'), ['LISTEN', 'SYN_RECV (passive)', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSE']);
  const sc = (await cli(['diagram', '--figure', 'simultaneous-close', '--format', 'svg'], goldenEnv)).stdout;
  assert.equal(XMLValidator.validate(sc), true);
  for (const side of ['A', 'B']) assert.deepEqual(marks(sc, side).slice(-4), ['FIN_WAIT1', 'CLOSING', 'TIME_WAIT', 'CLOSE']);
});

test('diagram usage errors and -o', async () => {
  const dot = await cli(['diagram', '--figure', 'handshake', '--format', 'dot']);
  assert.equal(dot.code, 2);
  assert.match(dot.stderr, /dot draws the states figure only/);
  assert.equal((await cli(['diagram', '--figure', 'handshake', '--counts'])).code, 2);
  const bad = await cli(['diagram', '--figure', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown --figure "nope"; figures: states, handshake, simultaneous-close/);
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-o-'));
  try {
    const f = join(dir, 'x.mmd');
    assert.equal((await cli(['diagram', '-o', f])).code, 0);
    assert.match(readFileSync(f, 'utf8'), /^stateDiagram-v2\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
