/**
 * Whole outputs on a captured proc root (test/fixtures/proc-zoo), as golden files, and the
 * replayed listing checked against ss's listing of the same namespace.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertGolden, DETERMINISTIC_ENV } from '../lib/golden.js';
import { REPO, runCli } from '../lib/netns.js';

const ROOT = join(REPO, 'test', 'fixtures', 'proc-zoo');
const run = (args: string[]) => runCli([...args, '--proc-root', ROOT], { env: DETERMINISTIC_ENV });

const GOLDENS: [string, string[]][] = [
  ['ls-a.txt', ['ls', '-a']],
  ['ls-default.txt', ['ls']],
  ['ls-tanpoe.txt', ['ls', '-tanpoe']],
  ['ls-ua.txt', ['ls', '-ua']],
  ['ls-a.csv', ['ls', '-a', '--csv']],
  ['ls-ap.json', ['ls', '-ap', '--json']],
  ['count.txt', ['count']],
  ['count.json', ['count', '--json']],
  ['count-awk.txt', ['count', '--format', 'awk']],
  ['count-by-lport.txt', ['count', '--by', 'lport']],
  ['count-by-process.txt', ['count', '--by', 'process']],
  ['count-by-raddr-top3.txt', ['count', '--by', 'raddr', '--top', '3', 'exclude', 'listening']],
  ['ls-filter.txt', ['ls', '-o', 'state', 'connected', '( sport = :7001 or dport = :7001 )']],
];

for (const [name, args] of GOLDENS) {
  test(`golden: tcpstate ${args.join(' ')}`, () => {
    const r = run(args);
    assert.equal(r.code, 0, r.stderr);
    assertGolden(`proc-zoo/${name}`, r.stdout);
  });
}

test("the replayed listing is ss's listing of the same namespace", () => {
  const ss = readFileSync(join(REPO, 'test', 'fixtures', 'proc-zoo.ss.txt'), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.trim().split(/\s+/))
    .map((f) => `${f[3]} ${f[4]}`)
    // ss prints a dual-stack listener's [::] as *, which only netlink can know.
    .map((x) => x.replace(/^\*:7007 \*:\*$/, '[::]:7007 [::]:*'))
    .sort();
  const ours = run(['ls', '-a', '--csv'])
    .stdout.trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map((f) => {
      const ep = (a: string, p: string) => `${f[1] === '6' ? (a === '::' && p === '0' ? '[::]' : `[${a}]`) : a}:${p === '0' ? '*' : p}`;
      return `${ep(f[3]!, f[4]!)} ${ep(f[5]!, f[6]!)}`;
    })
    .sort();
  assert.deepEqual(ours, ss);
  assert.equal(ours.length, 28);
});

test('a malformed line in a captured file names file, line and field, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-bad-'));
  try {
    cpSync(ROOT, dir, { recursive: true, verbatimSymlinks: true });
    const tcp = join(dir, 'net', 'tcp');
    const lines = readFileSync(tcp, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/ 0A /, ' QQ ');
    writeFileSync(tcp, lines.join('\n'));
    const r = runCli(['count', '--proc-root', dir]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '', 'no partial answer is printed');
    assert.equal(r.stderr.trim(), `tcpstate: ${tcp}:4: field st: expected a hexadecimal number`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TCPSTATE_PROC_ROOT does what --proc-root does', () => {
  const a = runCli(['count', '--json'], { env: { TCPSTATE_PROC_ROOT: ROOT } });
  const b = run(['count', '--json']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
});

test('usage errors name the token and its position, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['ls', '--bogus'], /Unknown option '--bogus' \(argument 2: "--bogus"\)/],
    [['ls', '-tz'], /Unknown option '-z' \(argument 2: "-tz"\)/],
    [['count', 'state', 'nonsense'], /unknown state "nonsense" at token 2/],
    [['ls', 'dport', '=', ':http-ish'], /bad port ":http-ish" at token 3/],
    [['count', '--by', 'color'], /bad --by "color"/],
    [['count', '--format', 'xml'], /--format takes table \| json \| csv \| awk, got "xml"/],
    [['frobnicate'], /unknown command "frobnicate" \(argument 1\)/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
  }
});
