/**
 * The fuzz harness, briefly, on a fixed seed: the whole corpus (real fixtures, issue 12's
 * cases, the generated large ones) through every entry of its target, then a fixed number
 * of mutated inputs, each in a worker thread with resource limits and a time limit. Every
 * input must end in success or a TcpstateError naming where (file and line, byte or field);
 * no crash, no exit 70, no hang, no runaway memory, no message of unbounded length. Findings
 * listed in known.ts (fixed on other branches) are reported as TODO. Longer runs:
 * scripts/fuzz.mjs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpus } from './corpus.js';
import { KNOWN, known, matches, once } from './known.js';
import { Pool } from './pool.js';
import { type Finding, Runner } from './runner.js';
import { judge, SELF_TEST, TARGETS } from './targets.js';

const SEED = 20_120_512;
/** Mutated inputs in the suite's pass (about 5 s on a quiet machine). */
const MUTATIONS = Number(process.env['TCPSTATE_FUZZ_INPUTS'] ?? 500);
/** The /dev/zero-like inputs' size here; scripts/fuzz.mjs uses 64 MiB. */
const LARGE = 8 << 20;
/** Generous: a parse of these inputs takes milliseconds; a loaded machine is slower. */
const LIMITS = { baseMs: 4000, perMiBMs: 500, rssGrowthMiB: 1024, heapMiB: 512 };

function describe(f: Finding): string {
  const how = f.steps.length ? ` [seed ${f.seed}, input ${f.index}: ${f.steps.join(', ')}]` : '';
  return `${f.caseId}${how} via ${f.target}:${f.entry}: ${f.kind}: ${f.detail.split('\n')[0]!.slice(0, 300)}`;
}

test('the harness sees each kind of failure (its own test entries)', async () => {
  const pool = new Pool({ baseMs: 20_000, perMiBMs: 0, rssGrowthMiB: 256, heapMiB: 64 });
  const input = { kind: 'bytes' as const, bytes: new Uint8Array(4) };
  const entry = (name: string) => SELF_TEST.entries.find((e) => e.name === name)!;
  try {
    assert.equal((await pool.run('self-test', 'loop', input, 1000)).kind, 'hang');
    assert.equal((await pool.run('self-test', 'heap', input)).kind, 'memory');
    assert.equal((await pool.run('self-test', 'buffers', input)).kind, 'memory');
    const thrown = await pool.run('self-test', 'throw', input);
    assert.equal(thrown.kind, 'result');
    if (thrown.kind === 'result') assert.equal(judge(entry('throw'), thrown.result, thrown.result.path!)?.kind, 'crash');
    const polluted = await pool.run('self-test', 'pollute', input);
    assert.deepEqual(polluted.kind === 'result' && polluted.polluted, ['polluted']);
    const bare = await pool.run('self-test', 'no-location', input);
    if (bare.kind === 'result') assert.equal(judge(entry('no-location'), bare.result, bare.result.path!)?.kind, 'no-location');
    else assert.fail(bare.kind);
    // The pool goes on with fresh workers after each of those.
    const ok = await pool.run('config', 'parse', { kind: 'bytes', bytes: Buffer.from('{}') });
    assert.equal(ok.kind === 'result' && ok.result.status, 'ok');
  } finally {
    await pool.close();
  }
});

test("CLI entries: an internal error, a status outside the command's and an error naming no input are findings", () => {
  const cli = TARGETS[0]!.entries.find((e) => e.cli)!;
  const at = '/tmp/x/capture.txt';
  const r = (exit: number, message: string) => ({ status: exit === 0 ? ('ok' as const) : ('error' as const), exit, message, warnings: 0, longestLine: message.length });
  assert.equal(judge(cli, r(70, 'tcpstate: internal error: boom'), at)?.kind, 'internal');
  assert.equal(judge(cli, r(3, `tcpstate: ${at}: bad`), at)?.kind, 'exit');
  assert.equal(judge(cli, r(1, 'tcpstate: read failed: illegal operation on a directory'), at)?.kind, 'no-location');
  assert.equal(judge(cli, r(1, `tcpstate: ${at}:3: field State: bad`), at), undefined);
  assert.equal(judge(cli, { ...r(0, ''), longestLine: 100_000 }, at)?.kind, 'long-message');
  assert.equal(judge(cli, r(0, ''), at, 'loud')?.kind, 'silent');
  assert.equal(judge(cli, { ...r(0, ''), warnings: 1 }, at, 'loud'), undefined);
});

test('fuzz: the corpus through every entry, then fixed-seed mutations', async (t) => {
  const log: string[] = [];
  const runner = new Runner(LIMITS, (line) => log.push(line));
  const names = TARGETS.map((x) => x.name);
  const cases = corpus(LARGE);
  const t0 = performance.now();
  try {
    await runner.corpus(cases, names, (c) => once(c.id));
    const t1 = performance.now();
    await runner.mutate(cases, { seed: SEED, targets: names, count: MUTATIONS });
    for (const line of log) if (line.startsWith('slow')) t.diagnostic(line);
    t.diagnostic(`${runner.runs} runs: corpus ${((t1 - t0) / 1000).toFixed(1)} s, ${MUTATIONS} mutations ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  } finally {
    await runner.close();
  }
  const unknown = runner.findings.filter((f) => !known(f));
  for (const k of KNOWN) {
    const seen = runner.findings.filter((f) => matches(k, f));
    await t.test(`known on this branch: ${k.id} (${k.where})`, { todo: k.why }, () => {
      assert.equal(seen.length, 0, `still found:\n${seen.map(describe).join('\n')}`);
    });
  }
  assert.equal(unknown.length, 0, `${unknown.length} findings (reproduce with node scripts/fuzz.mjs --seed ${SEED}):\n${unknown.map(describe).join('\n')}`);
});
