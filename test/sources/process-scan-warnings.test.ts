/**
 * A process scan's warnings are capped while it scans, not after: a captured proc tree whose
 * every process has an over-long `comm` gives each scanning part (and the merge) the first 3
 * warnings of the code and one summary whose `more` counts the rest exactly.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Warning } from '../../src/model/errors.js';
import { mergeTriples, scanShare } from '../../src/sources/process-scan.js';

const PIDS = 200;

function tree(): string {
  const root = fs.mkdtempSync(join(tmpdir(), 'tcpst-comm-'));
  for (let pid = 1; pid <= PIDS; pid++) {
    fs.mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
    fs.writeFileSync(join(root, String(pid), 'comm'), `${'x'.repeat(40)}\n`);
    fs.symlinkSync(`socket:[${100000 + pid}]`, join(root, String(pid), 'fd', '3'));
  }
  return root;
}

/** Warnings of a code as the documents count them: kept entries plus the summaries' `more`. */
function total(ws: readonly Warning[]): number {
  return ws.reduce((n, w) => n + (w.more ?? 1), 0);
}

test('a scan of 200 processes with long names keeps 3 W_LONG_COMM and counts 197 more, in each part and merged', (t) => {
  const root = tree();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const pids = Int32Array.from({ length: PIDS }, (_, i) => i + 1);
  const ctl = new Int32Array(2);
  const part = scanShare(
    root,
    pids,
    ctl,
    (p) => fs.readdirSync(p),
    (p) => fs.readlinkSync(p),
  );
  assert.equal(part.warnings.length, 4, 'three kept and one summary, not one per process');
  assert.equal(total(part.warnings), PIDS);
  assert.equal(part.warnings[3]!.more, PIDS - 3);
  const merged = mergeTriples([part, part]);
  assert.equal(merged.warnings.length, 4);
  assert.equal(total(merged.warnings), 2 * PIDS, 'two parts merged keep the count of both');
  assert.equal(merged.owners.get(100001)?.[0]?.program, 'x'.repeat(15));
});
