/**
 * The fuzz run: the corpus through every entry of its target, then mutated inputs (input i of
 * seed S is the same on every machine) until a count or a time is reached. Each finding is
 * kept once per signature (target, entry, kind, message shape) and can be written to a
 * directory with what reproduces it. Used by test/fuzz/fuzz.test.ts (brief, fixed seed) and
 * scripts/fuzz.mjs (longer runs).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Case } from './corpus.js';
import { type FuzzInput, mutateBytes, mutateTree } from './mutate.js';
import { type Limits, Pool } from './pool.js';
import { Rng } from './rng.js';
import { type Entry, judge, type Target, TARGETS, type Verdict } from './targets.js';

export interface Finding {
  caseId: string;
  target: string;
  entry: string;
  kind: Verdict['kind'] | 'hang' | 'memory' | 'pollution';
  detail: string;
  /** Mutations applied to the case (empty for the corpus pass). */
  steps: string[];
  /** Seed and index that regenerate a mutated input. */
  seed?: number;
  index?: number;
  input: FuzzInput;
  ms: number;
  signature: string;
}

/**
 * The message's shape: its first line up to the first quote (quoted input differs from one
 * input to the next), paths and numbers made alike.
 */
function shape(detail: string): string {
  return detail
    .split(/[\r\n\u2028\u2029]/)[0]!
    .replace(/["'][\s\S]*$/, '"…')
    .replace(/\/tmp\/[^\s:"]+/g, 'PATH')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

function applies(c: Case, e: Entry): boolean {
  if (c.input.kind === 'path' && !e.cli) return false;
  return true;
}

function expectFor(c: Case, e: Entry): Case['expect'] {
  if (!c.expect) return undefined;
  const on = c.on ?? 'all';
  if (on === 'all' || (on === 'cli' && e.cli) || (Array.isArray(on) && on.includes(e.name))) return c.expect;
  return undefined;
}

export class Runner {
  readonly findings: Finding[] = [];
  /** Findings by signature, the first kept; how many more had it. */
  readonly seen = new Map<string, number>();
  runs = 0;
  private readonly pool: Pool;

  /**
   * @param confirmMs a hang is confirmed by a second run allowed this long (0: no second run)
   */
  constructor(
    limits?: Limits,
    private readonly log: (line: string) => void = () => {},
    private readonly confirmMs = 30_000,
  ) {
    this.pool = new Pool(limits);
  }

  /** Run entry `e` of target `t` on one input; a finding is recorded and returned. */
  async one(t: Target, e: Entry, c: Case, input: FuzzInput, steps: string[] = [], seed?: number, index?: number, limitMs?: number): Promise<Finding | undefined> {
    // A case's expectation is about the case: a mutated input may have lost what it was about.
    const expect = steps.length === 0 ? expectFor(c, e) : undefined;
    this.runs++;
    let o = await this.pool.run(t.name, e.name, input, limitMs);
    // A hang at the usual limit is run again with a long one: on a loaded machine a slow
    // answer is not a hang. (A short limit is for cases known to hang.)
    if (o.kind === 'hang' && limitMs === undefined && this.confirmMs > 0) {
      const again = await this.pool.run(t.name, e.name, input, this.confirmMs);
      if (again.kind !== 'hang') this.log(`slow, not hung: ${c.id} via ${t.name}:${e.name} answered in ${Math.round(again.ms)} ms`);
      o = again;
    }
    let kind: Finding['kind'] | undefined;
    let detail = '';
    if (o.kind === 'hang') {
      kind = 'hang';
      detail = `no answer in ${Math.round(o.ms)} ms`;
    } else if (o.kind === 'memory') {
      kind = 'memory';
      detail = o.detail;
    } else if (o.polluted) {
      kind = 'pollution';
      detail = `Object.prototype changed: ${o.polluted.join(', ')}`;
    } else {
      const v = judge(e, o.result, o.result.path ?? '', expect);
      if (v) {
        kind = v.kind;
        detail = v.detail;
      }
    }
    if (!kind) return undefined;
    // A corpus case is its own signature: each says something different.
    const signature = `${steps.length === 0 ? `${c.id}:` : ''}${t.name}/${e.name}/${kind}/${shape(detail)}`;
    const f: Finding = { caseId: c.id, target: t.name, entry: e.name, kind, detail, steps, seed, index, input, ms: Math.round(o.ms), signature };
    const n = this.seen.get(signature);
    this.seen.set(signature, (n ?? 0) + 1);
    if (n === undefined) {
      this.findings.push(f);
      this.log(`finding: ${c.id} ${steps.length ? `[${steps.join(', ')}] ` : ''}via ${t.name}:${e.name}: ${kind}: ${detail.split('\n')[0]}`);
    }
    return f;
  }

  /**
   * Every case through every entry of its target; when `once` says so, through its first
   * entry only and within `onceMs` (a case known to hang costs the time limit each time).
   * Returns this pass's findings.
   */
  async corpus(cases: readonly Case[], targets: readonly string[], once: (c: Case) => boolean = () => false, onceMs = 1500): Promise<Finding[]> {
    const out: Finding[] = [];
    for (const c of cases) {
      if (!targets.includes(c.target)) continue;
      const t = TARGETS.find((x) => x.name === c.target)!;
      const short = once(c);
      for (const e of t.entries.filter((x) => applies(c, x)).slice(0, short ? 1 : undefined)) {
        const f = await this.one(t, e, c, c.input, [], undefined, undefined, short ? onceMs : undefined);
        if (f) out.push(f);
      }
    }
    return out;
  }

  /**
   * Mutated inputs from the cases (not the generated ones), targets in turn, until
   * `count` inputs or `seconds` have passed. Returns the findings of this pass.
   */
  async mutate(cases: readonly Case[], opts: { seed: number; targets: readonly string[]; count?: number; seconds?: number }): Promise<Finding[]> {
    const out: Finding[] = [];
    const bases = new Map<string, Case[]>();
    for (const t of opts.targets)
      bases.set(
        t,
        cases.filter((c) => c.target === t && c.input.kind !== 'path' && !c.id.includes('/generated/')),
      );
    const end = opts.seconds !== undefined ? performance.now() + opts.seconds * 1000 : Infinity;
    for (let i = 0; (opts.count === undefined || i < opts.count) && performance.now() < end; i++) {
      const rng = new Rng((opts.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
      const t = TARGETS.find((x) => x.name === opts.targets[i % opts.targets.length])!;
      const pool = bases.get(t.name)!;
      if (pool.length === 0) continue;
      const c = rng.pick(pool);
      const m = mutated(rng, t, c, pool);
      const e = rng.pick(t.entries);
      const f = await this.one(t, e, c, m.input, m.steps, opts.seed, i);
      if (f) out.push(f);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** Input i of a mutation pass: the case mutated, spliced with another of the same target. */
export function mutated(rng: Rng, t: Target, c: Case, pool: readonly Case[]): { input: FuzzInput; steps: string[] } {
  if (c.input.kind === 'tree') {
    const others = pool.flatMap((x) => (x.input.kind === 'tree' ? [x.input.files] : []));
    const m = mutateTree(rng, c.input.files, () => rng.pick(others));
    return { input: { kind: 'tree', files: m.files }, steps: m.steps };
  }
  const others = pool.flatMap((x) => (x.input.kind === 'bytes' ? [x.input.bytes] : []));
  const m = mutateBytes(rng, (c.input as { bytes: Uint8Array }).bytes, { layout: t.layout, other: () => rng.pick(others) });
  return { input: { kind: 'bytes', bytes: m.bytes }, steps: m.steps };
}

/** Write each finding's input, and what reproduces it, under `dir`. */
export function writeFindings(dir: string, findings: readonly Finding[]): string[] {
  const written: string[] = [];
  findings.forEach((f, k) => {
    const d = join(dir, `${String(k + 1).padStart(3, '0')}-${f.target}-${f.entry}-${f.kind}`);
    mkdirSync(d, { recursive: true });
    const t = TARGETS.find((x) => x.name === f.target)!;
    const p = join(d, t.file);
    if (f.input.kind === 'bytes') writeFileSync(p, f.input.bytes);
    else if (f.input.kind === 'tree') {
      for (const e of f.input.files) {
        const q = join(p, e.path);
        mkdirSync(dirname(q), { recursive: true });
        if (e.link !== undefined) symlinkSync(e.link, q);
        else writeFileSync(q, e.bytes!);
      }
    }
    const { input: _input, ...about } = f;
    writeFileSync(join(d, 'finding.json'), JSON.stringify({ ...about, inputPath: f.input.kind === 'path' ? f.input.path : p }, null, 2) + '\n');
    written.push(d);
  });
  return written;
}
