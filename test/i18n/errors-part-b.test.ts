/**
 * Errors and warnings of reading the kernel in the user's language (issue 15 §3, part B):
 * captured proc trees (process names, sysctls, counters), sock_diag recordings (cut,
 * joined, damaged byte by byte, asked for what they never dumped), the watch's sampling
 * thread and fleet's Prometheus answers, through the CLI in English and Chinese as golden
 * files (test/golden/i18n/errors-b-*.txt), the exit status the same in both. Then across
 * worker threads: a sample's warnings and errors keep their catalogue data (they were
 * English under --lang zh), JSON keeps `{code, message, where}`; and the texts no input of
 * the CLI reaches (BPF records, trace events, a closed sampler) say themselves in Chinese.
 * UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { socketsDocument } from '../../src/engine/documents.js';
import { Sampler } from '../../src/engine/sampler.js';
import { render, type Said } from '../../src/i18n/catalogue.js';
import { isTcpstateError, TcpstateError } from '../../src/model/errors.js';
import { ALL_MASK } from '../../src/model/state.js';
import { errorFromWire, errorToWire, warningsFromWire, warningsToWire } from '../../src/model/wire.js';
import { Warnings } from '../../src/model/warnings.js';
import { countStatePairs, finishCounts, newTally, parseStatePorts } from '../../src/sources/bpf-tcp-states.js';
import { DEFAULT_CONFIG } from '../../src/sources/config.js';
import { countJson } from '../../src/trace/counts.js';
import { parseTraceEvents } from '../../src/trace/events.js';
import { TickReader } from '../../src/watch/ticker.js';
import { assertGolden } from '../lib/golden.js';
import { Bilingual, type Run, runQuietly } from '../lib/bilingual.js';
import { CLI, kernelOrSkip, REPO } from '../lib/netns.js';
import { shq, Tmux } from '../lib/tmux.js';

const TMP = mkdtempSync(join(tmpdir(), 'tcpstate-zh4b-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** The CLI, not blocking this thread (the fleet case's HTTP server answers from it). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runQuietly(CLI, REPO, args, { env, names: { $TMP: TMP, $REPO: REPO } });
}

const NL = join(REPO, 'test/fixtures/netlink');
const TCP_HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP_ROW = '   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n';

/** A copy of the doctor's captured tree with one file written over. */
function doctorTree(name: string, file: string, body: string): string {
  const root = join(TMP, name);
  cpSync(join(REPO, 'test/fixtures/proc-doctor/root'), root, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(root, file), body);
  return root;
}

/** A recording with bytes changed: [offset, byte] pairs. */
function edited(name: string, from: string, edits: [number, number][]): string {
  const b = Buffer.from(readFileSync(join(NL, from)));
  for (const [at, v] of edits) b[at] = v;
  writeFileSync(join(TMP, name), b);
  return join(TMP, name);
}

function fixtures() {
  const f = (name: string, body: string | Buffer) => {
    writeFileSync(join(TMP, name), body);
    return join(TMP, name);
  };
  // A process whose name is longer than the kernel keeps.
  const comm = join(TMP, 'comm');
  cpSync(join(REPO, 'test/fixtures/proc-zoo'), comm, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(comm, '8729/comm'), 'a-very-long-process-name-indeed\n');
  // Trees for the watch's sampling thread: tcp6 absent (a warning), a tcp line damaged (an error).
  const no6 = join(TMP, 'no6');
  mkdirSync(join(no6, 'net'), { recursive: true });
  writeFileSync(join(no6, 'net/tcp'), TCP_HEAD + TCP_ROW);
  const bad = join(TMP, 'bad');
  mkdirSync(join(bad, 'net'), { recursive: true });
  writeFileSync(join(bad, 'net/tcp'), TCP_HEAD + TCP_ROW.replace('0100007F:0016', '0100007F:00ZZ'));
  writeFileSync(join(bad, 'net/tcp6'), TCP_HEAD);
  const rec = readFileSync(join(NL, 'zoo-tcp-info.nl'));
  mkdirSync(join(TMP, 'dir'));
  return {
    comm,
    no6,
    bad,
    dir: join(TMP, 'dir'),
    twReuse: doctorTree('tw-reuse', 'sys/net/ipv4/tcp_tw_reuse', '7\n'),
    portRange: doctorTree('port-range', 'sys/net/ipv4/ip_local_port_range', '60000\t32768\n'),
    word: doctorTree('word', 'sys/net/ipv4/tcp_fin_timeout', 'abc\n'),
    two: doctorTree('two', 'sys/net/ipv4/tcp_fin_timeout', '60 61\n'),
    empty: doctorTree('empty', 'sys/net/ipv4/tcp_fin_timeout', '\n'),
    long: doctorTree('long', 'sys/net/ipv4/tcp_syncookies', '1'.repeat(5000)),
    mismatch: doctorTree('mismatch', 'net/netstat', 'TcpExt: SyncookiesSent SyncookiesRecv\nTcpExt: 1\n'),
    noColon: doctorTree('no-colon', 'net/netstat', 'TcpExt SyncookiesSent\n'),
    noValues: doctorTree('no-values', 'net/netstat', 'TcpExt: SyncookiesSent SyncookiesRecv\n'),
    notNumber: doctorTree('not-number', 'net/snmp', 'Tcp: RtoAlgorithm ActiveOpens\nTcp: 1 x\n'),
    oddWords: doctorTree('odd-words', 'net/sockstat', 'TCP: inuse 3 orphan\n'),
    sockstatBad: doctorTree('sockstat-bad', 'net/sockstat', 'TCP: inuse x\n'),
    emptyRec: f('empty.nl', ''),
    joined: f('joined.nl', Buffer.concat([rec, rec])),
    cutDone: f('cut-done.nl', rec.subarray(0, rec.length - 20)),
    cutInside: f('cut-inside.nl', rec.subarray(0, 100)),
    firstCut: f('first-cut.nl', rec.subarray(0, rec.readUInt32LE(0))),
    tiny: f('tiny.nl', rec.subarray(0, 10)),
    shortLen: edited('short-len.nl', 'zoo-tcp-info.nl', [
      [0, 8],
      [1, 0],
    ]),
    huge: edited('huge.nl', 'zoo-tcp-info.nl', [
      [0, 0xff],
      [1, 0xff],
      [2, 0x1f],
    ]),
    shortDiag: edited('short-diag.nl', 'zoo-tcp-info.nl', [
      [0, 20],
      [1, 0],
    ]),
    refused: edited('refused.nl', 'zoo-tcp-info.nl', [
      [4, 2],
      [16, 0xf3],
      [17, 0xff],
      [18, 0xff],
      [19, 0xff],
    ]),
    noCode: edited('no-code.nl', 'zoo-tcp-info.nl', [
      [0, 16],
      [1, 0],
      [4, 2],
    ]),
    overrun: edited('overrun.nl', 'zoo-tcp-info.nl', [[4, 4]]),
    family: edited('family.nl', 'zoo-tcp-info.nl', [[16, 7]]),
    state: edited('state.nl', 'zoo-tcp-info.nl', [[17, 0x20]]),
    intr: edited('intr.nl', 'zoo-tcp-info.nl', [[6, 0x12]]),
    type: edited('type.nl', 'zoo-tcp-info.nl', [[4, 99]]),
  };
}

/** A server answering Prometheus's instant queries: one host, one series whose state is no TCP state. */
async function prometheus(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const result = q.startsWith('min by')
      ? [{ metric: { instance: 'web1:9465' }, value: [0, '1'] }]
      : [
          { metric: { instance: 'web1:9465', state: 'ESTABLISHED' }, value: [0, '3'] },
          { metric: { instance: 'web1:9465', state: 'HALF_OPEN' }, value: [0, '1'] },
        ];
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('kernel-side errors and warnings in English and Chinese: goldens, the same exit status in both', async () => {
  const x = fixtures();
  const prom = await prometheus();
  try {
    const cases: { args: string[]; env?: Record<string, string> }[] = [
      { args: ['ls', '-p', '--proc-root', x.comm] },
      { args: ['doctor', '--proc-root', x.twReuse] },
      { args: ['doctor', '--proc-root', x.portRange] },
      { args: ['doctor', '--proc-root', x.word] },
      { args: ['doctor', '--proc-root', x.two] },
      { args: ['doctor', '--proc-root', x.empty] },
      { args: ['doctor', '--proc-root', x.long] },
      { args: ['doctor', '--proc-root', x.mismatch] },
      { args: ['doctor', '--proc-root', x.noColon] },
      { args: ['doctor', '--proc-root', x.noValues] },
      { args: ['doctor', '--proc-root', x.notNumber] },
      { args: ['doctor', '--proc-root', x.oddWords] },
      { args: ['doctor', '--proc-root', x.sockstatBad] },
      { args: ['count', '--replay', x.emptyRec] },
      { args: ['count', '--replay', x.dir] },
      { args: ['count', '--replay', x.joined] },
      { args: ['count', '--replay', x.cutDone] },
      { args: ['count', '--replay', x.cutInside] },
      { args: ['count', '--replay', x.firstCut] },
      { args: ['count', '-tu', '--replay', join(NL, 'zoo-ss-D.nl')] },
      { args: ['count', '--replay', x.tiny] },
      { args: ['count', '--replay', x.shortLen] },
      { args: ['count', '--replay', x.huge] },
      { args: ['count', '--replay', x.shortDiag] },
      { args: ['count', '--replay', x.refused] },
      { args: ['count', '--replay', x.noCode] },
      { args: ['count', '--replay', x.overrun] },
      { args: ['count', '--replay', x.family] },
      { args: ['count', '--replay', x.state] },
      { args: ['count', '--replay', x.intr] },
      { args: ['count', '--replay', x.type] },
      // Read on the watch's sampling thread: what it says crosses to the main thread.
      { args: ['watch', '--no-tui', '--count', '1'], env: { TCPSTATE_PROC_ROOT: x.no6 } },
      { args: ['watch', '--no-tui', '--count', '1'], env: { TCPSTATE_PROC_ROOT: x.bad } },
      { args: ['fleet', '--prometheus', prom.url] },
    ];
    const b = new Bilingual();
    for (const { args, env = {} } of cases) {
      const e = await run(args, env);
      const z = await run(['--lang', 'zh', ...args], env);
      e.stderr = e.stderr.split(prom.url).join('$PROMETHEUS');
      z.stderr = z.stderr.split(prom.url).join('$PROMETHEUS');
      const shown = `${Object.entries(env)
        .map(([k, v]) => `${k}=${v.split(TMP).join('$TMP')} `)
        .join('')}tcpstate ${args.map((a) => a.split(TMP).join('$TMP').split(REPO).join('$REPO').split(prom.url).join('$PROMETHEUS')).join(' ')}`;
      b.add(shown, e, z);
    }
    const { en, zh } = b;
    assertGolden('i18n/errors-b-en.txt', en);
    assertGolden('i18n/errors-b-zh.txt', zh);
    // No English sentence is left in the Chinese messages (names, files and kernel words kept).
    for (const line of zh.split('\n').filter((l) => l.startsWith('tcpstate: '))) {
      const message = line.replace(/^tcpstate: (警告: )?(\S+: )*/, '');
      assert.doesNotMatch(message, /\b(the|is|not|of|and|a|cannot|expected|value)\b/, line);
    }
  } finally {
    prom.close();
  }
});

test('--record to a directory says so in Chinese (a live sock_diag read)', async (t) => {
  if (!kernelOrSkip(t)) return;
  const en = await run(['count', '--source', 'netlink', '--record', join(TMP, 'dir')]);
  const zh = await run(['--lang', 'zh', 'count', '--source', 'netlink', '--record', join(TMP, 'dir')]);
  assert.equal(en.code, 1);
  assert.equal(zh.code, 1);
  assert.equal(en.stderr, 'tcpstate: $TMP/dir: field --record: cannot write $TMP/dir: it is a directory\n');
  assert.equal(zh.stderr, 'tcpstate: $TMP/dir: 字段 --record: 无法写入 $TMP/dir：它是目录\n');
});

/** A tree without tcp6 (W_FILE_ABSENT) and one whose tcp line is damaged (ERR_PARSE). */
function trees(): { no6: string; bad: string } {
  const base = join(TMP, 'sampler');
  mkdirSync(join(base, 'no6', 'net'), { recursive: true });
  writeFileSync(join(base, 'no6', 'net/tcp'), TCP_HEAD + TCP_ROW);
  mkdirSync(join(base, 'bad', 'net'), { recursive: true });
  writeFileSync(join(base, 'bad', 'net/tcp'), TCP_HEAD + TCP_ROW.replace('0100007F:0016', '0100007F:00ZZ'));
  writeFileSync(join(base, 'bad', 'net/tcp6'), TCP_HEAD);
  return { no6: join(base, 'no6'), bad: join(base, 'bad') };
}

test("the sampler's worker: warnings and errors arrive with their catalogue data; JSON unchanged", async () => {
  const { no6, bad } = trees();
  const good = new Sampler({ source: 'proc', config: { ...DEFAULT_CONFIG, procRoot: no6 } });
  try {
    const s = await good.sample({});
    const w = s.warnings.find((x) => x.code === 'W_FILE_ABSENT');
    assert.ok(w, 'the absent tcp6 is warned of');
    assert.ok(w.said, 'the warning keeps its catalogue data across the thread');
    assert.match(render(w.said, 'zh'), /^文件不存在，所以没有读到 IPv6 TCP 套接字/);
    assert.equal(w.said.text, w.message);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(w)) as object), ['code', 'message', 'where'], 'JSON keeps {code, message, where}');
  } finally {
    await good.close();
  }
  const broken = new Sampler({ source: 'proc', config: { ...DEFAULT_CONFIG, procRoot: bad } });
  try {
    const e = await broken.sample({}).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(isTcpstateError(e), 'a TcpstateError');
    assert.equal(e.code, 'ERR_PARSE');
    assert.equal(e.where.file, join(bad, 'net/tcp'));
    assert.ok(e.said);
    assert.match(e.describe('zh'), /字段 \S+: 应为/);
    assert.match(e.describe('en'), /field \S+: expected /);
  } finally {
    await broken.close();
  }
  // A closed sampler says so in the user's language.
  const closed = await broken.sample({}).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(isTcpstateError(closed));
  assert.equal(closed.describe('zh'), '采样器已关闭');
});

test("the watch's sampling thread: warnings and errors arrive with their catalogue data", async () => {
  const { no6, bad } = trees();
  const reader = new TickReader();
  try {
    const scan = (procRoot: string) => ({ origin: 'live' as const, procRoot, config: DEFAULT_CONFIG, tcp: true, udp: false, v4: true, v6: true, states: ALL_MASK });
    const s = await reader.read({ scan: scan(no6), source: 'proc', filter: [] });
    const w = s.warnings.find((x) => x.code === 'W_FILE_ABSENT');
    assert.ok(w?.said && /[\u4e00-\u9fff]/.test(render(w.said, 'zh')), 'the warning says itself in Chinese');
    const e = await reader.read({ scan: scan(bad), source: 'proc', filter: [] }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(isTcpstateError(e) && e.said, 'the error keeps its catalogue data');
    assert.equal(e.code, 'ERR_PARSE');
    assert.match(e.describe('zh'), /^\S+net\/tcp:2: 字段 \S+: 应为/);
  } finally {
    await reader.close();
  }
});

test('the wire form: an error and capped warnings made back as they were', () => {
  const ws = new Warnings(1);
  const said: Said = { domain: 'kernel', key: 'dumpIntr', args: [], text: 'x' };
  ws.add('W_DUMP_INTR', said, { file: 'f', offset: 4 });
  ws.add('W_DUMP_INTR', said, { file: 'f', offset: 8 });
  const back = warningsFromWire(structuredClone(warningsToWire(ws.list())));
  assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(ws.list())));
  assert.deepEqual(back[0]!.said, said);
  assert.equal(back[1]!.more, 1);
  assert.match(render(back[1]!.said!, 'zh'), /另有 1 条同类警告/);
  const e = new TcpstateError('ERR_PARSE', said, { file: 'f', offset: 3, field: 'nlmsg_len' });
  const again = errorFromWire(structuredClone(errorToWire(e)));
  assert.deepEqual([again.code, again.message, again.where, again.said, again.exitCode], [e.code, e.message, e.where, e.said, e.exitCode]);
  assert.deepEqual(errorToWire(new Error('boom')), { code: 'ERR_IO', message: 'boom', where: {} });
});

test('texts no CLI input reaches say themselves in Chinese: BPF records, trace events, a sample without rows', () => {
  const zh = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(isTcpstateError(e) && e.said, String(e));
      const s = e.describe('zh');
      assert.match(s, /[\u4e00-\u9fff]/, s);
      return s;
    }
    assert.fail('no error');
  };
  assert.equal(
    zh(() => countStatePairs(new Uint8Array(3), 3, newTally())),
    'bpf tcp iterator: 字节偏移 3: 字段 length: bpf tcp iterator：3 字节不是整数个（状态，地址族）对',
  );
  assert.match(
    zh(() => countStatePairs(Uint8Array.from([1, 7]), 2, newTally())),
    /字段 family: bpf tcp iterator：第 1 字节处的地址族是 7，应为 2（IPv4）或 10（IPv6）$/,
  );
  assert.match(
    zh(() => parseStatePorts(new Uint8Array(5))),
    /bpf tcp iterator：5 字节不是整数个 \d+ 字节的记录$/,
  );
  assert.match(
    zh(() => parseTraceEvents(new Uint8Array(7))),
    /bpf trace ring buffer：7 字节不是整数个 \d+ 字节的记录$/,
  );
  const t = newTally();
  countStatePairs(Uint8Array.from([0x20, 2, 0x20, 10]), 4, t);
  const [w] = finishCounts(t, { v4: true, v6: true, states: ALL_MASK }, new Float64Array(16));
  assert.equal(w!.message, 'unknown state code 32 (2 sockets), counted as UNKNOWN');
  assert.equal(render(w!.said!, 'zh'), '未知状态码 32（2 个套接字），按 UNKNOWN 计');
  const doc = countJson([{ from: 0, to: 1, count: 1, perSecond: 1 }], 1, new Date(0));
  assert.equal(render(doc.warnings![0]!.said!, 'zh'), '有 tcpstate 不认识的状态码，按 UNKNOWN 计');
  assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(doc.warnings![0])) as object), ['code', 'message', 'where']);
  const noRows = { source: 'proc', warnings: [], notices: [], takenAt: 0, atMs: 0, scanMs: 0, totalMs: 0 };
  assert.equal(
    zh(() => socketsDocument(noRows, { limit: 1 })),
    '这份采样里没有套接字行（采样时只要了汇总）',
  );
});

test("the watch screen (tmux) shows its sampling thread's error in Chinese", async (t) => {
  if (!kernelOrSkip(t, ['tmux'])) return;
  const { bad } = trees();
  const tm = new Tmux(() => `${shq(process.execPath)} ${shq(CLI)} watch --no-doctor --interval 0.3; sleep 60`, { cols: 120, rows: 30, env: [`TCPSTATE_PROC_ROOT=${bad}`, 'TCPSTATE_LANG=zh'] });
  t.after(() => tm.kill());
  const screen = await tm.waitFor('the sample error', (s) => /采样失败: /.test(s)).catch((e: Error) => e.message);
  assert.match(screen, /采样失败: 应为空白/, screen);
  tm.keys('q');
});

test('files read on worker threads: their warnings and errors keep their catalogue data', async () => {
  const { readFilesInParallel, settleRead } = await import('../../src/sources/text/read-files.js');
  const head = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State\n';
  const rows = Array.from({ length: 3000 }, (_, k) => `tcp        0      0 10.0.0.1:${1000 + k}           10.0.0.2:80             ESTABLISHED\n`).join('');
  const paths = Array.from({ length: 12 }, (_, k) => {
    const p = join(TMP, `many-${k}.txt`);
    // Odd files end in an unknown state (a warning), even ones in a line cut short (an error).
    writeFileSync(p, head + rows + (k % 2 ? 'tcp        0      0 10.0.0.1:9 10.0.0.2:80 WEIRD\n' : 'tcp        0      0 10.0.0.1:9\n'));
    return p;
  });
  const reads = await readFilesInParallel(paths, undefined, 3, 0);
  assert.ok(reads, 'read on worker threads');
  for (const [k, r] of reads.entries()) {
    const s = settleRead(r!, () => new Error('os'));
    assert.ok(s);
    if (k % 2) {
      assert.ok('read' in s);
      const w = s.read.warnings[0]!;
      assert.equal(w.code, 'W_UNKNOWN_STATE');
      assert.match(render(w.said!, 'zh'), /^未知状态 "WEIRD"/, `file ${k}`);
    } else {
      assert.ok('error' in s && isTcpstateError(s.error));
      assert.match(s.error.describe('zh'), /这一行提前结束了|应为/, `file ${k}`);
    }
  }
});
