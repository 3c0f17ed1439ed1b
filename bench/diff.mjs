#!/usr/bin/env node
// `tcpstate diff A B` over two `ss -tan` captures of N sockets each (issue 14 item 5: diff over
// the columns). The AFTER side has 5% of the sockets changed state, 5% gone and 5% new, so the
// listing of changes is 15% of N lines. Reports, per size, the median wall time of the whole
// process (output to /dev/null) and of diffTables alone in-process (dist/ must be built).
//
//   node bench/diff.mjs [--sizes 10000,100000] [--rounds 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { opt, repo } from './args.mjs';

const SIZES = opt('--sizes', '10000,100000').split(',').map(Number);
const ROUNDS = Number(opt('--rounds', '5'));
const STATES = ['ESTAB', 'TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-2', 'LISTEN'];

function line(state, k) {
  const v6 = k % 4 === 0;
  const la = v6 ? `[2001:db8::${((k >> 8) & 0xff).toString(16)}:1]` : `10.0.${(k >> 16) & 0xff}.${(k >> 8) & 0xff}`;
  const ra = v6 ? `[2001:db8::2:${(k & 0xffff).toString(16)}]` : `10.1.${(k >> 8) & 0xff}.${k & 0xff}`;
  return `${state.padEnd(10)} 0      0      ${la}:${1024 + (k % 50000)}   ${ra}:${443 + (k % 7)}\n`;
}

function capture(n, after) {
  let s = 'State      Recv-Q Send-Q Local Address:Port Peer Address:Port\n';
  for (let k = 0; k < n; k++) {
    const m = k % 20;
    if (after && m === 1) continue; // gone
    const state = after && m === 2 ? 'CLOSE-WAIT' : STATES[k % 3 === 0 ? 1 : 0];
    s += line(state, k);
  }
  if (after) for (let k = n; k < n + n / 20; k++) s += line('ESTAB', k);
  return s;
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
const dir = mkdtempSync(join(os.tmpdir(), 'tcpstate-bdiff-'));
const results = [];
try {
  const { diffTables } = await import(join(repo, 'dist/src/model/diff.js'));
  const { CaptureReader } = await import(join(repo, 'dist/src/sources/text/read.js'));
  for (const n of SIZES) {
    const a = join(dir, `a-${n}.txt`);
    const b = join(dir, `b-${n}.txt`);
    writeFileSync(a, capture(n, false));
    writeFileSync(b, capture(n, true));
    const wall = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const p = spawnSync(process.execPath, [join(repo, 'bin/tcpstate.js'), 'diff', a, b], { stdio: ['ignore', 'ignore', 'pipe'] });
      wall.push(performance.now() - t0);
      if (p.status !== 1) throw new Error(`diff exited ${p.status}: ${p.stderr}`);
    }
    const table = (path) => {
      const rd = new CaptureReader(path, { tables: true });
      rd.push(readFileSync(path));
      return rd.end().captures[0].table;
    };
    const ta = table(a);
    const tb = table(b);
    const inproc = [];
    let changes = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      changes = diffTables(ta, tb).length;
      inproc.push(performance.now() - t0);
    }
    const row = {
      sockets: n,
      changes,
      processMs: wall.map((x) => Math.round(x)),
      processMedianMs: Math.round(median(wall)),
      diffTablesMs: inproc.map((x) => Math.round(x)),
      diffTablesMedianMs: Math.round(median(inproc)),
    };
    results.push(row);
    console.log(`${n} sockets, ${changes} changes: whole process ${row.processMedianMs} ms, diffTables ${row.diffTablesMedianMs} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(results));
