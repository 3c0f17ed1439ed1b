/**
 * `ls -r`: names from the hosts file, DNS and the services file, with a time limit per
 * lookup and in all. The kernel test runs tcpstate through `ip netns exec` in a namespace
 * with its own /etc/hosts, /etc/services and /etc/resolv.conf (bind-mounted from
 * /etc/netns/NAME/), whose only name server swallows queries: nothing depends on the
 * host's resolver.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAddress } from '../../src/model/address.js';
import { ESTABLISHED } from '../../src/model/state.js';
import { PROTO_TCP, SocketTable } from '../../src/model/table.js';
import { parseHosts, parseServices, resolveTable } from '../../src/sources/resolve.js';
import { CLI, kernelOrSkip, Netns } from '../lib/netns.js';

function files(hosts: string, services: string): { hostsFile: string; servicesFile: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-resolve-'));
  writeFileSync(join(dir, 'hosts'), hosts);
  writeFileSync(join(dir, 'services'), services);
  return { hostsFile: join(dir, 'hosts'), servicesFile: join(dir, 'services'), dir };
}

/** A table of TCP rows `local -> remote` (`10.0.0.1:80`, `[::1]:22`). */
function table(rows: [string, string][]): SocketTable {
  const t = new SocketTable(16);
  for (const [l, r] of rows) {
    const i = t.add();
    t.proto[i] = PROTO_TCP;
    for (const [text, addr, ports] of [
      [l, t.laddr, t.lport],
      [r, t.raddr, t.rport],
    ] as const) {
      const c = text.lastIndexOf(':');
      const a = parseAddress(text.slice(0, c))!;
      addr.set(a.bytes, i * 16);
      ports[i] = Number(text.slice(c + 1));
      t.family[i] = a.family;
    }
    t.state[i] = ESTABLISHED;
  }
  return t;
}

describe('hosts and services files', () => {
  test('hosts: the first name of the first line naming an address; comments, IPv6 spellings, IPv4-mapped', () => {
    const h = parseHosts(
      '# comment\n127.0.0.1\tlocalhost loopback\n127.0.0.1 other\n10.0.0.5 web1.lan web1 # db\n::1 ip6-localhost ip6-loopback\n2001:DB8:0:0::1 six.example\n::ffff:10.0.0.9 mapped.example\nbogus line\n10.0.0.300 bad\n',
    );
    assert.deepEqual(
      [...h],
      [
        ['127.0.0.1', 'localhost'],
        ['10.0.0.5', 'web1.lan'],
        ['::1', 'ip6-localhost'],
        ['2001:db8::1', 'six.example'],
        ['10.0.0.9', 'mapped.example'],
      ],
    );
  });

  test('services: PORT/PROTO to the first name; aliases and comments skipped', () => {
    const s = parseServices('# x\nssh\t\t22/tcp\t\t\t\t# SSH\nhttps 443/tcp\nhttps 443/udp http-s\nwww 80/tcp http\nhttp 80/tcp\nbad 99999x/tcp\n');
    assert.deepEqual(
      [...s],
      [
        ['22/tcp', 'ssh'],
        ['443/tcp', 'https'],
        ['443/udp', 'https'],
        ['80/tcp', 'www'],
      ],
    );
  });
});

describe('resolveTable', () => {
  test('names from the hosts file, DNS and services; each address asked once; numbers where none', async () => {
    const f = files('10.0.0.5 web1.lan\n', 'https 443/tcp\nssh 22/tcp\n');
    try {
      const asked: string[] = [];
      const t = table([
        ['10.0.0.5:443', '10.0.0.7:50000'],
        ['10.0.0.5:22', '10.0.0.7:50001'],
        ['[2001:db8::1]:443', '[2001:db8::2]:0'],
        ['0.0.0.0:22', '0.0.0.0:0'],
      ]);
      const r = await resolveTable(t, {
        ...f,
        reverse: async (a) => {
          asked.push(a);
          return a === '10.0.0.7' ? 'client.lan' : a === '2001:db8::1' ? 'six.lan' : undefined;
        },
      });
      assert.deepEqual(asked.sort(), ['10.0.0.7', '2001:db8::1', '2001:db8::2']);
      assert.deepEqual(
        [...t.names.values()],
        [
          ['web1.lan:https', 'client.lan:50000'],
          ['web1.lan:ssh', 'client.lan:50001'],
          ['six.lan:https', '[2001:db8::2]:*'],
          ['0.0.0.0:ssh', '0.0.0.0:*'],
        ],
      );
      assert.deepEqual([r.addresses, r.named, r.timedOut, r.warnings], [4, 3, 0, []]);
      // The JSON records carry the names beside the numbers.
      assert.deepEqual(t.record(0).local, { address: '10.0.0.5', port: 443, name: 'web1.lan:https' });
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  test('a lookup that does not answer in time leaves the number; the overall limit holds; the event loop runs meanwhile', async () => {
    const f = files('', '');
    try {
      const rows: [string, string][] = [];
      for (let k = 1; k <= 40; k++) rows.push([`10.1.0.${k}:80`, '10.2.0.1:1']);
      const t = table(rows);
      let ticks = 0;
      const tick = setInterval(() => {
        ticks++;
      }, 20);
      const t0 = performance.now();
      // 10.2.0.1 answers; the others never do. 4 at a time, 300 ms each: 40 would take 3 s, the limit is 1 s.
      const r = await resolveTable(t, { ...f, lookupMs: 300, totalMs: 1000, concurrency: 4, reverse: (a) => (a === '10.2.0.1' ? Promise.resolve('peer.lan') : new Promise(() => {})) });
      const ms = performance.now() - t0;
      clearInterval(tick);
      assert.ok(ms >= 950 && ms < 1600, `took ${ms} ms`);
      assert.ok(ticks >= 20, `the event loop ran ${ticks} ticks of 20 ms in ${ms} ms`);
      assert.equal(r.addresses, 41);
      assert.equal(r.named, 1);
      assert.equal(r.timedOut, 40);
      assert.deepEqual(
        r.warnings.map((w) => w.code),
        ['W_RESOLVE_TIMEOUT'],
      );
      assert.match(r.warnings[0]!.message, /^40 of 41 addresses not resolved in time \(0\.3 s a lookup, 1 s in all\)/);
      assert.deepEqual(t.names.get(0), ['10.1.0.1:80', 'peer.lan:1']);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });

  test('rows a capture already named are kept as they are', async () => {
    const f = files('10.0.0.5 web1.lan\n', '');
    try {
      const t = table([['10.0.0.5:80', '10.0.0.5:81']]);
      t.names.set(0, ['box:http', 'box:81']);
      await resolveTable(t, { ...f, reverse: async () => 'x' });
      assert.deepEqual(t.names.get(0), ['box:http', 'box:81']);
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});

describe('ls -r in a namespace with its own hosts, services and a silent name server', () => {
  test('the hosts file names one side, the other times out and stays a number, the port is named', { timeout: 60_000 }, async (t) => {
    if (!kernelOrSkip(t, ['python3'])) return;
    const ns = Netns.create('resolve');
    const etc = join('/etc/netns', ns.name);
    try {
      mkdirSync(etc, { recursive: true });
      writeFileSync(join(etc, 'hosts'), '127.0.0.1 localhost\n10.77.0.1 web1.test web1\n');
      writeFileSync(join(etc, 'services'), 'tcpstate-test 8123/tcp\n');
      writeFileSync(join(etc, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
      ns.run('ip', ['addr', 'add', '10.77.0.1/32', 'dev', 'lo']);
      ns.run('ip', ['addr', 'add', '10.77.0.2/32', 'dev', 'lo']);
      // A name server that reads every query and answers none; a server and a client.
      const py = ns.spawn('python3', [
        '-c',
        [
          'import socket,time',
          'd=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);d.bind(("127.0.0.1",53))',
          's=socket.socket();s.bind(("10.77.0.1",8123));s.listen()',
          'c=socket.socket();c.bind(("10.77.0.2",0));c.connect(("10.77.0.1",8123));a=s.accept()',
          'print(c.getsockname()[1],flush=True)',
          'while True: d.recv(4096)',
        ].join('\n'),
      ]);
      const port = await new Promise<number>((res, rej) => {
        py.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim())));
        py.once('exit', (c) => rej(new Error(`python exited ${c}`)));
      });
      const t0 = performance.now();
      const r = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, CLI, 'ls', '-r', 'state', 'established'], { encoding: 'utf8' });
      const ms = performance.now() - t0;
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/).slice(3, 6).join(' '))
        .sort();
      assert.deepEqual(lines, [`10.77.0.2:${port} web1.test:tcpstate-test ESTABLISHED`, `web1.test:tcpstate-test 10.77.0.2:${port} ESTABLISHED`].sort());
      assert.match(r.stderr, /warning: .*1 of 2 addresses not resolved in time \(1 s a lookup, 3 s in all\): shown as numbers/);
      assert.ok(ms < 8000, `ls -r took ${ms} ms`);
      // Without -r: numbers, as before.
      const n = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, CLI, 'ls', 'state', 'established'], { encoding: 'utf8' });
      assert.match(n.stdout, /10\.77\.0\.1:8123 +10\.77\.0\.2:/);
      // JSON: names beside the numbers.
      const j = spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, CLI, 'ls', '-r', '--json', 'sport', '=', ':8123'], { encoding: 'utf8' });
      const doc = JSON.parse(j.stdout) as { sockets: { local: { address: string; port: number; name?: string } }[] };
      assert.deepEqual(
        doc.sockets.map((s) => s.local),
        [{ address: '10.77.0.1', port: 8123, name: 'web1.test:tcpstate-test' }],
      );
    } finally {
      ns.destroy();
      rmSync(etc, { recursive: true, force: true });
    }
  });
});
