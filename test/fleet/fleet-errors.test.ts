/**
 * `fleet` against servers that are not a healthy Prometheus: nothing listening, a query
 * error, an answer that is not the API's JSON, a wrong password; and through HTTPS with
 * basic auth and a CA file, against a small API server in this process that answers the
 * fleet's queries from a table of per-time values (so --at and --since are checked too).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../lib/prometheus.js';
import { runCliAsync } from './lib.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Values of the fake API: ESTABLISHED per host, before and after t=1000. */
function answer(query: string, time: number): unknown {
  if (query.startsWith('sum by (host, state)')) {
    const est = time >= 1000 ? { a: 5, b: 7 } : { a: 2, b: 7 };
    return Object.entries(est).flatMap(([h, v]) => [
      { metric: { host: h, state: 'established' }, value: [time, String(v)] },
      { metric: { host: h, state: 'close_wait' }, value: [time, time >= 1000 && h === 'b' ? '3' : '0'] },
    ]);
  }
  if (query.startsWith('min by (host)'))
    return [
      { metric: { host: 'a' }, value: [time, '1'] },
      { metric: { host: 'b' }, value: [time, '1'] },
      { metric: { host: 'c' }, value: [time, '0'] },
    ];
  return [];
}

function handler(mode: { auth?: string; broken?: 'error' | 'html' }) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url!, 'http://x');
    if (mode.auth && req.headers.authorization !== `Basic ${Buffer.from(mode.auth).toString('base64')}`) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized\n');
      return;
    }
    if (mode.broken === 'html') {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html>nothing here</html>');
      return;
    }
    if (mode.broken === 'error') {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error: unexpected something' }));
      return;
    }
    const result = answer(u.searchParams.get('query') ?? '', Number(u.searchParams.get('time')));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  };
}

function listen(s: Server): Promise<number> {
  return new Promise((res) => s.listen(0, '127.0.0.1', () => res((s.address() as { port: number }).port)));
}

describe('fleet: Prometheus down, failing, not Prometheus; HTTPS and basic auth', () => {
  const servers: Server[] = [];
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-fleet-tls-'));
  });
  after(() => {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('nothing listening: a clear error naming the URL, status 1, no stack trace', async () => {
    const port = await freePort();
    const r = await runCliAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}`]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`cannot reach Prometheus at http://127\\.0\\.0\\.1:${port}: connection refused`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const zh = await runCliAsync(['fleet', '--prometheus', `http://127.0.0.1:${port}`], { TCPSTATE_LANG: 'zh_CN.UTF-8' });
    assert.match(zh.stderr, /无法连接 Prometheus http:\/\/127\.0\.0\.1/);
    const flag = await runCliAsync(['fleet', '--lang', 'zh', '--prometheus', `http://127.0.0.1:${port}`], { LANG: 'en_US.UTF-8' });
    assert.match(flag.stderr, /无法连接 Prometheus/);
  });

  test('a query the server fails, and a server that is not Prometheus: the URL and the query named', async () => {
    const bad = createHttp(handler({ broken: 'error' }));
    const html = createHttp(handler({ broken: 'html' }));
    servers.push(bad, html);
    const [pb, ph] = [await listen(bad), await listen(html)];
    const r = await runCliAsync(['fleet', '--prometheus', `http://127.0.0.1:${pb}`, '--host-label', 'host']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`Prometheus at http://127\\.0\\.0\\.1:${pb} failed the query (sum|min) by \\(host.*: bad_data: parse error: unexpected something`));
    const h = await runCliAsync(['fleet', '--prometheus', `http://127.0.0.1:${ph}/prom`]);
    assert.equal(h.code, 1);
    assert.match(h.stderr, new RegExp(`Prometheus at http://127\\.0\\.0\\.1:${ph}/prom answered HTTP 404: <html>nothing here</html>`));
  });

  test('bad options: usage errors naming the option', async () => {
    for (const [args, re] of [
      [['fleet'], /needs --prometheus URL/],
      [['fleet', '--prometheus', 'prom:9090'], /bad --prometheus "prom:9090": expected an http/],
      [['fleet', '--prometheus', 'http://x', '--group-label', 'ro-le'], /bad --group-label "ro-le"/],
      [['fleet', '--prometheus', 'http://x', '--since', 'yesterday'], /bad --since "yesterday": expected a duration/],
      [['fleet', '--prometheus', 'http://x', '--at', 'noon'], /bad --at "noon"/],
      [['fleet', '--prometheus', 'http://x', '--group', 'web'], /bad --group "web"/],
      [['fleet', '--prometheus', 'http://x', '--format', 'xml'], /--format takes table \| json \| csv/],
      [['fleet', '--prometheus', 'https://x', '--ca-file', '/nonexistent/ca.pem'], /cannot read --ca-file \/nonexistent\/ca\.pem: no such file/],
    ] as const) {
      const r = await runCliAsync([...args]);
      assert.ok(r.code === 2 || r.code === 1, `${args.join(' ')}: ${r.code}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  test('HTTPS with a CA file and basic auth; --at picks the moment, --since the change; a down host has no numbers', async (t) => {
    if (!have('openssl')) {
      t.skip('openssl missing');
      return;
    }
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const s = createHttps({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler({ auth: 'ops:s3cret' }));
    servers.push(s);
    const url = `https://127.0.0.1:${await listen(s)}`;
    const base = ['fleet', '--prometheus', url, '--host-label', 'host', '--json'];

    const untrusted = await runCliAsync([...base, '--user', 'ops:s3cret', '--at', '2000']);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, new RegExp(`cannot reach Prometheus at ${url}: .*self[- ]signed`));

    const noAuth = await runCliAsync([...base, '--ca-file', join(dir, 'cert.pem'), '--at', '2000']);
    assert.equal(noAuth.code, 1);
    assert.match(noAuth.stderr, /answered HTTP 401: Unauthorized/);

    const ok = await runCliAsync([...base, '--ca-file', join(dir, 'cert.pem'), '--user', 'ops', '--at', '2000'], { TCPSTATE_PASSWORD: 's3cret' });
    assert.equal(ok.code, 0, ok.stderr);
    const d = JSON.parse(ok.stdout);
    assert.deepEqual(
      d.hosts.map((h: { host: string; states?: Record<string, number>; error?: string }) => [h.host, h.states?.['ESTABLISHED'], h.states?.['CLOSE_WAIT'], h.error === undefined]),
      [
        ['a', 5, 0, true],
        ['b', 7, 3, true],
        ['c', undefined, undefined, false],
      ],
    );
    assert.equal(d.total.states.ESTABLISHED, 12);
    assert.equal(d.source.at, '1970-01-01T00:33:20.000Z');

    const userinfo = `https://ops:s3cret@127.0.0.1:${new URL(url).port}`;
    const since = await runCliAsync(['fleet', '--prometheus', userinfo, '--host-label', 'host', '--json', '--ca-file', join(dir, 'cert.pem'), '--at', '1500', '--since', '10m']);
    assert.equal(since.code, 0, since.stderr);
    const sd = JSON.parse(since.stdout);
    assert.equal(sd.source.prometheus, url, 'credentials are not printed');
    assert.deepEqual(
      sd.hosts.map((h: { host: string; states?: Record<string, number> }) => [h.host, h.states?.['ESTABLISHED'], h.states?.['CLOSE_WAIT']]),
      [
        ['a', 3, 0],
        ['b', 0, 3],
        ['c', undefined, undefined],
      ],
      'change from t=900 to t=1500',
    );
    const text = await runCliAsync(['fleet', '--prometheus', userinfo, '--host-label', 'host', '--insecure', '--at', '1500', '--since', '10m']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^change from 1970-01-01T00:15:00\.000Z to 1970-01-01T00:25:00\.000Z\nHOST/);
    assert.match(text.stdout, /^c\s+(-\s+){12}down/m);
  });
});
