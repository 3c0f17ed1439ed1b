/**
 * `tcpstate serve --netns NS` scraped by a real Prometheus (Debian's binary, its own
 * config and data dir, stopped by PID), NS holding sockets in every state the zoo
 * reaches: PromQL per state (zeros included) and per port equals ss in NS;
 * /api/v1/counts agrees; `promtool check metrics` is clean; bad requests get clear 400s.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KNOWN_CODES, stateLabel, stateName, parseState } from '../../src/model/state.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { Prometheus, Serve } from '../lib/prometheus.js';
import { parseSs, type SsRow } from '../lib/ss.js';

const LABELS = KNOWN_CODES.map(stateLabel);
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function port(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf('|') + 1));
}

/** ss rows as state label → count, every state present. */
function byState(rows: SsRow[]): Record<string, number> {
  const c: Record<string, number> = Object.fromEntries(LABELS.map((l) => [l, 0]));
  for (const r of rows) c[stateLabel(parseState(r.state)!)]!++;
  return c;
}

/** The oracle's per-port counts: inbound by listening local port, outbound by remote port. */
function byPort(rows: SsRow[]): Map<string, number> {
  const listening = new Set(rows.filter((r) => r.state === 'LISTEN').map((r) => port(r.local)));
  const m = new Map<string, number>();
  for (const r of rows) {
    const lp = port(r.local);
    const k = listening.has(lp) ? `${lp}|inbound` : `${port(r.remote)}|outbound`;
    const key = `${k}|${stateLabel(parseState(r.state)!)}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return m;
}

/**
 * Wait until Prometheus holds a sample of `series` scraped after `since` (seconds): a fixed
 * sleep is not enough on a loaded machine, where a scrape can time out and leave a gap.
 */
async function scrapedAfter(prom: Prometheus, series: string, since: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const ts = await prom.query(`max(timestamp(${series}))`);
    if ((ts[0]?.value ?? 0) > since) return;
    if (Date.now() - t0 > 60_000) assert.fail(`no scrape of ${series} after the oracle's read in 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('serve scraped by a real Prometheus', () => {
  let ns: Netns | undefined;
  let serve: Serve | undefined;
  let prom: Prometheus | undefined;
  before(async () => {
    if (kernelUnavailable() || !have('prometheus') || !have('nft')) return;
    ns = Netns.create('prom');
    await ns.zoo();
    serve = await Serve.start(['--netns', ns.name, '--findings']);
    prom = await Prometheus.start(`127.0.0.1:${serve.port}`);
  });
  after(async () => {
    await prom?.stop();
    const code = await serve?.stop();
    ns?.destroy();
    if (serve) assert.equal(code, 0, `serve stopped cleanly on SIGTERM: ${serve.stderr}`);
  });

  test('PromQL per state, zeros included, equals ss in the namespace; /api/v1/counts agrees', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'ss', 'nft'])) return;
    await prom!.waitUp();
    // A scrape that began a second after ss returned, so Prometheus holds a sample taken after the oracle's.
    const want = byState(parseSs(ns!.run('ss', ['-tanH'])));
    await scrapedAfter(prom!, `tcpstate_sockets{netns="${ns!.name}"}`, Date.now() / 1000 + 1.1);
    const got = await prom!.query(`sum by (state) (tcpstate_sockets{netns="${ns!.name}"})`);
    const gotMap = Object.fromEntries(got.map((g) => [g.metric['state']!, g.value]));
    assert.deepEqual(gotMap, want, 'every state, zeros included');
    assert.ok(
      Object.values(want).some((v) => v === 0),
      'the zoo leaves some state at zero',
    );
    const api = (await (await fetch(serve!.url(`/api/v1/counts?netns=${encodeURIComponent(ns!.name)}`))).json()) as { schema: string; netns: string; states: Record<string, number> };
    assert.equal(api.schema, 'tcpstate.count/1');
    assert.equal(api.netns, ns!.name);
    for (const code of KNOWN_CODES) assert.equal(api.states[stateName(code)], want[stateLabel(code)], stateName(code));
    const up = await prom!.query('up{job="tcpstate"}');
    assert.equal(up[0]?.value, 1);
    const rules = await prom!.query(`sum(tcpstate_doctor_rules{netns="${ns!.name}"})`);
    assert.ok((rules[0]?.value ?? 0) >= 6, 'the doctor ran its rules on the sampler thread (--findings)');
  });

  test('PromQL per port equals ss: inbound by listening port, outbound by remote port, zero-filled, nothing in "other"', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'ss', 'nft'])) return;
    await prom!.waitUp();
    const want = byPort(parseSs(ns!.run('ss', ['-tanH'])));
    await scrapedAfter(prom!, `tcpstate_port_sockets{netns="${ns!.name}"}`, Date.now() / 1000 + 1.1);
    const got = await prom!.query(`tcpstate_port_sockets{netns="${ns!.name}"}`);
    const kept = new Map<string, number>();
    for (const g of got) {
      const k = `${g.metric['port']}|${g.metric['side']}`;
      kept.set(k, (kept.get(k) ?? 0) + 1);
      if (g.metric['port'] === 'other') {
        assert.equal(g.value, 0, `${k} ${g.metric['state']}`);
        continue;
      }
      assert.equal(g.value, want.get(`${k}|${g.metric['state']}`) ?? 0, `${k} ${g.metric['state']}`);
    }
    for (const [k, v] of want)
      assert.ok(
        got.some((g) => `${g.metric['port']}|${g.metric['side']}|${g.metric['state']}` === k),
        `${k} (${v}) exported`,
      );
    for (const [k, n] of kept) assert.equal(n, LABELS.length, `${k}: every state present`);
    const total = await prom!.query(`sum(tcpstate_port_sockets{netns="${ns!.name}"}) - sum(tcpstate_sockets{netns="${ns!.name}"})`);
    assert.equal(total[0]?.value, 0, 'sum() over ports counts every socket once');
  });

  test('the exposition passes promtool check metrics, as text and as OpenMetrics', async (t) => {
    if (!kernelOrSkip(t, ['promtool'])) return;
    const r = await fetch(serve!.url('/metrics'));
    assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await r.text();
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal((check.stdout + check.stderr).trim(), '', 'no lint warnings');
    const om = await fetch(serve!.url('/metrics'), { headers: { Accept: 'application/openmetrics-text;version=1.0.0' } });
    assert.match(om.headers.get('content-type')!, /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(await om.text(), /\n# EOF\n$/);
  });

  test('bad requests get a clear 400 naming the parameter and the token; never a stack trace', async (t) => {
    if (!kernelOrSkip(t)) return;
    const cases: [string, number, string | undefined, string | undefined][] = [
      ['/api/v1/counts?nosuch=1', 400, 'nosuch', 'nosuch'],
      [`/api/v1/counts?netns=${encodeURIComponent(ns!.name)}&filter=${encodeURIComponent('sport = :notaport')}`, 400, 'filter', ':notaport'],
      ['/api/v1/counts?filter=state%20nosuchstate', 400, 'filter', 'nosuchstate'],
      ['/api/v1/counts?by=colour', 400, 'by', 'colour'],
      ['/api/v1/counts?top=-1', 400, 'top', '-1'],
      ['/api/v1/counts?top=3', 400, 'top', '3'],
      ['/api/v1/counts?netns=not-served', 400, 'netns', 'not-served'],
      ['/api/v1/sockets?limit=many', 400, 'limit', 'many'],
      [`/api/v1/counts?filter=${'x'.repeat(5000)}`, 414, undefined, undefined],
      ['/api/v2/nothing', 404, undefined, undefined],
    ];
    for (const [path, status, parameter, token] of cases) {
      const r = await fetch(serve!.url(path));
      const text = await r.text();
      assert.equal(r.status, status, `${path.slice(0, 80)}: ${text}`);
      const j = JSON.parse(text) as { error: { code: string; message: string; parameter?: string; token?: string } };
      assert.equal(j.error.parameter, parameter, path.slice(0, 80));
      assert.equal(j.error.token, token, path.slice(0, 80));
      assert.ok(j.error.message.length > 10);
      assert.doesNotMatch(text, /\n\s+at |\.js:\d+/, 'no stack trace');
    }
    const post = await fetch(serve!.url('/metrics'), { method: 'POST' });
    assert.equal(post.status, 405);
  });

  test('a slow client cannot hold a request open: the server drops it after the header timeout', async (t) => {
    if (!kernelOrSkip(t)) return;
    const started = Date.now();
    const closed = await new Promise<number>((res) => {
      const s = connect(serve!.port, '127.0.0.1', () => s.write('GET /metrics HTTP/1.1\r\nHost: x\r\n'));
      s.on('data', () => undefined);
      s.on('error', () => undefined);
      s.on('close', () => res(Date.now() - started));
    });
    assert.ok(closed < 12_000, `closed after ${closed} ms`);
    const h = await fetch(serve!.url('/-/healthy'));
    assert.equal(h.status, 200);
  });
});
