/**
 * Shell completions for bash, zsh and fish, made from the command reference (the `--help`
 * texts): commands, each command's options, state names after `state`/`exclude`, files.
 * @module
 */
import type { CommandRef, OptionRef } from './reference.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** State words `state` and `exclude` take (ss's names and groups). */
const STATE_WORDS = [
  'established',
  'syn-sent',
  'syn-recv',
  'fin-wait-1',
  'fin-wait-2',
  'time-wait',
  'closed',
  'close-wait',
  'last-ack',
  'listening',
  'closing',
  'all',
  'connected',
  'synchronized',
  'bucket',
  'big',
];

/** The first line of a command's summary, from the top-level usage. */
function summaries(usage: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of usage.split('\n')) {
    const r = /^ {2}([a-z]+) +(.*)$/.exec(line);
    if (r) m.set(r[1]!, r[2]!);
  }
  return m;
}

function words(o: OptionRef): string[] {
  return o.short !== undefined ? [o.short, o.long] : [o.long];
}

function bash(cmds: CommandRef[]): string {
  const names = cmds.map((c) => c.name);
  const cases = cmds
    .map(
      (c) =>
        `    ${c.name}) opts=${sq(c.options.flatMap(words).join(' '))} valued=${sq(
          ` ${c.options
            .filter((o) => o.arg !== undefined)
            .flatMap(words)
            .join(' ')} `,
        )} ;;`,
    )
    .join('\n');
  return `# bash completion for tcpstate (tcpstate completion bash)
_tcpstate() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} opts valued
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${sq([...names, 'help', 'completion', '--help', '--version'].join(' '))} -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
    help) COMPREPLY=($(compgen -W ${sq(names.join(' '))} -- "$cur")); return ;;
    completion) COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")); return ;;
    *) opts='' valued='' ;;
  esac
  case "$prev" in
    state|exclude) COMPREPLY=($(compgen -W ${sq(STATE_WORDS.join(' '))} -- "$cur")); return ;;
  esac
  # An option that takes a value: files (or whatever bash offers by default).
  if [[ $valued == *" $prev "* ]]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur") $(compgen -W 'state exclude sport dport src dst and or not' -- "$cur"))
  fi
}
complete -o default -o bashdefault -F _tcpstate tcpstate
`;
}

function zshDesc(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/'/g, `'\\''`)
    .replace(/[[\]:]/g, (c) => `\\${c}`);
}

function zsh(cmds: CommandRef[], sums: Map<string, string>): string {
  const list = cmds.map((c) => `    '${c.name}:${zshDesc(sums.get(c.name) ?? '')}'`).join('\n');
  const spec = (o: OptionRef): string => {
    const d = zshDesc(o.summary);
    const val = o.arg !== undefined ? `:${zshDesc(o.arg)}:_files` : '';
    return o.short !== undefined ? `'(${o.short} ${o.long})'{${o.short},${o.long}}'[${d}]${val}'` : `'${o.long}[${d}]${val}'`;
  };
  const cases = cmds.map((c) => `    ${c.name})\n      _arguments -s \\\n        ${c.options.map(spec).join(' \\\n        ')} \\\n        '*:file or filter:_tcpstate_rest' ;;`).join('\n');
  return `#compdef tcpstate
# zsh completion for tcpstate (tcpstate completion zsh)
_tcpstate_rest() {
  if [[ $words[CURRENT-1] == (state|exclude) ]]; then
    compadd -- ${STATE_WORDS.join(' ')}
  else
    _files
    compadd -- state exclude sport dport src dst and or not
  fi
}
_tcpstate() {
  local -a cmds
  cmds=(
${list}
    'help:a command'"'"'s help'
    'completion:shell completion for bash, zsh or fish'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' cmds
    return
  fi
  case $words[2] in
${cases}
    help) compadd -- ${cmds.map((c) => c.name).join(' ')} ;;
    completion) compadd -- bash zsh fish ;;
  esac
}
if [ "$funcstack[1]" = "_tcpstate" ]; then _tcpstate "$@"; else compdef _tcpstate tcpstate; fi
`;
}

function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(cmds: CommandRef[], sums: Map<string, string>): string {
  const names = cmds.map((c) => c.name);
  const lines = [
    '# fish completion for tcpstate (tcpstate completion fish)',
    'complete -c tcpstate -f',
    ...cmds.map((c) => `complete -c tcpstate -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(sums.get(c.name) ?? '')}`),
    `complete -c tcpstate -n __fish_use_subcommand -a help -d ${fishQuote("a command's help")}`,
    `complete -c tcpstate -n __fish_use_subcommand -a completion -d ${fishQuote('shell completion for bash, zsh or fish')}`,
    `complete -c tcpstate -n '__fish_seen_subcommand_from help' -a ${fishQuote(names.join(' '))}`,
    "complete -c tcpstate -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
    `complete -c tcpstate -n '__fish_seen_subcommand_from ${names.join(' ')}' -F`,
    `complete -c tcpstate -n '__fish_seen_subcommand_from ${names.join(' ')}; and __fish_prev_arg_in state exclude' -a ${fishQuote(STATE_WORDS.join(' '))}`,
  ];
  for (const c of cmds) {
    for (const o of c.options) {
      const long = o.long.startsWith('--') ? ` -l ${o.long.slice(2)}` : '';
      const short = o.short !== undefined ? ` -s ${o.short.slice(1)}` : !o.long.startsWith('--') ? ` -s ${o.long.slice(1)}` : '';
      lines.push(`complete -c tcpstate -n '__fish_seen_subcommand_from ${c.name}'${short}${long}${o.arg !== undefined ? ' -r' : ''} -d ${fishQuote(o.summary)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The completion script for `shell`. */
export function renderCompletion(shell: Shell, ref: { usage: string; commands: CommandRef[] }): string {
  const sums = summaries(ref.usage);
  const cmds = ref.commands.filter((c) => c.name !== 'completion');
  return shell === 'bash' ? bash(cmds) : shell === 'zsh' ? zsh(cmds, sums) : fish(cmds, sums);
}
