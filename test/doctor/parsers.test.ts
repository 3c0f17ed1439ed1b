/**
 * The counter and sysctl parsers on the captured fixture (test/fixtures/proc-doctor), with
 * iproute2's nstat and ss reading the very same files as oracles (both honour PROC_ROOT),
 * and on a live namespace against nstat run inside it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { isTcpstateError } from '../../src/model/errors.js';
import { type CounterTable, parseCounterPairs, parseSockstat, readCounters } from '../../src/sources/counters.js';
import { findPidInNetns } from '../../src/sources/netns.js';
import { parseSysctl, readSysctls, SYSCTLS } from '../../src/sources/sysctl.js';
import { kernelOrSkip, Netns, REPO } from '../lib/netns.js';

const ROOT = join(REPO, 'test', 'fixtures', 'proc-doctor', 'root');
const read = (rel: string) => readFileSync(join(ROOT, rel), 'latin1');

/** nstat's flat names: section + counter (`TcpExtListenOverflows`). */
function flat(...tables: CounterTable[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tables) for (const [sec, kv] of Object.entries(t)) for (const [k, v] of Object.entries(kv)) m.set(sec + k, v);
  return m;
}

function nstat(env: Record<string, string>, prefix: string[] = []): Record<string, number> {
  const out = execFileSync(prefix[0] ?? 'nstat', [...prefix.slice(1), ...(prefix.length ? ['nstat'] : []), '-asz', '--json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return (JSON.parse(out) as { kernel: Record<string, number> }).kernel;
}

function assertMatchesNstat(ours: Map<string, number>, theirs: Record<string, number>): void {
  const keys = Object.keys(theirs);
  assert.ok(keys.length > 200, `nstat printed only ${keys.length} counters`);
  for (const k of keys) {
    if (k.startsWith('Ip6') || k.startsWith('Icmp6') || k.startsWith('Udp6') || k.startsWith('UdpLite6')) continue; // snmp6: not read
    assert.equal(ours.get(k), theirs[k], `counter ${k}`);
  }
}

function expectParseError(f: () => unknown, field: RegExp, line?: number): void {
  try {
    f();
  } catch (e) {
    assert.ok(isTcpstateError(e), String(e));
    assert.equal(e.code, 'ERR_PARSE');
    assert.match(e.where.field ?? '', field);
    if (line !== undefined) assert.equal(e.where.line, line);
    assert.ok(e.where.file, 'names the file');
    return;
  }
  assert.fail('no error');
}

test('netstat and snmp of the fixture parse to what nstat reads from the same files', (t) => {
  if (!kernelOrSkip(t, ['nstat'])) return;
  const ours = flat(parseCounterPairs(read('net/netstat'), 'net/netstat'), parseCounterPairs(read('net/snmp'), 'net/snmp'));
  assertMatchesNstat(ours, nstat({ PROC_ROOT: ROOT }));
  // Fields nstat leaves out as not counters are still read (Tcp MaxConn is -1).
  assert.equal(ours.get('TcpMaxConn'), -1);
  assert.ok((ours.get('TcpExtListenOverflows') ?? 0) > 0, 'the capture overflowed a listener');
});

test('sockstat of the fixture parses to what ss -s reads from the same files', (t) => {
  if (!kernelOrSkip(t, ['ss'])) return;
  const s = parseSockstat(read('net/sockstat'), 'net/sockstat');
  const s6 = parseSockstat(read('net/sockstat6'), 'net/sockstat6');
  const out = execFileSync('ss', ['-s'], { encoding: 'utf8', env: { ...process.env, PROC_ROOT: ROOT } });
  const m = /^TCP:\s+\d+ \(estab \d+, closed \d+, orphaned (\d+), timewait (\d+)\)/m.exec(out);
  assert.ok(m, out);
  assert.equal(s['TCP']!['orphan'], Number(m[1]));
  assert.equal(s['TCP']!['tw'], Number(m[2]));
  assert.equal(s['sockets']!['used'], Number(/^Total: (\d+)/m.exec(out)![1]));
  const tcpRow = /^TCP\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(out)!;
  assert.equal(s['TCP']!['inuse'], Number(tcpRow[2]));
  assert.equal(s6['TCP6']!['inuse'], Number(tcpRow[3]));
});

test('counters read live in a namespace match nstat run inside it', async (t) => {
  if (!kernelOrSkip(t, ['nstat'])) return;
  const ns = Netns.create('ctr');
  try {
    const zoo = await ns.zoo(['--only', 'listen,est,tw']);
    const pid = findPidInNetns(ns.name)!;
    assert.ok(pid > 0);
    // Idle: nothing moves the namespace's counters between the two reads.
    const c = readCounters(`/proc/${pid}`);
    assert.deepEqual(c.missing, []);
    assertMatchesNstat(flat(c.netstat!, c.snmp!), nstat({}, ['ip', 'netns', 'exec', ns.name]));
    assert.ok((flat(c.snmp!).get('TcpActiveOpens') ?? 0) >= 4, 'the zoo opened connections');
    assert.equal(c.sockstat!['TCP']!['tw'], zoo.expect['TIME_WAIT']);
  } finally {
    ns.destroy();
  }
});

test('malformed counter files are errors naming file, line and counter', () => {
  const text = read('net/netstat');
  const lines = text.split('\n');
  // A value that is not a number.
  const bad = [...lines];
  bad[1] = bad[1]!.replace(/ \d+/, ' x1');
  expectParseError(() => parseCounterPairs(bad.join('\n'), 'netstat'), /^TcpExt SyncookiesSent$/, 2);
  // One value missing.
  const short = [...lines];
  short[3] = short[3]!.replace(/ \d+$/, '');
  expectParseError(() => parseCounterPairs(short.join('\n'), 'netstat'), /^IpExt$/, 4);
  // A header without its value line.
  expectParseError(() => parseCounterPairs(lines.slice(0, 3).join('\n'), 'netstat'), /^IpExt$/, 4);
  expectParseError(() => parseSockstat('TCP: inuse 3 orphan\n', 'sockstat'), /^TCP$/, 1);
  expectParseError(() => parseSockstat('sockets: used many\n', 'sockstat'), /^sockets used$/, 1);
  // CRLF copies parse the same.
  assert.deepEqual(parseCounterPairs(text.replace(/\n/g, '\r\n')), parseCounterPairs(text));
});

test('missing counter files are listed, not errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-ctr-'));
  try {
    mkdirSync(join(dir, 'net'));
    writeFileSync(join(dir, 'net', 'sockstat'), read('net/sockstat'));
    const c = readCounters(dir);
    assert.deepEqual(c.missing, ['net/netstat', 'net/snmp', 'net/sockstat6']);
    assert.equal(c.sockstat!['TCP']!['tw'], parseSockstat(read('net/sockstat'))['TCP']!['tw']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sysctls of the fixture: every one tcpstate reads, but those of the initial namespace only', () => {
  const s = readSysctls(ROOT);
  assert.deepEqual(s.missing.sort(), ['net.ipv4.tcp_max_orphans', 'net.ipv4.tcp_mem']);
  for (const name of Object.keys(SYSCTLS)) {
    if (s.missing.includes(name)) continue;
    const text = read(`sys/${name.replace(/\./g, '/')}`);
    assert.deepEqual(s.values[name], SYSCTLS[name] === 'int' ? Number(text.trim()) : text.trim().split(/\s+/).map(Number), name);
  }
  assert.deepEqual(s.values['net.ipv4.ip_local_port_range'], [40000, 40100]); // set by capture.sh
  assert.equal(s.values['net.ipv4.tcp_tw_reuse'], 0);
});

test('sysctl values that are not numbers, or too many, are errors naming the sysctl', () => {
  expectParseError(() => parseSysctl('net.ipv4.tcp_tw_reuse', 'on\n'), /^net\.ipv4\.tcp_tw_reuse$/);
  expectParseError(() => parseSysctl('net.core.somaxconn', '1 2\n'), /^net\.core\.somaxconn$/);
  expectParseError(() => parseSysctl('net.core.somaxconn', '\n'), /^net\.core\.somaxconn$/);
  assert.deepEqual(parseSysctl('net.ipv4.ip_local_port_range', '32768\t60999\n'), [32768, 60999]);
});
