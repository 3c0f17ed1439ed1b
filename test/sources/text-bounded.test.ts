/**
 * Captured text never gives a wrong answer or takes unbounded memory: a last line cut short
 * is warned about (or is an error where the cut is visible), a bracketed address without a
 * port is an error; input without line ends (`/dev/zero`, a file whose line ends were lost,
 * an endless pipe) ends in an error naming file, line and byte offset, quickly; a capture of
 * any size is counted with memory independent of its size (300 MB through a pipe, peak RSS
 * measured in the tcpstate process); tcpstate's JSON is read up to a stated size, and its
 * errors name line and column.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { TcpstateError } from '../../src/model/errors.js';
import { parseCapture, type ReadResult } from '../../src/sources/text/read.js';
import { CLI, REPO } from '../lib/netns.js';

const TEXT = join(REPO, 'test', 'fixtures', 'text');
const fixture = (name: string) => readFileSync(join(TEXT, name), 'utf8');
const read = (s: string | Buffer, file = 'cap.txt', format?: string) => parseCapture(typeof s === 'string' ? Buffer.from(s) : s, file, { format });
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-bounded-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function error(fn: () => unknown): TcpstateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TcpstateError, `a TcpstateError, got ${String(e)}`);
    return e;
  }
  assert.fail('no error thrown');
}

const codes = (r: ReadResult) => r.warnings.map((w) => `${w.code}@${w.where.line}`);

/** The fixture's lines up to the first that matches, that one cut after `keep` characters, no line end. */
function cutAt(text: string, match: RegExp, keep: (line: string) => number): { text: string; line: number } {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => match.test(l));
  assert.ok(k >= 0, String(match));
  return { text: [...lines.slice(0, k), lines[k]!.slice(0, keep(lines[k]!))].join('\n'), line: k + 1 };
}

describe('a last line cut short', () => {
  test('ss: [::1]:8002 cut to [::1]:8 reads, with a warning naming the last line', () => {
    const { text, line } = cutAt(fixture('ss-tan.txt'), /\[::1\]:\d{4,5}\s*$/, (l) => l.trimEnd().length - 3);
    assert.match(text, /\[::1\]:\d{1,2}$/);
    const r = read(text);
    assert.deepEqual(codes(r), [`W_NO_LINE_END@${line}`]);
    assert.match(r.warnings[0]!.message, /the last line has no line end: the capture may have been cut short/);
    // The same capture with its line end is not warned about.
    assert.deepEqual(codes(read(`${text}\n`)), []);
  });

  test('ss -o: timer:(on,708ms,2) cut to timer:(on,7 is an error on that line, saying it has no line end', () => {
    const { text, line } = cutAt(fixture('ss-tanpo.txt'), /timer:\(on,\d+ms/, (l) => l.indexOf('timer:(on,') + 11);
    assert.match(text, /timer:\(on,\d$/);
    const e = error(() => read(text, 'ss.txt'));
    assert.deepEqual([e.code, e.where.file, e.where.line, e.where.field], ['ERR_PARSE', 'ss.txt', line, 'timer']);
    assert.match(e.message, /expected timer:\(KIND,TIME,RETRANSMITS\), found "timer:\(on,\d".*the last line, which has no line end: was the capture cut short\?/);
  });

  test('awk summary: SYN_RECV 20 cut to SYN_RECV 2 reads, with a warning', () => {
    const text = 'TIME_WAIT 9137\nESTABLISHED 597\nSYN_RECV 2';
    const r = read(text);
    assert.deepEqual(codes(r), ['W_NO_LINE_END@3']);
  });

  test('a shell prompt as the last line (the next prompt, copied from a terminal) is no cut', () => {
    assert.deepEqual(codes(read(`${fixture('netstat-n-awk.txt')}[root@web1 ~]# `)), []);
  });

  test('a bracketed address without a port is an error, as an IPv4 one is, last line or not', () => {
    const e = error(() => read('State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 [::1]:8002 [::1]\nESTAB 0 0 [::1]:41000 [::1]:8002\n', 'ss.txt'));
    assert.deepEqual([e.code, e.where.line, e.where.field], ['ERR_PARSE', 2, 'Peer Address:Port']);
    assert.match(e.message, /expected ADDRESS:PORT, found "\[::1\]"/);
    const v4 = error(() => read('State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 127.0.0.1:8002 127.0.0.1\n'));
    assert.equal(v4.where.field, 'Peer Address:Port');
    assert.equal(error(() => read('ESTAB 0 0 [fe80::1]%eth0 [::1]:22\n')).where.field, 'Local Address:Port');
    assert.equal(error(() => read('tcp        0      0 127.0.0.1:       127.0.0.1:22       ESTABLISHED\n')).where.field, 'Local Address');
  });
});

describe('input without line ends', () => {
  test('a line over 1 MiB is ERR_PARSE naming file, line and byte offset (UTF-8 and UTF-16)', () => {
    const head = 'tcp        0      0 127.0.0.1:22            127.0.0.1:5000          ESTABLISHED\n';
    const e = error(() => read(head + 'x'.repeat(3 << 20), 'joined.txt'));
    assert.deepEqual([e.code, e.where.file, e.where.line, e.where.offset], ['ERR_PARSE', 'joined.txt', 2, head.length]);
    assert.match(e.message, /a line longer than 1048576 bytes: not a text capture, or its line ends were lost/);
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(head + 'y'.repeat(1 << 20), 'utf16le')]);
    const e16 = error(() => read(u16, 'win.txt'));
    assert.deepEqual([e16.where.line, e16.where.offset], [2, 2 + 2 * head.length]);
  });

  test('/dev/zero: an error at once, not memory without end', () => {
    const r = spawnSync(process.execPath, [CLI, 'count', '/dev/zero'], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
    assert.equal(r.status, 1, `${r.signal ?? ''} ${r.stderr}`);
    assert.equal(r.stderr, 'tcpstate: /dev/zero: byte 0: binary data (a NUL byte at offset 0), not a text capture; save the output of netstat, ss or cat /proc/net/tcp as text\n');
  });

  test('an endless pipe without line ends, as stdin and as a named pipe: an error at once', () => {
    const forever = `const b = Buffer.alloc(65536, 0x61); const fs = require('fs'); for (;;) { try { fs.writeSync(1, b); } catch (e) { if (e.code !== 'EAGAIN') process.exit(0); } }`;
    const viaStdin = spawnSync('/bin/sh', ['-c', `"${process.execPath}" -e "$GEN" | "${process.execPath}" "${CLI}" count -`], {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, GEN: forever },
    });
    assert.equal(viaStdin.status, 1, `${viaStdin.signal ?? ''} ${viaStdin.stderr}`);
    assert.equal(viaStdin.stderr, 'tcpstate: -:1: byte 0: a line longer than 1048576 bytes: not a text capture, or its line ends were lost\n');
    const fifo = join(tmp, 'endless');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const viaFifo = spawnSync('/bin/sh', ['-c', `"${process.execPath}" -e "$GEN" > "${fifo}" & exec "${process.execPath}" "${CLI}" count "${fifo}"`], {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, GEN: forever },
    });
    assert.equal(viaFifo.status, 1, `${viaFifo.signal ?? ''} ${viaFifo.stderr}`);
    assert.equal(viaFifo.stderr, `tcpstate: ${fifo}:1: byte 0: a line longer than 1048576 bytes: not a text capture, or its line ends were lost\n`);
  });
});

describe("memory independent of the capture's size", () => {
  test('count of a 300 MB netstat capture through a pipe: right counts, peak RSS under 200 MB', () => {
    // Real netstat -an lines, repeated with fresh port numbers by a generator process.
    const lines = fixture('netstat-an.txt')
      .split('\n')
      .filter((l) => /^tcp6? /.test(l));
    const perState: Record<string, number> = {};
    for (const l of lines) {
      const s = l.trim().split(/\s+/)[5]!;
      perState[s] = (perState[s] ?? 0) + 1;
    }
    const bytesPerRound = lines.reduce((n, l) => n + l.length + 1, 0);
    const rounds = Math.ceil(300e6 / bytesPerRound);
    const gen = join(tmp, 'gen.cjs');
    writeFileSync(
      gen,
      `const fs = require('fs');
const lines = ${JSON.stringify(lines)};
const out = (s) => { const b = Buffer.from(s); for (let o = 0; o < b.length;) { try { o += fs.writeSync(1, b, o); } catch (e) { if (e.code !== 'EAGAIN') throw e; } } };
out('Active Internet connections (servers and established)\\nProto Recv-Q Send-Q Local Address           Foreign Address         State\\n');
let buf = '';
for (let k = 0; k < ${rounds}; k++) {
  const port = String(1024 + (k % 60000));
  for (const l of lines) buf += l.replace(/:(\\d{4,5})(\\s)/, (m, p, s) => ':' + port.padEnd(p.length) + s) + '\\n';
  if (buf.length > 1 << 20) { out(buf); buf = ''; }
}
out(buf);
`,
    );
    const hwm =
      'data:text/javascript,import fs from "node:fs"; process.on("exit", () => { const m = /VmHWM:\\s+(\\d+)/.exec(fs.readFileSync("/proc/self/status", "utf8")); fs.writeSync(2, `vmhwm ${m[1]}\\n`); });';
    const t0 = Date.now();
    const r = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${gen}" | "${process.execPath}" --import "$HWM" "${CLI}" count --json -`], {
      encoding: 'utf8',
      timeout: 300_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, HWM: hwm },
      maxBuffer: 1 << 20,
    });
    assert.equal(r.status, 0, `${r.signal ?? ''} ${r.stderr.slice(-500)}`);
    const doc = JSON.parse(r.stdout) as { total: number; states: Record<string, number> };
    assert.equal(doc.total, rounds * lines.length);
    for (const [state, n] of Object.entries(perState)) assert.equal(doc.states[state], n * rounds, state);
    const kb = Number(/vmhwm (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(kb > 0 && kb < 200 * 1024, `peak RSS ${kb} kB for ${((rounds * bytesPerRound) / 1e6).toFixed(0)} MB in ${Date.now() - t0} ms`);
  });
});

describe('tcpstate JSON', () => {
  const live = fixture('live.json');

  test('after a shell prompt, and after runs of blank lines: read, and errors on the right line', () => {
    const spaced = live.replace(/\n/g, '\n\n\n');
    const r = read(`[root@db1 ~]# tcpstate ls -a --json\n\n${spaced}`, 'db.txt');
    assert.deepEqual(
      r.captures.map((c) => [c.host, c.format, c.table?.length]),
      [['db1', 'json', 28]],
    );
    const bad = `[root@db1 ~]# tcpstate ls -a --json\n${spaced.replace('"port": 7001', '"port": 70001')}`;
    const e = error(() => read(bad, 'db.txt'));
    assert.equal(e.where.line, bad.split('\n').findIndex((l) => l.includes('70001')) + 1);
    // A listing after many blank lines: its lines keep their numbers.
    const ns = fixture('netstat-an.txt').split('\n');
    const text = [ns[0], ns[1], ...new Array<string>(100).fill(' '), 'tcp        0      0 127.0.0.1:1x     127.0.0.1:5000    ESTABLISHED', ...ns.slice(2)].join('\n');
    assert.equal(error(() => read(text)).where.line, 103);
  });

  test('a document cut short: ERR_PARSE at its last line and column', () => {
    const cut = live.slice(0, live.indexOf('"port": 7001') + 9);
    const lines = cut.split('\n');
    const e = error(() => read(cut, 'live.json'));
    assert.equal(e.where.line, lines.length);
    assert.equal(
      e.message,
      `not valid JSON at column ${lines[lines.length - 1]!.length + 1}: expected "," or "}" after a property value, found the end of the input (the last line, which has no line end: was the capture cut short?)`,
    );
  });

  test('a syntax error in the middle: its line and column', () => {
    const lines = live.split('\n');
    const k = lines.findIndex((l) => l.includes('"port": 7001'));
    lines[k] = lines[k]!.replace('7001', '70 01');
    const e = error(() => read(lines.join('\n'), 'live.json'));
    assert.equal(e.where.line, k + 1);
    assert.equal(e.message, `not valid JSON at column ${lines[k]!.indexOf('70 01') + 4}: expected "," or "}" after a property value, found "0"`);
  });

  test('a bad field: its JSON path, line and column', () => {
    const lines = live.split('\n');
    const k = lines.findIndex((l) => l.includes('"port": 7001'));
    lines[k] = lines[k]!.replace('7001', '70001');
    const e = error(() => read(lines.join('\n'), 'live.json'));
    assert.deepEqual([e.code, e.where.line, e.where.field], ['ERR_PARSE', k + 1, '$.sockets[0].local.port']);
    assert.equal(e.message, `expected a whole number from 0 to 65535 (column ${lines[k]!.indexOf('70001') + 1})`);
    const state = live.replace('"state": "LISTEN"', '"state": "LISTENX"');
    const w = read(state, 'live.json').warnings;
    const at = state.split('\n').findIndex((l) => l.includes('LISTENX')) + 1;
    assert.deepEqual(
      w.map((x) => [x.code, x.where.line, x.where.field]),
      [['W_UNKNOWN_STATE', at, '$.sockets[0].state']],
    );
  });

  test('over 128 MiB: an error saying JSON is read whole up to that size', () => {
    const pad = `"${'x'.repeat(1000)}",\n`;
    const n = Math.ceil((129 << 20) / pad.length);
    const doc = Buffer.from(`{"schema": "tcpstate.count/1", "states": {"ESTABLISHED": 1}, "pad": [\n${pad.repeat(n)}""]}\n`);
    const e = error(() => read(doc, 'big.json'));
    assert.equal(e.code, 'ERR_PARSE');
    assert.ok(e.where.line! > 128 << 10 && e.where.line! < n, String(e.where.line));
    assert.match(e.message, /a JSON capture is read whole, up to 128 MiB; this one is larger/);
  });
});
