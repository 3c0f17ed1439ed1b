/**
 * The fleet table: the seed's section 1 (seven hosts' awk summaries, pasted from a web page)
 * read as it stands and printed side by side, with role groups; files with several hosts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runMain } from '../lib/cli.js';
import { assertGolden } from '../lib/golden.js';
import { REPO } from '../lib/netns.js';

const SEED = join(REPO, 'test', 'fixtures', 'seed', 'section1.txt');
const TEXT = join(REPO, 'test', 'fixtures', 'text');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-fleet-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The seed's numbers as the article prints them, host by host (read off the page by hand). */
const SEED_HOSTS: Record<string, Record<string, number>> = {
  'LVS-1-1': { TIME_WAIT: 9137, CLOSE_WAIT: 207, FIN_WAIT1: 547, ESTABLISHED: 597, FIN_WAIT2: 74, SYN_RECV: 70, CLOSING: 55, LAST_ACK: 8 },
  lvs_nginx: { TIME_WAIT: 422, CLOSE_WAIT: 590, FIN_WAIT1: 56, FIN_WAIT2: 28, ESTABLISHED: 1731 },
  web1: { TIME_WAIT: 418, FIN_WAIT1: 7, FIN_WAIT2: 3, ESTABLISHED: 1097, LAST_ACK: 2 },
  web2: { TIME_WAIT: 250, FIN_WAIT1: 2, FIN_WAIT2: 3, ESTABLISHED: 1032, LAST_ACK: 2 },
  old_web: { TIME_WAIT: 342, CLOSE_WAIT: 618, FIN_WAIT1: 37, FIN_WAIT2: 3, ESTABLISHED: 1681, SYN_RECV: 1 },
  K32_50718: { TIME_WAIT: 4146, FIN_WAIT1: 352, FIN_WAIT2: 1112, ESTABLISHED: 8451, SYN_RECV: 186, CLOSING: 9, LAST_ACK: 102 },
  web_slave: { TIME_WAIT: 263, FIN_WAIT1: 1, FIN_WAIT2: 48, ESTABLISHED: 918 },
};

interface FleetDoc {
  hosts: { host: string; group?: string; format: string; states: Record<string, number>; total: number }[];
  groups: { name: string; hosts: string[]; total: number }[];
  total: { hosts: number; total: number };
  warnings: { code: string; where: { line?: number } }[];
}

describe("the seed's seven summaries as one fleet table", () => {
  test('every host, every number, as the article prints them', async () => {
    const r = await runMain(['count', '--hosts', '--json', SEED]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as FleetDoc;
    assert.deepEqual(
      doc.hosts.map((h) => h.host),
      Object.keys(SEED_HOSTS),
    );
    for (const h of doc.hosts) {
      assert.equal(h.format, 'awk');
      const nonzero = Object.fromEntries(Object.entries(h.states).filter(([, n]) => n > 0));
      assert.deepEqual(nonzero, SEED_HOSTS[h.host], h.host);
      assert.equal(Object.keys(h.states).length, 12, 'every state listed, zeros filled in');
    }
    const sum = Object.values(SEED_HOSTS)
      .flatMap((s) => Object.values(s))
      .reduce((a, b) => a + b, 0);
    assert.equal(doc.total.total, sum);
    assert.equal(doc.total.hosts, 7);
    // The two section headings between hosts are reported, nothing else.
    assert.deepEqual(
      doc.warnings.map((w) => `${w.code}@${w.where.line}`),
      ['W_SKIPPED_LINE@28', 'W_SKIPPED_LINE@68'],
    );
  });

  test('golden: plain fleet table', async () => {
    const r = await runMain(['count', '--hosts', SEED]);
    assert.equal(r.code, 0, r.stderr);
    assertGolden('seed/fleet.txt', r.stdout);
    assert.match(r.stderr, /section1\.txt:28: not awk output, skipped: "1\.2生产服务器/);
  });

  test('golden: the role groups of the issue (lvs, web; the rest ungrouped)', async () => {
    const r = await runMain(['count', '--hosts', '--group', 'lvs=LVS*,lvs_*', '--group', 'web=web*', SEED]);
    assert.equal(r.code, 0, r.stderr);
    assertGolden('seed/fleet-groups.txt', r.stdout);
  });

  test("golden: the article's own roles (1.1 LVS, 1.2 web, 1.3 db), first match wins", async () => {
    const args = ['count', '--group', 'lvs=LVS*,lvs_*', '--group', 'db=*_slave', '--group', 'web=web*,old_web,K32_*', SEED];
    const r = await runMain(args);
    assert.equal(r.code, 0, r.stderr);
    assertGolden('seed/fleet-roles.txt', r.stdout);
    const j = JSON.parse((await runMain([...args, '--json'])).stdout) as FleetDoc;
    assert.deepEqual(
      j.groups.map((g) => [g.name, g.hosts]),
      [
        ['lvs', ['LVS-1-1', 'lvs_nginx']],
        ['db', ['web_slave']],
        ['web', ['web1', 'web2', 'old_web', 'K32_50718']],
      ],
    );
    assert.equal(
      j.groups.reduce((a, g) => a + g.total, 0),
      j.total.total,
    );
    // File paths depend on where the repository is checked out.
    assertGolden('seed/fleet-roles.json', JSON.stringify(j, null, 2).replaceAll(REPO, '<repo>') + '\n');
  });

  test('the fleet JSON reads back as the same fleet', async () => {
    const a = await runMain(['count', '--hosts', '--json', SEED]);
    const file = join(tmp, 'fleet.json');
    writeFileSync(file, a.stdout);
    const b = await runMain(['count', '--hosts', file]);
    const c = await runMain(['count', '--hosts', SEED]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout.replace(/ json\n/g, '\n'), c.stdout.replace(/ awk\n/g, '\n'));
  });

  test('a state filter applies to summaries; an address filter is refused', async () => {
    const r = await runMain(['count', '--hosts', '--json', SEED, 'state', 'time-wait']);
    const doc = JSON.parse(r.stdout) as FleetDoc;
    assert.deepEqual(
      doc.hosts.map((h) => h.total),
      Object.values(SEED_HOSTS).map((s) => s['TIME_WAIT']),
    );
    const bad = await runMain(['count', '--hosts', SEED, 'dport', '=', ':80']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /LVS-1-1 is a per-state summary \(awk\): address and port filters need a full listing/);
  });

  test('bad --group is a usage error naming it', async () => {
    const r = await runMain(['count', '--group', 'lvs', SEED]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad --group "lvs": expected NAME=PATTERN/);
  });
});

describe('several hosts in files', () => {
  test("==> host <== headers split one file into hosts; each section's format is detected", async () => {
    const file = join(tmp, 'two.txt');
    writeFileSync(file, `==> captures/web1.txt <==\n${readFileSync(join(TEXT, 'ss-tan.txt'), 'utf8')}\n==> /var/tmp/db1.example.com.log <==\n${readFileSync(join(TEXT, 'netstat-n-awk.txt'), 'utf8')}`);
    const r = await runMain(['count', '--hosts', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as FleetDoc;
    assert.deepEqual(
      doc.hosts.map((h) => [h.host, h.format, h.total]),
      [
        ['web1', 'ss', 28],
        ['db1.example.com', 'awk', 21],
      ],
    );
  });

  test('files are hosts named after the file; stdin is "stdin"', async () => {
    const a = join(tmp, 'web7.netstat.txt');
    writeFileSync(a, readFileSync(join(TEXT, 'netstat-an.txt')));
    const r = await runMain(['count', '--hosts', '--json', a, '-'], readFileSync(join(TEXT, 'proc-tcp.txt')));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as FleetDoc;
    assert.deepEqual(
      doc.hosts.map((h) => [h.host, h.format]),
      [
        ['web7', 'netstat'],
        ['stdin', 'proc'],
      ],
    );
  });

  test('without --hosts the captures are summed, and the sum is said', async () => {
    const r = await runMain(['count', '--json', SEED]);
    const doc = JSON.parse(r.stdout) as { total: number };
    assert.equal(
      doc.total,
      Object.values(SEED_HOSTS)
        .flatMap((s) => Object.values(s))
        .reduce((a, b) => a + b, 0),
    );
    assert.match(r.stderr, /7 hosts summed/);
  });

  test('ls of several hosts lists each under its header; a summary is refused', async () => {
    const file = join(tmp, 'hosts.txt');
    writeFileSync(file, `[root@web1 ~]# ss -tan\n${readFileSync(join(TEXT, 'ss-tan.txt'), 'utf8')}root@db1:~# netstat -ant\n${readFileSync(join(TEXT, 'netstat-ant.txt'), 'utf8')}`);
    const r = await runMain(['ls', file, 'state', 'syn-sent']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^==> web1 <==\nProto.*\ntcp .* SYN_SENT\n\n==> db1 <==\nProto.*\ntcp .* SYN_SENT\n$/);
    const s = await runMain(['ls', SEED]);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /LVS-1-1 is a per-state summary \(awk\), not a socket listing; use tcpstate count/);
  });
});
