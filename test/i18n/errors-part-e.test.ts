/**
 * The last English-only texts a user meets (issue 15 §3, part E), in English and Chinese:
 * a history file whose packed groups are damaged (each way group-blob.ts refuses a BLOB, in
 * a real file written by `record`) or whose pages are overwritten (SQLite's reason), a
 * directory given as --db, serve on a port in use, an HTTPS Prometheus that answers plain
 * HTTP (the OS's reason) or shows a self-signed certificate (the TLS reason), a file option
 * that cannot be written or read (diagram -o, fleet --ca-file), and a value option followed
 * by a dash (Node's "ambiguous"), as golden files (test/golden/i18n/errors-e-*.txt). Then
 * serve's log line for a collector that fails (its name and error in the server's language,
 * never a stack), an OS error that names no file or system call (the native addon's errno
 * errors) as main.ts says it, and stdout on a full disk. UPDATE_GOLDEN=1 rewrites the goldens.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { failure } from '../../src/cli/main.js';
import { useServeLanguage } from '../../src/i18n/serve.js';
import { say as historySay } from '../../src/i18n/history.js';
import { TcpstateError } from '../../src/model/errors.js';
import { configFromEnv } from '../../src/sources/config.js';
import { loadNative } from '../../src/sources/native.js';
import { TcpstateServer } from '../../src/server/http.js';
import { COLLECTORS } from '../../src/server/metrics/registry.js';
import type { Collector } from '../../src/server/metrics/types.js';
import { assertGolden } from '../lib/golden.js';
import { Bilingual, type Run, runQuietly } from '../lib/bilingual.js';
import { addonOrSkip, CLI, kernelOrSkip, Netns, REPO, runCli } from '../lib/netns.js';

const TMP = mkdtempSync(join(tmpdir(), 'tcpstate-zh7-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runQuietly(CLI, REPO, args, { env, names: { $TMP: TMP } });
}

const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  p: string,
) => { prepare(s: string): { run(...a: unknown[]): unknown; get(...a: unknown[]): Record<string, unknown> | undefined }; close(): void };

/** A server on a loopback port that answers every request with 404 (plain HTTP). */
async function plainHttp(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.writeHead(404).end('no\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Each way a group BLOB is refused (src/history/group-blob.ts), as bytes written over a sample's. */
const DAMAGED: [string, string][] = [
  ['cut short', '01000102'],
  ['format', '09'],
  ['empty', ''],
  ['varint too long', '01ffffffffffffffff01'],
  ['key cut short', '01000561'],
  ['key not UTF-8', '010002fffe0000'],
  ['state mask too wide', '010100808004'],
];

test('a damaged history file, a directory as --db, a port in use, HTTPS to plain HTTP: goldens in English and Chinese', async (t) => {
  if (!kernelOrSkip(t, ['openssl'])) return;
  const ns = Netns.create('zh7h');
  t.after(() => ns.destroy());
  // A real history file: two samples of the namespace, recorded by `record`.
  const db = join(TMP, 'h.db');
  const rec = runCli(['record', '--db', db, '--interval', '0.2', '--samples', '2', '--no-processes', '--netns', ns.name]);
  assert.equal(rec.code, 0, rec.stderr);
  const d = new Database(db);
  const sample = Number(d.prepare('SELECT min(id) AS id FROM samples').get()!['id']);
  d.close();
  const b = new Bilingual();
  const args = ['history', '--db', db, '--since', '1h', '--by', 'lport'];
  const shown = (a: string[]) => `tcpstate ${a.map((x) => x.split(TMP).join('$TMP')).join(' ')}`;
  for (const [name, hex] of DAMAGED) {
    const w = new Database(db);
    w.prepare('INSERT OR REPLACE INTO group_sets(sample, kind, data) VALUES (?, 0, ?)').run(sample, Buffer.from(hex, 'hex'));
    w.close();
    b.add(`${shown(args)}   # group BLOB ${name}`, await run(args), await run(['--lang', 'zh', ...args]));
  }
  // Pages of the file overwritten: SQLite's reason, in the user's words.
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(8192, 0xff), 0, 8192, 8192);
  closeSync(fd);
  b.add(`${shown(args)}   # pages 3 and 4 overwritten`, await run(args), await run(['--lang', 'zh', ...args]));
  // A directory named as the history file: the file named, the OS's reason in words.
  const dir = join(TMP, 'a-directory');
  mkdirSync(dir);
  for (const a of [
    ['history', '--db', dir],
    ['record', '--db', dir, '--samples', '1'],
  ])
    b.add(shown(a), await run(a), await run(['--lang', 'zh', ...a]));
  // serve on a port something listens on; HTTPS to a server that speaks plain HTTP.
  const { server, port } = await plainHttp();
  t.after(() => server.close());
  const PORT = String(port);
  const named = async (a: string[], env: Record<string, string> = {}): Promise<Run> => {
    const r = await run(a, env);
    return { ...r, stderr: r.stderr.split(PORT).join('$PORT') };
  };
  for (const a of [
    ['serve', '--listen', `127.0.0.1:${port}`],
    ['fleet', '--prometheus', `https://127.0.0.1:${port}`],
  ])
    b.add(shown(a).split(PORT).join('$PORT'), await named(a), await named(['--lang', 'zh', ...a]));
  // HTTPS with a self-signed certificate: trusted neither by default nor, with it as the CA, under another name.
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(TMP, 'key.pem'), '-out', join(TMP, 'cert.pem')],
    {
      stdio: 'ignore',
    },
  );
  const tls = createHttpsServer({ key: readFileSync(join(TMP, 'key.pem')), cert: readFileSync(join(TMP, 'cert.pem')) }, (_req, res) => res.writeHead(404).end('no\n'));
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  t.after(() => tls.close());
  const TLS_PORT = String((tls.address() as AddressInfo).port);
  for (const a of [
    ['fleet', '--prometheus', `https://127.0.0.1:${TLS_PORT}`],
    ['fleet', '--prometheus', `https://localhost:${TLS_PORT}`, '--ca-file', join(TMP, 'cert.pem')],
  ]) {
    const hide = (r: Run): Run => ({ ...r, stderr: r.stderr.split(TLS_PORT).join('$PORT') });
    b.add(shown(a).split(TLS_PORT).join('$PORT'), hide(await run(a)), hide(await run(['--lang', 'zh', ...a])));
  }
  // A file option naming what cannot be written or read: the OS's reason in the user's words.
  for (const a of [
    ['diagram', '--format', 'svg', '-o', '/dev/full'],
    ['fleet', '--prometheus', 'http://127.0.0.1:1', '--ca-file', dir],
    // Files that cannot be read: the reason in words with its code, not the code alone.
    ['pcap', join(TMP, 'absent.pcap')],
    ['count', '--proc-root', join(TMP, 'absent-proc')],
    ['count', '/proc/self/mem'],
    ['pcap', '/proc/self/mem'],
  ])
    b.add(shown(a), await run(a), await run(['--lang', 'zh', ...a]));
  // A value option followed by a word starting with a dash: Node's "ambiguous" in our words.
  for (const a of [
    ['count', '--top', '-x'],
    ['diagram', '-o', '-x'],
  ])
    b.add(shown(a), await run(a), await run(['--lang', 'zh', ...a]));
  assertGolden('i18n/errors-e-en.txt', b.en);
  assertGolden('i18n/errors-e-zh.txt', b.zh);
  // What was English in Chinese before: the BLOB's damage, read's failure, the OS's codes and words.
  const saidZh = b.zh
    .split('\n')
    .filter((l) => l.startsWith('tcpstate: '))
    .join('\n');
  assert.doesNotMatch(
    saidZh,
    /damaged|cut short|varint too long|not UTF-8|beyond|groups:|read 调用失败|EADDRINUSE$|protocol error|illegal operation|malformed|self-signed|does not match|ambiguous|Did you forget|no space/m,
  );
  assert.match(b.zh, /已损坏\(样本 \d+ 的 lport 分组:分组 BLOB 在第 4 字节处损坏\(共 4 字节\):数据被截断\)/);
  assert.match(b.zh, /无法打开 \$TMP\/a-directory:对目录的非法操作/);
  assert.match(b.zh, /地址已在使用（EADDRINUSE）/);
  assert.match(b.zh, /协议错误/);
  assert.match(b.zh, /无法写入：设备上没有空间/);
  assert.match(b.zh, /无法读取 --ca-file \$TMP\/a-directory：对目录的非法操作/);
  assert.match(b.zh, /自签名证书（DEPTH_ZERO_SELF_SIGNED_CERT）/);
  assert.match(b.zh, /证书上的主机名或 IP 与地址不符（ERR_TLS_CERT_ALTNAME_INVALID）/);
  assert.match(b.zh, /已损坏\(数据库文件的结构已损坏\)/);
  // The English text each BLOB damage had before it was catalogued.
  for (const s of ['cut short', 'format 9 is not 1', ': empty)', 'varint too long', 'key cut short', 'key not UTF-8', 'state mask beyond 16 states']) assert.ok(b.en.includes(s), s);
});

test('a history error said as catalogue data keeps its stable code and says itself in either language', () => {
  const e = new TcpstateError('ERR_FORMAT', historySay('corrupt', 'f.db', historySay('groupsDamaged', 3, 'lport', historySay('blobDamaged', 2, 9, historySay('blobCutShort')))));
  assert.equal(e.code, 'ERR_FORMAT');
  assert.equal(e.describe('en'), 'f.db is damaged (sample 3, lport groups: group BLOB damaged at byte 2 of 9: cut short); move it aside and record into a new file');
  assert.equal(e.describe('zh'), 'f.db 已损坏(样本 3 的 lport 分组:分组 BLOB 在第 2 字节处损坏(共 9 字节):数据被截断);请把它移开,记录到新文件');
});

test("serve logs a failed collector by name, its error in the server's language, never a stack", async (t) => {
  if (!kernelOrSkip(t, [])) return;
  const ns = Netns.create('zh7s');
  t.after(() => ns.destroy());
  // One collector throws catalogue data (a TcpstateError), one a plain Error; the registry's run as well.
  const said: Collector = {
    name: 'said',
    enabled: () => true,
    collect() {
      throw new TcpstateError('ERR_FORMAT', historySay('blobDamaged', 1, 2, historySay('blobCutShort')));
    },
  };
  const plain: Collector = {
    name: 'plain',
    enabled: () => true,
    collect() {
      throw new Error('plain failure');
    },
  };
  const lines: string[] = [];
  const server = new TcpstateServer({
    listen: [{ text: '127.0.0.1:0', host: '127.0.0.1', port: 0 }],
    namespaces: [{ label: ns.name, netns: ns.name }],
    metrics: { top: 10, byProcess: false, findings: false },
    config: configFromEnv({}),
    maxRequests: 4,
    requestTimeoutMs: 10_000,
    version: 'test',
    log: (line) => lines.push(line),
    collectors: [...COLLECTORS, said, plain],
  });
  t.after(async () => {
    useServeLanguage('en');
    await server.close();
  });
  const [addr] = await server.start();
  const scrape = async (): Promise<string> => {
    const r = await fetch(`http://${addr}/metrics`);
    assert.equal(r.status, 200);
    return r.text();
  };
  const body = await scrape();
  // The others still wrote their families; the failed ones show as 0.
  assert.match(body, /^tcpstate_sockets\{/m);
  assert.match(body, /^tcpstate_collector_success\{collector="said"\} 0$/m);
  assert.match(body, /^tcpstate_collector_success\{collector="plain"\} 0$/m);
  assert.match(body, /^tcpstate_collector_success\{collector="sockets"\} 1$/m);
  const en = lines.splice(0);
  useServeLanguage('zh');
  await scrape();
  const zh = lines.splice(0);
  assert.deepEqual(en, ['collector said failed: group BLOB damaged at byte 1 of 2: cut short', 'collector plain failed: plain failure']);
  assert.deepEqual(zh, ['指标收集器 said 出错：分组 BLOB 在第 1 字节处损坏(共 2 字节):数据被截断', '指标收集器 plain 出错：plain failure']);
  for (const line of [...en, ...zh]) assert.doesNotMatch(line, /\n|\s{4}at /);
});

test("an OS error naming no file or system call (the native addon's): its step, errno name and reason, in the user's language", (t) => {
  if (!addonOrSkip(t)) return;
  const addon = loadNative({ noNative: false }).addon!;
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    assert.fail('expected the addon to throw');
  };
  // setns on a plain file: EINVAL, a message that names the call only in its words.
  const notNs = join(TMP, 'not-a-namespace');
  rmSync(notNs, { force: true });
  closeSync(openSync(notNs, 'w'));
  const einval = caught(() => addon.netnsEnter(notNs)) as NodeJS.ErrnoException;
  assert.deepEqual([einval.code, einval.path, einval.syscall], ['EINVAL', undefined, undefined], 'the branch under test: neither path nor syscall');
  assert.deepEqual(failure(einval, 'en'), ['tcpstate: setns: invalid argument (EINVAL)\n', 1]);
  assert.deepEqual(failure(einval, 'zh'), ['tcpstate: setns：操作系统错误 EINVAL：无效的参数\n', 1]);
  // A path that does not exist: the step is the C side's (here the path it opened).
  const missing = join(TMP, 'no-such-namespace');
  const enoent = caught(() => addon.netnsEnter(missing)) as NodeJS.ErrnoException;
  assert.deepEqual(failure(enoent, 'en'), [`tcpstate: ${missing}: no such file or directory (ENOENT)\n`, 1]);
  assert.deepEqual(failure(enoent, 'zh'), [`tcpstate: ${missing}：操作系统错误 ENOENT：没有那个文件或目录\n`, 1]);
  // An errno error whose message is only its code: the reason alone.
  const bare = Object.assign(new Error('EPROTO'), { code: 'EPROTO', errno: -71 });
  assert.deepEqual(failure(bare, 'en'), ['tcpstate: protocol error (EPROTO)\n', 1]);
  assert.deepEqual(failure(bare, 'zh'), ['tcpstate: 操作系统错误 EPROTO：协议错误\n', 1]);
});

test('stdout on a full disk (/dev/full), in Chinese: the reason in Chinese (count, ls -a)', () => {
  for (const args of [['count'], ['ls', '-a']]) {
    const full = openSync('/dev/full', 'w');
    try {
      for (const [lang, said] of [
        ['zh', 'tcpstate: 无法写入标准输出：设备上没有空间\n'],
        ['en', 'tcpstate: cannot write standard output: no space left on device\n'],
      ] as const) {
        const r = spawnSync(process.execPath, [CLI, '--lang', lang, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.stderr, said, `${lang} ${args.join(' ')}`);
        assert.equal(r.status, 1);
      }
    } finally {
      closeSync(full);
    }
  }
});
