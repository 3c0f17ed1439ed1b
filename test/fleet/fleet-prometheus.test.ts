/**
 * `tcpstate fleet --prometheus URL`: three namespaces act as hosts (an lvs and two web
 * servers), each with its own `serve --netns` on its own loopback port; a real Prometheus
 * scrapes them with `host` and `role` target labels. The table equals `ss -tan` per host,
 * the role subtotals are the sums, the JSON reads back through `count --hosts`, and an
 * agent stopped shows as down (no counts), not as a host with no sockets.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { freePort, Serve } from '../lib/prometheus.js';
import { expressions, filled } from './dashboard.js';
import { FleetPrometheus, nonZero, runCliAsync, ssCounts, ssPorts } from './lib.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface FleetDoc {
  schema: string;
  hosts: { host: string; group?: string; format: string; states?: Record<string, number>; total?: number; error?: string }[];
  groups: { name: string; hosts: string[]; states: Record<string, number>; total: number }[];
  total: { hosts: number; down?: number; states: Record<string, number>; total: number };
  source: { prometheus: string; at: string };
}

const HOSTS = [
  { host: 'lvs1', role: 'lvs', repeat: 1 },
  { host: 'web1', role: 'web', repeat: 2 },
  { host: 'web2', role: 'web', repeat: 3 },
] as const;

/**
 * Run `fleet ... --json` until no host is down: on this shared 2-core machine an agent's
 * scrape can miss its 2 s timeout (up 0), and fleet rightly shows that host as down.
 */
async function allUp(t: { diagnostic(m: string): void }, args: string[]): Promise<{ stdout: string; doc: FleetDoc }> {
  for (let i = 0; ; i++) {
    const r = await runCliAsync(args);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as FleetDoc;
    const down = (doc.hosts as { host: string; error?: string }[]).filter((h) => h.error !== undefined);
    if (down.length === 0) return { stdout: r.stdout, doc };
    t.diagnostic(`attempt ${i + 1}: ${down.map((h) => `${h.host}: ${h.error}`).join('; ')}`);
    if (i === 9) assert.fail(`hosts down after 10 attempts: ${r.stdout}`);
    await new Promise((res) => setTimeout(res, 1000));
  }
}

function sum(...cs: Record<string, number>[]): Record<string, number> {
  const o: Record<string, number> = {};
  for (const c of cs) for (const [k, v] of Object.entries(c)) o[k] = (o[k] ?? 0) + v;
  return o;
}

describe('fleet from a real Prometheus scraping three agents', () => {
  const ns: Netns[] = [];
  const agents: Serve[] = [];
  let prom: FleetPrometheus | undefined;
  before(async () => {
    if (kernelUnavailable() || !have('prometheus') || !have('nft')) return;
    for (const h of HOSTS) {
      const n = Netns.create(`fl${h.host}`);
      ns.push(n);
      // Listeners, established pairs and CLOSE_WAIT/FIN_WAIT2 pairs: states that hold still.
      await n.zoo(['--only', 'listen,est,cw', '--repeat', String(h.repeat), '--ttl', '600']);
      agents.push(await Serve.start(['--netns', n.name]));
    }
    prom = await FleetPrometheus.start(HOSTS.map((h, i) => ({ address: `127.0.0.1:${agents[i]!.port}`, labels: { host: h.host, role: h.role } })));
  });
  after(async () => {
    await prom?.stop();
    for (const a of agents) await a.stop();
    for (const n of ns) n.destroy();
  });

  test('a row per host equal to ss in its namespace, role subtotals, the total; JSON reads back through count --hosts', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'ss', 'nft'])) return;
    for (const h of HOSTS) await prom!.waitUp(h.host, 1);
    const want = ns.map(ssCounts);
    // Two scrapes after the oracle.
    await new Promise((r) => setTimeout(r, 2500));
    const args = ['fleet', '--prometheus', prom!.url, '--host-label', 'host', '--group-label', 'role'];
    const j = await allUp(t, [...args, '--json']);
    const doc = j.doc as FleetDoc;
    assert.equal(doc.schema, 'tcpstate.fleet/1');
    assert.deepEqual(
      doc.hosts.map((h) => [h.host, h.group]),
      HOSTS.map((h) => [h.host, h.role]),
    );
    HOSTS.forEach((h, i) => {
      assert.deepEqual(nonZero(doc.hosts[i]!.states!), want[i], `${h.host} equals ss -tan in ${ns[i]!.name}`);
      assert.equal(Object.keys(doc.hosts[i]!.states!).length >= 11, true, 'every state, zeros included');
    });
    assert.notDeepEqual(want[1], want[2], 'the hosts differ, so a mix-up would show');
    assert.deepEqual(
      doc.groups.map((g) => [g.name, g.hosts]),
      [
        ['lvs', ['lvs1']],
        ['web', ['web1', 'web2']],
      ],
    );
    assert.deepEqual(nonZero(doc.groups[1]!.states), sum(want[1]!, want[2]!), 'web subtotal');
    assert.deepEqual(nonZero(doc.total.states), sum(...want), 'total');
    assert.equal(doc.total.hosts, 3);
    assert.equal(doc.total.down, undefined);

    // The text table: the count --hosts layout.
    // The same moment as the JSON (--at): the text and CSV show what it showed.
    const at = ['--at', String(Date.parse(doc.source.at) / 1000)];
    const txt = await runCliAsync([...args, ...at]);
    assert.equal(txt.code, 0, txt.stderr);
    t.diagnostic(`\n${txt.stdout}`);
    const lines = txt.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^GROUP\s+HOST\s+ESTABLISHED\s.*\sTOTAL\s+FORMAT$/);
    const tot = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const rows = [
      ['lvs', 'lvs1', tot(want[0]!), 'prometheus'],
      ['lvs', 'subtotal (1)', tot(want[0]!), ''],
      ['web', 'web1', tot(want[1]!), 'prometheus'],
      ['web', 'web2', tot(want[2]!), 'prometheus'],
      ['web', 'subtotal (2)', tot(want[1]!) + tot(want[2]!), ''],
    ];
    rows.forEach(([g, h, n, f], i) => {
      assert.match(lines[i + 1]!, new RegExp(`^${g}\\s+${String(h).replace(/[()]/g, '\\$&')}\\s+(\\d+\\s+){11}${n}\\s*${f}$`), `row ${i + 1}: ${lines[i + 1]}`);
    });
    const totalLine = lines.at(-1)!.trim().split(/\s+/);
    assert.equal(
      Number(totalLine.at(-1)),
      Object.values(sum(...want)).reduce((a, b) => a + b, 0),
      'the table total',
    );

    // The recording rule of contrib/prometheus gives the same table.
    const rec = await allUp(t, [...args, '--json', '--recorded']);
    assert.deepEqual((rec.doc as FleetDoc).hosts, doc.hosts, '--recorded reads the same counts');
    const noLabel = await runCliAsync(['fleet', '--prometheus', prom!.url, '--host-label', 'hostname']);
    assert.equal(noLabel.code, 1);
    assert.match(noLabel.stderr, /has no tcpstate_sockets series with a "hostname" label/);
    const recBad = await runCliAsync(['fleet', '--prometheus', prom!.url, '--recorded']);
    assert.equal(recBad.code, 2);
    assert.match(recBad.stderr, /--recorded reads host:tcpstate_sockets:sum/);

    // CSV: the same rows.
    const csv = await runCliAsync([...args, ...at, '--csv']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.trimEnd().split('\n').length, lines.length);
    assert.match(csv.stdout, /^GROUP,HOST,ESTABLISHED,/);

    // --group globs on host names win over the label.
    const g = await runCliAsync(['fleet', '--prometheus', prom!.url, '--host-label', 'host', '--group', 'front=lvs*,web1', '--json', ...at]);
    assert.equal(g.code, 0, g.stderr);
    const gd = JSON.parse(g.stdout) as FleetDoc;
    assert.deepEqual(
      gd.groups.map((x) => [x.name, x.hosts]),
      [['front', ['lvs1', 'web1']]],
    );
    assert.equal(gd.hosts.find((h) => h.host === 'web2')!.group, undefined, 'web2 matched no pattern');

    // The document is the one count --hosts writes: it reads back as the same table.
    const dir = mkdtempSync(join(tmpdir(), 'tcpstate-fleet-'));
    try {
      writeFileSync(join(dir, 'fleet.json'), j.stdout);
      const back = await runCliAsync(['count', '--hosts', '--json', '--group', 'lvs=lvs*', '--group', 'web=web*', join(dir, 'fleet.json')]);
      assert.equal(back.code, 0, back.stderr);
      const bd = JSON.parse(back.stdout) as FleetDoc;
      assert.deepEqual(
        bd.hosts.map((h) => [h.host, h.states]),
        doc.hosts.map((h) => [h.host, h.states]),
      );
      assert.deepEqual(
        bd.groups.map((x) => x.states),
        doc.groups.map((x) => x.states),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--by lport / rport for one state: per-port columns per host equal to ss', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'ss', 'nft'])) return;
    for (const h of HOSTS) await prom!.waitUp(h.host, 1);
    for (const [by, state] of [
      ['lport', 'CLOSE_WAIT'],
      ['rport', 'ESTABLISHED'],
    ] as const) {
      const want = ns.map((n) => ssPorts(n, state, by));
      await new Promise((r) => setTimeout(r, 2500));
      const r = await allUp(t, ['fleet', '--prometheus', prom!.url, '--host-label', 'host', '--group-label', 'role', '--by', by, '--state', state.toLowerCase().replace('_', '-'), '--json']);
      const d = r.doc as unknown as { schema: string; by: string; state: string; columns: string[]; hosts: { host: string; group: string; ports: Record<string, number> }[] };
      assert.equal(d.schema, 'tcpstate.fleet-ports/1');
      assert.equal(d.state, state);
      assert.deepEqual(
        d.hosts.map((h) => h.host),
        HOSTS.map((h) => h.host),
      );
      for (const [i, h] of HOSTS.entries()) assert.deepEqual(nonZero(d.hosts[i]!.ports), want[i], `${h.host} ${state} by ${by}`);
      assert.ok(Object.keys(want[2]!).length > 0, 'the oracle has sockets to compare');
      const txt = await runCliAsync([
        'fleet',
        '--prometheus',
        prom!.url,
        '--host-label',
        'host',
        '--group-label',
        'role',
        '--by',
        by,
        '--state',
        state,
        '--at',
        String(Date.parse(r.doc.source.at) / 1000),
      ]);
      assert.equal(txt.code, 0, txt.stderr);
      assert.match(txt.stdout, new RegExp(`^${state} by ${by}\nGROUP\\s+HOST\\s+7001\\s+TOTAL ${state}`));
    }
    const bad = await runCliAsync(['fleet', '--prometheus', prom!.url, '--by', 'lport']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--by lport shows per-port columns for a single state/);
  });

  test('every query of the Grafana dashboard runs on this Prometheus; the fleet table panel has a row per host', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'nft'])) return;
    for (const h of HOSTS) await prom!.waitUp(h.host, 1);
    for (const { where, expr } of expressions()) {
      const r = await fetch(`${prom!.url}/api/v1/query?query=${encodeURIComponent(filled(expr))}`);
      const j = (await r.json()) as { status: string; error?: string };
      assert.equal(j.status, 'success', `${where}: ${expr}: ${j.error}`);
    }
    let table = await prom!.query(filled(expressions()[0]!.expr));
    // An agent whose scrape just missed its timeout is absent for a second (see allUp).
    for (let i = 0; i < 10 && table.length !== HOSTS.length * 11; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      table = await prom!.query(filled(expressions()[0]!.expr));
    }
    assert.deepEqual(
      [...new Set(table.map((s) => s.metric['host']))].sort(),
      HOSTS.map((h) => h.host),
    );
    assert.equal(table.length, HOSTS.length * 11, 'every state per host');
  });

  test('count --hosts URL... reads the same agents without Prometheus: the same table; hosts not answering are rows saying so', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'ss', 'nft'])) return;
    const want = ns.map(ssCounts);
    const silent = createServer((s: Socket) => {
      s.on('error', () => undefined);
    });
    const held: Socket[] = [];
    silent.on('connection', (s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const silentPort = (silent.address() as { port: number }).port;
    const closed = await freePort();
    try {
      const urls = agents.map((a) => `http://127.0.0.1:${a.port}`);
      const extra = [`http://127.0.0.1:${closed}`, `http://127.0.0.1:${silentPort}`, `${prom!.url}/`];
      const started = Date.now();
      const r = await runCliAsync(['count', '--hosts', '--timeout', '2s', '--json', '--group', 'lvs=*:' + agents[0]!.port, ...urls, ...extra]);
      const took = Date.now() - started;
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as FleetDoc;
      assert.equal(doc.schema, 'tcpstate.fleet/1');
      assert.deepEqual(
        doc.hosts.map((h) => h.host),
        [...urls, ...extra].map((u) => new URL(u).host),
        'hosts in the order given',
      );
      for (const [i, h] of HOSTS.entries()) assert.deepEqual(nonZero(doc.hosts[i]!.states!), want[i], `${h.host} via its agent equals ss`);
      assert.deepEqual(
        doc.groups.map((g) => [g.name, g.hosts]),
        [['lvs', [new URL(urls[0]!).host]]],
      );
      assert.deepEqual(nonZero(doc.total.states), sum(...want), 'the total counts only hosts that answered');
      assert.equal(doc.total.down, 3);
      const [refused, silentRow, notAgent] = doc.hosts.slice(3);
      assert.match(refused!.error!, /^down: connection refused$/);
      assert.match(silentRow!.error!, /^down: no answer in 2000 ms$/);
      assert.match(notAgent!.error!, /^down: HTTP 404/);
      for (const h of [refused, silentRow, notAgent]) assert.equal(h!.states, undefined);
      assert.ok(took < 6000, `in parallel, each within its timeout: took ${took} ms`);
      const txt = await runCliAsync(['count', '--hosts', '--timeout', '2s', ...urls, `http://127.0.0.1:${closed}`]);
      assert.equal(txt.code, 0, txt.stderr);
      t.diagnostic(`\n${txt.stdout}`);
      assert.match(txt.stdout, new RegExp(`^127\\.0\\.0\\.1:${closed}\\s+(-\\s+){12}down: connection refused$`, 'm'));
      assert.match(txt.stdout, /TOTAL \(4 hosts, 1 down\)/);
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });

  test('count with agent URLs: usage errors for what does not apply', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'nft'])) return;
    const u = `http://127.0.0.1:${agents[0]!.port}`;
    for (const [args, re] of [
      [['count', u], /agent URLs are read with --hosts/],
      [['count', '--hosts', u, 'state', 'established'], /either capture files or agent URLs/],
      [['count', '--hosts', '-l', u], /--listening selects sockets/],
      [['count', '--hosts', '--by', 'lport', u], /--by and --hosts do not combine/],
      [['count', '--hosts', '--timeout', 'soon', u], /bad --timeout "soon"/],
      [['count', '--timeout', '1s'], /--timeout applies to agent URLs/],
    ] as const) {
      const r = await runCliAsync([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
    }
  });

  test('an agent stopped is a row saying down, without counts; the others and their subtotals stay right', async (t) => {
    if (!kernelOrSkip(t, ['prometheus', 'ss', 'nft'])) return;
    for (const h of HOSTS) await prom!.waitUp(h.host, 1);
    assert.equal(await agents[2]!.stop(), 0);
    await prom!.waitUp('web2', 0);
    const want = ns.map(ssCounts);
    await new Promise((r) => setTimeout(r, 2500));
    const args = ['fleet', '--prometheus', prom!.url, '--host-label', 'host', '--group-label', 'role'];
    const j = await runCliAsync([...args, '--json']);
    assert.equal(j.code, 0, j.stderr);
    const doc = JSON.parse(j.stdout) as FleetDoc;
    const web2 = doc.hosts.find((h) => h.host === 'web2')!;
    assert.ok(web2, 'web2 still listed');
    assert.equal(web2.states, undefined, 'no counts for a host that is down');
    assert.match(web2.error!, /down/);
    assert.equal(web2.group, 'web');
    assert.deepEqual(nonZero(doc.hosts.find((h) => h.host === 'web1')!.states!), want[1]);
    assert.deepEqual(nonZero(doc.groups.find((g) => g.name === 'web')!.states), want[1], 'web subtotal is web1 alone');
    assert.equal(doc.total.down, 1);
    const txt = await runCliAsync(args);
    assert.match(txt.stdout, /^web\s+web2\s+-\s+-.*down/m);
    assert.match(txt.stdout, /web\s+subtotal \(2, 1 down\)/);
    assert.match(txt.stdout, /TOTAL \(3 hosts, 1 down\)/);
  });
});
