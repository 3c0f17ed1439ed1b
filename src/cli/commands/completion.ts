/**
 * `tcpstate completion bash|zsh|fish`: the shell's completion script, made from the commands'
 * own --help texts.
 * @module
 */
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';
import { langFromEnv } from '../../lang.js';
import { TcpstateError } from '../../model/errors.js';
import { parse } from '../args.js';
import { renderCompletion, SHELLS, type Shell } from '../completion.js';
import type { Command } from '../io.js';
import { commandReference, savedReference } from '../reference.js';
import { say as opt } from '../../i18n/options.js';

export const completion: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, io.argOffset);
    if (values['help']) {
      io.out(pick(HELP_TEXTS, langFromEnv(io.env)).completion);
      return 0;
    }
    const shell = positionals[0];
    if (shell === undefined || positionals.length > 1 || !(SHELLS as readonly string[]).includes(shell)) {
      throw new TcpstateError('ERR_USAGE', shell === undefined ? opt('oneShell', SHELLS.join(', ')) : opt('oneShellGot', SHELLS.join(', '), positionals.join(' ')), { position: 1 + io.argOffset });
    }
    io.out(renderCompletion(shell as Shell, savedReference() ?? (await commandReference())));
    return 0;
  },
};
