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
import { oneOf, parse, str } from '../args.js';
import type { Command } from '../io.js';
import { COUNT_HELP, COUNT_OPTIONS, readStateCounts } from '../state-counts.js';

const HELP = `Usage: tcpstate explain [STATE] [OPTIONS]

What a TCP state means, which end is in it and what it waits for, how long it lasts on
Linux and which timer or sysctl governs that, what amounts are normal and what is
worrying, what to check next, and the transitions in and out (RFC 9293 rows).
With no STATE: one line per state with this machine's counts.

  STATE              any spelling: CLOSE_WAIT, close-wait, CLOSE-WAIT, 08, SYN_RCVD
  --all              every state in full (with counts)
  --columns          the columns of netstat -n and tcpstate ls, with what man netstat
                     leaves out
  --lang LANG        en or zh; default from LC_ALL, LC_MESSAGES, LANG (zh* gives zh)
  --no-count         do not read the socket table
${COUNT_HELP}  -h, --help

Examples:
  tcpstate explain CLOSE_WAIT
  tcpstate explain time-wait --lang zh
  tcpstate explain --all --lang zh
  tcpstate explain --columns
`;

export const explain: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      all: { type: 'boolean' },
      columns: { type: 'boolean' },
      lang: { type: 'string' },
      'no-count': { type: 'boolean' },
      ...COUNT_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const lang = oneOf(values['lang'], '--lang', ['en', 'zh'] as const, langFromEnv(io.env));
    if (positionals.length > 1) throw new TcpstateError('ERR_USAGE', `one state at a time, got "${positionals.join(' ')}"`, { position: argv.indexOf(positionals[1]!) + 1 + io.argOffset });
    const word = positionals[0];
    const code = word === undefined ? undefined : parseState(word);
    if (word !== undefined && code === undefined) {
      throw withSuggestion(new TcpstateError('ERR_STATE', `unknown state "${word}" (argument ${argv.indexOf(word) + 1 + io.argOffset}); states: ${stateWords().slice(0, 11).join(', ')}`, { position: argv.indexOf(word) + 1 + io.argOffset }), nearStates(word));
    }
    if (values['columns']) { io.out(renderColumns(lang)); return 0; }
    const counts = values['no-count'] ? undefined : await readStateCounts(values, io, LABELS.here[lang], true);
    const netns = plainNetnsName(str(values['netns']));
    if (code !== undefined) io.out(renderState(code, lang, counts, netns));
    else if (values['all']) io.out(renderAll(lang, counts, netns));
    else {
      io.out(renderSummary(lang, counts));
      io.out(lang === 'zh'
        ? '\n"tcpstate explain 状态" 查看单个状态的完整说明；--all 查看全部；\n--columns 查看各列的含义。\n'
        : '\n"tcpstate explain STATE" tells one state in full; --all tells every state;\n--columns the columns.\n');
    }
    return 0;
  },
};
