/**
 * `tcpstate diff A B`: what changed between two snapshots of one host.
 * @module
 */
import { fs } from '../../builtins.js';
import { newCounts, type StateCounts } from '../../model/count.js';
import { diffCounts, diffTables } from '../../model/diff.js';
import { TcpstateError, type Warning } from '../../model/errors.js';
import { ALL_MASK } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import { type DiffSide, diffJson, renderDiff } from '../../render/diff.js';
import { liveSnapshot } from '../../snapshot.js';
import { parse, str } from '../args.js';
import { inputFormat, printWarnings, readCaptures, splitPositionals } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { SOCKET_HELP, SOCKET_OPTIONS, type Selection, selection } from '../socket-options.js';

const HELP = `Usage: tcpstate diff [OPTIONS] BEFORE [AFTER] [FILTER...]

Compare two snapshots of one host: sockets per state before and after, and, when both
are full listings (not awk summaries), the sockets that changed state, appeared or
disappeared. A socket is known by protocol, local and remote address.

BEFORE and AFTER are captures (any format tcpstate count reads; - for stdin), or
@TIME: the sample "tcpstate record" kept at TIME (as history --at takes it:
@10:05, @1h, @2026-12-05T10:05:00Z, @1733392800), from the history file.
  --db PATH            the history file @TIME reads (default: record's)
The live table of this machine (or of --netns NAME) stands in for AFTER when
  --live               is given, or AFTER is left out, or AFTER is - and nothing is
                       piped to stdin.
  --host NAME          the snapshot of NAME, when a capture holds several hosts
  --json               one JSON document (schema tcpstate.diff/1)
  --input-format NAME  force the captures' format
${SOCKET_HELP}
Examples:
  tcpstate ls -a --json > before.json; sleep 60; tcpstate diff before.json --live
  tcpstate diff web1-0900.txt web1-0905.txt state close-wait
  ssh web1 ss -tan | tcpstate diff web1-0900.txt -
  tcpstate diff @10:00 @10:05
`;

interface Side {
  side: DiffSide;
  table?: SocketTable;
  counts: StateCounts;
}

function pickHost<T extends { capture: { host: string; file: string } }>(picked: T[], host: string | undefined, path: string): T {
  const found = host === undefined ? picked : picked.filter((p) => p.capture.host === host);
  if (found.length === 1) return found[0]!;
  const names = picked.map((p) => p.capture.host).join(', ');
  if (found.length === 0) throw new TcpstateError('ERR_USAGE', `no snapshot of host "${host}" in ${path} (it holds: ${names})`, { file: path, field: '--host' });
  throw new TcpstateError('ERR_USAGE', `${path} holds ${found.length} snapshots (${names}); diff compares one with one: name it with --host`, { file: path, field: '--host' });
}

function isFile(p: string): boolean {
  try { return !fs.statSync(p).isDirectory(); } catch { return false; }
}

/** `@TIME`: a sample the history file holds (a file of that name wins). */
function isMoment(p: string): boolean {
  return p.length > 1 && p.startsWith('@') && !isFile(p);
}

/** One side from a capture; undefined when it is `-` and stdin held nothing (`emptyStdin`). */
async function fromCapture(io: Io, path: string, values: Record<string, unknown>, sel: Selection, warnings: Warning[], emptyStdin = false): Promise<Side | undefined> {
  if (isMoment(path)) {
    const [{ recordedDiffSide }, { defaultDbPath }] = await Promise.all([import('../../history/at.js'), import('../../history/paths.js')]);
    const r = await recordedDiffSide(str(values['db']) ?? defaultDbPath(io.env), path, sel.scan.netns, path, io.env);
    return { side: { label: r.label, format: r.format }, counts: r.counts };
  }
  const read = await readCaptures([path], io, { format: inputFormat(values), sel, tables: true, allowEmptyStdin: emptyStdin });
  if (read.emptyStdin) return undefined;
  warnings.push(...read.warnings);
  const p = pickHost(read.picked, str(values['host']), path);
  const c = p.capture;
  return { side: { label: `${c.file === '-' ? 'stdin' : c.file}, host ${c.host}`, format: c.format }, table: p.table, counts: p.counts };
}

async function fromLive(sel: Selection, io: Io): Promise<Side> {
  const snap = await liveSnapshot(sel.sourceName, sel.scan, sel.keep);
  for (const n of snap.notices) io.err(`tcpstate: ${n}\n`);
  const counts = newCounts();
  for (let i = 0; i < snap.table.length; i++) counts[snap.table.state[i]!]!++;
  const where = sel.scan.netns !== undefined ? `network namespace ${sel.scan.netns}` : 'this machine';
  return { side: { label: `live, ${where}`, format: snap.source }, table: snap.table, counts };
}

export const diff: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...SOCKET_OPTIONS,
      live: { type: 'boolean' },
      host: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const { inputs, filter } = splitPositionals(positionals, (p) => isMoment(p) || isFile(p));
    if (values['udp']) throw new TcpstateError('ERR_USAGE', 'diff compares TCP sockets; -u does not apply', { field: '--udp' });
    if (inputs.length === 0) throw new TcpstateError('ERR_USAGE', 'diff needs a capture to compare: tcpstate diff BEFORE [AFTER | --live]; see --help');
    if (inputs.length > 2 || (inputs.length === 2 && values['live'])) throw new TcpstateError('ERR_USAGE', `diff compares two snapshots; got ${inputs.length} files${values['live'] ? ' and --live' : ''}`);
    const sel = selection(values, filter, ALL_MASK);
    const warnings: Warning[] = [];
    const before = (await fromCapture(io, inputs[0]!, values, sel, warnings))!;
    let after: Side | undefined;
    if (inputs.length === 1 || values['live']) after = await fromLive(sel, io);
    else {
      const maybeEmpty = inputs[1] === '-';
      if (maybeEmpty && io.stdinIsTty?.() === true) after = undefined;
      else after = await fromCapture(io, inputs[1]!, values, sel, warnings, maybeEmpty);
      if (!after) {
        io.err('tcpstate: nothing on stdin: comparing with the live table\n');
        after = await fromLive(sel, io);
      }
    }
    printWarnings(io, warnings);
    const states = diffCounts(before.counts, after.counts);
    const sockets = before.table && after.table ? diffTables(before.table, after.table) : undefined;
    const sides: [DiffSide, DiffSide] = [before.side, after.side];
    if (before.side.format !== after.side.format && (before.side.format === 'awk' || after.side.format === 'awk')) {
      io.err('tcpstate: note: an awk summary of netstat -n leaves listening sockets out; compare like with like\n');
    }
    if (values['json']) io.out(JSON.stringify(diffJson(states, before.counts, after.counts, sockets, sides, warnings), null, 2) + '\n');
    else io.out(renderDiff(states, before.counts, after.counts, sockets, sides));
    return 0;
  },
};
