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
  -n, --numeric        accepted for netstat habits; output is numeric (ls -r: names)
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
  --json               one JSON document (schema tcpstate.diff/2)
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
  /** Basic auth and TLS toward agents and Prometheus: count --hosts URL, fleet. */
  http: `  --user USER[:PASS]   basic auth (the password from TCPSTATE_PASSWORD when
                       not given here; user info in the URL works too)
  --ca-file FILE       trust this CA (PEM) for https://
  --cert-file FILE, --key-file FILE   client certificate (mutual TLS)
  --insecure           do not verify the server's certificate
  --timeout DUR        per request (default 30s for Prometheus, 5s per agent)
`,
  ls: (socket: string) => `Usage: tcpstate ls [OPTIONS] [FILE...] [FILTER...]

List sockets with netstat's columns: Proto, Recv-Q, Send-Q, Local Address,
Foreign Address, State. Like "netstat -n", listening sockets are left out unless
-a or -l (or a state filter) asks for them.

Columns:
  -p, --program        PID/Program name (root sees every process)
  -o, --timers         Timer, as netstat: timewait (59.93/0/0) = kind (seconds left/retransmits/probes)
  -e, --extend         User and Inode
  -i, --info           TCP internals as ss -i: rto, rtt/rttvar, mss, cwnd, ssthresh,
                       bytes acked/received, retransmits, delivery rate (netlink only)
  -m, --memory         socket memory as ss -m: skmem:(r,rb,t,tb,f,w,o,bl,d) (netlink only)
  -H, --no-header      no header line
  -r, --resolve        names, as ss -r: hosts from /etc/hosts, then DNS (1 s a
                       lookup, 3 s in all; an address not named in time stays a
                       number), services from /etc/services
Output:
  --sort FIELD         order by state, recv-q, send-q (largest first), laddr, lport,
                       raddr, rport or process
  --top N              only the first N sockets (after --sort)
  --json               one JSON document (schema: docs/json.md)
  --csv                CSV with a header line
  --color=WHEN         auto (default: on a terminal, unless NO_COLOR is set),
                       always or never; CLOSE_WAIT red, brief states and bytes
                       waiting in a queue yellow
Captured text (FILE, or - for stdin): full listings from netstat, ss,
busybox netstat, cat /proc/net/tcp*, tcpstate ls --json, macOS/BSD netstat -an,
Windows netstat -ano (detected; --input-format NAME forces one). Several hosts
are listed one after another under "==> host <==" lines.
${socket}
Examples:
  tcpstate ls -tanp
  tcpstate ls -a web1-ss.txt state close-wait
  tcpstate ls state time-wait '( dport = :443 or dport = :80 )'
  tcpstate ls -o exclude listening src 10.0.0.0/8
  tcpstate ls --sort recv-q --top 10
`,
  fleet: (http: string) => `Usage: tcpstate fleet --prometheus URL [OPTIONS]

The fleet table from Prometheus: a row per host, a column per state (zeros
included), the total; role subtotals with --group or --group-label (a target
label). Each host is the sum of tcpstate_sockets over its agents' namespaces
and families, as scraped from "tcpstate serve". A host whose agent is not
answering is a row that says so (listed for --lookback after it stopped).

  --prometheus URL     Prometheus's base URL (http:// or https://)
  --host-label L       the label naming a host (default instance)
  --group-label L      a target label naming the host's role, e.g. role
  --group NAME=GLOBS   role groups by host name, as count --hosts (repeatable;
                       these win over --group-label)
  --at TIME            the table at a moment: RFC 3339, Unix seconds, or 1h (ago)
  --since DUR          the change per host over DUR before --at (e.g. 1h)
  --by lport|rport     one state's sockets per host and port (with --state):
                       lport by listening port, rport by remote port
  --state STATE        the state for --by, e.g. close-wait
  --top N              with --by: port columns (10; the rest as "other")
  --lookback DUR       how long a stopped agent stays listed as down (1h)
  --recorded           read the recording rule host:tcpstate_sockets:sum of
                       contrib/prometheus/tcpstate.rules.yml (much faster at
                       1,000s of hosts; labels host and role)
  --json               the tcpstate.fleet/1 document (as count --hosts --json)
  --csv                the table as CSV
  --format FMT         table (default), json, csv
  --lang en|zh         messages in English or Chinese (else TCPSTATE_LANG, the locale)
${http}
Examples:
  tcpstate fleet --prometheus http://prom:9090 --host-label host --group-label role
  tcpstate fleet --prometheus http://prom:9090 --since 1h --json
`,
  count: (http: string, socket: string) => `Usage: tcpstate count [OPTIONS] [FILE...] [FILTER...]

Count sockets by state: every state in a fixed order, zeros included, then the total.
All TCP sockets are counted (like "ss -tan"), listening ones too.

  --by KEY             a state-by-group table; KEY: lport rport laddr raddr process
                       lnet/N[,N6] rnet/N[,N6] (rnet: IPv4 /24, IPv6 /64;
                       rnet/16 = /16 and /64; rnet/24,48 names both)
  --top N              with --by: the N largest groups, the rest summed as "other" (10)
  --format FMT         table (default), json, csv, or awk: exactly what the one-liner
                       netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'
                       prints ("STATE N", non-zero states); like netstat -n it leaves
                       listening sockets out unless -a, -l or a state filter says otherwise
  --json               same as --format json
  --csv                same as --format csv: the table as CSV (RFC 4180) with a
                       header row; with --by or --hosts a column per state
  --color=WHEN         auto (default: on a terminal, unless NO_COLOR is set),
                       always or never; CLOSE_WAIT red, brief states and bytes
                       waiting in a queue yellow
Captured text (FILE, or - for stdin): output of netstat, ss, busybox netstat,
cat /proc/net/tcp*, the awk one-liner, tcpstate --json, macOS/BSD netstat -an,
Windows netstat -ano; the format is detected (--input-format NAME forces one).
Each file is a host, named after the file, or after the shell prompts or
"==> host <==" headers inside it.
  --hosts              the fleet table: a row per host, a column per state
  --group NAME=GLOBS   role groups with subtotals, e.g. --group lvs='LVS*,lvs_*'
                       (repeatable; a host joins the first group that matches)
  --input-format NAME  netstat busybox ss proc awk json bsd windows
Agents (tcpstate serve) instead of captures: --hosts http://web1:9977 ... reads
each agent's /api/v1/counts, all at once; one that does not answer within
--timeout (5s) is a row saying so.
${http}${socket}
Examples:
  tcpstate count
  tcpstate count --by lport state close-wait
  tcpstate count --by rnet/24 --top 5 state time-wait
  tcpstate count --format awk
  tcpstate count --hosts --group lvs='LVS*,lvs_*' --group web='web*' tickets/*.txt
  tcpstate count --hosts http://web1:9977 http://web2:9977 http://db1:9977
  ssh db1 ss -tan | tcpstate count -
`,
};

const ZH: typeof EN = {
  socket: `选择（netstat / ss 的选项）:
  -t, --tcp            TCP 套接字（默认）
  -u, --udp            UDP 套接字（与 -t 一起：两者都要）
  -l, --listening      只看监听套接字
  -a, --all            所有套接字，包括监听的
  -4, -6               只看 IPv4 或 IPv6
  -n, --numeric        为 netstat 的习惯而接受；输出为数字形式（ls -r：名字）
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
  --json               输出一个 JSON 文档（schema tcpstate.diff/2）
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
  http: `  --user USER[:PASS]   basic auth 认证（此处不给密码时取 TCPSTATE_PASSWORD；
                       也可以把用户信息写在 URL 里）
  --ca-file FILE       信任此 CA（PEM）用于 https://
  --cert-file FILE, --key-file FILE   客户端证书（双向 TLS）
  --insecure           不验证服务器的证书
  --timeout DUR        每个请求的超时（默认：Prometheus 30s，每个 agent 5s）
`,
  ls: (socket) => `用法: tcpstate ls [选项] [文件...] [过滤条件...]

用 netstat 的列列出套接字：Proto、Recv-Q、Send-Q、Local Address、Foreign Address、
State。与 "netstat -n" 相同，除非用 -a 或 -l（或状态过滤条件）要求，否则不列出
监听套接字。

列:
  -p, --program        PID/Program name（root 能看到所有进程）
  -o, --timers         Timer，与 netstat 相同：timewait (59.93/0/0) = 类型（剩余秒数/重传次数/探测次数）
  -e, --extend         User 和 Inode
  -i, --info           与 ss -i 相同的 TCP 内部信息：rto、rtt/rttvar、mss、cwnd、ssthresh、
                       已确认/已接收字节数、重传、发送速率（仅 netlink）
  -m, --memory         与 ss -m 相同的套接字内存：skmem:(r,rb,t,tb,f,w,o,bl,d)（仅 netlink）
  -H, --no-header      不输出表头
  -r, --resolve        解析名字，同 ss -r：主机名先查 /etc/hosts 再查 DNS（每次
                       查询 1 秒，总共 3 秒；到时未解析的地址保留数字），服务名
                       查 /etc/services
输出:
  --sort FIELD         排序字段：state、recv-q、send-q（大的在前）、laddr、lport、
                       raddr、rport 或 process
  --top N              只输出前 N 个套接字（在 --sort 之后）
  --json               输出一个 JSON 文档（schema 见 docs/json.md）
  --csv                带表头的 CSV
  --color=WHEN         auto（默认：输出到终端且未设置 NO_COLOR 时着色）、
                       always 或 never；CLOSE_WAIT 红色，短暂状态和队列中
                       有积压字节时黄色
抓取的文本（文件，或 - 表示标准输入）：netstat、ss、busybox netstat、
cat /proc/net/tcp*、tcpstate ls --json、macOS/BSD netstat -an、Windows netstat -ano
的完整列表（自动识别；--input-format NAME 指定格式）。多台主机依次列出，
每台前面有一行 "==> host <=="。
${socket}
示例:
  tcpstate ls -tanp
  tcpstate ls -a web1-ss.txt state close-wait
  tcpstate ls state time-wait '( dport = :443 or dport = :80 )'
  tcpstate ls -o exclude listening src 10.0.0.0/8
  tcpstate ls --sort recv-q --top 10
`,
  fleet: (http) => `用法: tcpstate fleet --prometheus URL [选项]

从 Prometheus 读出的集群总表：每台主机一行，每个状态一列（包括 0），最后是合计；
用 --group-label 或 --group 按角色分组并给出小计。每台主机的数字是它的 agent
（"tcpstate serve"）被抓取到的 tcpstate_sockets 在各网络命名空间和地址族上的总和。
agent 没有应答的主机也占一行并注明；停止后在 --lookback 时间内仍会列出。

  --prometheus URL     Prometheus 的基础 URL（http:// 或 https://）
  --host-label L       表示主机名的标签（默认 instance）
  --group-label L      表示主机角色的抓取目标标签，例如 role
  --group NAME=GLOBS   按主机名分角色组，与 count --hosts 相同（可重复；
                       优先于 --group-label）
  --at TIME            某一时刻的表：RFC 3339、Unix 秒数，或 1h（多久以前）
  --since DUR          每台主机在 --at 之前 DUR 时间内的变化（例如 1h）
  --by lport|rport     某个状态的套接字按主机和端口分列（需配合 --state）：
                       lport 按监听端口，rport 按远端端口
  --state STATE        --by 所统计的状态，例如 close-wait
  --top N              与 --by 一起用：端口列数（默认 10，其余合并为 "other"）
  --lookback DUR       停止的 agent 作为"已停止"继续列出的时长（默认 1h）
  --recorded           读取 contrib/prometheus/tcpstate.rules.yml 中的记录规则
                       host:tcpstate_sockets:sum（上千台主机时快得多；
                       标签为 host 和 role）
  --json               输出 tcpstate.fleet/1 文档（与 count --hosts --json 相同）
  --csv                以 CSV 输出表格
  --format FMT         table（默认）、json、csv
  --lang en|zh         消息用英文或中文（否则取 TCPSTATE_LANG、系统语言环境）
${http}
示例:
  tcpstate fleet --prometheus http://prom:9090 --host-label host --group-label role
  tcpstate fleet --prometheus http://prom:9090 --since 1h --json
`,
  count: (http, socket) => `用法: tcpstate count [选项] [文件...] [过滤条件...]

按状态统计套接字：所有状态按固定顺序列出，包括为 0 的，最后是合计。
统计所有 TCP 套接字（与 "ss -tan" 相同），包括监听的。

  --by KEY             按状态和分组的表；KEY：lport rport laddr raddr process
                       lnet/N[,N6] rnet/N[,N6]（rnet：IPv4 /24，IPv6 /64；
                       rnet/16 = /16 和 /64；rnet/24,48 分别指定两者）
  --top N              与 --by 一起：最大的 N 个分组，其余合并为 "其他"（默认 10）
  --format FMT         table（默认）、json、csv，或 awk：输出与下面这行命令完全相同
                       netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'
                       （"STATE N"，只列非 0 的状态）；与 netstat -n 相同，除非用 -a、-l
                       或状态过滤条件要求，否则不统计监听套接字
  --json               等同于 --format json
  --csv                等同于 --format csv：带表头行的 CSV（RFC 4180）；
                       与 --by 或 --hosts 一起时每个状态一列
  --color=WHEN         auto（默认：输出到终端且未设置 NO_COLOR 时着色）、
                       always 或 never；CLOSE_WAIT 红色，短暂状态和队列中
                       有积压字节时黄色
抓取的文本（文件，或 - 表示标准输入）：netstat、ss、busybox netstat、
cat /proc/net/tcp*、上面的 awk 命令、tcpstate --json、macOS/BSD netstat -an、
Windows netstat -ano 的输出；自动识别格式（--input-format NAME 指定格式）。
每个文件是一台主机，以文件名命名，或以文件中的 shell 提示符或 "==> host <==" 行命名。
  --hosts              集群表：每台主机一行，每个状态一列
  --group NAME=GLOBS   按角色分组并小计，例如 --group lvs='LVS*,lvs_*'
                       （可重复；主机归入第一个匹配的分组）
  --input-format NAME  netstat busybox ss proc awk json bsd windows
用 agent（tcpstate serve）代替抓取的文本：--hosts http://web1:9977 ... 同时读取
每个 agent 的 /api/v1/counts；在 --timeout（5s）内没有应答的 agent 占一行并说明。
${http}${socket}
示例:
  tcpstate count
  tcpstate count --by lport state close-wait
  tcpstate count --by rnet/24 --top 5 state time-wait
  tcpstate count --format awk
  tcpstate count --hosts --group lvs='LVS*,lvs_*' --group web='web*' tickets/*.txt
  tcpstate count --hosts http://web1:9977 http://web2:9977 http://db1:9977
  ssh db1 ss -tan | tcpstate count -
`,
};

export type HelpMessages = typeof EN;

export const CATALOGUE: Catalogue<HelpMessages> = catalogue(EN, ZH);
