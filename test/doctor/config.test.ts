/**
 * `doctor --config`: every key must be one the rules declare (own keys, not what every object
 * inherits), every value a finite number of 0 or more; errors name the line, column and key
 * path and quote input briefly; a byte-order mark is not an error; a file is read to at most
 * 1 MiB. Run through the CLI on the captured tree (test/fixtures/proc-doctor).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import fc from 'fast-check';
import { parseJson } from '../../src/doctor/config-json.js';
import { thresholdSpecs } from '../../src/doctor/registry.js';
import { parseThresholdConfig } from '../../src/doctor/thresholds.js';
import { isTcpstateError } from '../../src/model/errors.js';
import { CLI, REPO } from '../lib/netns.js';

const FIXTURE = 'test/fixtures/proc-doctor/root';

function doctor(args: string[], timeout = 60_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'doctor', '--proc-root', FIXTURE, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C', TCPSTATE_PROC_ROOT: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run with `content` as the config; returns the one error line (without the `tcpstate: FILE` part). */
function withConfig(content: string | Buffer, expectCode = 3): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-cfg-'));
  const cfg = join(dir, 'doctor.json');
  try {
    writeFileSync(cfg, content);
    const r = doctor(['--config', cfg]);
    assert.equal(r.code, expectCode, `${String(content).slice(0, 80)}: ${r.stderr}`);
    if (expectCode !== 3) return r.stdout;
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(`tcpstate: ${cfg}`), r.stderr);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
    return r.stderr.slice(`tcpstate: ${cfg}`.length, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const RULES = 'close-wait-leak, time-wait-ports, accept-queue, syn-backlog, fin-wait2-orphans, retransmits';

test('__proto__, constructor and names every object inherits are unknown keys', () => {
  assert.equal(withConfig('{"__proto__": {"warnCount": 1}}'), `:1: field __proto__: unknown rule "__proto__"; rules: ${RULES}`);
  assert.equal(withConfig('{"constructor": {}}'), `:1: field constructor: unknown rule "constructor"; rules: ${RULES}`);
  assert.equal(withConfig('{"toString": {}}'), `:1: field toString: unknown rule "toString"; rules: ${RULES}`);
  assert.equal(
    withConfig('{\n  "time-wait-ports": {\n    "toString": 5\n  }\n}'),
    ':3: field time-wait-ports.toString: unknown threshold; "time-wait-ports" has warnPortShare, criticalPortShare, criticalExhaustionSec, warnTwBucketShare',
  );
  assert.equal(withConfig('{"retransmits": {"__proto__": 5}}'), ':1: field retransmits.__proto__: unknown threshold; "retransmits" has warnRetransmits, criticalRetransmits, warnSockets');
  // Nothing leaks into the objects every other one inherits from.
  const specs = thresholdSpecs();
  for (const text of ['{"__proto__": {"toString": 1}}', '{"constructor": {"name": 1}}']) {
    assert.throws(() => parseThresholdConfig(text, 'x', specs), /unknown rule/);
  }
  assert.equal(typeof ({} as Record<string, unknown>)['toString'], 'function');
});

test('numbers that overflow to Infinity say so; other wrong values are quoted briefly', () => {
  assert.equal(withConfig('{"retransmits": {"warnSockets": 1e309}}'), ':1: field retransmits.warnSockets: column 33: not JSON: the number 1e309 is too large to represent (it would be Infinity)');
  assert.equal(withConfig('{"retransmits": {"warnSockets": -1e309}}'), ':1: field retransmits.warnSockets: column 33: not JSON: the number -1e309 is too large to represent (it would be -Infinity)');
  assert.equal(withConfig('{"retransmits": {"warnSockets": -1}}'), ':1: field retransmits.warnSockets: expected a number of 0 or more, got -1');
  assert.equal(withConfig('{"retransmits": {"warnSockets": null}}'), ':1: field retransmits.warnSockets: expected a number of 0 or more, got null');
  assert.equal(withConfig('{"retransmits": 3}'), ':1: field retransmits: expected an object of thresholds, got 3');
  const huge = 'x'.repeat(100_000);
  // Cut with the one marker every message uses (capExcerpts'), said in the user's language.
  assert.equal(
    withConfig(`{"retransmits": {"warnSockets": "${huge}"}}`),
    ':1: field retransmits.warnSockets: expected a number of 0 or more, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (100000 characters)',
  );
  assert.ok(withConfig(`{"${huge}": {}}`).length < 300);
  assert.ok(withConfig(`{"retransmits": {"${huge}": 1}}`).length < 300);
});

test('JSON errors name line and column; a key given twice is an error; a byte-order mark is skipped', () => {
  assert.equal(withConfig('{\n  "retransmits": {"warnSockets": 3,}\n}'), ':2: field retransmits: column 36: not JSON: expected a key in double quotes, found "}"');
  assert.equal(withConfig('{\n  "retransmits": {"warnSockets": 3}\n  "accept-queue": {}\n}'), ":3: column 3: not JSON: expected ',' or '}' after a value, found \"\\\"\"");
  assert.equal(withConfig('{"retransmits": {"warnSockets": 3}, "retransmits": {}}'), ':1: column 37: not JSON: the key "retransmits" is given twice');
  assert.equal(withConfig('{"retransmits": {"warnSockets": 3'), ":1: field retransmits: column 34: not JSON: expected ',' or '}' after a value, found the end of the file");
  assert.equal(withConfig(''), ':1: column 1: not JSON: the file is empty');
  assert.equal(withConfig('{"a": "\u0001"}'), ':1: field a: column 8: not JSON: a control character inside a string (write it as an escape, e.g. \\n)');
  assert.equal(withConfig('['.repeat(40) + ']'.repeat(40)), `:1: field ${Array(32).fill('0').join('.')}: column 33: not JSON: nested deeper than 32 levels`);
  assert.equal(withConfig(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), ': not UTF-8 text');
  // A byte-order mark (Notepad writes one) is not an error, and line 1 column 1 is after it.
  const plain = withConfig('{"retransmits": {"criticalRetransmits": 3}}', 2);
  assert.equal(withConfig('\uFEFF{"retransmits": {"criticalRetransmits": 3}}', 2), plain);
  assert.equal(withConfig('\uFEFF{"x": 1}'), `:1: field x: unknown rule "x"; rules: ${RULES}`);
  assert.equal(withConfig('\uFEFF}'), ':1: column 1: not JSON: expected a value, found "}"');
});

test('a config file is read to at most 1 MiB: /dev/zero and a large file are errors, at once', () => {
  const zero = doctor(['--config', '/dev/zero'], 20_000);
  assert.equal(zero.code, 3, zero.stderr);
  assert.equal(zero.stderr, 'tcpstate: /dev/zero: byte 1048576: larger than 1 MiB: not a threshold config (reading stopped there)\n');
  // Valid JSON, but 2 MiB of it.
  assert.equal(withConfig(`{${' '.repeat(2 << 20)}}`), ': byte 1048576: larger than 1 MiB: not a threshold config (reading stopped there)');
  // Just under the limit is read.
  assert.equal(typeof withConfig(`{${' '.repeat((1 << 20) - 2)}}`, 1), 'string');
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-cfgdir-'));
  try {
    const r = doctor(['--config', dir]);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, `tcpstate: ${dir}: cannot read ${dir}: it is a directory (EISDIR)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the config parser reads what JSON.parse reads and refuses what it refuses', () => {
  const same = (text: string): void => {
    let theirs: unknown;
    let theirsFailed = false;
    try {
      theirs = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      theirsFailed = true;
    }
    try {
      const ours = parseJson(text, 'x').value;
      assert.ok(!theirsFailed, `accepted what JSON.parse refuses: ${JSON.stringify(text)}`);
      assert.equal(JSON.stringify(ours), JSON.stringify(theirs), text);
    } catch (e) {
      if (!isTcpstateError(e)) throw e;
      assert.equal(e.code, 'ERR_PARSE');
      assert.ok(e.where.line! >= 1 && /^column \d+: not JSON: /.test(e.message), e.message);
      // Where JSON.parse differs, it is on purpose: a key twice, a number beyond a double.
      if (!theirsFailed) assert.match(e.message, /is given twice|too large to represent/, `${e.message}: ${JSON.stringify(text)}`);
    }
  };
  fc.assert(
    fc.property(fc.json(), (t) => same(t)),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.json(), fc.nat(), fc.nat(), fc.string({ maxLength: 2 }), (t, at, del, ins) => {
      const i = at % (t.length + 1);
      same(t.slice(0, i) + ins + t.slice(i + (del % 3)));
    }),
    { numRuns: 1500 },
  );
});
