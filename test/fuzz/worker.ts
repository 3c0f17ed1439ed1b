/**
 * The worker side of the pool (pool.ts): puts each input in a file (or a /proc tree) under
 * its own temporary directory, runs one entry on it, and answers with the Result. Started
 * with resourceLimits, so a runaway heap ends this worker, not the run. Answers `polluted`
 * when an input changed Object.prototype (a `__proto__` key taken as a name), and the pool
 * then starts a fresh worker, since every later answer of this one would be suspect. Run as
 * a process instead of a thread, it does one job given in argv and writes the reply to stdout.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { FuzzInput } from './mutate.js';
import { target, type Placed, type Result } from './targets.js';

export interface JobMessage {
  id: number;
  target: string;
  entry: string;
  input: FuzzInput;
}
export interface ReplyMessage {
  id: number;
  result: Result;
  polluted?: string[];
}

let dirMade: string | undefined;
/** This worker's temporary directory, made when first needed. */
function dir(): string {
  return (dirMade ??= mkdtempSync(join(tmpdir(), 'tcpstate-fuzz-')));
}
let n = 0;

/** Object.prototype's own properties and their values, to notice pollution. */
function protoState(): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of Object.getOwnPropertyNames(Object.prototype)) m.set(k, Object.getOwnPropertyDescriptor(Object.prototype, k)?.value);
  return m;
}
const clean = protoState();

function polluted(): string[] {
  const now = protoState();
  const out: string[] = [];
  for (const [k, v] of now) if (!clean.has(k) || clean.get(k) !== v) out.push(k);
  return out;
}

function place(job: JobMessage): { placed: Placed; cleanup: () => void } {
  const t = target(job.target);
  const input = job.input;
  if (input.kind === 'path') return { placed: { path: input.path }, cleanup: () => {} };
  const jobDir = join(dir(), String(++n));
  mkdirSync(jobDir);
  const path = join(jobDir, t.file);
  if (input.kind === 'bytes') {
    writeFileSync(path, input.bytes);
    return { placed: { path, bytes: input.bytes }, cleanup: () => rmSync(jobDir, { recursive: true, force: true }) };
  }
  for (const f of input.files) {
    const p = join(path, f.path);
    mkdirSync(dirname(p), { recursive: true });
    if (f.link !== undefined) symlinkSync(f.link, p);
    else writeFileSync(p, f.bytes!);
  }
  // A tree with no files is still a directory.
  mkdirSync(path, { recursive: true });
  return { placed: { path, files: input.files }, cleanup: () => rmSync(jobDir, { recursive: true, force: true }) };
}

/** Run one job: place its input, run the entry, clean up. */
async function handle(job: JobMessage): Promise<ReplyMessage> {
  const entry = target(job.target).entries.find((e) => e.name === job.entry)!;
  const { placed, cleanup } = place(job);
  let result: Result;
  try {
    result = { ...(await entry.run(placed)), path: placed.path, ...(placed.bytes ? { size: placed.bytes.length } : {}) };
  } finally {
    cleanup();
  }
  const bad = polluted();
  return { id: job.id, result, ...(bad.length ? { polluted: bad } : {}) };
}

if (parentPort) {
  const port = parentPort;
  port.postMessage({ ready: dir() });
  port.on('message', (job: JobMessage) => {
    void handle(job).then((r) => port.postMessage(r));
  });
} else {
  // A process of its own (pool.ts, for inputs such as /dev/zero that native code may read
  // without end): the job in argv, the reply on stdout.
  const reply = await handle(JSON.parse(process.argv[2]!) as JobMessage);
  if (dirMade) rmSync(dirMade, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(reply));
}
