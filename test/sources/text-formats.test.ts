/**
 * Captured text, line by line: detection, prompts and hosts, each format's particulars, and
 * bad input (truncated lines, mixed formats, CRLF, bytes that are not UTF-8, unknown states,
 * empty input) ending in typed errors that name file, line and field, or in warnings.
 * The inputs are the committed real captures, cut or altered as each case needs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { countEntries } from '../../src/model/count.js';
import { TcpstateError } from '../../src/model/errors.js';
import { parseState } from '../../src/model/state.js';
import { detectFormat, scoreAll } from '../../src/sources/text/detect.js';
import { parseCapture } from '../../src/sources/text/read.js';
import { hostFromName, markerOf } from '../../src/sources/text/sections.js';
import { parseSsTime } from '../../src/sources/text/ss.js';
import { runMain } from '../lib/cli.js';
import { REPO, runCli } from '../lib/netns.js';

const TEXT = join(REPO, 'test', 'fixtures', 'text');
const fixture = (name: string) => readFileSync(join(TEXT, name), 'utf8');
const bytes = (s: string) => Buffer.from(s, 'utf8');
const read = (s: string | Buffer, file = 'cap.txt', format?: string) => parseCapture(typeof s === 'string' ? bytes(s) : s, file, { format });
const nonZero = (c: Float64Array) => Object.fromEntries(countEntries(c).filter(([, n]) => n > 0));

function throwsTyped(fn: () => unknown, code: string, where: { file?: string; line?: number; field?: string; offset?: number }, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TcpstateError, `a TcpstateError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(where)) assert.equal((e.where as Record<string, unknown>)[k], v, `${k} of ${e.describe()}`);
    if (message) assert.match(e.message, message);
    return;
  }
  assert.fail('no error thrown');
}

describe('detection', () => {
  test('each real capture is detected as its tool, from its first lines alone', () => {
    const cases: [string, string][] = [
      ['netstat-an.txt', 'netstat'],
      ['netstat-ant-noheader.txt', 'netstat'],
      ['netstat-e.txt', 'netstat'],
      ['busybox-an.txt', 'busybox'],
      ['ss-tanH.txt', 'ss'],
      ['ss-tanie.txt', 'ss'],
      ['ss-an.txt', 'ss'],
      ['proc-tcp.txt', 'proc'],
      ['netstat-n-awk.txt', 'awk'],
    ];
    for (const [file, want] of cases) {
      // BusyBox's first lines are IPv4 ones, the same as net-tools': it needs its IPv6 lines.
      const lines = fixture(file)
        .split('\n')
        .slice(0, file.startsWith('busybox') ? 60 : 8);
      assert.equal(detectFormat(lines), want, `${file}: ${JSON.stringify(scoreAll(lines).slice(0, 3))}`);
    }
  });

  test('BusyBox and net-tools print the same IPv4 lines; an IPv6 "tcp" line tells BusyBox', () => {
    const v4 = fixture('busybox-an.txt')
      .split('\n')
      .filter((l) => !l.includes('::'));
    assert.equal(detectFormat(v4), 'netstat');
    assert.equal(detectFormat(fixture('busybox-an.txt').split('\n')), 'busybox');
  });

  test('an unrecognized file is ERR_FORMAT naming the file and the formats tried', () => {
    throwsTyped(
      () => read('hello world\nthis is not netstat\n', 'notes.txt'),
      'ERR_FORMAT',
      { file: 'notes.txt', line: 1 },
      /not in a format tcpstate reads \(tried netstat, busybox, ss, proc, awk, json, bsd, windows\): "hello world"/,
    );
  });

  test('--input-format forces a format; an unknown one is a usage error', async () => {
    // ss -tanH lines forced as net-tools netstat: not netstat lines, so nothing is read.
    throwsTyped(() => read(fixture('ss-tanH.txt'), 'x.txt', 'netstat'), 'ERR_FORMAT', { line: 1 }, /mixed formats: this line is ss output inside netstat output/);
    const r = await runMain(['count', '--input-format', 'sstable', join(TEXT, 'ss-tan.txt')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown --input-format "sstable": expected netstat, busybox, ss, proc, awk, json, bsd, windows/);
    const ok = await runMain(['count', '--json', '--input-format', 'ss', join(TEXT, 'ss-tan.txt')]);
    assert.equal(JSON.parse(ok.stdout).total, 28);
  });
});

describe('prompts and hosts', () => {
  test('prompt lines name hosts and commands, spaces or none', () => {
    const cases: [string, string | undefined, string | undefined][] = [
      ['[root@web1 ~]# netstat -n', 'web1', 'netstat -n'],
      ['[oldboy@LVS-1-1 ~]$ netstat -n |awk', 'LVS-1-1', 'netstat -n |awk'],
      ['[root@lvs_nginx~]#netstat -n', 'lvs_nginx', 'netstat -n'],
      ['root@db:~# ss -tan', 'db', 'ss -tan'],
      ['admin@db2:/var/log$ ss -tan', 'db2', 'ss -tan'],
      ['me@mac-mini ~ % netstat -an -p tcp', 'mac-mini', 'netstat -an -p tcp'],
      ['mac:~ admin$ netstat -an', 'mac', 'netstat -an'],
      ['==> /tmp/caps/web3.ss.txt <==', 'web3', undefined],
      ['C:\\Users\\ops>netstat -ano', undefined, 'netstat -ano'],
      ['PS C:\\> netstat -ano', undefined, 'netstat -ano'],
      ['$ cat /proc/net/tcp', undefined, 'cat /proc/net/tcp'],
    ];
    for (const [line, host, command] of cases) {
      const m = markerOf(line);
      assert.deepEqual([m?.host, m?.command], [host, command], line);
    }
    for (const prose of ['# TODO: fix the LB', '$ make install', 'mail me at root@web1 tomorrow', 'ESTABLISHED 597', '[1]+  Done  sleep 5']) {
      assert.equal(markerOf(prose), undefined, prose);
    }
  });

  test('host names from file names lose directories and capture extensions only', () => {
    assert.equal(hostFromName('/tmp/web1.txt'), 'web1');
    assert.equal(hostFromName('web1.netstat.txt'), 'web1');
    assert.equal(hostFromName('db1.example.com'), 'db1.example.com');
    assert.equal(hostFromName('10.0.0.5.ss.log'), '10.0.0.5');
  });

  test('an awk command with no output is a host with no sockets, not a missing host', () => {
    const text =
      "[root@idle ~]# netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'\n[root@busy ~]# netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'\nESTABLISHED 3\n";
    const r = read(text);
    assert.deepEqual(
      r.captures.map((c) => [c.host, c.format, Object.values(nonZero(c.counts))]),
      [
        ['idle', 'awk', []],
        ['busy', 'awk', [3]],
      ],
    );
  });

  test('cat /proc/net/tcp and cat /proc/net/tcp6 as two commands are one snapshot', () => {
    const [v4, v6] = fixture('proc-tcp.txt')
      .split(/(?=^\s*sl\s)/m)
      .filter((s) => s.trim() !== '');
    const r = read(`[root@db ~]# cat /proc/net/tcp\n${v4}[root@db ~]# cat /proc/net/tcp6\n${v6}`);
    assert.equal(r.captures.length, 1);
    assert.equal(r.captures[0]!.table!.length, 28);
  });

  test('a second capture of the same host is kept apart and said', () => {
    const r = read(`[root@web1 ~]# ss -tan\n${fixture('ss-tan.txt')}[root@web1 ~]# netstat -ant\n${fixture('netstat-ant.txt')}`);
    assert.deepEqual(
      r.captures.map((c) => c.host),
      ['web1', 'web1 (2)'],
    );
    assert.ok(r.warnings.some((w) => w.code === 'W_SAME_HOST'));
  });
});

describe('formats', () => {
  test('ss: continuation lines carry inode, uid, owners, timers and TCP info', () => {
    const t = read(fixture('ss-tanie.txt')).captures[0]!.table!;
    const est = [...Array(t.length).keys()].map((i) => t.record(i)).find((r) => r.state === 'ESTABLISHED' && r.local.port === 7001)!;
    assert.ok(est.inode > 0);
    assert.equal(est.uid, 0);
    assert.ok(est.info?.rttUs !== undefined && est.info.rttUs > 0);
    assert.ok(est.info?.cwnd !== undefined && est.info.cwnd > 0);
    const o = read(fixture('ss-tanpo.txt')).captures[0]!.table!;
    const tw = [...Array(o.length).keys()].map((i) => o.record(i)).find((r) => r.state === 'TIME_WAIT')!;
    assert.equal(tw.timer?.kind, 'timewait');
    assert.ok(tw.timer!.expiresMs! > 0 && tw.timer!.expiresMs! <= 60000);
  });

  test('ss timer times: min, sec, ms, and "1.234ms" meaning one second and 234 ms', () => {
    assert.equal(parseSsTime('59sec'), 59000);
    assert.equal(parseSsTime('088ms'), 88);
    assert.equal(parseSsTime('1min27sec'), 87000);
    assert.equal(parseSsTime('119min'), 7140000);
    assert.equal(parseSsTime('1.234ms'), 1234);
    assert.equal(parseSsTime('soon'), undefined);
  });

  test('ss: old-style addresses (":::22", "*" for IPv4 any) and new-style ("[::]", "*" dual-stack)', () => {
    const old = read(
      'State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port\nLISTEN     0      128                       *:22                       *:*\nLISTEN     0      128                      :::22                      :::*\nESTAB      0      0             10.0.0.5:22          10.0.0.9:51000\n',
    );
    const t = old.captures[0]!.table!;
    assert.deepEqual([t.family[0], t.family[1], t.family[2]], [4, 6, 4]);
    const neu = read('State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      128          *:22              *:*\nLISTEN 0      128       [::]:80           [::]:*\n');
    const n = neu.captures[0]!.table!;
    assert.deepEqual([n.family[0], n.family[1], n.flags[0]! & 1], [6, 6, 1]);
  });

  test('BSD: host.port addresses, tcp46 dual-stack, BSD state names, macOS -v pid column', () => {
    const t = read(readFileSync(join(REPO, 'test', 'fixtures', 'vendor', 'freebsd-netstat-an.txt'))).captures[0]!;
    assert.equal(t.format, 'bsd');
    assert.deepEqual(nonZero(t.counts), { ESTABLISHED: 4, CLOSE: 1, CLOSE_WAIT: 1, LISTEN: 17 });
    // macOS -v (columns as macOS prints them; constructed, no vendor document quotes one).
    const mac = read(
      'Active Internet connections (including servers)\nProto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rhiwat shiwat    pid   epid  state    options\ntcp46      0      0  *.8080                 *.*                    LISTEN       131072 131072    555      0 0x0100 0x00000006\ntcp4       0      0  10.0.2.15.49215        17.188.185.133.5223    SYN_RCVD     131072 131400    126    126 0x0102 0x00000008\n',
    ).captures[0]!;
    const r0 = mac.table!.record(0);
    const r1 = mac.table!.record(1);
    assert.deepEqual([r0.family, r0.local.address, r0.local.port, r0.state, r0.owners[0]?.pid], [6, '::', 8080, 'LISTEN', 555]);
    assert.deepEqual([r1.family, r1.remote.address, r1.remote.port, r1.state], [4, '17.188.185.133', 5223, 'SYN_RECV']);
  });

  test('Windows: CRLF, LISTENING, bracketed IPv6, PID owners, UDP skipped, -b executables', () => {
    const w = read(readFileSync(join(REPO, 'test', 'fixtures', 'vendor', 'windows-netstat-ano.txt'))).captures[0]!;
    assert.equal(w.format, 'windows');
    assert.deepEqual(nonZero(w.counts), { ESTABLISHED: 1, LISTEN: 8 });
    const b = read(
      'Active Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       884\r\n  RpcSs\r\n [svchost.exe]\r\n  TCP    10.0.0.2:50671         10.50.20.73:80         CLOSE_WAIT      6764\r\n Can not obtain ownership information\r\n  TCP    10.0.0.2:50673         214.48.244.80:80       TIME_WAIT       0\r\n',
    ).captures[0]!;
    const rs = [0, 1, 2].map((i) => b.table!.record(i));
    assert.deepEqual(
      rs.map((r) => [r.state, r.owners.map((o) => `${o.pid}/${o.program}`).join()]),
      [
        ['LISTEN', '884/svchost.exe'],
        ['CLOSE_WAIT', '6764/'],
        ['TIME_WAIT', ''],
      ],
    );
  });

  test("every state name on Microsoft Learn's netstat page reads as a TCP state", () => {
    for (const name of ['CLOSE_WAIT', 'CLOSED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'LAST_ACK', 'listEN', 'LISTENING', 'SYN_RECEIVED', 'SYN_SEND', 'timeD_WAIT', 'BOUND', 'DELETE_TCB']) {
      assert.ok((parseState(name) ?? 0) > 0, name);
    }
  });

  test('netstat without -n: names are counted and reported, not matched', () => {
    const r = read(fixture('netstat-e.txt'));
    assert.equal(r.captures[0]!.table!.length, 21);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['W_NAMES'],
    );
  });
});

describe('bad input', () => {
  test('a truncated netstat line is ERR_PARSE naming line and field', () => {
    const lines = fixture('netstat-an.txt').split('\n');
    lines[5] = lines[5]!.replace(/\s+\S+\s*$/, '');
    throwsTyped(() => read(lines.join('\n'), 'web1.txt'), 'ERR_PARSE', { file: 'web1.txt', line: 6, field: 'State' }, /line ends early/);
  });

  test('a truncated ss line and a truncated /proc line: ERR_PARSE naming line and field', () => {
    const ss = fixture('ss-tan.txt').split('\n');
    ss[3] = 'ESTAB      0      0          127.0.0.1:7001';
    throwsTyped(() => read(ss.join('\n'), 'ss.txt'), 'ERR_PARSE', { line: 4, field: 'Peer Address:Port' });
    const proc = fixture('proc-tcp.txt').split('\n');
    proc[2] = proc[2]!.slice(0, 40);
    throwsTyped(() => read(proc.join('\n'), 'tcp.txt'), 'ERR_PARSE', { file: 'tcp.txt', line: 3 });
  });

  test('mixed formats in one section: ERR_FORMAT at the first foreign line', () => {
    const ns = fixture('netstat-ant.txt').split('\n').filter(Boolean);
    const mixed = [...ns, ...fixture('ss-tanH.txt').split('\n').slice(0, 3)].join('\n');
    throwsTyped(() => read(mixed, 'mixed.txt'), 'ERR_FORMAT', { file: 'mixed.txt', line: ns.length + 1 }, /ss output inside netstat output/);
  });

  test('CRLF line ends read as LF ones', () => {
    for (const f of ['ss-tanie.txt', 'netstat-antp.txt', 'proc-tcp.txt']) {
      const lf = read(fixture(f)).captures[0]!;
      const crlf = read(fixture(f).replace(/\n/g, '\r\n')).captures[0]!;
      assert.deepEqual(nonZero(crlf.counts), nonZero(lf.counts), f);
      assert.deepEqual(
        [...Array(crlf.table!.length).keys()].map((i) => crlf.table!.record(i)),
        [...Array(lf.table!.length).keys()].map((i) => lf.table!.record(i)),
        f,
      );
    }
  });

  test('bytes that are not UTF-8 in prose: a warning naming the line, counts unchanged', () => {
    const gbk = Buffer.concat([Buffer.from([0xc9, 0xfa, 0xb2, 0xfa, 0x0a]), bytes(fixture('netstat-n-awk.txt'))]);
    const r = read(gbk, 'gbk.txt');
    assert.deepEqual(
      r.warnings.map((w) => `${w.code}@${w.where.line}`),
      ['W_ENCODING@1', 'W_SKIPPED_LINE@1'],
    );
    assert.deepEqual(nonZero(r.captures[0]!.counts), nonZero(read(fixture('netstat-n-awk.txt')).captures[0]!.counts));
  });

  test('a UTF-16LE capture with a BOM (Windows PowerShell >) reads as its text', () => {
    const text = readFileSync(join(REPO, 'test', 'fixtures', 'vendor', 'windows-netstat-ano.txt'), 'utf8');
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    assert.deepEqual(nonZero(read(u16).captures[0]!.counts), { ESTABLISHED: 1, LISTEN: 8 });
  });

  test('unknown state names are kept as UNKNOWN with a warning naming the line, never dropped', () => {
    const awk = read('ESTABLISHED 10\nSYN_RECEIVE 3\nTIME_WAIT 2\n', 'ticket.txt');
    assert.deepEqual(nonZero(awk.captures[0]!.counts), { ESTABLISHED: 10, TIME_WAIT: 2, UNKNOWN: 3 });
    assert.deepEqual(
      awk.warnings.map((w) => [w.code, w.where.line, w.message]),
      [['W_UNKNOWN_STATE', 2, 'unknown state "SYN_RECEIVE", counted as UNKNOWN']],
    );
    const ns = fixture('netstat-an.txt').replace('SYN_SENT   ', 'SYN_SNT    ');
    const r = read(ns, 'n.txt');
    assert.equal(r.captures[0]!.counts[0], 1);
    assert.equal(r.captures[0]!.table!.length, 28);
    assert.equal(r.warnings[0]!.where.field, 'State');
  });

  test('a state listed twice in a summary is added up, with a warning', () => {
    const r = read('TIME_WAIT 5\nESTABLISHED 1\nTIME-WAIT 2\n');
    assert.equal(nonZero(r.captures[0]!.counts)['TIME_WAIT'], 7);
    assert.deepEqual(
      r.warnings.map((w) => `${w.code}@${w.where.line}`),
      ['W_DUPLICATE_STATE@3'],
    );
  });

  test('empty input, blank input, prompts only: ERR_EMPTY; binary: ERR_FORMAT', () => {
    throwsTyped(() => read(''), 'ERR_EMPTY', { file: 'cap.txt' }, /empty input/);
    throwsTyped(() => read('\n \r\n\t\n'), 'ERR_EMPTY', {}, /only blank lines/);
    throwsTyped(() => read('[root@web1 ~]# ls\n'), 'ERR_EMPTY', {}, /only shell prompts/);
    throwsTyped(() => read(Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0])), 'ERR_FORMAT', { offset: 5 }, /binary data/);
  });

  test('the CLI: exit 1 with one line naming file, line and field; never a stack trace', () => {
    // Empty input is an answer (no sockets), not an error (issue 15): a warning says so.
    const empty = runCli(['count', '/dev/null']);
    assert.equal(empty.code, 0);
    assert.match(empty.stderr, /^tcpstate: warning: \/dev\/null: empty input: counted as no sockets\n$/);
    assert.match(empty.stdout, /^TOTAL +0$/m);
    const bad = fixture('netstat-an.txt').replace(/(127\.0\.0\.1:\d+)(\s+127\.0\.0\.1:\d+\s+ESTABLISHED)/, '$1x$2');
    const line = bad.split('\n').findIndex((l) => /\dx\s/.test(l)) + 1;
    const r = runCli(['count', '-'], { input: bad });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `tcpstate: -:${line}: field Local Address: expected ADDRESS:PORT, found "${/127\.0\.0\.1:\d+x/.exec(bad)![0]}"\n`);
    assert.equal(r.stdout, '');
    const missing = runCli(['count', 'no-such-capture.txt']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file: "no-such-capture\.txt"/);
    assert.doesNotMatch(missing.stderr + r.stderr, /\n\s+at /);
  });
});

describe('files and filters on the command line', () => {
  test('files first, then ss filter words', async () => {
    const r = await runMain(['count', '--json', join(TEXT, 'ss-tan.txt'), join(TEXT, 'netstat-an.txt'), 'state', 'time-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).total, 6);
    const f = await runMain(['ls', '-a', join(TEXT, 'proc-tcp.txt'), '(', 'dport', '=', ':7001', 'or', 'sport', '=', ':7001', ')']);
    assert.equal(f.code, 0, f.stderr);
    const live = (JSON.parse(fixture('live.json')) as { sockets: { local: { port: number }; remote: { port: number } }[] }).sockets;
    assert.equal(f.stdout.trim().split('\n').length - 1, live.filter((s) => s.local.port === 7001 || s.remote.port === 7001).length);
  });

  test('live-table options are refused with capture files', async () => {
    const r = await runMain(['count', '--netns', 'x', join(TEXT, 'ss-tan.txt')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--netns reads the live table; it does not apply to capture files/);
  });
});
