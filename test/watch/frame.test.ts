/**
 * The screen's pure parts: frames (view + interaction state → lines) against golden files
 * at 80x24 and 160x50 (plain, coloured, Chinese, help, paused, typing a filter, narrow),
 * the line diff that redraws only what changed, and what each key does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCounts } from '../../src/model/count.js';
import { CLOSE_WAIT, ESTABLISHED, LISTEN, TIME_WAIT } from '../../src/model/state.js';
import { fit, renderFrame, sparkline } from '../../src/watch/frame.js';
import { GROUPINGS, handleKey, type ScreenUi, splitKeys, stepInterval } from '../../src/watch/keys.js';
import { MESSAGES } from '../../src/i18n/watch.js';
import { frameDiff, SYNC_BEGIN, SYNC_END } from '../../src/watch/terminal.js';
import { advance, newView, type WatchView } from '../../src/watch/view.js';
import { doctorLine } from '../../src/watch/screen-run.js';
import { assertGolden } from '../lib/golden.js';
import { displayWidth } from '../../src/render/wrap.js';

process.env['TZ'] = 'UTC';

/** Eight ticks of a CLOSE_WAIT leak on port 8080 while ESTABLISHED wobbles. */
function leakView(): WatchView {
  const v = newView(60);
  for (let k = 0; k < 8; k++) {
    const c = newCounts();
    c[ESTABLISHED] = 120 + (k % 3) * 4;
    c[LISTEN] = 4;
    c[TIME_WAIT] = 30 - k;
    c[CLOSE_WAIT] = 5 * k * k;
    const g = (key: string, est: number, cw: number): { key: string; counts: Float64Array; total: number } => {
      const gc = newCounts();
      gc[ESTABLISHED] = est;
      gc[CLOSE_WAIT] = cw;
      return { key, counts: gc, total: est + cw };
    };
    advance(v, {
      counts: c,
      takenAt: Date.UTC(2026, 11, 5, 4, 30, k),
      atMs: 1000 * k,
      source: 'netlink',
      method: 'bpf tcp iterator',
      scanMs: 2.25,
      warnings: [],
      notices: [],
      groups: [g('8080', 40, 5 * k * k), g('443', 70 + (k % 3) * 4, 0), g('22', 2, 0), g('other (3)', 8, 0)],
    });
  }
  return v;
}

const ui = (over: Partial<ScreenUi> = {}): ScreenUi => ({ paused: false, help: false, grouping: 'lport', filter: '', intervalS: 1, where: 'netns web', ...over });
const frame = (v: WatchView, u: ScreenUi, cols: number, rows: number, color = false, lang: 'en' | 'zh' = 'en'): string => renderFrame(v, u, MESSAGES[lang], { cols, rows, color }).join('\n') + '\n';

test('frame golden: 80x24 and 160x50, every state with count, delta, since, rate, trend; groups', () => {
  const v = leakView();
  assertGolden('watch/frame-80x24.txt', frame(v, ui(), 80, 24));
  assertGolden('watch/frame-160x50.txt', frame(v, ui({ filter: 'dport = :8080 or sport = :8080' }), 160, 50));
  assertGolden('watch/frame-80x24-color.txt', frame(v, ui(), 80, 24, true));
  assertGolden('watch/frame-80x24-zh.txt', frame(v, ui({ where: '网络命名空间 web' }), 80, 24, false, 'zh'));
  assertGolden('watch/frame-80x24-paused-help.txt', frame(v, ui({ paused: true, help: true }), 80, 24));
  assertGolden('watch/frame-80x24-typing.txt', frame(v, ui({ editing: 'state close-wa', grouping: undefined, error: 'ignored while typing' }), 80, 24));
  assertGolden('watch/frame-40x16.txt', frame(v, ui(), 40, 16));
  assertGolden('watch/frame-80x24-doctor.txt', frame(v, ui({ doctor: { worst: 'warning', text: 'CLOSE_WAIT growing on :8080 (245 sockets, +65/s)', more: 2 } }), 80, 24, true));
});

test('frame: exactly rows lines of cols display columns, also in Chinese; no colour codes unless asked', () => {
  const v = leakView();
  for (const [cols, rows] of [
    [80, 24],
    [160, 50],
    [40, 16],
    [100, 10],
  ] as const) {
    for (const lang of ['en', 'zh'] as const) {
      const lines = renderFrame(v, ui(), MESSAGES[lang], { cols, rows, color: false });
      assert.equal(lines.length, rows);
      for (const l of lines) assert.equal(displayWidth(l), cols, `${lang} ${cols}x${rows}: "${l}"`);
      assert.ok(lines.every((l) => !l.includes('\x1b')));
    }
  }
  const colored = renderFrame(v, ui(), MESSAGES.en, { cols: 80, rows: 24, color: true });
  assert.ok(
    colored.some((l) => l.includes('\x1b[33;1m')),
    'growth highlighted',
  );
  for (const l of colored) assert.equal(displayWidth(l.replace(/\x1b\[[0-9;]*m/g, '')), 80);
  // Before the first tick: the frame is there, with no numbers.
  assert.equal(renderFrame(newView(), ui(), MESSAGES.en, { cols: 80, rows: 24, color: false }).length, 24);
});

test('doctor line: pending, no findings, the worst finding and how many more', () => {
  const at = (d: ScreenUi['doctor']): string => renderFrame(leakView(), ui({ doctor: d }), MESSAGES.en, { cols: 80, rows: 24, color: false })[22]!.trimEnd();
  assert.equal(at(doctorLine(undefined)), 'doctor: looking…');
  assert.equal(at(doctorLine({ findings: [], checks: [], worst: 'ok', invalidInputs: [] })), 'doctor: no findings');
  const f = (severity: 'critical' | 'info', title: string) => ({ id: 'x', severity, title, subject: {}, evidence: [], metrics: {}, sockets: [], socketCount: 0, explanation: '', nextSteps: [] });
  const report = { findings: [f('critical', 'port exhaustion to 10.0.0.1:443'), f('info', 'b')], checks: [], worst: 'critical', invalidInputs: [] } as unknown as Parameters<typeof doctorLine>[0];
  assert.equal(at(doctorLine(report)), 'doctor: CRITICAL port exhaustion to 10.0.0.1:443 (+1 more)');
  assert.equal(at({ worst: 'error', text: 'no such namespace', more: 0 }), 'doctor: cannot run: no such namespace');
});

test('sparkline and fit', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5, 5], 8), '▁▁▁');
  assert.equal(sparkline([1, 2, 3, 4], 2), '▁█', 'the most recent values');
  assert.equal(fit('状态abc', 5), '状态a');
  assert.equal(fit('状态', 3), '状 ');
});

test('frameDiff: only the lines that changed, inside a synchronized update; all after a resize', () => {
  const a = ['one', 'two', 'three'];
  const b = ['one', 'TWO', 'three'];
  const d = frameDiff(a, b);
  assert.ok(d.startsWith(SYNC_BEGIN) && d.endsWith(SYNC_END));
  assert.equal(d, `${SYNC_BEGIN}\x1b[2;1HTWO${SYNC_END}`);
  assert.equal(frameDiff(b, b), SYNC_BEGIN + SYNC_END, 'nothing changed: nothing drawn');
  const full = frameDiff(a, [...b, 'four']);
  assert.ok(full.includes('\x1b[2J') && full.includes('\x1b[1;1Hone') && full.includes('\x1b[4;1Hfour'));
});

test('keys: what each one does', () => {
  const check = (f: string): string | undefined => (f.includes('bogus') ? 'unknown state "bogus"' : undefined);
  const u = ui({ grouping: undefined });
  assert.equal(handleKey(u, ' ', check), 'redraw');
  assert.equal(u.paused, true);
  handleKey(u, ' ', check);
  assert.equal(u.paused, false);
  assert.equal(handleKey(u, 'g', check), 'grouping');
  assert.equal(u.grouping, GROUPINGS[1]);
  for (let i = 1; i < GROUPINGS.length; i++) handleKey(u, 'g', check);
  assert.equal(u.grouping, undefined, 'g cycles back to off');
  assert.equal(handleKey(u, 's', check), 'sort');
  assert.equal(handleKey(u, 'r', check), 'reset');
  assert.equal(handleKey(u, '+', check), 'interval');
  assert.equal(u.intervalS, 2);
  handleKey(u, '-', check);
  handleKey(u, '-', check);
  assert.equal(u.intervalS, 0.5);
  assert.equal(stepInterval(60, true), 60);
  assert.equal(handleKey(u, '?', check), 'redraw');
  assert.equal(u.help, true);
  assert.equal(handleKey(u, 'x', check), 'redraw', 'any key closes help');
  assert.equal(u.help, false);
  // Typing a filter: a bad one is shown in place, the one in force stays.
  handleKey(u, '/', check);
  for (const k of splitKeys('state bogus')) handleKey(u, k, check);
  assert.equal(u.editing, 'state bogus');
  assert.equal(handleKey(u, '\r', check), 'redraw');
  assert.equal(u.error, 'unknown state "bogus"');
  assert.equal(u.filter, '');
  handleKey(u, '/', check);
  for (const k of splitKeys('state  listening')) handleKey(u, k, check);
  handleKey(u, '\x7f', check);
  handleKey(u, 'g', check);
  assert.equal(handleKey(u, '\r', check), 'filter');
  assert.equal(u.filter, 'state listening');
  assert.equal(u.error, undefined);
  handleKey(u, '/', check);
  assert.equal(handleKey(u, 'q', check), 'redraw', 'q is a letter while typing');
  assert.equal(handleKey(u, '\x1b', check), 'redraw');
  assert.equal(u.editing, undefined);
  assert.equal(handleKey(u, '\x03', check), 'quit');
  assert.equal(handleKey(u, 'q', check), 'quit');
  assert.deepEqual(splitKeys('a\x1b[Ab状'), ['a', '\x1b[A', 'b', '状']);
});
