/**
 * The rough edges a new user hits (issue 15 §4): each test here failed on main before its fix.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runMain } from '../lib/cli.js';
import { CLI, REPO } from '../lib/netns.js';

const TEXT = join(REPO, 'test', 'fixtures', 'text');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-edges-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** An ss -tan capture with IPv4, IPv6 and IPv4-mapped peers. */
const MIXED = `State      Recv-Q Send-Q                  Local Address:Port                    Peer Address:Port
ESTAB      0      0                            10.0.0.5:443                      192.168.1.10:50001
ESTAB      0      0                            10.0.0.5:443                      192.168.1.77:50002
ESTAB      0      0                 [::ffff:10.0.0.5]:443             [::ffff:192.168.1.99]:50003
ESTAB      0      0                 [::ffff:10.0.0.5]:443             [::ffff:192.168.9.1]:50004
ESTAB      0      0                       [2001:db8::5]:443                [2001:db8:0:1::7]:50005
ESTAB      0      0                       [2001:db8::5]:443                [2001:db8:0:1::8]:50006
ESTAB      0      0                       [2001:db8::5]:443                [2001:db8:0:2::9]:50007
ESTAB      0      0                               [::1]:6000                           [::1]:50008
TIME-WAIT  0      0                            10.0.0.5:443                       192.168.1.10:50009
`;

function groupsOf(stdout: string): Record<string, number> {
  const j = JSON.parse(stdout) as { groups: { key: string; total: number }[] };
  return Object.fromEntries(j.groups.map((g) => [g.key, g.total]));
}

describe('count --by rnet/N and addresses: IPv4, IPv6 and IPv4-mapped', () => {
  const file = join(tmp, 'mixed.txt');
  writeFileSync(file, MIXED);

  test('rnet/24 groups IPv4 by /24 and IPv6 by /64; mapped peers are IPv4', async () => {
    const r = await runMain(['count', '--by', 'rnet/24', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(groupsOf(r.stdout), {
      '192.168.1.0/24': 4,
      '192.168.9.0/24': 1,
      '2001:db8:0:1::/64': 2,
      '2001:db8:0:2::/64': 1,
      '::/64': 1,
    });
  });

  test('rnet/16,48 names both lengths; plain rnet is /24 and /64', async () => {
    const r = await runMain(['count', '--by', 'rnet/16,48', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(groupsOf(r.stdout), { '192.168.0.0/16': 5, '2001:db8::/48': 3, '::/48': 1 });
    const plain = await runMain(['count', '--by', 'rnet', '--json', file]);
    const n24 = await runMain(['count', '--by', 'rnet/24', '--json', file]);
    assert.deepEqual(groupsOf(plain.stdout), groupsOf(n24.stdout));
  });

  test('a prefix too long for IPv4 is refused, with the two-length form', async () => {
    const r = await runMain(['count', '--by', 'rnet/48', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /too long for IPv4.*rnet\/24,48/);
    assert.equal((await runMain(['count', '--by', 'rnet/24,129', file])).code, 2);
  });

  test('raddr and laddr: a mapped address is the IPv4 address', async () => {
    const r = await runMain(['count', '--by', 'laddr', '--json', file]);
    assert.deepEqual(groupsOf(r.stdout), { '10.0.0.5': 5, '2001:db8::5': 3, '::1': 1 });
    const p = await runMain(['count', '--by', 'raddr', '--json', file]);
    assert.equal(groupsOf(p.stdout)['192.168.1.99'], 1);
  });
});

describe('a directory given as a capture file', () => {
  const dir = join(tmp, 'captures');
  mkdirSync(dir);
  for (const cmd of [['count'], ['ls'], ['diff'], ['count', '--hosts']]) {
    test(`${cmd.join(' ')} DIR says it is a directory`, async () => {
      const r = await runMain([...cmd, dir]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /is a directory, not a capture file/);
      assert.doesNotMatch(r.stderr, /no such file|internal error/);
    });
  }
  test('pcap DIR says it is a directory', async () => {
    const r = await runMain(['pcap', dir]);
    assert.notEqual(r.code, 70);
    assert.match(r.stderr, /directory/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });
});

describe('ss filter quoted as one argument', () => {
  test('ls and count FILE "dport = :X or sport = :X" equal the filter given word by word', async () => {
    const file = join(TEXT, 'netstat-an.txt');
    for (const cmd of ['ls', 'count']) {
      const words = await runMain([cmd, file, 'sport', '=', ':7001', 'or', 'dport', '=', ':7001']);
      const one = await runMain([cmd, file, 'sport = :7001 or dport = :7001']);
      assert.equal(one.code, 0, one.stderr);
      assert.equal(one.stdout, words.stdout);
      const mixed = await runMain([cmd, file, 'state', 'established', '( sport = :7001 or dport = :7001 )']);
      assert.equal(mixed.code, 0, mixed.stderr);
    }
    const ls = await runMain(['ls', file, 'sport = :7001 or dport = :7001']);
    assert.ok(ls.stdout.split('\n').filter((l) => l.startsWith('tcp')).length > 0, 'the filter matches some sockets');
  });
});

describe('empty input is an answer of zeros', () => {
  test('count - with nothing on stdin: every state 0, exit 0', async () => {
    const r = await runMain(['count', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ESTABLISHED +0$/m);
    assert.match(r.stdout, /^TOTAL +0$/m);
    const j = await runMain(['count', '--json', '-'], Buffer.from('\n\n'));
    assert.equal(j.code, 0, j.stderr);
    assert.equal((JSON.parse(j.stdout) as { total: number }).total, 0);
    const awk = await runMain(['count', '--format', 'awk', '-']);
    assert.deepEqual([awk.code, awk.stdout], [0, '']);
  });
  test('an empty file too, with a warning naming it', async () => {
    const f = join(tmp, 'quiet.txt');
    writeFileSync(f, '');
    const r = await runMain(['count', f, 'state', 'close-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /quiet\.txt.*empty input/);
  });
});

test('a directory as standard input is an error saying so, not an empty capture (count, ls, pcap; both languages)', () => {
  const fd = openSync(tmp, 'r');
  try {
    for (const [cmd, lang, want] of [
      ['count', 'en', /^tcpstate: -: illegal operation on a directory\n$/],
      ['ls', 'zh', /^tcpstate: -: 对目录的非法操作\n$/],
      ['pcap', 'en', /^tcpstate: -: illegal operation on a directory\n$/],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI, cmd, '--lang', lang, '-'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 1, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, want);
      assert.equal(r.stdout, '');
    }
  } finally {
    closeSync(fd);
  }
});

describe('options that were silently ignored are refused', () => {
  const file = join(TEXT, 'netstat-an.txt');
  test('count --by lport --format awk', async () => {
    const r = await runMain(['count', '--by', 'lport', '--format', 'awk', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format awk.*--by/);
  });
  test('--json, --csv and --format asking for different outputs (count, ls, history), in both languages', async () => {
    for (const [args, want] of [
      [['count', '--json', '--csv', file], /^tcpstate: field --csv: --json and --csv ask for different outputs: give one\n$/],
      [['count', '--format', 'awk', '--csv', file], /--csv and --format awk ask for different outputs/],
      [['ls', '--json', '--csv', file], /--json and --csv ask for different outputs/],
      [['history', '--json', '--csv', '--db', join(tmp, 'none.db')], /--json and --csv ask for different outputs/],
      [['--lang', 'zh', 'count', '--csv', '--format', 'table', file], /--csv 和 --format table 要的是不同的输出格式：只能给一个/],
    ] as const) {
      const r = await runMain([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want);
      assert.equal(r.stdout, '');
    }
    // The same format said twice is not a clash.
    assert.equal((await runMain(['count', '--format', 'json', '--json', file])).code, 0);
  });
  test('--top without --by', async () => {
    const r = await runMain(['count', '--top', '3', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--top N picks the largest groups of --by/);
  });
  test('count --by process on a capture without processes says so; with them it counts', async () => {
    const r = await runMain(['count', '--by', 'process', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /carries no processes/);
    const p = await runMain(['count', '--by', 'process', join(TEXT, 'netstat-antp.txt')]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /\/node/);
  });
  test('diagram -o x.png writes no text into a .png', async () => {
    const png = join(tmp, 'x.png');
    const r = await runMain(['diagram', '-o', png]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not png.*dot -Tpng/);
    assert.equal(existsSync(png), false);
    const clash = await runMain(['diagram', '--format', 'svg', '-o', join(tmp, 'x.dot')]);
    assert.equal(clash.code, 2);
    const ok = await runMain(['diagram', '-o', join(tmp, 'x.svg')]);
    assert.equal(ok.code, 0, ok.stderr);
  });
});

describe('smaller', () => {
  test("tcpstate help count prints count's help", async () => {
    const h = await runMain(['help', 'count']);
    assert.equal(h.code, 0);
    assert.equal(h.stdout, (await runMain(['count', '--help'])).stdout);
    assert.match(h.stdout, /^Usage: tcpstate count/);
  });
  test("--interval -1 gets our message, not Node's", async () => {
    const r = await runMain(['watch', '--interval', '-1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--interval takes seconds above 0.*"-1"/);
    assert.doesNotMatch(r.stderr, /ambiguous/);
  });
});
