/**
 * A request during a slow snapshot is answered: while `serve` samples a namespace holding
 * thousands of connections with owners and doctor's findings (hundreds of milliseconds on
 * its worker thread), /-/healthy and /-/ready keep answering at once, and the scrape that
 * was waiting gets the namespace's counts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLoad, type Load } from '../lib/doctor.js';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { Serve } from '../lib/prometheus.js';

const CONNECTIONS = 6000;

describe('serve during a slow snapshot', () => {
  let ns: Netns | undefined;
  let serve: Serve | undefined;
  const loads: Load[] = [];
  before(async () => {
    if (kernelUnavailable()) return;
    ns = Netns.create('slow');
    loads.push(await startLoad(ns, 'server', ['--port', '7100', '--mode', 'leak', '--backlog', '4096', '--ttl', '300']));
    const client = await startLoad(ns, 'client', ['--port', '7100', '--count', String(CONNECTIONS), '--rate', '0', '--close', 'none', '--ttl', '300']);
    loads.push(client);
    serve = await Serve.start(['--netns', ns.name, '--findings', '--by-process']);
  });
  after(async () => {
    await serve?.stop();
    for (const l of loads) l.child.kill('SIGKILL');
    ns?.destroy();
  });

  test('/-/healthy answers within a fraction of the time the scrape in flight takes', async (t) => {
    if (!kernelOrSkip(t, ['ss'])) return;
    let established = 0;
    for (const end = Date.now() + 20_000; established < 2 * CONNECTIONS && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      established = ns!.run('ss', ['-tanH', 'state', 'established']).trim().split('\n').length;
    }
    assert.ok(established >= CONNECTIONS, `the load holds ${established} connections`);
    let done = false;
    const t0 = performance.now();
    const scrape = fetch(serve!.url('/metrics')).then(async (r) => {
      const body = await r.text();
      done = true;
      return { status: r.status, body, ms: performance.now() - t0 };
    });
    const during: number[] = [];
    while (!done) {
      const h0 = performance.now();
      const r = await fetch(serve!.url(during.length % 2 ? '/-/ready' : '/-/healthy'));
      await r.text();
      assert.equal(r.status, 200);
      if (!done) during.push(performance.now() - h0);
    }
    const m = await scrape;
    assert.equal(m.status, 200);
    const est = /^tcpstate_sockets\{netns="[^"]+",state="established",family="ipv4"\} (\d+)$/m.exec(m.body);
    assert.ok(est && Number(est[1]) >= CONNECTIONS, "the scrape that waited has the namespace's counts");
    assert.ok(during.length >= 2, `the snapshot took ${m.ms.toFixed(0)} ms; ${during.length} health checks were answered meanwhile`);
    const worst = Math.max(...during);
    t.diagnostic(`scrape ${m.ms.toFixed(0)} ms; ${during.length} health checks meanwhile, the slowest ${worst.toFixed(0)} ms`);
    assert.ok(worst < m.ms / 2, `the slowest health check took ${worst.toFixed(0)} ms while the scrape took ${m.ms.toFixed(0)} ms`);
  });
});
