/**
 * Sysctl values the kernel would not show. The bounds in src/sources/sysctl.ts against the
 * running kernel itself: each candidate value is written to a fresh namespace's sysctl, and
 * tcpstate must call valid exactly the values the kernel accepts and shows back. Then doctor on
 * the captured tree (test/fixtures/proc-doctor) with impossible values written in: the rules
 * that need them say they could not run, and the exit status does not say healthy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { parseSysctl, sysctlPath, sysctlProblem, SYSCTLS } from '../../src/sources/sysctl.js';
import { CLI, kernelOrSkip, Netns, REPO } from '../lib/netns.js';
import type { DoctorDocument } from '../../src/model/documents.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'proc-doctor', 'root');
const PORT_RANGE = 'net.ipv4.ip_local_port_range';

const INTS = ['-2147483649', '-2147483648', '-1', '0', '1', '2', '3', '127', '128', '255', '256', '60000', '60001', '65535', '65536', '2147483', '2147483647', '2147483648', '4294967296'];
const RANGES = ['40000 40100', '40100 40000', '40000 40000', '1 1', '1 65535', '0 0', '0 5', '-1 5', '5 65536', '65535 65535', '65536 65536'];
/** Seconds the kernel keeps in jiffies: bounded by INT_MAX / HZ, which depends on the build. */
const JIFFIES = new Set(['net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_intvl']);

test("the bounds are the kernel's: valid exactly when a namespace's sysctl takes the value and shows it back", (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('sysb');
  const host = Object.keys(SYSCTLS).map((n) => {
    try {
      return readFileSync(sysctlPath('/proc', n), 'latin1');
    } catch {
      return '';
    }
  });
  try {
    // The kernel also keeps the range above ip_unprivileged_port_start; at 0 only the hard bounds remain.
    ns.run('sh', ['-c', 'echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start']);
    const cases: [string, string][] = [];
    for (const name of Object.keys(SYSCTLS)) {
      for (const v of name === PORT_RANGE ? RANGES : INTS) {
        if (JIFFIES.has(name) && Math.abs(Number(v)) > 2147483 && Math.abs(Number(v)) <= 2 ** 31) continue;
        cases.push([name, v]);
      }
    }
    // One shell for every write: "ok|VALUE SHOWN", "refused", or "absent" (initial namespace only).
    const script = `while IFS='|' read -r f v; do
      if [ ! -e "$f" ]; then echo absent; continue; fi
      orig=$(cat "$f")
      if printf '%s\\n' "$v" > "$f" 2>/dev/null; then printf 'ok|%s\\n' "$(tr '\\t' ' ' < "$f")"; else echo refused; fi
      printf '%s\\n' "$orig" > "$f"
    done`;
    const out = ns
      .run('sh', ['-c', script], cases.map(([n, v]) => `${sysctlPath('/proc', n)}|${v}\n`).join(''))
      .trim()
      .split('\n');
    assert.equal(out.length, cases.length);
    let probed = 0;
    const wrong: string[] = [];
    cases.forEach(([name, v], i) => {
      const r = out[i]!;
      if (r === 'absent') return;
      probed++;
      const kernel = r === `ok|${v}`;
      const ours = sysctlProblem(name, parseSysctl(name, v)) === undefined;
      if (kernel !== ours) wrong.push(`${name} = "${v}": kernel ${r}, tcpstate ${ours ? 'valid' : sysctlProblem(name, parseSysctl(name, v))}`);
    });
    assert.deepEqual(wrong, []);
    assert.ok(probed > 250, `only ${probed} values probed`);
  } finally {
    ns.destroy();
  }
  // Namespaced sysctls only: the host's are as they were.
  assert.deepEqual(
    Object.keys(SYSCTLS).map((n) => {
      try {
        return readFileSync(sysctlPath('/proc', n), 'latin1');
      } catch {
        return '';
      }
    }),
    host,
  );
});

test('a sysctl file of one huge word is quoted briefly', () => {
  for (const word of ['x'.repeat(1_000_000), '9'.repeat(1_000_000)]) {
    let message = '';
    try {
      message = sysctlProblem('net.core.somaxconn', parseSysctl('net.core.somaxconn', word, 'f')) ?? 'valid';
    } catch (e) {
      message = (e as Error).message;
    }
    assert.ok(message.length < 120, `${message.length} characters`);
  }
  assert.throws(() => parseSysctl('net.core.somaxconn', 'x'.repeat(1_000_000)), { message: `value "${'x'.repeat(24)}... (1000000 characters)" is not a whole number` });
});

test('values the kernel never shows: what, and why', () => {
  const why = (n: string, text: string) => sysctlProblem(n, parseSysctl(n, text));
  assert.equal(why(PORT_RANGE, '40100 40000'), 'the low end (40100) is above the high end (40000)');
  assert.equal(why(PORT_RANGE, '40000'), 'the kernel shows two numbers, low and high, not 1');
  assert.equal(why(PORT_RANGE, '0 0'), 'ports run from 1 to 65535');
  assert.equal(why(PORT_RANGE, '-1 5'), 'ports run from 1 to 65535');
  assert.equal(why(PORT_RANGE, '32768\t60999\n'), undefined);
  assert.equal(why('net.ipv4.tcp_mem', '1 2'), 'the kernel shows three numbers (pages: low, pressure, high), not 2');
  assert.equal(why('net.ipv4.tcp_mem', '-1 2 3'), 'page counts are unsigned');
  assert.equal(why('net.ipv4.tcp_mem', '18446744073709551615 2 3'), undefined);
  assert.equal(why('net.ipv4.tcp_tw_reuse', '3'), 'the kernel accepts 0 to 2');
  assert.equal(why('net.core.somaxconn', '-1'), 'the kernel accepts 0 to 2147483647');
});

function doctor(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'doctor', ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C', TCPSTATE_PROC_ROOT: '' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** doctor's document, as typed once in the model. */
type Doc = DoctorDocument;

/** The fixture with some sysctl files rewritten. */
function treeWith(values: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-sysb-'));
  cpSync(FIXTURE, dir, { recursive: true, verbatimSymlinks: true });
  for (const [name, text] of Object.entries(values)) writeFileSync(sysctlPath(dir, name), text);
  return dir;
}

test('an impossible ip_local_port_range: time-wait-ports could not run, and the exit status is not healthy', () => {
  // With this threshold the fixture's TIME_WAIT (8 of the 101 ports of 40000-40100) is critical:
  // what an impossible range hid.
  const cfgDir = mkdtempSync(join(tmpdir(), 'tcpstate-sysb-cfg-'));
  const cfg = join(cfgDir, 'doctor.json');
  writeFileSync(cfg, JSON.stringify({ 'time-wait-ports': { criticalPortShare: 0.05 } }));
  const base = doctor(['--proc-root', FIXTURE, '--json', '--only', 'time-wait-ports', '--config', cfg]);
  assert.equal((JSON.parse(base.stdout) as Doc).worst, 'critical');
  assert.equal(base.code, 2);
  for (const [text, why] of [
    ['40100\t40000\n', 'the low end (40100) is above the high end (40000)'],
    ['40000\n', 'the kernel shows two numbers, low and high, not 1'],
    ['0\t0\n', 'ports run from 1 to 65535'],
    ['-5\t40100\n', 'ports run from 1 to 65535'],
  ] as const) {
    const dir = treeWith({ [PORT_RANGE]: text });
    const shown = text.trim().replace(/\t/g, ' ');
    try {
      const only = doctor(['--proc-root', dir, '--only', 'time-wait-ports', '--config', cfg]);
      assert.equal(only.code, 3, `${shown}: ${only.stdout}`);
      assert.doesNotMatch(only.stdout, /^No problems found\.$/m, shown);
      assert.match(only.stdout, /^Incomplete diagnosis:\s+1\s+kernel\s+value\s+in\s+the\s+input\s+is\s+not\s+one\s+the\s+kernel\s+accepts/m, shown);
      assert.match(only.stdout, /^No problems found by what could run\.$/m, shown);
      assert.match(only.stdout, /^ {2}time-wait-ports: NOT CHECKED, no finding\n(?: {6}.*\n)* {6}could not run: net\.ipv4\.ip_local_port_range is/m, shown);
      const file = sysctlPath(dir, PORT_RANGE);
      assert.equal(only.stderr, `tcpstate: warning: ${file}: field ${PORT_RANGE}: value "${shown}" is not one the kernel accepts (${why}); time-wait-ports could not use it\n`);

      const r = doctor(['--proc-root', dir, '--json']);
      const doc = JSON.parse(r.stdout) as Doc;
      const check = doc.checks.find((c) => c.id === 'time-wait-ports')!;
      assert.equal(check.status, 'skipped');
      assert.equal(check.couldNotRun, `${PORT_RANGE} is "${shown}" in sys/net/ipv4/ip_local_port_range, which the kernel does not accept: ${why}`);
      assert.deepEqual(doc.invalidInputs, [{ name: PORT_RANGE, file: 'sys/net/ipv4/ip_local_port_range', value: shown, why, usedBy: ['time-wait-ports'] }]);
      assert.deepEqual(
        doc.warnings.map((w) => [w.code, w.where.file, w.where.field]),
        [['W_SYSCTL_INVALID', file, PORT_RANGE]],
      );
      // The other rules still report what they see; the worst of them is a warning, so: unknown.
      assert.deepEqual(
        doc.findings.map((f) => f.id),
        ['close-wait-leak', 'accept-queue', 'retransmits'],
      );
      assert.equal(r.code, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rmSync(cfgDir, { recursive: true, force: true });
});

test('an impossible value a rule only uses: it runs without it and says so; a critical finding still exits 2', () => {
  const dir = treeWith({ 'net.core.somaxconn': '-1\n' });
  const cfg = join(dir, 'doctor.json');
  try {
    const doc = JSON.parse(doctor(['--proc-root', dir, '--json']).stdout) as Doc;
    const check = doc.checks.find((c) => c.id === 'accept-queue')!;
    assert.equal(check.status, 'partial');
    assert.ok(check.notes.includes('net.core.somaxconn is "-1" in sys/net/core/somaxconn, which the kernel does not accept: the kernel accepts 0 to 2147483647'), check.notes.join('; '));
    assert.equal(doctor(['--proc-root', dir]).code, 3);
    // Critical is known whatever else is: 2.
    writeFileSync(cfg, JSON.stringify({ retransmits: { criticalRetransmits: 3 } }));
    assert.equal(doctor(['--proc-root', dir, '--config', cfg]).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an impossible value no rule reads is reported, and the diagnosis stands', () => {
  const dir = treeWith({ 'net.ipv4.tcp_keepalive_probes': '300\n' });
  try {
    const r = doctor(['--proc-root', dir, '--json']);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.deepEqual(
      doc.invalidInputs.map((x) => [x.name, x.usedBy]),
      [['net.ipv4.tcp_keepalive_probes', []]],
    );
    assert.deepEqual(
      doc.warnings.map((w) => w.code),
      ['W_SYSCTL_INVALID'],
    );
    assert.equal(r.code, 1);
    assert.equal(doctor(['--proc-root', dir]).stdout, doctor(['--proc-root', FIXTURE]).stdout.replace(FIXTURE, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
