/**
 * `tcpstate explain [STATE]`: what each TCP state (and each column of netstat -n) means,
 * in English or Chinese, with this machine's current count.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { nearStates, withSuggestion } from '../../model/suggest.js';
import { parseState, stateWords } from '../../model/state.js';
import { plainNetnsName } from '../../doctor/netns-steps.js';
import { LABELS } from '../../fsm/explain-data.js';
import { langFromEnv } from '../../lang.js';
import { renderAll, renderColumns, renderState, renderSummary } from '../../render/explain.js';
import { parse, str } from '../args.js';
import type { Command } from '../io.js';
import { COUNT_OPTIONS, countHelp, readStateCounts } from '../state-counts.js';
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';
import { say as opt } from '../../i18n/options.js';

export const explain: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        all: { type: 'boolean' },
        columns: { type: 'boolean' },
        'no-count': { type: 'boolean' },
        ...COUNT_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
    );
    const lang = langFromEnv(io.env);
    if (values['help']) {
      io.out(pick(HELP_TEXTS, lang).explain(countHelp(lang)));
      return 0;
    }
    if (positionals.length > 1) throw new TcpstateError('ERR_USAGE', opt('oneState', positionals.join(' ')), { position: argv.indexOf(positionals[1]!) + 1 + io.argOffset });
    const word = positionals[0];
    const code = word === undefined ? undefined : parseState(word);
    if (word !== undefined && code === undefined) {
      throw withSuggestion(
        new TcpstateError('ERR_STATE', opt('explainState', word, argv.indexOf(word) + 1 + io.argOffset, stateWords().slice(0, 11).join(', ')), {
          position: argv.indexOf(word) + 1 + io.argOffset,
        }),
        nearStates(word),
      );
    }
    if (values['columns']) {
      io.out(renderColumns(lang));
      return 0;
    }
    const counts = values['no-count'] ? undefined : await readStateCounts(values, io, LABELS.here[lang], true);
    const netns = plainNetnsName(str(values['netns']));
    if (code !== undefined) io.out(renderState(code, lang, counts, netns));
    else if (values['all']) io.out(renderAll(lang, counts, netns));
    else {
      io.out(renderSummary(lang, counts));
      io.out(
        lang === 'zh'
          ? '\n"tcpstate explain 状态" 查看单个状态的完整说明；--all 查看全部；\n--columns 查看各列的含义。\n'
          : '\n"tcpstate explain STATE" tells one state in full; --all tells every state;\n--columns the columns.\n',
      );
    }
    return 0;
  },
};
