/**
 * The last English-only texts a user meets (issue 15 §3, part D), in English and Chinese:
 * doctor's input cut short in its messages (one cut marker, in the user's language), a
 * namespace `doctor --netns` cannot enter (said by us, ip's words only as detail), why no
 * counter could be read and why a sysctl value is refused (the report's header, its notes),
 * as golden files (test/golden/i18n/errors-d-*.txt); JSON keeps English. Then serve's log
 * line for a failed transitions stream, the native addon's reasons (errno errors, BPF) mapped
 * to the catalogue, and what an unprivileged user meets from them (trace, --netns).
 * UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { render } from '../../src/i18n/catalogue.js';
import { missingHooks, nativeReason } from '../../src/sources/native.js';
import { assertGolden } from '../lib/golden.js';
import { Bilingual, type Run, runQuietly } from '../lib/bilingual.js';
import { addonOrSkip, CLI, kernelOrSkip, Netns, REPO } from '../lib/netns.js';

const TMP = mkdtempSync(join(tmpdir(), 'tcpstate-zh6-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}, onErr?: (so: string, kill: () => void) => void, via?: string): Promise<Run> {
  return runQuietly(CLI, REPO, args, { env, onErr, via, names: { $TMP: TMP, $REPO: REPO } });
}

const LONG = 'a'.repeat(50);

interface Fixtures {
  noCounters: string;
  badRange: string;
  ruleKey: string;
  thresholdKey: string;
  badTree: string;
}
let made: Fixtures | undefined;

/** The inputs, made once. */
function fixtures(): Fixtures {
  if (made) return made;
  const tree = (name: string): string => {
    const dir = join(TMP, name);
    cpSync(join(REPO, 'test/fixtures/proc-doctor/root'), dir, { recursive: true, verbatimSymlinks: true });
    return dir;
  };
  // A captured tree without its counter files.
  const noCounters = tree('no-counters');
  for (const f of ['netstat', 'snmp', 'sockstat', 'sockstat6']) rmSync(join(noCounters, 'net', f));
  // A port range the kernel would not show (low above high): time-wait-ports cannot run.
  const badRange = tree('bad-range');
  writeFileSync(join(badRange, 'sys/net/ipv4/ip_local_port_range'), '40100\t40000\n');
  // Config files with a rule and a threshold named by a long key.
  const ruleKey = join(TMP, 'rule.json');
  writeFileSync(ruleKey, `{"${LONG}": {}}\n`);
  const thresholdKey = join(TMP, 'threshold.json');
  writeFileSync(thresholdKey, `{"syn-backlog": {"warnSynRecv": "${LONG}"}}\n`);
  // A proc tree whose tcp line is damaged: every sample fails.
  const badTree = join(TMP, 'bad');
  mkdirSync(join(badTree, 'net'), { recursive: true });
  const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  writeFileSync(join(badTree, 'net/tcp'), `${head}   0: 0100007F:00ZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n`);
  writeFileSync(join(badTree, 'net/tcp6'), head);
  made = { noCounters, badRange, ruleKey, thresholdKey, badTree };
  return made;
}

/** A doctor report's opening (before the first finding) and what it says it checked: where its reasons are. */
function reportFrame(stdout: string): string {
  const lines = stdout.split('\n');
  const firstBlank = lines.indexOf('');
  const checked = lines.findIndex((l) => l === 'What was checked:' || l === '检查了哪些：');
  return [...lines.slice(0, firstBlank), '...', ...lines.slice(checked)].join('\n');
}

test("doctor's reasons and cut input in English and Chinese: goldens, the same exit status in both", async () => {
  const x = fixtures();
  const b = new Bilingual();
  const shown = (args: string[]) => `tcpstate ${args.map((a) => a.split(TMP).join('$TMP')).join(' ')}`;
  // Errors quoting input cut short: the one marker, in the user's language.
  for (const args of [
    ['doctor', '--only', LONG],
    ['doctor', '--interval', `1${LONG}`],
    ['doctor', '--config', x.ruleKey],
    ['doctor', '--config', x.thresholdKey],
    // A namespace that does not exist: our message, not ip's.
    ['doctor', '--netns', 'tcst-zh6-absent'],
    // The OS's reason a Prometheus could not be reached (nothing listens on port 1).
    ['fleet', '--prometheus', 'http://127.0.0.1:1'],
  ]) {
    b.add(shown(args), await run(args), await run(['--lang', 'zh', ...args]));
  }
  // explain when the table cannot be read: no counts, and why.
  const bad = { TCPSTATE_PROC_ROOT: x.badTree };
  b.add('TCPSTATE_PROC_ROOT=$TMP/bad tcpstate explain   # stderr', await run(['explain'], bad), await run(['--lang', 'zh', 'explain'], bad));
  // Reports: the frame of each (stderr, then the report's opening and what it checked).
  // Run in $TMP with relative paths: the report wraps its lines whatever the path's length.
  const inTmp = (args: string[]) => runQuietly(CLI, TMP, args);
  for (const args of [
    ['doctor', '--proc-root', 'no-counters'],
    ['doctor', '--proc-root', 'bad-range'],
  ]) {
    const [e, z] = [await inTmp(args), await inTmp(['--lang', 'zh', ...args])];
    const frame = (r: Run): Run => ({ ...r, stderr: r.stderr + reportFrame(r.stdout) });
    b.add(`${shown(args)}   # stderr, then stdout's frame`, frame(e), frame(z));
  }
  // diff of an awk summary: the note on stderr, then the sides as its heading names them.
  writeFileSync(join(TMP, 'awk.txt'), 'ESTABLISHED 3\nTIME_WAIT 2\n');
  writeFileSync(join(TMP, 'ss.txt'), 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n');
  const args = ['diff', 'awk.txt', 'ss.txt'];
  const heading = (r: Run): Run => ({ ...r, stderr: r.stderr + r.stdout.split('\n').slice(0, 2).join('\n') + '\n' });
  b.add(`${shown(args)}   # stderr, then stdout's heading`, heading(await inTmp(args)), heading(await inTmp(['--lang', 'zh', ...args])));
  // count --hosts: a row per host, groups, subtotals, the total (stdout, with the note of stderr).
  const hosts = ['count', '--hosts', '--group', 'net=netstat*', join(REPO, 'test/fixtures/text/netstat-an.txt'), join(REPO, 'test/fixtures/text/busybox-an.txt')];
  const table = (r: Run): Run => ({ ...r, stderr: r.stderr + r.stdout.split(REPO).join('$REPO') });
  b.add(`${shown(hosts).split(REPO).join('$REPO')}   # stdout`, table(await run(hosts)), table(await run(['--lang', 'zh', ...hosts])));
  assertGolden('i18n/errors-d-en.txt', b.en);
  assertGolden('i18n/errors-d-zh.txt', b.zh);
  // What main printed in English before: the marker's words, ip's sentence, the reasons.
  assert.doesNotMatch(b.zh, /characters\)|Cannot open network namespace|no net\/netstat|does not accept|the low end|note:|, host |HOST|TOTAL|subtotal|\(none\)|connection refused|no counts/);
  assert.match(b.zh, /"a{32}…"（共 50 个字符）/);
  assert.match(b.zh, /找不到网络命名空间 \/run\/netns\/tcst-zh6-absent/);
  assert.match(b.zh, /没有计数器（no-counters 中没有 net\/netstat、net\/snmp 和/);
  assert.match(b.zh, /下限（40100）大于上限（40000）/);
});

test("doctor names sockets' owners it cannot see in the user's language", async () => {
  // The fixture's tree without its processes: no socket has a known owner.
  const root = join(TMP, 'no-processes');
  cpSync(join(REPO, 'test/fixtures/proc-doctor/root'), root, { recursive: true, verbatimSymlinks: true });
  for (const d of readdirSync(root)) if (/^\d+$/.test(d)) rmSync(join(root, d), { recursive: true });
  const en = await run(['doctor', '--proc-root', root]);
  const zh = await run(['--lang', 'zh', 'doctor', '--proc-root', root]);
  assert.equal(zh.code, en.code);
  assert.match(en.stdout, /^ {2}an unknown process holds 12 sockets in CLOSE_WAIT on port 7002$/m);
  assert.match(zh.stdout, /^ {2}未知进程 在端口 7002 上/m);
  assert.match(zh.stdout, /最多的连续重传次数 +3，在 未知进程/);
  assert.doesNotMatch(zh.stdout, /unknown process/);
});

test("diagram --counts names where it counted in the user's language", async (t) => {
  if (!kernelOrSkip(t)) return;
  const en = await run(['diagram', '--counts']);
  const zh = await run(['--lang', 'zh', 'diagram', '--counts']);
  assert.match(en.stdout.split('\n')[0]!, /TCP sockets, this machine, /);
  assert.match(zh.stdout.split('\n')[0]!, /个 TCP 套接字，本机，(netlink|proc)/);
});

test("history's tables in the user's language (CSV and JSON keep English)", async (t) => {
  if (!kernelOrSkip(t)) return;
  const db = join(TMP, 'h.db');
  const rec = await run(['record', '--db', db, '--interval', '100ms', '--samples', '3', '--source', 'proc', '--no-transitions']);
  assert.equal(rec.code, 0, rec.stderr);
  const en = await run(['history', '--db', db]);
  const zh = await run(['--lang', 'zh', 'history', '--db', db]);
  assert.match(en.stdout, /^STATE +MIN +MAX +LAST +TREND$/m);
  assert.match(en.stdout, /^\(0 throughout: /m);
  assert.match(en.stdout, /^TIME +/m);
  assert.match(zh.stdout, /^状态 +最小 +最大 +最新 +趋势$/m);
  assert.match(zh.stdout, /^\(始终为 0: /m);
  assert.match(zh.stdout, /^时间 +/m);
  assert.doesNotMatch(zh.stdout, /STATE|\bMIN|TREND|\bTIME\b|throughout/);
  // Why samples have no transition counts: the recorder's note quoted, the sentence in the user's language.
  const tz = await run(['--lang', 'zh', 'history', '--db', db, '--transitions']);
  assert.match(tz.stdout, /^状态变化:3 个样本中有 3 个没有状态变化计数\(记录程序最后说明: record --no-transitions\)$/m);
  const json = JSON.parse((await run(['--lang', 'zh', 'history', '--db', db, '--json'])).stdout) as { transitionsUnavailable?: string };
  assert.equal(json.transitionsUnavailable, '3 of 3 samples have no transition counts (the recorder last said: record --no-transitions)');
  const csv = await run(['--lang', 'zh', 'history', '--db', db, '--csv']);
  assert.doesNotMatch(csv.stdout, /[\u4e00-\u9fff]/, 'CSV is data: English');
});

test("watch's line mode: the total's heading in the user's language, in its column", async (t) => {
  if (!kernelOrSkip(t)) return;
  const en = await run(['watch', '--no-tui', '--count', '1']);
  const zh = await run(['--lang', 'zh', 'watch', '--no-tui', '--count', '1']);
  const head = (r: Run) => r.stdout.split('\n')[0]!;
  assert.match(head(en), / {3}unkn {3}total$/);
  assert.match(head(zh), / {3}unkn {4}合计$/, 'two columns a character: the heading ends where the numbers do');
});

test('doctor --json keeps why counters are missing in English whatever the language', async () => {
  const { noCounters } = fixtures();
  const json = await run(['--lang', 'zh', 'doctor', '--json', '--proc-root', noCounters]);
  const doc = JSON.parse(json.stdout) as { inputs: { counters: unknown } };
  assert.equal(doc.inputs.counters, `no net/netstat, net/snmp or net/sockstat in ${noCounters}`);
});

test("serve's log line for a failed transitions stream is in serve's language; the stream's data stays English", async () => {
  const { badTree } = fixtures();
  const logs: Record<string, string> = {};
  const events: Record<string, string> = {};
  for (const lang of ['en', 'zh']) {
    let asked = false;
    const r = await run(['--lang', lang, 'serve', '--listen', '127.0.0.1:0', '--no-history'], { TCPSTATE_NO_NATIVE: '1', TCPSTATE_PROC_ROOT: badTree }, (so, kill) => {
      const port = /http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(so)?.[1];
      if (port && !asked) {
        asked = true;
        get(`http://127.0.0.1:${port}/api/v1/transitions`, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => {
            events[lang] = body;
            setTimeout(kill, 100);
          });
        }).on('error', kill);
      }
    });
    logs[lang] = r.stderr;
  }
  assert.match(logs['en']!, /^transitions: expected /m);
  assert.match(logs['zh']!, /^状态变化流（transitions）出错：应为/m);
  assert.doesNotMatch(logs['zh']!, /^transitions:/m);
  for (const lang of ['en', 'zh']) assert.match(events[lang]!, /event: error\ndata: \{"message":"expected [^"]+"\}/, lang);
});

test('fleet against Prometheus: its tables, the per-port title and the change heading in Chinese; CSV and JSON in English', async () => {
  // A Prometheus API that answers every instant query with one host's ESTABLISHED count.
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const time = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('time') ?? 0);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { host: 'h1', state: 'ESTABLISHED', port: '22' }, value: [time, '3'] }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    const base = ['fleet', '--prometheus', url, '--host-label', 'host', '--at', '2026-12-05T04:00:00Z', '--since', '1h'];
    for (const extra of [[], ['--by', 'lport', '--state', 'established']]) {
      const en = await run([...base, ...extra]);
      const zh = await run(['--lang', 'zh', ...base, ...extra]);
      assert.equal(en.code, 0, en.stderr);
      assert.equal(zh.code, 0, zh.stderr);
      assert.match(en.stdout, /^change from 2026-12-05T03:00:00\.000Z to 2026-12-05T04:00:00\.000Z\n/);
      assert.match(zh.stdout, /^从 2026-12-05T03:00:00\.000Z 到 2026-12-05T04:00:00\.000Z 的变化\n/);
      assert.match(en.stdout, /^HOST /m);
      assert.match(zh.stdout, /^主机 /m);
      assert.match(zh.stdout, /合计（1 台主机）/);
      assert.doesNotMatch(zh.stdout, /change|HOST|TOTAL| by |hosts/);
      if (extra.length) assert.match(zh.stdout, /^ESTABLISHED，按 lport\n/m);
      const csv = await run(['--lang', 'zh', ...base, ...extra, '--format', 'csv']);
      assert.match(csv.stdout, /^HOST,/, 'CSV headings are data: English');
    }
  } finally {
    server.close();
  }
});

/** The C side's reasons a user can meet: each format as native/*.c writes it, and a reason it gives. */
const BPF_REASONS: [format: string, sample: string, zh: RegExp][] = [
  ['not in the initial pid namespace', 'not in the initial pid namespace', /^不在初始 PID 命名空间中$/],
  ['no kernel BTF (/sys/kernel/btf/vmlinux: %s)', 'no kernel BTF (/sys/kernel/btf/vmlinux: No such file or directory)', /^内核没有 BTF（\/sys\/kernel\/btf\/vmlinux：没有那个文件或目录）$/],
  ['kernel BTF has no %s iterator', 'kernel BTF has no bpf_iter_tcp iterator', /^内核 BTF 中没有 bpf_iter_tcp 迭代器$/],
  ['BPF program not loaded: %s', 'BPF program not loaded: Operation not permitted', /^BPF 程序无法加载：不允许的操作$/],
  ['BPF program not attached: %s', 'BPF program not attached: Invalid argument', /^BPF 程序无法挂载：无效的参数$/],
  ['BPF program refused by the verifier: %s', 'BPF program refused by the verifier: R1 invalid mem access', /^BPF 程序被校验器拒绝：R1 invalid mem access$/],
  ['BPF iterator link: %s', 'BPF iterator link: Permission denied', /^无法创建 BPF 迭代器链接：权限不够$/],
  ['BPF iterator: %s', 'BPF iterator: Cannot allocate memory', /^无法创建 BPF 迭代器：无法分配内存$/],
  ['reading the BPF iterator: %s', 'reading the BPF iterator: Input/output error', /^读取 BPF 迭代器出错：输入\/输出错误$/],
  ['BPF ring buffer not created: %s', 'BPF ring buffer not created: Operation not permitted', /^无法创建 BPF 环形缓冲区：不允许的操作$/],
  ['BPF ring buffer not mapped: %s', 'BPF ring buffer not mapped: Cannot allocate memory', /^无法映射 BPF 环形缓冲区：无法分配内存$/],
  ['BPF lost-event counter not created: %s', 'BPF lost-event counter not created: Operation not permitted', /^无法创建 BPF 丢失事件计数器：不允许的操作$/],
  ['BPF transition counters not created: %s', 'BPF transition counters not created: Operation not permitted', /^无法创建 BPF 状态变化计数器：不允许的操作$/],
  ['out of memory', 'out of memory', /^内存不足$/],
];

test("the native addon's reasons: each mapped to the catalogue, its English the C side's own, as native/*.c still writes it", () => {
  const c = ['bpf_iter.c', 'bpf_owners.c', 'bpf_trace_prog.c', 'bpf_trace_ring.c', 'bpf_tcp_states.c'].map((f) => readFileSync(join(REPO, 'native', f), 'utf8')).join('\n');
  for (const [format, sample, zh] of BPF_REASONS) {
    assert.ok(c.includes(`"${format}"`), `native/*.c writes "${format}"`);
    const said = nativeReason(Object.assign(new Error(sample), { code: 'ERR_BPF_UNAVAILABLE' }));
    assert.equal(typeof said, 'object', `${sample}: mapped`);
    assert.equal(render(said as Exclude<typeof said, string>, 'en'), sample);
    assert.match(render(said as Exclude<typeof said, string>, 'zh'), zh);
  }
  // A reason not mapped (a kernel laid out otherwise) stays as the C side wrote it.
  assert.equal(nativeReason(Object.assign(new Error('kernel BTF truncated'), { code: 'ERR_BPF_UNAVAILABLE' })), 'kernel BTF truncated');
  // Errno errors (`what: strerror`, throw_errno in native/tcpstate_netlink.c): the step kept, the reason said.
  const errno = (message: string, code: string, n: number) => nativeReason(Object.assign(new Error(message), { code, errno: n }));
  const setns = errno('setns: Operation not permitted', 'EPERM', 1);
  assert.ok(typeof setns === 'object');
  assert.equal(render(setns, 'en'), 'setns: Operation not permitted');
  assert.equal(render(setns, 'zh'), 'setns：不允许的操作');
  const back = 'setns back to the original network namespace';
  assert.ok(readFileSync(join(REPO, 'native/netns.h'), 'utf8').includes(`"${back}"`));
  const left = errno(`${back}: Invalid argument`, 'EINVAL', 22);
  assert.ok(typeof left === 'object');
  assert.equal(render(left, 'en'), `${back}: Invalid argument`);
  assert.equal(render(left, 'zh'), '切回原来的网络命名空间（setns）：无效的参数');
  // An errno the catalogue does not know keeps strerror's words.
  const odd = errno('sock_diag dump: Exec format error', 'EIO', 8);
  assert.ok(typeof odd === 'object');
  assert.equal(render(odd, 'zh'), 'sock_diag dump：Exec format error');
  // Anything else is its message.
  assert.equal(nativeReason(new TypeError('netnsEnter(path)')), 'netnsEnter(path)');
  // Trace hooks not attached (`name: why` each, native/bpf_trace.c), said as one list.
  assert.ok(readFileSync(join(REPO, 'native/bpf_trace.c'), 'utf8').includes('"%s: %s", names[k], t->missing[k]'));
  const hooks = missingHooks(['inet_twsk_kill: BPF program not loaded: Operation not permitted', 'inet_twsk_hashdance_schedule: kernel BTF truncated']);
  assert.ok(typeof hooks === 'object');
  assert.equal(render(hooks, 'en'), 'inet_twsk_kill: BPF program not loaded: Operation not permitted; inet_twsk_hashdance_schedule: kernel BTF truncated');
  assert.equal(render(hooks, 'zh'), 'inet_twsk_kill：BPF 程序无法加载：不允许的操作；inet_twsk_hashdance_schedule：kernel BTF truncated');
});

test('an unprivileged user meets the addon reasons in Chinese: trace, --netns entered by count and by doctor', async (t) => {
  if (!addonOrSkip(t, ['runuser'])) return;
  const ns = Netns.create('zh6');
  try {
    const as = (lang: string, args: string[]) => run(['-u', 'nobody', '--', process.execPath, CLI, '--lang', lang, ...args], {}, undefined, 'runuser');
    for (const lang of ['en', 'zh']) {
      const trace = await as(lang, ['trace', '--count']);
      const count = await as(lang, ['count', '--netns', ns.name]);
      const doctor = await as(lang, ['doctor', '--netns', ns.name]);
      for (const r of [trace, count]) assert.equal(r.code, 1, r.stderr);
      assert.equal(doctor.code, 3, doctor.stderr);
      if (lang === 'en') {
        assert.match(trace.stderr, /cannot trace TCP state changes here: BPF [^:]+: Operation not permitted \(trace needs root/);
        assert.match(count.stderr, /cannot enter network namespace "[^"]+": setns: Operation not permitted \(needs root\)/);
        assert.match(doctor.stderr, /^tcpstate: field --netns: cannot run tcpstate inside network namespace "[^"]+" \(ip netns exec: .+\)\n$/);
        continue;
      }
      assert.match(trace.stderr, /无法在这里跟踪 TCP 状态变化：[^\n]*BPF[^\n]*：不允许的操作（trace 需要 root 权限/);
      assert.match(count.stderr, /无法进入网络命名空间 "[^"]+"：setns：不允许的操作（需要 root 权限）/);
      assert.match(doctor.stderr, /^tcpstate: 字段 --netns: 无法在网络命名空间 "[^"]+" 中运行 tcpstate（ip netns exec：.+）\n$/);
      for (const r of [trace, count]) assert.doesNotMatch(r.stderr, /not permitted|not created|not loaded|cannot/);
    }
  } finally {
    ns.destroy();
  }
});

test('doctor --netns of a namespace that does not exist: our message, exit 3, nothing of ip', async (t) => {
  if (!kernelOrSkip(t)) return;
  for (const lang of ['en', 'zh']) {
    const r = await run(['--lang', lang, 'doctor', '--netns', 'tcst-zh6-absent']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /Cannot open network namespace/);
    assert.match(r.stderr, /^tcpstate: \/run\/netns\/tcst-zh6-absent: /);
  }
});
