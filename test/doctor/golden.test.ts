/**
 * `doctor` on the captured proc tree (test/fixtures/proc-doctor): whole text and JSON
 * outputs as golden files; the same tree with parts removed, to see rules say what they
 * could not check; thresholds from a config file; the threshold table in docs/doctor.md
 * against the declarations in code. UPDATE_GOLDEN=1 rewrites golden files and the table.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { thresholdSpecs } from '../../src/doctor/registry.js';
import { type DoctorDocument, SCHEMAS } from '../../src/model/documents.js';
import { defaultConfig, thresholdDocs } from '../../src/doctor/thresholds.js';
import { CLI, REPO } from '../lib/netns.js';

const FIXTURE = 'test/fixtures/proc-doctor/root';
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function doctor(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'doctor', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C', TCPSTATE_PROC_ROOT: '' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function golden(name: string, actual: string): void {
  const path = join(REPO, 'test', 'golden', name);
  if (UPDATE || !existsSync(path)) {
    mkdirSync(join(REPO, 'test', 'golden'), { recursive: true });
    writeFileSync(path, actual);
    if (!UPDATE) assert.fail(`${path} did not exist; written, check it and commit`);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs (UPDATE_GOLDEN=1 to refresh)`);
}

/** A copy of the fixture without the given relative paths. */
function copyWithout(remove: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-cap-'));
  cpSync(join(REPO, FIXTURE), dir, { recursive: true, verbatimSymlinks: true });
  for (const r of remove) rmSync(join(dir, r), { recursive: true, force: true });
  return dir;
}

test('doctor on the captured tree: golden text and JSON, exit status of the worst finding', () => {
  const text = doctor(['--proc-root', FIXTURE]);
  assert.equal(text.stderr, '');
  golden('doctor-proc.txt', text.stdout);
  const json = doctor(['--proc-root', FIXTURE, '--json']);
  golden('doctor-proc.json', json.stdout);
  const doc = JSON.parse(json.stdout) as DoctorDocument;
  assert.equal(doc.schema, SCHEMAS.doctor);
  assert.equal(doc.samples, 1);
  assert.deepEqual(
    doc.findings.map((f) => f.id),
    ['close-wait-leak', 'time-wait-ports', 'accept-queue', 'retransmits'],
  );
  assert.equal(doc.worst, 'warning');
  assert.equal(text.code, 1);
  assert.equal(json.code, 1);
  // Owners come from the captured PID/fd links.
  const pids = readdirSync(join(REPO, FIXTURE))
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  for (const f of doc.findings) if (f.subject.pids) for (const p of f.subject.pids) assert.ok(pids.includes(p), `pid ${p}`);
});

test('a capture without counters and sysctls: rules run where they can and say what they could not', () => {
  const dir = copyWithout(['sys', 'net/netstat', 'net/snmp', 'net/sockstat', 'net/sockstat6']);
  try {
    const r = doctor(['--proc-root', dir, '--json']);
    const doc = JSON.parse(r.stdout) as DoctorDocument;
    const check = (id: string) => doc.checks.find((c) => c.id === id)!;
    assert.equal(check('time-wait-ports').status, 'skipped');
    assert.match(check('time-wait-ports').notes[0]!, /^no sysctls: net\.ipv4\.ip_local_port_range unknown \(no sys\/net in /);
    for (const id of ['accept-queue', 'syn-backlog', 'fin-wait2-orphans', 'retransmits']) {
      assert.equal(check(id).status, 'partial', id);
      assert.ok(
        check(id).notes.some((n) => n.startsWith('no counters')),
        id,
      );
    }
    assert.match(String(doc.inputs.counters), /^no net\/netstat, net\/snmp or net\/sockstat in /);
    assert.match(String(doc.inputs.sysctls), /^no sys\/net in /);
    // What can still be seen is still found.
    assert.deepEqual(
      doc.findings.map((f) => f.id),
      ['close-wait-leak', 'accept-queue', 'retransmits'],
    );
    assert.equal(r.code, 1);
    const text = doctor(['--proc-root', dir]);
    assert.match(text.stdout, /^ {2}time-wait-ports: NOT CHECKED, no finding\n(?: {6}.*\n)* {6}could not run: no sysctls: net\.ipv4\.ip_local_port_range unknown/m);
    assert.match(check('time-wait-ports').couldNotRun!, /^no sysctls: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a capture without process directories: owners unknown, said once per rule', () => {
  const pids = readdirSync(join(REPO, FIXTURE)).filter((n) => /^\d+$/.test(n));
  const dir = copyWithout(pids);
  try {
    const r = doctor(['--proc-root', dir, '--json']);
    const doc = JSON.parse(r.stdout) as DoctorDocument;
    assert.equal(doc.inputs.processes, 'none');
    const cw = doc.findings.find((f) => f.id === 'close-wait-leak')!;
    assert.deepEqual(cw.subject.pids, []);
    assert.match(cw.title, /^an unknown process holds 12 sockets in CLOSE_WAIT on port 7002/);
    assert.ok(doc.checks.find((c) => c.id === 'close-wait-leak')!.notes.includes('no process information: owners unknown'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('orphans against tcp_max_orphans, when the capture has it (initial namespace only)', () => {
  // The fixture comes from a namespace, which has no tcp_max_orphans; a host capture has.
  // 40 stands for a small limit, so that the capture's 17 orphans (sockstat) pass a quarter.
  const dir = copyWithout([]);
  try {
    writeFileSync(join(dir, 'sys', 'net', 'ipv4', 'tcp_max_orphans'), '40\n');
    const doc = JSON.parse(doctor(['--proc-root', dir, '--json', '--only', 'fin-wait2-orphans']).stdout) as DoctorDocument;
    assert.equal(doc.checks[0]!.status, 'ran');
    const orphans = Number(/TCP: inuse \d+ orphan (\d+)/.exec(readFileSync(join(dir, 'net', 'sockstat'), 'utf8'))![1]);
    assert.equal(doc.findings.length, 1);
    const f = doc.findings[0]!;
    assert.equal(f.metrics['orphans'], orphans);
    assert.equal(f.metrics['maxOrphans'], 40);
    assert.equal(f.severity, orphans / 40 >= 0.5 ? 'critical' : 'warning');
    assert.match(f.title, new RegExp(`^${orphans} orphaned sockets, \\d+% of tcp_max_orphans \\(40\\)`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('thresholds from --config change the findings and the exit status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-cfg-'));
  try {
    const cfg = join(dir, 'doctor.json');
    writeFileSync(cfg, JSON.stringify({ 'close-wait-leak': { warnCount: 13 }, retransmits: { criticalRetransmits: 3 } }));
    const r = doctor(['--proc-root', FIXTURE, '--json', '--config', cfg]);
    const doc = JSON.parse(r.stdout) as DoctorDocument;
    assert.deepEqual(
      doc.findings.map((f) => `${f.severity} ${f.id}`),
      ['critical retransmits', 'warning time-wait-ports', 'warning accept-queue'],
    );
    assert.equal(r.code, 2);

    // The printed defaults, given back as a config, change nothing.
    const defaults = doctor(['--print-config']);
    assert.equal(defaults.code, 0);
    assert.deepEqual(JSON.parse(defaults.stdout), defaultConfig(thresholdSpecs()));
    writeFileSync(cfg, defaults.stdout);
    assert.equal(doctor(['--proc-root', FIXTURE, '--config', cfg]).stdout, doctor(['--proc-root', FIXTURE]).stdout);

    for (const [content, field] of [
      ['{"close-wait-leak": {"warnCont": 3}}', 'field close-wait-leak.warnCont: unknown threshold'],
      ['{"close-wait": {}}', 'field close-wait: unknown rule "close-wait"'],
      ['{"retransmits": {"warnSockets": -1}}', 'field retransmits.warnSockets: expected a number of 0 or more'],
      ['{"retransmits": {"warnSockets": "3"}}', 'field retransmits.warnSockets: expected a number'],
      ['[1]', 'expected an object of rule ids'],
      ['{', 'not JSON'],
    ] as const) {
      writeFileSync(cfg, content);
      const bad = doctor(['--proc-root', FIXTURE, '--config', cfg]);
      assert.equal(bad.code, 3, content);
      assert.equal(bad.stdout, '');
      assert.ok(bad.stderr.startsWith(`tcpstate: ${cfg}:`) && bad.stderr.includes(field), `${content}: ${bad.stderr}`);
    }
    const missing = doctor(['--config', join(dir, 'nope.json')]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /cannot read .*nope\.json: ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 3 and name the option', () => {
  const cases: [string[], RegExp][] = [
    [['--only', 'close-wait-leak,nope'], /unknown rule "nope" in --only/],
    [['--skip', 'x'], /unknown rule "x" in --skip/],
    [['--interval', 'soon'], /--interval takes seconds/],
    [['--netns', 'a', '--proc-root', FIXTURE], /--netns and --proc-root exclude each other/],
    [['--bogus'], /--bogus/],
  ];
  for (const [args, msg] of cases) {
    const r = doctor(args);
    assert.equal(r.code, 3, args.join(' '));
    assert.match(r.stderr, msg);
  }
  const only = JSON.parse(doctor(['--proc-root', FIXTURE, '--json', '--only', 'retransmits,accept-queue']).stdout) as DoctorDocument;
  assert.deepEqual(
    only.checks.map((c) => c.id),
    ['accept-queue', 'retransmits'],
  );
});

test('docs/doctor.md shows the thresholds declared in code', () => {
  const path = join(REPO, 'docs', 'doctor.md');
  const doc = readFileSync(path, 'utf8');
  const begin = '<!-- thresholds:begin -->\n';
  const end = '<!-- thresholds:end -->';
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  assert.ok(a >= 0 && b > a, 'markers present');
  const table = thresholdDocs(thresholdSpecs());
  const want = doc.slice(0, a + begin.length) + table + doc.slice(b);
  if (UPDATE) writeFileSync(path, want);
  else assert.equal(doc, want, 'docs/doctor.md thresholds table is stale (npm run golden)');
});
