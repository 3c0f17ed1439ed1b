/**
 * `--help` bodies of the older commands that have no domain of their own (completion,
 * explain, diff, diagram) and the option blocks several commands share (selection and
 * filters; where to count). The man page and the completions read the English ones.
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  /** Selection, filters and where to read: ls, count, diff, watch. */
  socket: `Selection (netstat / ss flags):
  -t, --tcp            TCP sockets (the default)
  -u, --udp            UDP sockets (with -t: both)
  -l, --listening      listening sockets only
  -a, --all            all sockets, listening ones too
  -4, -6               IPv4 or IPv6 only
  -n, --numeric        accepted for netstat habits; output is always numeric
Filters (as ss(8) gives them meaning), after the options:
  state STATE|GROUP    states: established syn-sent syn-recv fin-wait-1 fin-wait-2
                       time-wait closed close-wait last-ack listening closing (any
                       spelling: TIME_WAIT, TIME-WAIT, 06); groups: all connected
                       synchronized bucket big
  exclude STATE|GROUP  leave these out
  sport|dport OP :PORT OP is = != < <= > >= (eq ne lt le gt ge)
  src|dst [=|!=] ADDR  ADDR: 10.0.0.0/8, 10.1/16, [::1], [2001:db8::]/32, 10.0.0.1:80, *
  and or not ( )       also & | !; conditions side by side mean "and"
Where to read:
  --proc-root DIR      a captured /proc tree (also TCPSTATE_PROC_ROOT)
  -N, --netns NAME     a network namespace made by "ip netns add" (ss -N)
  --source NAME        live source: auto (default: netlink when the native addon is
                       built, else proc), proc, netlink
  --record FILE        save the raw netlink reply (the format of "ss -D FILE")
  --replay FILE        read a saved netlink reply instead of the kernel
`,
  /** Where explain and diagram count. */
  counts: `  --proc-root DIR    count from a captured /proc tree (also TCPSTATE_PROC_ROOT)
  -N, --netns NAME   count in a network namespace
  --source NAME      live source: auto (default), proc, netlink
`,
  completion: `Usage: tcpstate completion SHELL

Print the completion script for SHELL (bash, zsh or fish): commands, their options,
state names after "state" and "exclude", files.

  -h, --help

Examples:
  source <(tcpstate completion bash)         # in ~/.bashrc
  tcpstate completion bash > /etc/bash_completion.d/tcpstate
  tcpstate completion zsh > "\${fpath[1]}/_tcpstate"
  tcpstate completion fish > ~/.config/fish/completions/tcpstate.fish
`,
  explain: (counts: string) => `Usage: tcpstate explain [STATE] [OPTIONS]

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
${counts}  -h, --help

Examples:
  tcpstate explain CLOSE_WAIT
  tcpstate explain time-wait --lang zh
  tcpstate explain --all --lang zh
  tcpstate explain --columns
`,
  diff: (socket: string) => `Usage: tcpstate diff [OPTIONS] BEFORE [AFTER] [FILTER...]

Compare two snapshots of one host: sockets per state before and after, and, when both
are full listings (not awk summaries), the sockets that changed state, appeared or
disappeared. A socket is known by protocol, local and remote address.

BEFORE and AFTER are captures (any format tcpstate count reads; - for stdin), or
@TIME: the sample "tcpstate record" kept at TIME (as history --at takes it:
@10:05, @1h, @2026-12-05T10:05:00Z, @1733392800), from the history file.
  --db PATH            the history file @TIME reads (default: record's)
  --live               the live table of this machine (or of --netns NAME) is AFTER
  --host NAME          the snapshot of NAME, when a capture holds several hosts
  --top N              list at most N sockets of each kind (changed, appeared, disappeared)
  --json               one JSON document (schema tcpstate.diff/1)
Exit status, as diff(1): 0 the sides are the same, 1 they differ, 2 usage error.
  --input-format NAME  force the captures' format
${socket}
Examples:
  tcpstate ls -a --json > before.json; sleep 60; tcpstate diff before.json --live
  tcpstate diff web1-0900.txt web1-0905.txt state close-wait
  ssh web1 ss -tan | tcpstate diff web1-0900.txt -
  tcpstate diff @10:00 @10:05
`,
  diagram: (counts: string) => `Usage: tcpstate diagram [OPTIONS]

The classic TCP figures, drawn from the state machine's table:
  states              the state transition diagram (RFC 9293 Figure 5, Stevens' layout):
                      every state, every edge labelled "rcv X / snd Y", the client's
                      usual path thick solid, the server's thick dashed
  handshake           three-way handshake and four-way close, both ends' states
  simultaneous-close  crossed FINs, CLOSING on both sides
  (any "tcpstate simulate" scenario name draws that run)

  --figure NAME       states (default), handshake, simultaneous-close, or a scenario
  --format FMT        svg, dot (Graphviz; states only), mermaid, or text (default; with
                      -o FILE the file's extension decides: .svg .dot .gv .mmd .txt)
  --counts            write this machine's count on each state and shade by amount
  --lang LANG         en or zh: the states figure's title, legend and captions
                      (default from TCPSTATE_LANG, LC_ALL, LC_MESSAGES, LANG)
${counts}  -o, --output FILE   write to FILE instead of standard output
  -h, --help

Examples:
  tcpstate diagram --format svg --counts -o states.svg
  tcpstate diagram --figure handshake --format svg -o handshake.svg
  tcpstate diagram --format dot | dot -Tpng -o states.png
`,
};

const ZH: typeof EN = {
  socket: `选择（netstat / ss 的选项）:
  -t, --tcp            TCP 套接字（默认）
  -u, --udp            UDP 套接字（与 -t 一起：两者都要）
  -l, --listening      只看监听套接字
  -a, --all            所有套接字，包括监听的
  -4, -6               只看 IPv4 或 IPv6
  -n, --numeric        为 netstat 的习惯而接受；输出总是数字形式
过滤条件（含义与 ss(8) 相同），写在选项之后:
  state 状态|分组      状态：established syn-sent syn-recv fin-wait-1 fin-wait-2
                       time-wait closed close-wait last-ack listening closing（任何
                       写法都行：TIME_WAIT、TIME-WAIT、06）；分组：all connected
                       synchronized bucket big
  exclude 状态|分组    排除这些
  sport|dport 比较符 :端口  比较符为 = != < <= > >=（eq ne lt le gt ge）
  src|dst [=|!=] 地址  地址：10.0.0.0/8、10.1/16、[::1]、[2001:db8::]/32、10.0.0.1:80、*
  and or not ( )       也可写 & | !；并列的条件表示 "and"
从哪里读取:
  --proc-root DIR      抓取下来的 /proc 目录树（也可用 TCPSTATE_PROC_ROOT）
  -N, --netns NAME     用 "ip netns add" 创建的网络命名空间（ss -N）
  --source NAME        实时数据源：auto（默认：原生扩展已编译时用 netlink，
                       否则用 proc）、proc、netlink
  --record FILE        保存原始的 netlink 应答（"ss -D FILE" 的格式）
  --replay FILE        读取保存的 netlink 应答，而不是读内核
`,
  counts: `  --proc-root DIR    从抓取下来的 /proc 目录树统计（也可用 TCPSTATE_PROC_ROOT）
  -N, --netns NAME   在某个网络命名空间中统计
  --source NAME      实时数据源：auto（默认）、proc、netlink
`,
  completion: `用法: tcpstate completion SHELL

输出 SHELL（bash、zsh 或 fish）的补全脚本：命令、各命令的选项、"state" 和
"exclude" 之后的状态名、文件。

  -h, --help

示例:
  source <(tcpstate completion bash)         # 写在 ~/.bashrc 里
  tcpstate completion bash > /etc/bash_completion.d/tcpstate
  tcpstate completion zsh > "\${fpath[1]}/_tcpstate"
  tcpstate completion fish > ~/.config/fish/completions/tcpstate.fish
`,
  explain: (counts) => `用法: tcpstate explain [状态] [选项]

一个 TCP 状态的含义：哪一端处于该状态、它在等什么，在 Linux 上持续多久、由哪个定时器
或 sysctl 决定，多少算正常、多少值得担心，下一步查什么，以及进出该状态的转换（RFC 9293
的规则行）。不给状态时：每个状态一行，附本机的数量。

  状态               任何写法：CLOSE_WAIT、close-wait、CLOSE-WAIT、08、SYN_RCVD
  --all              完整显示每个状态（附数量）
  --columns          netstat -n 和 tcpstate ls 的各列，以及 man netstat 没写的内容
  --lang LANG        en 或 zh；默认取自 LC_ALL、LC_MESSAGES、LANG（zh* 即 zh）
  --no-count         不读取套接字表
${counts}  -h, --help

示例:
  tcpstate explain CLOSE_WAIT
  tcpstate explain time-wait --lang zh
  tcpstate explain --all --lang zh
  tcpstate explain --columns
`,
  diff: (socket) => `用法: tcpstate diff [选项] 之前 [之后] [过滤条件...]

比较同一台主机的两个快照：之前和之后每个状态的套接字数量；两边都是完整的连接列表
（不是 awk 汇总）时，还列出状态改变、新出现和消失的套接字。套接字由协议、本地地址和
远端地址识别。

之前和之后是抓取的文本（tcpstate count 能读的任何格式；- 表示标准输入），或
@时间："tcpstate record" 在该时间记录的样本（写法与 history --at 相同：
@10:05、@1h、@2026-12-05T10:05:00Z、@1733392800），取自历史文件。
  --db PATH            @时间 读取的历史文件（默认：record 的）
  --live               以本机（或 --netns NAME）的实时套接字表作为 "之后"
  --host NAME          抓取的文本里有多台主机时，取 NAME 的快照
  --top N              每类（状态改变、新出现、消失）最多列出 N 个套接字
  --json               输出一个 JSON 文档（schema tcpstate.diff/1）
退出码与 diff(1) 相同：0 两边相同，1 有差异，2 用法错误。
  --input-format NAME  指定抓取文本的格式
${socket}
示例:
  tcpstate ls -a --json > before.json; sleep 60; tcpstate diff before.json --live
  tcpstate diff web1-0900.txt web1-0905.txt state close-wait
  ssh web1 ss -tan | tcpstate diff web1-0900.txt -
  tcpstate diff @10:00 @10:05
`,
  diagram: (counts) => `用法: tcpstate diagram [选项]

经典的 TCP 图，由状态机的规则表画出:
  states              状态转换图（RFC 9293 图 5，Stevens 的布局）：每个状态、每条
                      标有 "rcv X / snd Y" 的边，客户端的常见路径用粗实线，
                      服务端的用粗虚线
  handshake           三次握手和四次挥手，两端的状态
  simultaneous-close  FIN 交叉，两端都进入 CLOSING
  （任何 "tcpstate simulate" 场景名都会画出该场景的过程）

  --figure NAME       states（默认）、handshake、simultaneous-close 或一个场景名
  --format FMT        svg、dot（Graphviz；仅 states）、mermaid 或 text（默认；给出
                      -o FILE 时由文件扩展名决定：.svg .dot .gv .mmd .txt）
  --counts            在每个状态上写出本机的数量，并按数量深浅着色
  --lang LANG         en 或 zh：状态图的标题、图例和说明文字
                      （默认取自 TCPSTATE_LANG、LC_ALL、LC_MESSAGES、LANG）
${counts}  -o, --output FILE   写到 FILE 而不是标准输出
  -h, --help

示例:
  tcpstate diagram --format svg --counts -o states.svg
  tcpstate diagram --figure handshake --format svg -o handshake.svg
  tcpstate diagram --format dot | dot -Tpng -o states.png
`,
};

export type HelpMessages = typeof EN;

export const CATALOGUE: Catalogue<HelpMessages> = catalogue(EN, ZH);
