/**
 * `doctor` output: findings worst first with evidence, sockets, why and next steps, then
 * what was checked; or "no problems found" with the same list. JSON: docs/doctor.md.
 * @module
 */
import { type Check, type Report, undiagnosed } from '../doctor/diagnose.js';
import type { Finding } from '../doctor/finding.js';
import type { DoctorInputs } from '../doctor/inputs.js';
import { type Lang, pick, say } from '../i18n/catalogue.js';
import { CATALOGUE as DOCTOR, type DoctorMessages } from '../i18n/doctor.js';
import { type DoctorDocument, SCHEMAS } from '../model/documents.js';
import type { Warning } from '../model/errors.js';
import { sysctlWhy } from '../sources/sysctl.js';
import { renderTable } from './text.js';
import { padDisplay, displayWidth, wrapText } from './wrap.js';

const WIDTH = 78;

/** Word-wrap `text` to WIDTH columns, each line prefixed by `indent`. */
export function wrap(text: string, indent: string, lang: Lang = 'en'): string {
  if (lang === 'zh') return wrapText(text, WIDTH, indent);
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

/** Where the inputs were read, in words of `m`'s language (the JSON keeps `where` as read). */
function whereText(where: string, m: DoctorMessages): string {
  const ns = /^network namespace (.+)$/.exec(where);
  if (ns) return m.report.netns(ns[1]!);
  const tree = /^captured proc tree (.+)$/.exec(where);
  if (tree) return m.report.capturedTree(tree[1]!);
  return where === 'this host' ? m.report.thisHost : where;
}

/** The header: where, which source, how many samples. */
export function describeInputs(inp: DoctorInputs, lang: Lang = 'en'): string {
  const m = pick(DOCTOR, lang).report;
  const samples = inp.before ? m.twoSamples((inp.intervalMs / 1000).toFixed(1)) : inp.captured ? m.oneSampleCaptured : m.oneSample;
  return m.header(whereText(inp.where, pick(DOCTOR, lang)), inp.source, samples);
}

function renderFinding(f: Finding, lang: Lang): string {
  const m = pick(DOCTOR, lang).report;
  let s = `${m.severity[f.severity]}  ${f.id}\n`;
  s += wrap(f.title, '  ', lang);
  s += `  ${m.evidence}\n`;
  const w = Math.max(...f.evidence.map((e) => displayWidth(e.label)));
  for (const e of f.evidence) s += `    ${padDisplay(e.label, w)}  ${e.value}\n`;
  if (f.sockets.length) {
    s += `  ${m.sockets(f.sockets.length, f.socketCount)}\n`;
    const rows = f.sockets.map((r) => [r.state, r.local, r.remote, r.recvQ === null ? '-' : String(r.recvQ), r.sendQ === null ? '-' : String(r.sendQ), r.timer ?? '-', r.owners.join(',') || '-']);
    const c = m.columns;
    s += renderTable(
      [{ header: c.state }, { header: c.local }, { header: c.remote }, { header: 'Recv-Q', right: true }, { header: 'Send-Q', right: true }, { header: c.timer }, { header: c.owner }],
      rows,
    )
      .split('\n')
      .filter(Boolean)
      .map((l) => `    ${l}\n`)
      .join('');
  }
  s += `  ${m.why}\n` + wrap(f.explanation, '    ', lang);
  s += `  ${m.nextSteps}\n`;
  for (const n of f.nextSteps) s += n.startsWith('$ ') ? `    ${n}\n` : wrap(n, '    - ', lang).replace(/\n {4}- (?=.)/g, '\n      ');
  return s;
}

function renderChecks(checks: readonly Check[], lang: Lang): string {
  const m = pick(DOCTOR, lang).report;
  let s = '';
  for (const c of checks) {
    const status = c.status === 'ran' ? m.ran : c.status === 'partial' ? m.partial : m.skipped;
    s += `  ${m.checkLine(c.id, status, m.findings(c.findings))}\n`;
    s += wrap(c.checks, '      ', lang);
    c.notes.forEach((n, i) => {
      s += wrap(c.status === 'skipped' && i === 0 ? m.couldNotRun(n) : m.without(n), '      ', lang);
    });
  }
  return s;
}

/** The whole text report. */
export function renderDoctor(r: Report, inp: DoctorInputs, lang: Lang = 'en'): string {
  const m = pick(DOCTOR, lang).report;
  let s = `${describeInputs(inp, lang)}\n`;
  const problems = r.findings.filter((f) => f.severity !== 'info');
  const infos = r.findings.length - problems.length;
  const used = r.invalidInputs.filter((x) => x.usedBy.length > 0);
  if (undiagnosed(r)) {
    s += wrap(m.incomplete(used.length, [...new Set(used.flatMap((x) => x.usedBy))].join(', ')), '', lang);
    for (const x of used) {
      const v = inp.sysctls.values[x.name];
      const why = v === undefined ? undefined : sysctlWhy(x.name, v);
      s += wrap(m.invalid(x.name, x.value, x.file, why ? say(why, lang) : x.why), '  ', lang);
    }
  }
  if (problems.length === 0) {
    s += `${m.noProblems(undiagnosed(r), infos)}\n`;
  } else {
    const crit = problems.filter((f) => f.severity === 'critical').length;
    s += `${m.problems(problems.length, crit, problems.length - crit, infos)}\n`;
  }
  for (const f of r.findings) s += '\n' + renderFinding(f, lang);
  s += `\n${m.checked}\n` + renderChecks(r.checks, lang);
  return s;
}

/** The `--json` document (schema tcpstate.doctor/1, docs/doctor.md). */
export function doctorJson(r: Report, inp: DoctorInputs, warnings: readonly Warning[] = []): DoctorDocument {
  return {
    schema: SCHEMAS.doctor,
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
      counters: inp.now.counters ? true : inp.countersUnavailable === undefined ? false : say(inp.countersUnavailable, 'en'),
      sysctls: inp.sysctlsUnavailable === undefined ? inp.sysctls.values : say(inp.sysctlsUnavailable, 'en'),
      processes: inp.processes,
      listenBacklogKnown: inp.listenBacklogKnown,
    },
    invalidInputs: r.invalidInputs,
    warnings: [...warnings],
  };
}
