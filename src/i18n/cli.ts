/**
 * The texts of `tcpstate --help` and the command line's own errors, in English and Chinese:
 * one summary line per command (a command without one here shows none in either language).
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  usage: (commands: string) => `Usage: tcpstate COMMAND [OPTIONS]

What your TCP connections are doing, on this box, in a capture, across a fleet.

Commands:
${commands}

"tcpstate COMMAND --help" tells more. With no command, tcpstate runs "count".
`,
  unknownCommand: (name: string, commands: string) => `unknown command "${name}" (argument 1); commands: ${commands}`,
  /** The words nearest to a mistyped flag, state, --by key, scenario or command. */
  didYouMean: (words: readonly string[]) => `did you mean ${words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}` : words[0]}?`,
  /** sport, dport, src and dst typed as flags: the filter meant. */
  didYouMeanFilter: (filter: string) => `did you mean the filter "${filter}"? sport, dport, src and dst are filter words, as in ss, written after the options`,
  summaries: {
    count: 'count sockets by state (zeros filled in), optionally by port, peer or process',
    ls: 'list sockets, netstat-style columns, ss-style filters',
    diff: 'what changed between two snapshots (captures or the live table): per state and per socket',
    simulate: 'run two TCP endpoints through a scenario: a timeline of states and segments',
    explain: 'what each TCP state and netstat column means, in English or Chinese, with counts',
    diagram: 'the TCP state diagram (with live counts), handshake and close figures: svg, dot, mermaid, text',
    doctor: 'diagnose: CLOSE_WAIT leaks, TIME_WAIT port exhaustion, accept queues, SYN floods, ...',
    pcap: "rebuild every TCP connection of a pcap/pcapng capture: both endpoints' states, Zeek conn_state",
    serve: 'a Prometheus exporter (/metrics) and JSON API of TCP states, per port and namespace',
    watch: 'TCP states live: counts, changes and rates per tick, full screen or one line per tick',
    fleet: 'the count --hosts table (a row per host, role subtotals) from Prometheus scraping tcpstate serve agents',
    trace: 'every TCP state change as it happens, with the owning process and the time in each state',
    record: 'keep TCP state counts over time in a history file (SQLite), per port, peer and process',
    history: 'since when, and how fast: recorded counts over time, at a moment, as JSON, CSV or OpenMetrics',
    completion: 'shell completion: tcpstate completion bash|zsh|fish',
  },
};

const ZH: typeof EN = {
  usage: (commands) => `用法: tcpstate 命令 [选项]

你的 TCP 连接在做什么：本机上、抓取的文本里、整个集群中。

命令:
${commands}

"tcpstate 命令 --help" 查看详细说明。不带命令时，tcpstate 执行 "count"。
`,
  unknownCommand: (name, commands) => `未知命令 "${name}"（第 1 个参数）；可用的命令：${commands}`,
  didYouMean: (words) => `你是不是想输入 ${words.length > 1 ? `${words.slice(0, -1).join('、')}或 ${words[words.length - 1]}` : words[0]}？`,
  didYouMeanFilter: (filter) => `你是不是想用过滤条件 "${filter}"？sport、dport、src 和 dst 是过滤条件（与 ss 相同），写在选项之后`,
  summaries: {
    count: '按状态统计套接字（没有的状态补 0），可按端口、对端或进程分组',
    ls: '列出套接字：netstat 风格的列，ss 风格的过滤条件',
    diff: '两个快照（抓取的文本或实时套接字表）之间的变化：按状态、按连接',
    simulate: '让两个 TCP 端点走完一个场景：状态和报文段的时间线',
    explain: '每个 TCP 状态和 netstat 每一列的含义（中文或英文），附当前数量',
    diagram: 'TCP 状态转换图（可带实时数量）、三次握手和四次挥手图：svg、dot、mermaid、文本',
    doctor: '诊断：CLOSE_WAIT 泄漏、TIME_WAIT 耗尽本地端口、全连接队列溢出、SYN 洪水……',
    pcap: '还原 pcap/pcapng 抓包里的每个 TCP 连接：两端的状态、Zeek conn_state',
    serve: 'TCP 状态的 Prometheus exporter（/metrics）和 JSON API，按端口和网络命名空间',
    watch: '实时查看 TCP 状态：每次采样的数量、变化和速率，全屏或每次一行',
    fleet: '从抓取 tcpstate serve 的 Prometheus 得到 count --hosts 的表（每台主机一行，按角色小计）',
    trace: '实时跟踪每一次 TCP 状态变化，附所属进程和在每个状态停留的时间',
    record: '把 TCP 状态数量持续记录到历史文件（SQLite），按端口、对端和进程',
    history: '从什么时候开始、变化多快：记录下的数量随时间的变化、某一时刻的数量，输出 JSON、CSV 或 OpenMetrics',
    completion: 'shell 补全脚本：tcpstate completion bash|zsh|fish',
  },
};

export type CliMessages = typeof EN;

export const CATALOGUE: Catalogue<CliMessages> = catalogue(EN, ZH);
