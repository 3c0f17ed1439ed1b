/**
 * The command line's option and usage errors of count, ls, diff, doctor, history, record,
 * fleet and serve (and the option parsers they share: `--by`, durations, sizes, times,
 * `--sort`), in English and Chinese. Options, keys, states and example commands stay as
 * written. Commands whose domain already holds its usage errors (watch, pcap, trace, fleet's
 * and serve's own) keep them there.
 * @module
 */
import { type Catalogue, catalogue, sayer } from './catalogue.js';

const EN = {
  // --by (count, watch, serve, history)
  byKey: (option: string, text: string) => `bad ${option} "${text}": expected lport, rport, laddr, raddr, process, lnet/N[,N6] or rnet/N[,N6]`,
  byV4Long: (option: string, text: string, bits: number, example: string) => `bad ${option} "${text}": /${bits} is too long for IPv4 (at most /32); IPv6's length goes second: ${example}`,
  byV6Long: (option: string, text: string) => `bad ${option} "${text}": IPv6 prefix length above 128`,
  byNoBits: (option: string, text: string) => `bad ${option} "${text}": only lnet and rnet take a /N`,
  sort: (fields: string, value: string) => `--sort takes ${fields}, got "${value}"`,
  // Durations, sizes and times (record, history)
  duration: (option: string, text: string) => `${option} takes a duration such as 10s, 5m, 1h, 7d (a plain number is seconds), got "${text}"`,
  aboveZero: (option: string, text: string) => `${option} must be above 0, got "${text}"`,
  size: (option: string, text: string) => `${option} takes a size such as 500MB or 2GiB, got "${text}"`,
  time: (option: string, text: string) => `${option} takes a time: now, a duration ago (1h, 7d), HH:MM[:SS], an ISO date-time (2026-12-05T10:00:00Z) or @EPOCH_SECONDS; got "${text}"`,
  // count
  topNeedsBy: '--top N picks the largest groups of --by: tcpstate count --by KEY --top N',
  awkWithBy: '--format awk prints "STATE N" lines, one summary; with --by use table or json',
  agentOption: (option: string) => `${option} applies to agent URLs: tcpstate count --hosts http://HOST:PORT ...`,
  hostsFiles: '--hosts and --group read capture files: tcpstate count --hosts FILE...',
  inputFormatCount: '--input-format applies to capture files: tcpstate count --input-format NAME FILE...',
  byAndHosts: '--by and --hosts do not combine: --hosts already groups by host',
  awkWithHosts: '--format awk prints one summary; with --hosts use table or json',
  bySummary: (host: string, format: string) => `${host} is a per-state summary (${format}): --by needs a full listing`,
  noProcesses: (many: boolean) => `--by process: ${many ? 'these captures carry' : 'this capture carries'} no processes (netstat -p or ss -p print them); every socket would be "-"`,
  agentsNeedHosts: 'agent URLs are read with --hosts: tcpstate count --hosts http://HOST:PORT ...',
  agentsSelect: (option: string) => `${option} selects sockets; agents answer with all their TCP sockets`,
  // ls
  inputFormatLs: '--input-format applies to capture files: tcpstate ls --input-format NAME FILE...',
  sortProcess: '--sort process needs the owners: add -p',
  lsSummary: (host: string, format: string) => `${host} is a per-state summary (${format}), not a socket listing; use tcpstate count`,
  // diff
  noHost: (host: string, path: string, names: string) => `no snapshot of host "${host}" in ${path} (it holds: ${names})`,
  manyHosts: (path: string, n: number, names: string) => `${path} holds ${n} snapshots (${names}); diff compares one with one: name it with --host`,
  diffUdp: 'diff compares TCP sockets; -u does not apply',
  diffNeedsCapture: 'diff needs a capture to compare: tcpstate diff BEFORE [AFTER | --live]; see --help',
  diffTooMany: (n: number, live: boolean) => `diff compares two snapshots; got ${n} files${live ? ' and --live' : ''}`,
  diffSecondSide: (file: string) => `diff needs a second side: AFTER, or --live for the live table (tcpstate diff ${file} --live)`,
  afterTerminal: 'AFTER is - but stdin is a terminal: pipe a capture in, or use --live for the live table',
  afterEmpty: 'AFTER is - but nothing came on stdin: pipe a capture in, or use --live for the live table',
  // doctor
  doctorScript: 'cannot find bin/tcpstate.js above the installed modules, to run doctor inside the namespace',
  doctorInterval: (value: string) => `--interval takes seconds from 0 to 600, got ${value}`,
  netnsName: (name: string) => `bad network namespace name ${name}`,
  netnsExec: (name: string, code: string) => `cannot run "ip netns exec ${name}": ${code}`,
  netnsProcRoot: '--netns and --proc-root exclude each other: a captured tree has no namespaces',
  // history and record
  historyState: (word: string, n: number) => `unknown state "${word}"; states: ${n} netstat names (ESTABLISHED, TIME_WAIT, ...) in any spelling, or ss's groups`,
  untilBeforeSince: '--until is before --since',
  jsonAndCsv: '--json and --csv do not combine',
  atTable: '--at prints a table or --json',
  counters: (text: string) => `--counters takes key, all, none or counter names such as ListenOverflows,Tcp.OutRsts; got "${text}"`,
  recordInterval: '--interval must be at least 100ms',
  retention: '--retention takes up to three ages: raw, minute rollups, hour rollups (e.g. 14d,90d,2y)',
  // fleet and serve
  fleetArgument: (word: string) => `unexpected argument "${word}": fleet reads Prometheus (--prometheus URL)`,
  fleetPrometheus: 'fleet needs --prometheus URL (or TCPSTATE_PROMETHEUS)',
  fleetRecorded: '--recorded reads host:tcpstate_sockets:sum, which keeps the labels host and role: use --host-label host [--group-label role]',
  fleetGroupBy: '--group does not combine with --by; use --group-label',
  netnsAll: '--netns and --all-netns do not combine',
  maxRequests: '--web.max-requests takes a number above 0',
  // Where the live table is read from (every live command)
  netnsMissing: (path: string, code: string) => `network namespace ${path} not found (${code}); list them with "ip netns list"`,
  netnsEnter: (name: string, why: string) => `cannot enter network namespace "${name}": ${why}`,
  netnsNoProcess: (name: string) =>
    `no process lives in network namespace "${name}" and the native addon is not loaded, so it cannot be entered; build the addon (npm install with a compiler) or start a process there`,
  replaySource: (name: string) => `--replay reads a netlink recording; it cannot be combined with --source ${name}`,
  recordReplay: '--record and --replay cannot be combined',
  recordSource: (name: string) => `--record saves a netlink dump; it cannot be combined with --source ${name}`,
  unknownSource: (name: string, sources: string) => `unknown --source "${name}": expected ${sources}`,
  sourceCannotRun: (name: string, why: string) => `--source ${name} cannot run here: ${why}`,
  noSource: (reasons: string) => `no socket source can run here: ${reasons}`,
  requestTimeout: '--web.request-timeout takes a number of seconds above 0',
};

const ZH: typeof EN = {
  byKey: (option, text) => `${option} "${text}" 不对：应为 lport、rport、laddr、raddr、process、lnet/N[,N6] 或 rnet/N[,N6]`,
  byV4Long: (option, text, bits, example) => `${option} "${text}" 不对：/${bits} 对 IPv4 太长（最多 /32）；IPv6 的前缀长度写在第二个：${example}`,
  byV6Long: (option, text) => `${option} "${text}" 不对：IPv6 前缀长度超过 128`,
  byNoBits: (option, text) => `${option} "${text}" 不对：只有 lnet 和 rnet 能带 /N`,
  sort: (fields, value) => `--sort 只能是 ${fields}，而不是 "${value}"`,
  duration: (option, text) => `${option} 需要一个时长，如 10s、5m、1h、7d（纯数字按秒计），而不是 "${text}"`,
  aboveZero: (option, text) => `${option} 必须大于 0，而不是 "${text}"`,
  size: (option, text) => `${option} 需要一个大小，如 500MB 或 2GiB，而不是 "${text}"`,
  time: (option, text) => `${option} 需要一个时间：now、多久以前（1h、7d）、HH:MM[:SS]、ISO 日期时间（2026-12-05T10:00:00Z）或 @EPOCH_SECONDS；而不是 "${text}"`,
  topNeedsBy: '--top N 选出 --by 分组里最大的几组：tcpstate count --by KEY --top N',
  awkWithBy: '--format awk 输出 "STATE N" 行，只有一份汇总；和 --by 一起请用 table 或 json',
  agentOption: (option) => `${option} 只用于 agent 的 URL：tcpstate count --hosts http://HOST:PORT ...`,
  hostsFiles: '--hosts 和 --group 读的是抓取的文件：tcpstate count --hosts FILE...',
  inputFormatCount: '--input-format 只用于抓取的文件：tcpstate count --input-format NAME FILE...',
  byAndHosts: '--by 和 --hosts 不能同时用：--hosts 已经按主机分组',
  awkWithHosts: '--format awk 只输出一份汇总；和 --hosts 一起请用 table 或 json',
  bySummary: (host, format) => `${host} 是按状态的汇总（${format}）：--by 需要完整的列表`,
  noProcesses: (many) => `--by process：${many ? '这些抓取' : '这份抓取'}里没有进程信息（netstat -p 或 ss -p 才会输出）；每个套接字都会是 "-"`,
  agentsNeedHosts: 'agent 的 URL 要配合 --hosts 读：tcpstate count --hosts http://HOST:PORT ...',
  agentsSelect: (option) => `${option} 用来挑选套接字；agent 返回的是它全部的 TCP 套接字`,
  inputFormatLs: '--input-format 只用于抓取的文件：tcpstate ls --input-format NAME FILE...',
  sortProcess: '--sort process 需要知道套接字属于哪个进程：请加 -p',
  lsSummary: (host, format) => `${host} 是按状态的汇总（${format}），不是套接字列表；请用 tcpstate count`,
  noHost: (host, path, names) => `${path} 里没有主机 "${host}" 的快照（里面有：${names}）`,
  manyHosts: (path, n, names) => `${path} 里有 ${n} 份快照（${names}）；diff 只能一对一比较：请用 --host 指定`,
  diffUdp: 'diff 比较的是 TCP 套接字；-u 不适用',
  diffNeedsCapture: 'diff 需要一份抓取来比较：tcpstate diff BEFORE [AFTER | --live]；参见 --help',
  diffTooMany: (n, live) => `diff 只比较两份快照；却给了 ${n} 个文件${live ? '和 --live' : ''}`,
  diffSecondSide: (file) => `diff 还需要另一边：AFTER，或用 --live 表示实时套接字表（tcpstate diff ${file} --live）`,
  afterTerminal: 'AFTER 是 -，但标准输入是终端：请用管道输入一份抓取，或用 --live 比较实时套接字表',
  afterEmpty: 'AFTER 是 -，但标准输入什么也没有：请用管道输入一份抓取，或用 --live 比较实时套接字表',
  doctorScript: '在安装的模块之上找不到 bin/tcpstate.js，无法在网络命名空间里运行 doctor',
  doctorInterval: (value) => `--interval 需要 0 到 600 之间的秒数，而不是 ${value}`,
  netnsName: (name) => `网络命名空间的名字不对：${name}`,
  netnsExec: (name, code) => `无法运行 "ip netns exec ${name}"：${code}`,
  netnsProcRoot: '--netns 和 --proc-root 不能同时用：抓取的 proc 目录树里没有网络命名空间',
  historyState: (word, n) => `未知状态 "${word}"；可用的状态：${n} 个 netstat 状态名（ESTABLISHED、TIME_WAIT 等，怎么拼都行），或 ss 的状态组`,
  untilBeforeSince: '--until 早于 --since',
  jsonAndCsv: '--json 和 --csv 不能同时用',
  atTable: '--at 只输出表格或 --json',
  counters: (text) => `--counters 只能是 key、all、none 或计数器名（如 ListenOverflows,Tcp.OutRsts）；而不是 "${text}"`,
  recordInterval: '--interval 至少要 100ms',
  retention: '--retention 最多三个保留期：原始数据、分钟汇总、小时汇总（例如 14d,90d,2y）',
  fleetArgument: (word) => `多余的参数 "${word}"：fleet 读的是 Prometheus（--prometheus URL）`,
  fleetPrometheus: 'fleet 需要 --prometheus URL（或环境变量 TCPSTATE_PROMETHEUS）',
  fleetRecorded: '--recorded 读的是 host:tcpstate_sockets:sum，它只保留 host 和 role 两个标签：请用 --host-label host [--group-label role]',
  fleetGroupBy: '--group 不能和 --by 同时用；请用 --group-label',
  netnsAll: '--netns 和 --all-netns 不能同时用',
  maxRequests: '--web.max-requests 必须是大于 0 的数',
  netnsMissing: (path, code) => `找不到网络命名空间 ${path}（${code}）；用 "ip netns list" 列出已有的`,
  netnsEnter: (name, why) => `无法进入网络命名空间 "${name}"：${why}`,
  netnsNoProcess: (name) => `网络命名空间 "${name}" 里没有进程，而原生扩展没有加载，无法进入；请编译扩展（在有编译器的机器上 npm install），或在那里启动一个进程`,
  replaySource: (name) => `--replay 读的是 netlink 录制文件；不能和 --source ${name} 同时用`,
  recordReplay: '--record 和 --replay 不能同时用',
  recordSource: (name) => `--record 保存的是 netlink 转储；不能和 --source ${name} 同时用`,
  unknownSource: (name, sources) => `未知的 --source "${name}"：可用的有 ${sources}`,
  sourceCannotRun: (name, why) => `--source ${name} 在这里无法运行：${why}`,
  noSource: (reasons) => `这里没有能用的套接字来源：${reasons}`,
  requestTimeout: '--web.request-timeout 必须是大于 0 的秒数',
};

export type OptionMessages = typeof EN;

export const CATALOGUE: Catalogue<OptionMessages> = catalogue(EN, ZH);

/** A message of this domain. */
export const say = sayer('options', CATALOGUE);
