/**
 * `doctor` output: findings worst first with evidence, sockets, why and next steps, then
 * what was checked; or "no problems found" with the same list. JSON: docs/doctor.md.
 * @module
 */
import { type Check, type Report, undiagnosed } from '../doctor/diagnose.js';
import type { Finding } from '../doctor/finding.js';
import type { DoctorInputs } from '../doctor/inputs.js';
import { plural } from '../doctor/sockets.js';
import { renderTable } from './text.js';

const WIDTH = 78;

/** Word-wrap `text` to WIDTH columns, each line prefixed by `indent`. */
export function wrap(text: string, indent: string): string {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + w.length > WIDTH) {
      out.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out.join('\n') + '\n';
}

/** The header: where, which source, how many samples. */
export function describeInputs(inp: DoctorInputs): string {
  const samples = inp.before ? `2 samples ${(inp.intervalMs / 1000).toFixed(1)} s apart` : inp.captured ? 'one sample (captured: counters are totals)' : 'one sample';
  return `${inp.where}, ${inp.source} source, ${samples}`;
}

function renderFinding(f: Finding): string {
  let s = `${f.severity.toUpperCase()}  ${f.id}\n`;
  s += wrap(f.title, '  ');
  s += '  Evidence:\n';
  const w = Math.max(...f.evidence.map((e) => e.label.length));
  for (const e of f.evidence) s += `    ${e.label.padEnd(w)}  ${e.value}\n`;
  if (f.sockets.length) {
    s += `  Sockets (${f.sockets.length === f.socketCount ? f.sockets.length : `${f.sockets.length} of ${f.socketCount}`}):\n`;
    const rows = f.sockets.map((r) => [r.state, r.local, r.remote, r.recvQ === null ? '-' : String(r.recvQ), r.sendQ === null ? '-' : String(r.sendQ), r.timer ?? '-', r.owners.join(',') || '-']);
    s += renderTable([{ header: 'State' }, { header: 'Local' }, { header: 'Remote' }, { header: 'Recv-Q', right: true }, { header: 'Send-Q', right: true }, { header: 'Timer' }, { header: 'PID/Program' }], rows)
      .split('\n').filter(Boolean).map((l) => `    ${l}\n`).join('');
  }
  s += '  Why:\n' + wrap(f.explanation, '    ');
  s += '  Next steps:\n';
  for (const n of f.nextSteps) s += n.startsWith('$ ') ? `    ${n}\n` : wrap(n, '    - ').replace(/\n {4}- (?=.)/g, '\n      ');
  return s;
}

function renderChecks(checks: readonly Check[]): string {
  let s = '';
  for (const c of checks) {
    const status = c.status === 'ran' ? 'checked' : c.status === 'partial' ? 'checked in part' : 'NOT CHECKED';
    s += `  ${c.id}: ${status}, ${c.findings ? plural(c.findings, 'finding') : 'no finding'}\n`;
    s += wrap(c.checks, '      ');
    c.notes.forEach((n, i) => { s += wrap(`${c.status === 'skipped' && i === 0 ? 'could not run' : 'without'}: ${n}`, '      '); });
  }
  return s;
}

/** The whole text report. */
export function renderDoctor(r: Report, inp: DoctorInputs): string {
  let s = `tcpstate doctor: ${describeInputs(inp)}\n`;
  const problems = r.findings.filter((f) => f.severity !== 'info');
  const infos = r.findings.length - problems.length;
  const used = r.invalidInputs.filter((x) => x.usedBy.length > 0);
  if (undiagnosed(r)) {
    s += wrap(`Incomplete diagnosis: ${plural(used.length, 'kernel value')} in the input ${used.length === 1 ? 'is' : 'are'} not one the kernel accepts, so ` +
      `${[...new Set(used.flatMap((x) => x.usedBy))].join(', ')} could not check everything (see "What was checked"):`, '');
    for (const x of used) s += wrap(`${x.name} = "${x.value}" (${x.file}): ${x.why}`, '  ');
  }
  if (problems.length === 0) {
    s += `No problems found${undiagnosed(r) ? ' by what could run' : ''}${infos ? ` (${plural(infos, 'note')} below)` : ''}.\n`;
  } else {
    const crit = problems.filter((f) => f.severity === 'critical').length;
    const warn = problems.length - crit;
    const parts = [crit ? `${crit} critical` : '', warn ? plural(warn, 'warning') : '', infos ? plural(infos, 'note') : ''].filter(Boolean);
    s += `${plural(problems.length, 'problem')} found: ${parts.join(', ')}.\n`;
  }
  for (const f of r.findings) s += '\n' + renderFinding(f);
  s += '\nWhat was checked:\n' + renderChecks(r.checks);
  return s;
}

/** The `--json` document (schema tcpstate.doctor/1, docs/doctor.md). */
export function doctorJson(r: Report, inp: DoctorInputs, warnings: unknown[] = []): object {
  return {
    schema: 'tcpstate.doctor/1',
    where: inp.where,
    source: inp.source,
    captured: inp.captured,
    samples: inp.before ? 2 : 1,
    intervalMs: Math.round(inp.intervalMs),
    ...(inp.takenAt !== undefined ? { takenAt: new Date(inp.takenAt).toISOString(), sampleMs: Math.round(inp.now.durationMs) } : {}),
    worst: r.worst,
    findings: r.findings,
    checks: r.checks,
    inputs: {
      counters: inp.now.counters ? true : inp.countersUnavailable ?? false,
      sysctls: inp.sysctlsUnavailable ?? inp.sysctls.values,
      processes: inp.processes,
      listenBacklogKnown: inp.listenBacklogKnown,
    },
    invalidInputs: r.invalidInputs,
    warnings,
  };
}
