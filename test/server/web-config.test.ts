/**
 * `serve --web.config.file` (exporter-toolkit's format): `promtool check web-config`
 * accepts the test's file; basic auth guards every endpoint (401 without or with wrong
 * credentials, 200 with them, also through a real Prometheus scraping with them); TLS
 * served with the configured certificate; unsupported keys and bad hashes refused at start;
 * on a non-loopback address without auth, /api/v1/sockets and /api/v1/doctor are refused.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseYamlMap } from '../../src/server/web-config.js';
import { kernelOrSkip, runCli } from '../lib/netns.js';
import { freePort, Prometheus, Serve } from '../lib/prometheus.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const bcrypt = createRequire(import.meta.url)('bcryptjs') as { hashSync(p: string, cost: number): string };
const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

describe('serve --web.config.file: basic auth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-webcfg-'));
  const file = join(dir, 'web.yml');
  let serve: Serve | undefined;
  before(async () => {
    writeFileSync(file, `# test users\nbasic_auth_users:\n  alice: ${bcrypt.hashSync('s3cret', 4)}\n  'bob': "${bcrypt.hashSync('other', 4)}"\n`);
    serve = await Serve.start(['--web.config.file', file]);
  });
  after(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('promtool check web-config accepts the file', (t) => {
    if (!have('promtool')) {
      t.skip('promtool is not installed');
      return;
    }
    const r = spawnSync('promtool', ['check', 'web-config', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test('every endpoint refuses a client without credentials or with wrong ones, and serves one with them', async () => {
    for (const path of ['/metrics', '/api/v1/counts', '/-/healthy', '/-/ready', '/', '/api/v1/sockets?limit=1']) {
      const none = await fetch(serve!.url(path));
      assert.equal(none.status, 401, path);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.equal((await fetch(serve!.url(path), { headers: basic('alice', 'wrong') })).status, 401, path);
      assert.equal((await fetch(serve!.url(path), { headers: basic('mallory', 's3cret') })).status, 401, path);
      const ok = await fetch(serve!.url(path), { headers: basic('alice', 's3cret') });
      assert.ok(ok.status === 200 || (path === '/-/ready' && ok.status === 503), `${path}: ${ok.status}`);
    }
    assert.equal((await fetch(serve!.url('/metrics'), { headers: basic('bob', 'other') })).status, 200, 'a quoted user name');
  });

  test('a real Prometheus scrapes with the credentials', async (t) => {
    if (!kernelOrSkip(t, ['prometheus'])) return;
    const prom = await Prometheus.start(`127.0.0.1:${serve!.port}`, { basicAuth: { user: 'alice', password: 's3cret' } });
    try {
      await prom.waitUp();
      const up = await prom.query('tcpstate_up');
      assert.equal(up[0]?.value, 1);
    } finally {
      await prom.stop();
    }
  });
});

describe('serve --web.config.file: TLS and bad files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('TLS with the configured certificate', async (t) => {
    if (!have('openssl')) {
      t.skip('openssl is not installed');
      return;
    }
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    const file = join(dir, 'tls.yml');
    writeFileSync(file, `tls_server_config:\n  cert_file: ${join(dir, 'cert.pem')}\n  key_file: ${join(dir, 'key.pem')}\n`);
    if (have('promtool')) {
      const r = spawnSync('promtool', ['check', 'web-config', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
    const serve = await Serve.start(['--web.config.file', file]);
    try {
      const body = await new Promise<string>((res, rej) => {
        const req = request({ host: '127.0.0.1', port: serve.port, path: '/metrics', rejectUnauthorized: false }, (r) => {
          let b = '';
          r.on('data', (d: Buffer) => {
            b += d.toString();
          });
          r.on('end', () => res(b));
        });
        req.on('error', rej);
        req.end();
      });
      assert.match(body, /^tcpstate_sockets\{state="established",family="ipv4"\} \d+$/m);
      await assert.rejects(fetch(serve.url('/metrics')), 'plain HTTP is not served');
    } finally {
      await serve.stop();
    }
  });

  test('unsupported keys, bad hashes and YAML it cannot read are refused at start, naming file, line or key', async () => {
    const cases: [string, RegExp][] = [
      ['rate_limit:\n  interval: 1s\n', /rate_limit/],
      ['basic_auth_users:\n  alice: plaintext\n', /basic_auth_users\.alice.*bcrypt/],
      ['basic_auth_users:\n  - alice\n', /bad\.yml:2: /],
      ['tls_server_config:\n  client_ca_file: x\n', /client_ca_file/],
    ];
    for (const [text, re] of cases) {
      const f = join(dir, 'bad.yml');
      writeFileSync(f, text);
      const r = runCli(['serve', '--listen', `127.0.0.1:${await freePort()}`, '--web.config.file', f]);
      assert.equal(r.code === 1 || r.code === 2, true, `${text}: exit ${r.code} ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  test('the YAML subset: nesting, quotes, comments', () => {
    assert.deepEqual(parseYamlMap('a:\n  b: "x # y"\n  c: z # note\nd: 1\n', 'f'), { a: { b: 'x # y', c: 'z' }, d: '1' });
  });
});

describe('serve on a non-loopback address without auth', () => {
  test('/api/v1/sockets and /api/v1/doctor are refused with 403; /metrics and counts are served', async (t) => {
    if (!kernelOrSkip(t)) return;
    // Every interface; the request still comes over loopback, but the listener is not a loopback one.
    const port = await freePort();
    const serve = await Serve.start(['--listen', `0.0.0.0:${port}`]);
    try {
      for (const [path, status] of [
        ['/api/v1/sockets', 403],
        ['/api/v1/doctor?interval=0', 403],
        ['/metrics', 200],
        ['/api/v1/counts', 200],
      ] as const) {
        const r = await fetch(`http://127.0.0.1:${port}${path}`);
        assert.equal(r.status, status, path);
      }
    } finally {
      await serve.stop();
    }
  });
});
