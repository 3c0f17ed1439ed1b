// Longer fuzz runs than the suite's (test/fuzz/fuzz.test.ts): the corpus through every entry,
// then mutated inputs until the time is up. Build first (npx tsc -p .).
//
//   node scripts/fuzz.mjs [--seconds N] [--seed S] [--target T[,T...]] [--out DIR]
//                         [--large MIB] [--count N] [--no-corpus] [--every-entry]
//
// Corpus cases known to hang (test/fuzz/known.ts, `once`) go through their first entry only,
// unless --every-entry.
// Prints each finding once (by signature) as it is found, then a summary (naming the entry of
// test/fuzz/known.ts a finding is, if any); writes each finding's
// input and finding.json (seed, index, mutation steps, entry, what happened) under --out
// (default $TMPDIR/tcpstate-fuzz-SEED/). Exit status 1 when anything was found.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = new URL('..', import.meta.url).pathname;
const dist = join(REPO, 'dist', 'test', 'fuzz');
if (!existsSync(join(dist, 'runner.js'))) {
  console.error('fuzz: dist/test/fuzz/runner.js missing: build first (npx tsc -p .)');
  process.exit(2);
}
const { Runner, writeFindings } = await import(join(dist, 'runner.js'));
const { corpus } = await import(join(dist, 'corpus.js'));
const { TARGETS } = await import(join(dist, 'targets.js'));
const { DEFAULT_LIMITS } = await import(join(dist, 'pool.js'));
const { known, once } = await import(join(dist, 'known.js'));

let values;
try {
  ({ values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '300' },
      seed: { type: 'string', default: String(Date.now() % 1e9) },
      target: { type: 'string', multiple: true },
      out: { type: 'string' },
      large: { type: 'string', default: '64' },
      count: { type: 'string' },
      'no-corpus': { type: 'boolean' },
      'every-entry': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (e) {
  console.error(`fuzz: ${e.message}`);
  process.exit(2);
}
if (values.help) {
  console.log('node scripts/fuzz.mjs [--seconds N] [--seed S] [--target T[,T...]] [--out DIR] [--large MIB] [--count N] [--no-corpus] [--every-entry]');
  console.log(`targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(0);
}
const names = TARGETS.map((t) => t.name);
const targets = values.target ? values.target.flatMap((t) => t.split(',')) : names;
for (const t of targets) {
  if (!names.includes(t)) {
    console.error(`fuzz: no target "${t}"; targets: ${names.join(', ')}`);
    process.exit(2);
  }
}
const num = (name, v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz: --${name} wants a whole number, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const seconds = num('seconds', values.seconds);
const seed = num('seed', values.seed);
const large = num('large', values.large) << 20;
const count = values.count === undefined ? undefined : num('count', values.count);
const outDir = values.out ?? join(tmpdir(), `tcpstate-fuzz-${seed}`);

const t0 = performance.now();
const runner = new Runner(DEFAULT_LIMITS, (line) => console.log(line));
// Ctrl-C: the worker and its temporary directory go too.
process.once('SIGINT', () => {
  void runner.close().then(() => process.exit(130));
});
const cases = corpus(large);
console.log(`fuzz: seed ${seed}, targets ${targets.join(', ')}, ${cases.length} corpus cases, ${seconds} s`);
try {
  if (!values['no-corpus']) {
    await runner.corpus(cases, targets, values['every-entry'] ? () => false : (c) => once(c.id), DEFAULT_LIMITS.baseMs);
    console.log(`fuzz: corpus done: ${runner.runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const left = Math.max(0, seconds - (performance.now() - t0) / 1000);
  const before = runner.runs;
  await runner.mutate(cases, { seed, targets, seconds: left, count });
  console.log(`fuzz: mutations done: ${runner.runs - before} inputs (seed ${seed})`);
} finally {
  await runner.close();
}
const secs = ((performance.now() - t0) / 1000).toFixed(1);
if (runner.findings.length === 0) {
  console.log(`fuzz: nothing found in ${runner.runs} runs, ${secs} s`);
  process.exit(0);
}
const dirs = writeFindings(outDir, runner.findings);
console.log(`\nfuzz: ${runner.findings.length} distinct findings in ${runner.runs} runs, ${secs} s; inputs under ${outDir}/`);
for (const [k, f] of runner.findings.entries()) {
  const again = runner.seen.get(f.signature) - 1;
  const k2 = known(f);
  console.log(
    `  ${dirs[k]}: ${f.caseId}${f.steps.length ? ` [${f.steps.join(', ')}]` : ''} via ${f.target}:${f.entry}: ${f.kind}${again ? ` (+${again} alike)` : ''}${k2 ? ` (known: ${k2.id})` : ''}`,
  );
  console.log(`      ${f.detail.split('\n')[0].slice(0, 300)}`);
}
process.exit(1);
