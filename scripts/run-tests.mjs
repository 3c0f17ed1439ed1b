// Runs every compiled test file (dist/test/**/*.test.js) with Node's built-in test runner.
// Arguments narrow the run to files whose path contains any of them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const want = process.argv.slice(2);
const files = walk('dist/test')
  .sort()
  .filter((f) => want.length === 0 || want.some((w) => f.includes(w)));
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
const conc = process.env.TCPSTATE_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${conc}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
