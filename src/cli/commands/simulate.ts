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

const HELP = `Usage: tcpstate simulate [SCENARIO] [OPTIONS]
       tcpstate simulate --events 'WORDS'

Two TCP endpoints, client A (left) and server B (right), driven by the RFC 9293 state
machine, printed as a timeline: each line shows both ends' states after the step and the
segment on the wire ("-->" leaves, "..." in flight, "-->" arrives, "--x" lost).
With no scenario and no --events, lists the scenarios.

  --events WORDS     a custom run; words (spaces or commas between them):
                       a:EVENT, b:EVENT   an event at the client or the server
                                          (client:EVENT, server:EVENT also work)
                       a>b, b>a           deliver the oldest segment in flight
                       a>b:lost           that segment is lost
                       deliver            deliver everything in flight
  --profile P        linux (default) or rfc: which rows hold (Linux refuses
                     LISTEN -> SYN_SENT; the RFC has no FIN_WAIT2 timeout)
  --rows             after the timeline, each table row used, with its RFC
                     section and Linux note
  --json             the run as JSON
  --lang LANG        en or zh: headings, scenario titles and explanations
                     (default from TCPSTATE_LANG, LC_ALL, LC_MESSAGES, LANG)
  -h, --help

Events (id, then aliases):
${EVENTS.map((e) => `  ${e.id.padEnd(16)} ${[e.label, ...e.aliases].join(', ')}${e.linuxOnly ? ' (Linux)' : ''}`).join('\n')}

An event the table does not allow in the current state stops the run with an error
naming the state, the event and the events allowed there (exit status 2).

Examples:
  tcpstate simulate client-close
  tcpstate simulate --events 'b:listen a:connect deliver a:close deliver'
  tcpstate simulate --events 'a:connect b:connect a>b b>a a>b b>a'
`;

function listing(lang: Lang): string {
  const m = pick(SIMULATE, lang);
  const rows = SCENARIOS.map((s) => [s.name, (m.scenarios[s.name]?.title ?? s.title) + (s.profile === 'rfc' ? m.rfcProfile : '')]);
  return m.listing(renderTable([{ header: 'name' }, { header: 'what happens' }], rows, false).trimEnd().replace(/^/gm, '  '));
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
    const { values, positionals } = parse(argv, {
      events: { type: 'string' },
      profile: { type: 'string' },
      rows: { type: 'boolean' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const events = str(values['events']);
    const lang = oneOf(values['lang'], '--lang', ['en', 'zh'] as const, langFromEnv(io.env));
    const m = pick(SIMULATE, lang);
    if (positionals.length > 1) throw new TcpstateError('ERR_USAGE', `one scenario at a time, got "${positionals.join(' ')}"`, { position: argv.indexOf(positionals[1]!) + 1 + io.argOffset });
    const name = positionals[0];
    if (name !== undefined && events !== undefined) throw new TcpstateError('ERR_USAGE', 'give a scenario or --events, not both');
    if (name === undefined && events === undefined) { io.out(listing(lang)); return 0; }
    const scenario = name === undefined ? undefined : findScenario(name);
    if (name !== undefined && !scenario) {
      const names = SCENARIOS.map((s) => s.name);
      throw withSuggestion(new TcpstateError('ERR_USAGE', `unknown scenario "${name}"; scenarios: ${names.join(', ')}`, { position: argv.indexOf(name) + 1 + io.argOffset }), closest(name, names, true));
    }
    const profile: Profile = oneOf(values['profile'], '--profile', ['linux', 'rfc'] as const, scenario?.profile ?? 'linux');
    const script = scenario?.script ?? events!;
    const world = runScript(parseScript(script), profile);
    if (values['json']) { io.out(JSON.stringify(json(world, scenario?.name, script), null, 2) + '\n'); return 0; }
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
