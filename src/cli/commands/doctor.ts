/**
 * `tcpstate doctor`: what is wrong with this host's TCP, why, and what to do about it.
 * Exit status as monitoring plugins use it: 0 ok, 1 warning, 2 critical, 3 could not
 * diagnose (bad input, usage, I/O).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectInputs } from '../../doctor/collect.js';
import { checkRuleIds, diagnose, EXIT_UNKNOWN, exitStatus } from '../../doctor/diagnose.js';
import { RULES, thresholdSpecs } from '../../doctor/registry.js';
import { defaultConfig, readThresholdConfig } from '../../doctor/thresholds.js';
import { quoted } from '../../doctor/config-json.js';
import { isTcpstateError, TcpstateError } from '../../model/errors.js';
import { defaultProcRoot } from '../../snapshot.js';
import { configFromEnv } from '../../sources/config.js';
import { netnsId, netnsPath } from '../../sources/netns.js';
import { sysctlPath, sysctlWhy } from '../../sources/sysctl.js';
import { say as ks } from '../../i18n/kernel.js';
import { warning } from '../../model/warnings.js';
import { doctorJson, renderDoctor } from '../../render/doctor.js';
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR_TEXTS } from '../../i18n/doctor.js';
import { langFromEnv } from '../../lang.js';
import { parse, str } from '../args.js';
import { printNotices, printWarnings } from '../inputs.js';
import { colourArgv, colourFor } from '../colour-option.js';
import { paint, severitySgr } from '../../render/colour.js';
import type { Report } from '../../doctor/diagnose.js';
import type { Command, Io } from '../io.js';
import { say as o } from '../../i18n/options.js';

export { EXIT_UNKNOWN };

const OPTIONS = {
  interval: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  'print-config': { type: 'boolean' },
  only: { type: 'string' },
  skip: { type: 'string' },
  'proc-root': { type: 'string' },
  netns: { type: 'string', short: 'N' },
  source: { type: 'string' },
  color: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The CLI script, for running tcpstate again inside a namespace. Found by walking up from
 * this module, which runs both as dist/src/cli/commands/doctor.js and inside the one-file
 * command bundle dist/src/cli/bundle-doctor.cjs.
 */
function cliScript(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++, dir = dirname(dir)) {
    const p = join(dir, 'bin', 'tcpstate.js');
    if (existsSync(p)) return p;
  }
  throw new TcpstateError('ERR_IO', o('doctorScript'));
}

function seconds(v: string | undefined): number {
  if (v === undefined) return 1;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > 600) throw new TcpstateError('ERR_USAGE', o('doctorInterval', quoted(v)), { field: '--interval' });
  return Number(v);
}

function ids(v: string | undefined, flag: string): string[] | undefined {
  if (v === undefined) return undefined;
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  checkRuleIds(list, flag);
  return list;
}

/** argv without the --netns/-N option, for the run inside the namespace. */
function withoutNetns(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--netns' || a === '-N') {
      i++;
      continue;
    }
    if (a.startsWith('--netns=') || (a.startsWith('-N') && a.length > 2)) continue;
    out.push(a);
  }
  return out;
}

/** Run this command again inside the namespace, passing its output and status through. */
function inNamespace(name: string, argv: readonly string[], io: Io): number {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new TcpstateError('ERR_NETNS', o('netnsName', quoted(name)), { field: '--netns' });
  netnsId(netnsPath(name)); // one that does not exist: our message (ERR_NETNS), not ip's
  const r = spawnSync('ip', ['netns', 'exec', name, process.execPath, cliScript(), 'doctor', ...withoutNetns(argv)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...io.env, TCPSTATE_DOCTOR_WHERE: `network namespace ${name}`, TCPSTATE_DOCTOR_NETNS: name },
  });
  if (r.error) throw new TcpstateError('ERR_NETNS', o('netnsExec', name, (r.error as NodeJS.ErrnoException).code ?? r.error.message), { field: '--netns' });
  // ip's own failure (status 255: the namespace went away, not root): said by us, ip's words as detail.
  if (r.status === 255 && r.stdout === '') throw new TcpstateError('ERR_NETNS', o('netnsIpFailed', name, r.stderr.trim().split('\n')[0] ?? ''), { field: '--netns' });
  io.out(r.stdout);
  io.err(r.stderr);
  const code = r.status ?? EXIT_UNKNOWN;
  // "ip netns exec" itself failing (no such namespace, not root) exits 255 or 1 before
  // tcpstate ran: not a diagnosis.
  return code <= EXIT_UNKNOWN && r.stdout !== '' ? code : EXIT_UNKNOWN;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(colourArgv(args), OPTIONS, io.argOffset);
  const lang = langFromEnv(io.env);
  if (values['help']) {
    io.out(pick(DOCTOR_TEXTS, lang).help(Object.keys(RULES).join(', ')));
    return 0;
  }
  const colour = colourFor(values, io);
  // Inside a namespace stdout is a pipe to this process: the decision made here goes along.
  const argv = [...colourArgv(args).filter((a) => !a.startsWith('--color=')), `--color=${colour ? 'always' : 'never'}`];
  const specs = thresholdSpecs();
  if (values['print-config']) {
    io.out(JSON.stringify(defaultConfig(specs), null, 2) + '\n');
    return 0;
  }
  const intervalS = seconds(str(values['interval']));
  const only = ids(str(values['only']), '--only');
  const skip = ids(str(values['skip']), '--skip');
  const configFile = str(values['config']);
  const thresholds = configFile === undefined ? defaultConfig(specs) : readThresholdConfig(configFile, specs);
  const procRoot = str(values['proc-root']);
  const netns = str(values['netns']);
  if (netns !== undefined) {
    if (procRoot !== undefined) throw new TcpstateError('ERR_USAGE', o('netnsProcRoot'), { field: '--netns' });
    return inNamespace(netns, argv, io);
  }
  const config = configFromEnv(io.env);
  const { inputs, notices, warnings } = await collectInputs({
    procRoot,
    config,
    source: str(values['source']),
    intervalMs: intervalS * 1000,
    where: io.env['TCPSTATE_DOCTOR_WHERE'],
  });
  printNotices(io, notices);
  const report = diagnose(inputs, { thresholds, only, skip, netns: io.env['TCPSTATE_DOCTOR_NETNS'], lang });
  const root = defaultProcRoot(procRoot, config);
  for (const x of report.invalidInputs) {
    const v = inputs.sysctls.values[x.name];
    const why = (v === undefined ? undefined : sysctlWhy(x.name, v)) ?? x.why;
    const said = x.usedBy.length ? ks('sysctlUnused', x.value, why, x.usedBy.join(', ')) : ks('sysctlInvalid', x.value, why);
    warnings.push(warning('W_SYSCTL_INVALID', said, { file: sysctlPath(root, x.name), field: x.name }));
  }
  printWarnings(io, warnings);
  if (values['json']) io.out(JSON.stringify(doctorJson(report, inputs, warnings), null, 2) + '\n');
  else io.out(colour ? colourSeverities(renderDoctor(report, inputs, lang), report, lang) : renderDoctor(report, inputs, lang));
  return exitStatus(report);
}

/** Each finding's first line (severity and rule id) in its severity's colour. */
function colourSeverities(text: string, report: Report, lang: 'en' | 'zh'): string {
  const label = pick(DOCTOR_TEXTS, lang).report.severity;
  const heads = new Map(report.findings.map((f) => [`${label[f.severity]}  ${f.id}`, f.severity]));
  return text
    .split('\n')
    .map((l) => {
      const s = heads.get(l);
      return s === undefined ? l : paint(l, severitySgr(s));
    })
    .join('\n');
}

export const doctor: Command = {
  async run(argv, io) {
    try {
      return await run(argv, io);
    } catch (e) {
      if (!isTcpstateError(e)) throw e;
      io.err(`tcpstate: ${e.describe(langFromEnv(io.env))}\n`);
      return EXIT_UNKNOWN;
    }
  },
};
