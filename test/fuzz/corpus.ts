/**
 * The corpus: every real capture in test/fixtures/ (pcap, text, vendor, netlink, the proc
 * trees, doctor's default config), the issue's cases in test/fuzz/corpus/ (made by its
 * make.sh), and the cases too large to commit, generated here: a /dev/zero-like input (and
 * /dev/zero itself), `ESTAB` and 200,000 spaces, a 10 MB comm; and a directory where a
 * file is wanted (and the reverse).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/doctor/thresholds.js';
import { thresholdSpecs } from '../../src/doctor/registry.js';
import type { FuzzInput, TreeEntry } from './mutate.js';
import type { Expect } from './targets.js';

const REPO = new URL('../../..', import.meta.url).pathname;
const FIX = join(REPO, 'test', 'fixtures');
const CORPUS = join(REPO, 'test', 'fuzz', 'corpus');

export interface Case {
  /** `target/name`: stable, for reports and the known-failure list. */
  id: string;
  target: string;
  input: FuzzInput;
  /** From the issue (not a plain fixture); mutations start from fixtures and these alike. */
  issue: boolean;
  expect?: Expect;
  /** Entries the expectation holds for: all, the CLI ones, or these names. */
  on?: 'all' | 'cli' | readonly string[];
}

/** What the issue's committed cases must do besides not failing (test/fuzz/corpus/README.md). */
const EXPECT: Readonly<Record<string, { expect: Expect; on: Case['on'] }>> = {
  'netlink/cut-mid-message.nl': { expect: 'loud', on: 'all' },
  // The pure decoders read a piece of a dump; only a reader of a whole recording knows it ends with NLMSG_DONE.
  'netlink/cut-before-done.nl': { expect: 'loud', on: 'cli' },
  'netlink/cut-ss-D.nl': { expect: 'loud', on: 'all' },
  'pcap/unknown-link-user0.pcap': { expect: 'loud', on: 'cli' },
  'pcap/unknown-link-ppp.pcap': { expect: 'loud', on: 'cli' },
  'proc/no-tcp6': { expect: 'loud', on: 'cli' },
  'proc/impossible-sysctls': { expect: 'loud', on: ['doctor', 'doctor-json'] },
  'config/proto-polluting.json': { expect: 'error', on: 'all' },
  'config/proto-empty.json': { expect: 'error', on: 'all' },
  'config/constructor.json': { expect: 'error', on: 'all' },
  'config/inherited-threshold.json': { expect: 'error', on: 'all' },
  'config/proto-threshold.json': { expect: 'error', on: 'all' },
  'config/terminal-escapes.json': { expect: 'error', on: 'all' },
  'text/cut-last-line-ss.txt': { expect: 'loud', on: 'all' },
  'text/cut-last-line-netstat-state.txt': { expect: 'loud', on: 'all' },
  'text/cut-last-line-netstat-address.txt': { expect: 'loud', on: 'all' },
  'text/terminal-escapes.txt': { expect: 'loud', on: 'all' },
};

/** A directory as a /proc tree: files and symbolic links, paths relative to it. */
export function readTree(dir: string, under = ''): TreeEntry[] {
  const out: TreeEntry[] = [];
  for (const name of readdirSync(join(dir, under)).sort()) {
    const rel = under ? `${under}/${name}` : name;
    const p = join(dir, rel);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out.push({ path: rel, link: readlinkSync(p) });
    else if (st.isDirectory()) out.push(...readTree(dir, rel));
    else out.push({ path: rel, bytes: readFileSync(p) });
  }
  return out;
}

function files(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir)
    .filter(test)
    .sort()
    .map((n) => join(dir, n));
}

function bytes(path: string): FuzzInput {
  return { kind: 'bytes', bytes: readFileSync(path) };
}

/** The real inputs, by target. */
export function fixtures(): Case[] {
  const out: Case[] = [];
  const add = (target: string, id: string, input: FuzzInput): void => {
    out.push({ id: `${target}/${id}`, target, input, issue: false });
  };
  for (const f of files(join(FIX, 'pcap'), (n) => /\.pcap(ng)?$/.test(n))) add('pcap', `fixtures/${f.split('/').pop()}`, bytes(f));
  for (const d of ['text', 'vendor', 'seed']) {
    for (const f of files(join(FIX, d), (n) => /\.(txt|json)$/.test(n))) add('text', `fixtures/${d}/${f.split('/').pop()}`, bytes(f));
  }
  add('text', 'fixtures/proc-zoo.ss.txt', bytes(join(FIX, 'proc-zoo.ss.txt')));
  add('text', 'fixtures/fsm-zoo/ss-tan.txt', bytes(join(FIX, 'fsm-zoo', 'ss-tan.txt')));
  for (const f of files(join(FIX, 'netlink'), (n) => n.endsWith('.nl'))) add('netlink', `fixtures/${f.split('/').pop()}`, bytes(f));
  add('proc', 'fixtures/proc-zoo', { kind: 'tree', files: readTree(join(FIX, 'proc-zoo')) });
  add('proc', 'fixtures/proc-doctor', { kind: 'tree', files: readTree(join(FIX, 'proc-doctor', 'root')) });
  add('proc', 'fixtures/fsm-zoo', { kind: 'tree', files: readTree(join(FIX, 'fsm-zoo'), 'net') });
  add('config', 'fixtures/default-config.json', { kind: 'bytes', bytes: Buffer.from(JSON.stringify(defaultConfig(thresholdSpecs()), null, 2) + '\n') });
  return out;
}

/** The issue's committed cases (test/fuzz/corpus/TARGET/NAME). */
export function issueCases(): Case[] {
  const out: Case[] = [];
  for (const target of readdirSync(CORPUS)
    .filter((n) => lstatSync(join(CORPUS, n)).isDirectory())
    .sort()) {
    for (const name of readdirSync(join(CORPUS, target)).sort()) {
      const p = join(CORPUS, target, name);
      const id = `${target}/${name}`;
      const input: FuzzInput = lstatSync(p).isDirectory() ? { kind: 'tree', files: readTree(p) } : bytes(p);
      out.push({ id, target, input, issue: true, ...EXPECT[id] });
    }
  }
  return out;
}

/** The issue's cases too large to commit; `large` is the size of the /dev/zero-like inputs. */
export function generatedCases(large: number): Case[] {
  const zeros = new Uint8Array(large);
  const zoo = readTree(join(FIX, 'proc-zoo'));
  const out: Case[] = [];
  for (const target of ['text', 'pcap', 'netlink', 'config']) {
    out.push({ id: `${target}/generated/zeros-${large >> 20}MiB`, target, input: { kind: 'bytes', bytes: zeros }, issue: true });
    out.push({ id: `${target}/generated/dev-zero`, target, input: { kind: 'path', path: '/dev/zero' }, issue: true, on: 'cli' });
  }
  // A directory where a file is wanted (pcap DIR, --replay DIR, --config DIR), a file where
  // a directory is (--proc-root FILE).
  for (const target of ['text', 'pcap', 'netlink', 'config']) out.push({ id: `${target}/generated/directory`, target, input: { kind: 'path', path: CORPUS }, issue: true });
  out.push({ id: 'proc/generated/root-is-a-file', target: 'proc', input: { kind: 'path', path: join(CORPUS, 'README.md') }, issue: true });
  out.push({ id: 'proc/generated/net-tcp-dev-zero', target: 'proc', issue: true, input: { kind: 'tree', files: zoo.map((f) => (f.path === 'net/tcp' ? { path: f.path, link: '/dev/zero' } : f)) } });
  out.push({ id: 'proc/generated/zeros-net-tcp', target: 'proc', issue: true, input: { kind: 'tree', files: zoo.map((f) => (f.path === 'net/tcp' ? { path: f.path, bytes: zeros } : f)) } });
  out.push({ id: 'text/generated/estab-200000-spaces', target: 'text', issue: true, input: { kind: 'bytes', bytes: Buffer.from(`ESTAB${' '.repeat(200_000)}\n`) } });
  out.push({
    id: 'text/generated/ss-estab-200000-spaces',
    target: 'text',
    issue: true,
    input: { kind: 'bytes', bytes: Buffer.from(`State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB${' '.repeat(200_000)}0 0 10.0.0.1:22 10.0.0.2:5000\n`) },
  });
  const comm = Buffer.alloc(10 << 20, 'A');
  out.push({ id: 'proc/generated/comm-10MB', target: 'proc', issue: true, input: { kind: 'tree', files: zoo.map((f) => (f.path.endsWith('/comm') ? { path: f.path, bytes: comm } : f)) } });
  return out;
}

/** Everything: fixtures, the committed cases, the generated ones. */
export function corpus(large: number): Case[] {
  return [...fixtures(), ...issueCases(), ...generatedCases(large)];
}
