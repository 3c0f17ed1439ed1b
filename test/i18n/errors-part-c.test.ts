/**
 * The last English-only texts a user meets (issue 15 §3, part C), in English and Chinese:
 * notices (the source fallen back to, `-m`/`-i` asked of procfs, other users' processes
 * hidden), on this thread and across the watch's sampling thread, as golden files
 * (test/golden/i18n/errors-c-*.txt); the marks of cut excerpts; `serve`'s start line
 * when the first sample fails; `record` on a full disk; an unprivileged user's notices. Then across the sampler's worker:
 * a failed history write keeps its catalogue data; doctor's reason for unknown sysctls
 * (English in JSON); and trace's closing warnings keep
 * English in their `message` (JSON) while saying themselves in Chinese.
 * UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { endWarnings } from '../../src/cli/commands/trace.js';
import { Sampler } from '../../src/engine/sampler.js';
import { startRecorder, workerStore } from '../../src/history/recorder.js';
import { render } from '../../src/i18n/catalogue.js';
import { capExcerpts, isTcpstateError, messageIn, TcpstateError } from '../../src/model/errors.js';
import { noticeText } from '../../src/model/warnings.js';
import { errorFromWire, errorToWire } from '../../src/model/wire.js';
import { hiddenNotice } from '../../src/snapshot.js';
import { DEFAULT_CONFIG } from '../../src/sources/config.js';
import { netlinkSource } from '../../src/sources/netlink-source.js';
import { say as ks } from '../../src/i18n/kernel.js';
import { ALL_MASK } from '../../src/model/state.js';
import { assertGolden } from '../lib/golden.js';
import { Bilingual, type Run, runQuietly } from '../lib/bilingual.js';
import { CLI, kernelOrSkip, REPO } from '../lib/netns.js';

const TMP = mkdtempSync(join(tmpdir(), 'tcpstate-zh5c-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

/** The CLI (or `via` running it); `onErr` sees stderr as it comes (to stop a server once it has started). */
function run(args: string[], env: Record<string, string> = {}, onErr?: (so: string, kill: () => void) => void, via?: string): Promise<Run> {
  return runQuietly(CLI, REPO, args, { env, onErr, via, names: { $TMP: TMP, $REPO: REPO } });
}

const TCP_HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP_ROW = '   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n';

let made: { word: string; long: string; bad: string } | undefined;

/** The inputs, made once. */
function fixtures(): { word: string; long: string; bad: string } {
  if (made) return made;
  // A sysctl whose value is a long word (cut in the message, the mark in the user's language).
  const word = join(TMP, 'word');
  cpSync(join(REPO, 'test/fixtures/proc-doctor/root'), word, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(word, 'sys/net/ipv4/tcp_fin_timeout'), 'abcdefghij'.repeat(5));
  // A netstat capture with a state of 200 characters (a quoted excerpt cut).
  const long = join(TMP, 'long.txt');
  writeFileSync(
    long,
    `Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State\ntcp        0      0 127.0.0.1:7001          0.0.0.0:*               ${'Z'.repeat(200)}\n`,
  );
  // A proc tree whose tcp line is damaged: serve's first sample fails.
  const bad = join(TMP, 'bad');
  mkdirSync(join(bad, 'net'), { recursive: true });
  writeFileSync(join(bad, 'net/tcp'), TCP_HEAD + TCP_ROW.replace('0100007F:0016', '0100007F:00ZZ'));
  writeFileSync(join(bad, 'net/tcp6'), TCP_HEAD);
  made = { word, long, bad };
  return made;
}

test('notices and cut excerpts in English and Chinese: goldens, the same exit status in both', async () => {
  const x = fixtures();
  const noNative = { TCPSTATE_NO_NATIVE: '1' };
  const cases: { args: string[]; env?: Record<string, string> }[] = [
    // The source fallen back to, and why (this thread, then the watch's sampling thread).
    { args: ['count'], env: noNative },
    { args: ['ls', '-m', '-i'], env: noNative },
    { args: ['watch', '--no-tui', '--count', '1'], env: noNative },
    // Excerpts cut: a word of a sysctl, a quoted field of a capture.
    { args: ['doctor', '--proc-root', x.word] },
    { args: ['count', x.long] },
  ];
  const b = new Bilingual();
  for (const { args, env = {} } of cases) {
    const e = await run(args, env);
    const z = await run(['--lang', 'zh', ...args], env);
    const shown = `${Object.entries(env)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}tcpstate ${args.map((a) => a.split(TMP).join('$TMP')).join(' ')}`;
    b.add(shown, e, z);
  }
  const { en, zh } = b;
  assertGolden('i18n/errors-c-en.txt', en);
  assertGolden('i18n/errors-c-zh.txt', zh);
  for (const line of zh.split('\n').filter((l) => l.startsWith('tcpstate: '))) {
    assert.doesNotMatch(line, /\b(reading|unavailable|needs|characters|hidden)\b/, line);
  }
});

test("serve's start line says an unavailable source in the user's language", async () => {
  const { bad } = fixtures();
  const started = (so: string, kill: () => void) => {
    if (/(listening on|正在监听) .*\n/.test(so)) kill();
  };
  const args = ['serve', '--listen', '127.0.0.1:0', '--no-history'];
  const env = { TCPSTATE_PROC_ROOT: bad };
  const en = await run(args, env, started);
  const zh = await run(['--lang', 'zh', ...args], env, started);
  assert.match(en.stderr, /; source unavailable \(expected [^)]+\); namespaces \(own\)\n/);
  assert.match(en.stderr, /^could not read the socket table: expected /m);
  const line = zh.stderr.split('\n').find((l) => l.includes('正在监听'));
  assert.ok(line, zh.stderr);
  assert.match(line, /；数据源 不可用（应为[^）]+）；/);
  assert.doesNotMatch(zh.stderr, /unavailable|expected/);
});

test("doctor on a tree without sys/net: why sysctls are unknown in the user's language, in English in JSON", async () => {
  const root = join(TMP, 'no-sys');
  cpSync(join(REPO, 'test/fixtures/proc-doctor/root'), root, { recursive: true, verbatimSymlinks: true });
  rmSync(join(root, 'sys'), { recursive: true });
  const en = await run(['doctor', '--proc-root', root]);
  const zh = await run(['--lang', 'zh', 'doctor', '--proc-root', root]);
  const json = await run(['--lang', 'zh', 'doctor', '--json', '--proc-root', root]);
  assert.equal(zh.code, en.code);
  assert.match(en.stdout, /unknown \(no sys\/net in \S+no-sys\)/);
  assert.match(zh.stdout, /未知（\S+no-sys 中没有 sys\/net）/);
  assert.doesNotMatch(zh.stdout, /no sys\/net/);
  assert.equal((JSON.parse(json.stdout) as { inputs: { sysctls: unknown } }).inputs.sysctls, `no sys/net in ${root}`);
});

/** A directory on a tmpfs of `kb` KiB (a disk that fills), unmounted after the test. */
function smallDisk(t: import('node:test').TestContext, name: string, kb: number): string {
  const dir = join(TMP, name);
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir]);
  t.after(() => execFileSync('umount', [dir]));
  return dir;
}

test('record on a full disk says so in Chinese, its exit status the same', async (t) => {
  if (!kernelOrSkip(t)) return;
  const out: Run[] = [];
  for (const lang of ['en', 'zh']) {
    const disk = smallDisk(t, `full-${lang}`, 200);
    out.push(await run(['--lang', lang, 'record', '--db', join(disk, 'h.db'), '--interval', '100ms', '--samples', '1000', '--no-transitions', '--source', 'proc']));
  }
  const [en, zh] = out as [Run, Run];
  assert.equal(en.code, 1);
  assert.equal(zh.code, 1);
  assert.match(en.stderr, /\ntcpstate: the disk holding \$TMP\/full-en\/h\.db is full: recording stopped/);
  assert.match(zh.stderr, /\ntcpstate: \$TMP\/full-zh\/h\.db 所在磁盘已满/);
});

test("an unprivileged user's notices in Chinese: other users' processes hidden, state changes not counted", async (t) => {
  if (!kernelOrSkip(t, ['runuser'])) return;
  const dir = join(TMP, 'nobody');
  mkdirSync(dir);
  chmodSync(TMP, 0o755);
  chmodSync(dir, 0o777);
  const asNobody = (args: string[]) => run(['-u', 'nobody', '--', process.execPath, CLI, '--lang', 'zh', ...args], {}, undefined, 'runuser');
  const ls = await asNobody(['ls', '-p']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stderr, /^tcpstate: 其他用户的 \d+ 个进程被隐藏了（以 root 运行才能看到所有属主）$/m);
  const rec = await asNobody(['record', '--db', join(dir, 'h.db'), '--interval', '100ms', '--samples', '1', '--no-processes']);
  assert.equal(rec.code, 0, rec.stderr);
  assert.match(rec.stderr, /未统计状态变化\(from -> to\):.*（统计需要 root 权限：CAP_BPF 和 CAP_PERFMON）/);
  assert.doesNotMatch(rec.stderr, /counting needs root|processes of other users/);
});

test("the sampler's worker: a failed history write keeps its catalogue data; a sample not written says why", async (t) => {
  if (!kernelOrSkip(t)) return;
  const disk = smallDisk(t, 'worker-full', 200);
  const sampler = new Sampler({ source: 'proc', config: DEFAULT_CONFIG });
  try {
    // No store open: the worker says so, as catalogue data.
    const s = await sampler.sample({ rows: false, record: { intervalMs: 100 } });
    assert.ok(s.recordError?.said, 'the record error crosses with its catalogue data');
    const store = workerStore(sampler);
    const none = (() => {
      try {
        store.write(s, { intervalMs: 100 });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(isTcpstateError(none));
    assert.equal(none.message, 'no history store is open in the sampler');
    assert.equal(messageIn(none, 'zh'), '采样器中没有打开的历史存储');
    // A full disk: the write fails on the worker; the recorder's thread says it in Chinese.
    await sampler.openHistory(join(disk, 'h.db'), { top: 20 });
    const failed = await new Promise<Error>((resolve) => {
      const stop = startRecorder(sampler, store, {
        targets: [undefined],
        want: { processes: false, rows: false, summary: { top: 20 }, record: { intervalMs: 50 } },
        intervalMs: 50,
        transitions: new Map(),
        onSampleError: () => undefined,
        onWriteError: (e) => {
          stop();
          resolve(e);
        },
      });
    });
    assert.ok(isTcpstateError(failed) && failed.said, 'a TcpstateError with its catalogue data');
    assert.equal(failed.code, 'ERR_IO');
    assert.match(failed.message, /^the disk holding \S+h\.db is full: recording stopped/);
    assert.match(messageIn(failed, 'zh'), /h\.db 所在磁盘已满/);
  } finally {
    await sampler.close();
  }
});

test("trace's closing warnings: English in JSON, the user's language on the terminal", () => {
  const ws = endWarnings(3, 2, 1);
  assert.deepEqual(
    ws.map((w) => w.code),
    ['W_LOST_EVENTS', 'W_FORGOTTEN', 'W_FORGOTTEN'],
  );
  const json = JSON.parse(JSON.stringify(ws)) as { code: string; message: string; where: object }[];
  assert.deepEqual(Object.keys(json[0]!), ['code', 'message', 'where']);
  assert.match(json[0]!.message, /^3 state changes lost: the kernel's ring buffer was full/);
  assert.match(json[2]!.message, /^1 connections forgotten/);
  assert.match(render(ws[0]!.said!, 'zh'), /^丢失了 3 次状态变化/);
  assert.deepEqual(endWarnings(0, 0, 0), []);
});

test('notices, error wire form and cut marks: English kept, Chinese where asked', () => {
  const n = structuredClone(hiddenNotice(94));
  assert.equal(noticeText(n), '94 processes of other users are hidden (run as root to see every owner)');
  assert.equal(noticeText(n, 'zh'), '其他用户的 94 个进程被隐藏了（以 root 运行才能看到所有属主）');
  assert.equal(noticeText('plain \x1b[31m text', 'zh'), 'plain \\x1b[31m text');
  // A stored write error made again on another thread keeps its words in both languages.
  const e = errorFromWire(structuredClone(errorToWire(new TcpstateError('ERR_IO', { domain: 'history', key: 'noStore', args: [], text: 'no history store is open in the sampler' }))));
  assert.equal(messageIn(e, 'zh'), '采样器中没有打开的历史存储');
  assert.equal(messageIn(new Error('plain'), 'zh'), 'plain');
  // Why a source cannot run, said in the notice of the source fallen back to.
  const why = netlinkSource.unavailable({ origin: 'proc-root', procRoot: '/x', config: DEFAULT_CONFIG, tcp: true, udp: false, v4: true, v6: true, states: ALL_MASK });
  assert.ok(why !== undefined && typeof why !== 'string');
  assert.equal(noticeText(ks('readingFallback', 'proc', ks('sourceUnavailable', 'netlink', why)), 'zh'), '改为读取 proc（netlink 不可用：抓取的 proc 根目录由 proc 来源读取）');
  // The middle of a very long line, cut.
  const line = `x${'y'.repeat(3000)}`;
  assert.match(capExcerpts(line), /^xy{599} … \(2201 characters cut\) … y{200}$/);
  assert.match(capExcerpts(line, 'zh'), /^xy{599} …（删去 2201 个字符）… y{200}$/);
});
