/**
 * `tcpstate diff A B`: what changed between two snapshots of one host.
 * @module
 */
import { langFromEnv } from '../../lang.js';
import { countStates, type StateCounts } from '../../model/count.js';
import { TcpstateError, type Warning } from '../../model/errors.js';
import { ALL_MASK } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import { type DiffSide, renderDiff } from '../../render/diff.js';
import { diffDocument, diffReport } from '../../report/diff.js';
import { liveSnapshot } from '../../snapshot.js';
import { intOpt, parse, str } from '../args.js';
import { inputFormat, pathKind, printNotices, printWarnings, readCaptures, splitPositionals } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { SOCKET_OPTIONS, type Selection, selection, socketHelp } from '../socket-options.js';
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';
import { say as o } from '../../i18n/options.js';

interface Side {
  side: DiffSide;
  table?: SocketTable;
  counts: StateCounts;
}

function pickHost<T extends { capture: { host: string; file: string } }>(picked: T[], host: string | undefined, path: string): T {
  const found = host === undefined ? picked : picked.filter((p) => p.capture.host === host);
  if (found.length === 1) return found[0]!;
  const names = picked.map((p) => p.capture.host).join(', ');
  if (found.length === 0) throw new TcpstateError('ERR_USAGE', o('noHost', String(host), path, names), { file: path, field: '--host' });
  throw new TcpstateError('ERR_USAGE', o('manyHosts', path, found.length, names), { file: path, field: '--host' });
}

/** `@TIME`: a sample the history file holds (a file of that name wins). */
function isMoment(p: string): boolean {
  return p.length > 1 && p.startsWith('@') && pathKind(p) === 'none';
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
  return { side: { label: o('diffSideCapture', c.file === '-' ? o('diffSideStdin') : c.file, c.host), format: c.format }, table: p.table, counts: p.counts };
}

async function fromLive(sel: Selection, io: Io, warnings: Warning[]): Promise<Side> {
  const snap = await liveSnapshot(sel.sourceName, sel.scan, sel.keep);
  warnings.push(...snap.warnings);
  printNotices(io, snap.notices);
  warnings.push(...snap.warnings);
  const counts = countStates(snap.table, undefined);
  const where = sel.scan.netns !== undefined ? o('diffNetns', sel.scan.netns) : o('thisMachine');
  return { side: { label: o('diffSideLive', where), format: snap.source }, table: snap.table, counts };
}

export const diff: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        ...SOCKET_OPTIONS,
        live: { type: 'boolean' },
        host: { type: 'string' },
        top: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean' },
      },
      io.argOffset,
      true,
    );
    if (values['help']) {
      const lang = langFromEnv(io.env);
      io.out(pick(HELP_TEXTS, lang).diff(socketHelp(lang)));
      return 0;
    }
    const { inputs, filter } = splitPositionals(positionals, (p) => (isMoment(p) ? 'file' : pathKind(p)));
    if (values['udp']) throw new TcpstateError('ERR_USAGE', o('diffUdp'), { field: '--udp' });
    if (inputs.length === 0) throw new TcpstateError('ERR_USAGE', o('diffNeedsCapture'));
    if (inputs.length > 2 || (inputs.length === 2 && values['live'])) throw new TcpstateError('ERR_USAGE', o('diffTooMany', inputs.length, Boolean(values['live'])));
    if (inputs.length === 1 && !values['live']) throw new TcpstateError('ERR_USAGE', o('diffSecondSide', inputs[0]!));
    const top = values['top'] === undefined ? undefined : intOpt(values['top'], '--top', 0);
    const sel = selection(values, filter, ALL_MASK, io.env);
    const warnings: Warning[] = [];
    const before = (await fromCapture(io, inputs[0]!, values, sel, warnings))!;
    let after: Side | undefined;
    if (values['live']) after = await fromLive(sel, io, warnings);
    else {
      if (inputs[1] === '-' && io.stdinIsTty?.() === true) throw new TcpstateError('ERR_USAGE', o('afterTerminal'), { file: '-' });
      after = await fromCapture(io, inputs[1]!, values, sel, warnings, inputs[1] === '-');
      if (!after) throw new TcpstateError('ERR_USAGE', o('afterEmpty'), { file: '-' });
    }
    printWarnings(io, warnings);
    const r = diffReport(before, after);
    if (r.listenOut) printNotices(io, [o('diffListenOut')]);
    if (values['json']) io.out(JSON.stringify(diffDocument(r, warnings, top), null, 2) + '\n');
    else io.out(renderDiff(r.states, r.before, r.after, r.sockets, r.sides, top, langFromEnv(io.env)));
    return r.differ ? 1 : 0;
  },
};
