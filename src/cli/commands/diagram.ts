/**
 * `tcpstate diagram`: the state-transition figure (with this machine's counts), the
 * handshake and four-way close, and the simultaneous close, as SVG, DOT, Mermaid or text.
 * @module
 */
import { writeFileAtomic } from '../../atomic-file.js';
import { osReason, TcpstateError } from '../../model/errors.js';
import { findScenario, SCENARIOS } from '../../fsm/scenarios.js';
import { parseScript, runScript } from '../../fsm/simulate.js';
import { renderStatesDot, renderStatesMermaid, renderStatesText } from '../../render/diagram.js';
import { renderStatesSvg } from '../../render/diagram-svg.js';
import { renderSequenceMermaid, renderSequenceSvg } from '../../render/sequence.js';
import { renderTimeline } from '../../render/timeline.js';
import { pick, render } from '../../i18n/catalogue.js';
import { CATALOGUE as SIMULATE } from '../../i18n/simulate.js';
import { langFromEnv } from '../../lang.js';
import { oneOf, parse, str } from '../args.js';
import type { Command } from '../io.js';
import { COUNT_OPTIONS, countHelp, readStateCounts } from '../state-counts.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';
import { say as opt } from '../../i18n/options.js';
import { say as edge } from '../../i18n/edge.js';

const FORMATS = ['svg', 'dot', 'mermaid', 'text'] as const;
type Format = (typeof FORMATS)[number];

/** The article's three figures; any scenario name works as a sequence figure too. */
const FIGURE_SCENARIO: Readonly<Record<string, string>> = { handshake: 'client-close', 'simultaneous-close': 'simultaneous-close' };

function formatFromFile(file: string | undefined): Format | undefined {
  const ext = file?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const byExt: Record<string, Format> = { svg: 'svg', dot: 'dot', gv: 'dot', mmd: 'mermaid', mermaid: 'mermaid', txt: 'text' };
  return ext !== undefined && Object.hasOwn(byExt, ext) ? byExt[ext] : undefined;
}

/** Image formats tcpstate does not draw: `-o x.png` would be text in a .png. */
const IMAGES = new Set(['png', 'jpg', 'jpeg', 'gif', 'pdf', 'webp', 'bmp', 'tif', 'tiff', 'ps', 'eps']);

/** An output file whose extension names another format than the one written is refused. */
function checkOutputName(file: string | undefined, format: Format, given: boolean): void {
  if (file === undefined) return;
  const ext = file.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext !== undefined && IMAGES.has(ext)) {
    throw new TcpstateError('ERR_USAGE', opt('imageFormat', file, ext, ext === 'jpeg' ? 'jpg' : ext), { field: '--output' });
  }
  const named = formatFromFile(file);
  if (given && named !== undefined && named !== format) {
    throw new TcpstateError('ERR_USAGE', opt('outputFormat', file, named, format), { field: '--output' });
  }
}

export const diagram: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        figure: { type: 'string' },
        format: { type: 'string' },
        counts: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        lang: { type: 'string' },
        ...COUNT_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
    );
    if (values['help']) {
      const lang = oneOf(values['lang'], '--lang', ['en', 'zh'] as const, langFromEnv(io.env));
      io.out(pick(HELP_TEXTS, lang).diagram(countHelp(lang)));
      return 0;
    }
    if (positionals.length) throw new TcpstateError('ERR_USAGE', opt('figureArgument', positionals[0]!), { position: argv.indexOf(positionals[0]!) + 1 + io.argOffset });
    const file = str(values['output']);
    const format = oneOf(values['format'], '--format', FORMATS, formatFromFile(file) ?? 'text');
    checkOutputName(file, format, values['format'] !== undefined);
    const figure = str(values['figure']) ?? 'states';
    const lang = oneOf(values['lang'], '--lang', ['en', 'zh'] as const, langFromEnv(io.env));
    let text: string;
    if (figure === 'states') {
      const counts = values['counts'] ? await readStateCounts(values, io, render(opt('thisMachine'), lang), false) : undefined;
      const opts = { lang, ...(counts ? { counts: counts.byCode, countsFrom: counts.from } : {}) };
      text = format === 'svg' ? renderStatesSvg(opts) : format === 'dot' ? renderStatesDot(opts) : format === 'mermaid' ? renderStatesMermaid(opts) : renderStatesText(opts);
    } else {
      const scenario = findScenario(Object.hasOwn(FIGURE_SCENARIO, figure) ? FIGURE_SCENARIO[figure]! : figure);
      if (!scenario) {
        const scenarios = SCENARIOS.map((s) => s.name).join(', ');
        throw new TcpstateError('ERR_USAGE', opt('unknownFigure', figure, Object.keys(FIGURE_SCENARIO).join(', '), scenarios), { field: '--figure' });
      }
      if (values['counts']) throw new TcpstateError('ERR_USAGE', opt('countsStates'), { field: '--counts' });
      if (format === 'dot') throw new TcpstateError('ERR_USAGE', opt('dotStates', figure), { field: '--format' });
      const world = runScript(parseScript(scenario.script), scenario.profile);
      const title = `${scenario.name}: ${pick(SIMULATE, lang).scenarios[scenario.name]?.title ?? scenario.title}`;
      text = format === 'svg' ? renderSequenceSvg(world, title) : format === 'mermaid' ? renderSequenceMermaid(world, title) : `${title}\n\n${renderTimeline(world, { lang })}`;
    }
    if (file !== undefined) {
      try {
        writeFileAtomic(file, text);
      } catch (e) {
        const reason = osReason(e);
        throw new TcpstateError('ERR_IO', opt('cannotWrite', reason === undefined ? (e as Error).message : edge('osReason', String((e as NodeJS.ErrnoException).code), reason)), { file });
      }
    } else {
      io.out(text);
    }
    return 0;
  },
};
