/**
 * Every human-facing text of `tcpstate watch`, in English and Chinese, in one catalogue.
 * The language: src/lang.ts (TCPSTATE_LANG, else the locale).
 * @module
 */

import { langFromEnv } from '../lang.js';
import { type Catalogue, catalogue } from './catalogue.js';

export type WatchLang = 'en' | 'zh';

/** The language the environment asks for (src/lang.ts). */
export const watchLang: (env: Record<string, string | undefined>) => WatchLang = langFromEnv;

const en = {
  help: `Usage: tcpstate watch [OPTIONS] [FILTER...]

Watch TCP states move: every state's count, its change since the last tick and its
rate, once per interval. On a terminal, a full-screen view (keys: ? for help);
through a pipe or a file (or --no-tui), one line per tick like vmstat 1, or with
--json one tcpstate.watch/1 object per line.

  --interval S         seconds between ticks (fractions allowed; default 1)
  -c, --count N        stop after N ticks
  --json               one JSON object per tick (NDJSON), never the screen
  --no-tui             lines even on a terminal
  --header-every N     line mode: repeat the header every N lines (default 20, 0: once)
  --by KEY             top groups (--json and the screen): lport rport laddr raddr
                       process lnet/N[,N6] rnet/N[,N6]
  --top N              how many groups (default 10)
  --no-doctor          the screen without doctor's status line (which reads owners
                       and counters every tick)
`,
  time: 'time',
  total: 'TOTAL',
  /** The total's heading in line mode (beside the states' short labels). */
  lineTotal: 'total',
  noFiles: (p: string) => `watch reads the live table; "${p}" is not a filter word (capture files are read by count and ls)`,
  badInterval: (v: string) => `--interval takes seconds above 0 (fractions allowed, at least 0.05, at most 86400), got "${v}"`,
  badCount: (v: string) => `--count takes a whole number above 0, got "${v}"`,
  notHere: (opt: string) => `${opt} does not apply to watch (it reads the live table every tick)`,
  byInLines: '--by shows groups in --json and on the screen; the line mode prints states only',
  skipped: (n: number) => `${n} ticks skipped: a sample took longer than the interval`,
  // The screen.
  title: (where: string, interval: string) => `tcpstate watch — ${where} — every ${interval}s`,
  thisHost: 'this namespace',
  netns: (n: string) => `netns ${n}`,
  paused: 'PAUSED (sampling continues; space resumes)',
  colState: 'STATE',
  colCount: 'COUNT',
  colDelta: 'Δ TICK',
  colSince: 'Δ SINCE',
  colRate: '/s',
  colTrend: 'TREND',
  groups: (by: string) => `top groups by ${by}`,
  groupsOff: 'groups: off (g shows them)',
  noGroups: '(no sockets)',
  filter: (f: string) => `filter: ${f}`,
  filterPrompt: 'filter (ss syntax, Enter applies, Esc cancels): ',
  filterError: (m: string) => `filter error: ${m}`,
  sortBy: (s: string) => `sort: ${s}`,
  sampleError: (m: string) => `sample failed: ${m}`,
  footer: 'q quit  space pause  g group  s sort  / filter  +/- interval  r reset  ? help',
  helpLines: [
    'q, Ctrl-C   quit (the terminal is restored)',
    'space       pause the view; sampling continues',
    'g           cycle the groups pane: off, lport, rport, raddr, rnet, process',
    's           cycle the groups order: total, growth, name',
    '/           type a filter in the ss language (state close-wait dport = :443)',
    '+ / -       longer / shorter interval',
    'r           reset the "since" deltas and the trends',
    '?           this help (any key closes it)',
  ],
  sorts: { total: 'total', growth: 'growth', key: 'name' },
  doctorOk: 'doctor: no findings',
  doctorWaiting: 'doctor: looking…',
  doctorFinding: (severity: string, title: string, more: number) => `doctor: ${severity.toUpperCase()} ${title}${more > 0 ? ` (+${more} more)` : ''}`,
  doctorFailed: (why: string) => `doctor: cannot run: ${why}`,
};

const zh: typeof en = {
  help: `用法: tcpstate watch [选项] [过滤条件...]

实时观察 TCP 状态的变化: 每个状态的数量、与上一次采样相比的变化和速率，每个间隔一次。
在终端上是全屏界面(按 ? 查看按键); 输出到管道或文件(或 --no-tui)时，像 vmstat 1
那样每次一行，或用 --json 每次输出一个 tcpstate.watch/1 对象(每行一个)。

  --interval S         两次采样之间的秒数(可以是小数，默认 1)
  -c, --count N        采样 N 次后停止
  --json               每次一个 JSON 对象(NDJSON)，不使用全屏
  --no-tui             即使在终端上也按行输出
  --header-every N     按行输出时每 N 行重复一次表头(默认 20，0 表示只输出一次)
  --by KEY             分组排行(--json 和全屏): lport rport laddr raddr process lnet/N[,N6] rnet/N[,N6]
  --top N              显示多少个分组(默认 10)
  --no-doctor          全屏界面不显示 doctor 的状态行(它每次都要读取进程和计数器)
`,
  time: '时间',
  total: '合计',
  lineTotal: '合计',
  noFiles: (p: string) => `watch 读取实时套接字表; "${p}" 不是过滤条件(抓取的文本请用 count 或 ls 读取)`,
  badInterval: (v: string) => `--interval 需要大于 0 的秒数(可以是小数，至少 0.05，至多 86400)，得到 "${v}"`,
  badCount: (v: string) => `--count 需要大于 0 的整数，得到 "${v}"`,
  notHere: (opt: string) => `${opt} 不适用于 watch(它每次都读取实时套接字表)`,
  byInLines: '--by 的分组只在 --json 和全屏界面中显示; 按行输出只有状态',
  skipped: (n: number) => `跳过了 ${n} 次采样: 一次采样用时超过了间隔`,
  title: (where: string, interval: string) => `tcpstate watch — ${where} — 每 ${interval} 秒`,
  thisHost: '当前命名空间',
  netns: (n: string) => `网络命名空间 ${n}`,
  paused: '已暂停(采样继续; 按空格恢复)',
  colState: '状态',
  colCount: '数量',
  colDelta: 'Δ 本次',
  colSince: 'Δ 累计',
  colRate: '/秒',
  colTrend: '趋势',
  groups: (by: string) => `按 ${by} 分组的排行`,
  groupsOff: '分组: 关闭(按 g 显示)',
  noGroups: '(没有套接字)',
  filter: (f: string) => `过滤: ${f}`,
  filterPrompt: '过滤条件(ss 语法，回车应用，Esc 取消): ',
  filterError: (m: string) => `过滤条件错误: ${m}`,
  sortBy: (s: string) => `排序: ${s}`,
  sampleError: (m: string) => `采样失败: ${m}`,
  footer: 'q 退出  空格 暂停  g 分组  s 排序  / 过滤  +/- 间隔  r 重置  ? 帮助',
  helpLines: [
    'q, Ctrl-C   退出(终端会被恢复)',
    '空格        暂停画面; 采样继续',
    'g           切换分组: 关闭、lport、rport、raddr、rnet、process',
    's           切换分组排序: 合计、增长、名称',
    '/           输入 ss 语法的过滤条件(state close-wait dport = :443)',
    '+ / -       加长 / 缩短间隔',
    'r           重置"累计"变化和趋势',
    '?           本帮助(任意键关闭)',
  ],
  sorts: { total: '合计', growth: '增长', key: '名称' },
  doctorOk: 'doctor: 没有发现问题',
  doctorWaiting: 'doctor: 检查中…',
  doctorFinding: (severity: string, title: string, more: number) => `doctor: ${severity.toUpperCase()} ${title}${more > 0 ? ` (另有 ${more} 项)` : ''}`,
  doctorFailed: (why: string) => `doctor: 无法运行: ${why}`,
};

export const MESSAGES: Record<WatchLang, typeof en> = { en, zh };
export const CATALOGUE: Catalogue<typeof en> = catalogue(en, zh);
export type WatchMessages = typeof en;
