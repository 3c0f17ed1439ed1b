/**
 * `tcpstate simulate [SCENARIO] [--events '...']`: two endpoints driven by the state machine,
 * printed as a timeline.
 * @module
 */
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as SIMULATE } from '../../i18n/simulate.js';
import { langFromEnv } from '../../lang.js';
import { wrapText } from '../../render/wrap.js';
import { TcpstateError } from '../../model/errors.js';
import { closest, withSuggestion } from '../../model/suggest.js';
import { EVENTS } from '../../fsm/events.js';
import { describeState, type Profile } from '../../fsm/machine.js';
import { findScenario, SCENARIOS } from '../../fsm/scenarios.js';
import { parseScript, runScript, type World } from '../../fsm/simulate.js';
import { renderEnd, renderRowsUsed, renderTimeline, segmentLabel, wrap } from '../../render/timeline.js';
import { renderTable } from '../../render/text.js';
import { oneOf, parse, str } from '../args.js';
import type { Command } from '../io.js';
import { say as opt } from '../../i18n/options.js';

/** The events help lists (id, then aliases). */
function eventList(): string {
  return EVENTS.map((e) => `  ${e.id.padEnd(16)} ${[e.label, ...e.aliases].join(', ')}${e.linuxOnly ? ' (Linux)' : ''}`).join('\n');
}

function listing(lang: Lang): string {
  const m = pick(SIMULATE, lang);
  const rows = SCENARIOS.map((s) => [s.name, (m.scenarios[s.name]?.title ?? s.title) + (s.profile === 'rfc' ? m.rfcProfile : '')]);
  return m.listing(
    renderTable([{ header: 'name' }, { header: 'what happens' }], rows, false)
      .trimEnd()
      .replace(/^/gm, '  '),
  );
}

function json(world: World, name: string | undefined, script: string): unknown {
  return {
    scenario: name ?? null,
    profile: world.profile,
    script,
    steps: world.steps.map((s) => ({
      n: s.n,
      side: s.side,
      what: s.what,
      events: s.events,
      rows: s.rows.map((r) => r.id),
      received: s.received ? segmentLabel(s.received) : null,
      sent: s.sent.map(segmentLabel),
      client: describeState(s.a),
      server: describeState(s.b),
    })),
    end: { client: describeState(world.state('A')), server: describeState(world.state('B')), inFlight: world.inFlight('A').length + world.inFlight('B').length },
  };
}

export const simulate: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        events: { type: 'string' },
        profile: { type: 'string' },
        rows: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
    );
    const lang = langFromEnv(io.env);
    const m = pick(SIMULATE, lang);
    if (values['help']) {
      io.out(m.help(eventList()));
      return 0;
    }
    const events = str(values['events']);
    if (positionals.length > 1) throw new TcpstateError('ERR_USAGE', opt('oneScenario', positionals.join(' ')), { position: argv.indexOf(positionals[1]!) + 1 + io.argOffset });
    const name = positionals[0];
    if (name !== undefined && events !== undefined) throw new TcpstateError('ERR_USAGE', opt('scenarioOrEvents'));
    if (name === undefined && events === undefined) {
      io.out(listing(lang));
      return 0;
    }
    const scenario = name === undefined ? undefined : findScenario(name);
    if (name !== undefined && !scenario) {
      const names = SCENARIOS.map((s) => s.name);
      throw withSuggestion(new TcpstateError('ERR_USAGE', opt('unknownScenario', name, names.join(', ')), { position: argv.indexOf(name) + 1 + io.argOffset }), closest(name, names, true));
    }
    const profile: Profile = oneOf(values['profile'], '--profile', ['linux', 'rfc'] as const, scenario?.profile ?? 'linux');
    const script = scenario?.script ?? events!;
    const world = runScript(parseScript(script), profile);
    if (values['json']) {
      io.out(JSON.stringify(json(world, scenario?.name, script), null, 2) + '\n');
      return 0;
    }
    let out = '';
    if (scenario) {
      const text = m.scenarios[scenario.name] ?? scenario;
      out += `${scenario.name}: ${text.title}\n`;
      out += lang === 'zh' ? wrapText(text.about, 96, '  ') : wrap(text.about, 96, '  ');
      out += `  ${m.source(scenario.source, profile)}\n\n`;
    } else {
      out += `${m.custom(script, profile)}\n\n`;
    }
    out += renderTimeline(world, { lang });
    out += '\n' + renderEnd(world, lang);
    if (values['rows']) out += `\n${m.rowsUsed}\n` + renderRowsUsed(world);
    io.out(out);
    return 0;
  },
};
