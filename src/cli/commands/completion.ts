/**
 * `tcpstate completion bash|zsh|fish`: the shell's completion script, made from the commands'
 * own --help texts.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { parse } from '../args.js';
import { renderCompletion, SHELLS, type Shell } from '../completion.js';
import type { Command } from '../io.js';
import { commandReference, savedReference } from '../reference.js';

const HELP = `Usage: tcpstate completion SHELL

Print the completion script for SHELL (bash, zsh or fish): commands, their options,
state names after "state" and "exclude", files.

  -h, --help

Examples:
  source <(tcpstate completion bash)         # in ~/.bashrc
  tcpstate completion bash > /etc/bash_completion.d/tcpstate
  tcpstate completion zsh > "\${fpath[1]}/_tcpstate"
  tcpstate completion fish > ~/.config/fish/completions/tcpstate.fish
`;

export const completion: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const shell = positionals[0];
    if (shell === undefined || positionals.length > 1 || !(SHELLS as readonly string[]).includes(shell)) {
      throw new TcpstateError('ERR_USAGE', `completion takes one shell: ${SHELLS.join(', ')}${shell === undefined ? '' : `; got "${positionals.join(' ')}"`}`, { position: 1 + io.argOffset });
    }
    io.out(renderCompletion(shell as Shell, savedReference() ?? await commandReference()));
    return 0;
  },
};
