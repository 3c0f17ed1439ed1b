/**
 * The Linux claims of the state machine and of `explain`, checked against the running kernel
 * in test namespaces: TIME_WAIT's 60 s, an orphaned FIN_WAIT2 held as a timewait socket for
 * tcp_fin_timeout, and the sysctl defaults the texts cite.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { LINUX_DEFAULTS, STATE_TEXTS } from '../../src/fsm/explain-data.js';
import { COLUMN_TEXTS } from '../../src/render/column-texts.js';
import { ROWS } from '../../src/fsm/rfc9293.js';
import { kernelOrSkip, Netns } from '../lib/netns.js';

const USER_HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcRow {
  st: number;
  tr: number;
  whenSec: number;
}

/** /proc/net/tcp{,6} inside the namespace, read by hand (independently of tcpstate's parser). */
function procRows(ns: Netns): ProcRow[] {
  const out: ProcRow[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of ns.run('cat', [f]).split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 6) continue;
      const [tr, when] = cols[5]!.split(':');
      out.push({ st: parseInt(cols[3]!, 16), tr: parseInt(tr!, 16), whenSec: parseInt(when!, 16) / USER_HZ });
    }
  }
  return out;
}

async function waitFor<T>(f: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting for the kernel');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('Linux TIME_WAIT lasts 60 s, as the table and explain say (timer read from /proc, ss as oracle)', async (t) => {
  if (!kernelOrSkip(t, ['nft', 'ss'])) return;
  const ns = Netns.create('fsmtw');
  try {
    const started = Date.now();
    await ns.zoo(['--only', 'tw', '--ttl', '60']);
    const tw = procRows(ns).filter((r) => r.st === 6);
    assert.ok(tw.length >= 2, `the zoo holds TIME_WAIT sockets (v4 and v6), got ${tw.length}`);
    const age = (Date.now() - started) / 1000;
    for (const r of tw) {
      assert.equal(r.tr, 3, 'a TIME_WAIT socket runs the timewait timer (tr 3)');
      assert.ok(r.whenSec <= 60, `at most 60 s left, got ${r.whenSec}`);
      assert.ok(r.whenSec > 50, `more than 50 s left right after creation (${age.toFixed(1)} s ago), got ${r.whenSec}`);
      assert.ok(r.whenSec >= 60 - age - 1, `the timer started at 60 s: ${r.whenSec} s left after ${age.toFixed(1)} s`);
    }
    const ss = ns.run('ss', ['-tanoH', 'state', 'time-wait']);
    for (const m of ss.matchAll(/timer:\(timewait,(\d+)sec,0\)/g)) assert.ok(Number(m[1]) <= 60 && Number(m[1]) > 50, `ss shows ${m[0]}`);
  } finally {
    ns.destroy();
  }
});

test('an orphaned FIN_WAIT2 is held as a timewait socket for tcp_fin_timeout (60 s)', async (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('fsmfw2');
  try {
    // A server that never closes; a client that closes (an orphan once its FIN is acknowledged).
    const code = `const net=require('net');const s=net.createServer({allowHalfOpen:true},(c)=>{c.on('error',()=>{});globalThis.k=c;});
s.listen(7120,'127.0.0.1',()=>{const c=net.connect(7120,'127.0.0.1',()=>{setTimeout(()=>{c.destroy();console.log('closed');},100);});c.on('error',()=>{});});
setTimeout(()=>process.exit(0),30000);`;
    const child = ns.spawn(process.execPath, ['-e', code]);
    await new Promise<void>((res, rej) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('closed')) res();
      });
      child.once('exit', (c) => rej(new Error(`helper exited with ${c}`)));
    });
    const fw2 = await waitFor(() => procRows(ns).find((r) => r.st === 5), 5000);
    assert.equal(fw2.tr, 3, 'the orphan runs the timewait timer: it is a timewait socket with substate FIN_WAIT2');
    assert.ok(fw2.whenSec <= 60 && fw2.whenSec > 50, `tcp_fin_timeout of 60 s, got ${fw2.whenSec} s left`);
    assert.ok(
      procRows(ns).some((r) => r.st === 8),
      'the server holds CLOSE_WAIT meanwhile',
    );
  } finally {
    ns.destroy();
  }
});

test("the sysctl defaults the texts cite are the kernel's (fresh namespace)", (t) => {
  if (!kernelOrSkip(t)) return;
  const ns = Netns.create('fsmdef');
  try {
    const prose = [
      ...STATE_TEXTS.flatMap((s) => [s.lasts.en, s.worry.en, s.means.en, s.who.en, s.normal.en]),
      ...COLUMN_TEXTS.flatMap((c) => [c.means.en, c.beyond.en]),
      ...ROWS.flatMap((r) => [r.action, r.linux ?? '']),
    ].join('\n');
    for (const d of LINUX_DEFAULTS) {
      const v = ns.run('cat', [`/proc/sys/${d.sysctl.replace(/\./g, '/')}`]).trim();
      assert.equal(v, d.value, `${d.sysctl}`);
      assert.ok(prose.includes(d.cite), `the texts cite "${d.cite}"`);
    }
  } finally {
    ns.destroy();
  }
});
