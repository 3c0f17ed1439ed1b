/**
 * Every human text of `tcpstate trace`: help, the column headings of transitions,
 * `--lifetimes` and `--count`, the notes on stderr (snapshots instead of BPF, TIME_WAIT
 * followed by dumps), usage errors and warnings. States, history letters, errno names and
 * the JSON objects stay as written.
 * @module
 */
import { type Catalogue, catalogue, sayer } from './catalogue.js';

const EN = {
  help: `Usage: tcpstate trace [FILTER] [OPTIONS]

Every TCP state change as it happens: one line per transition with the process that owns
the socket (or last owned it, after close(); a connection not yet accepted: the
listener's owner), not whoever was on the CPU, and the milliseconds spent in the old
state (- when the socket entered it before the trace began). Reads the kernel by BPF (root
and kernel BTF; where it cannot, by sock_diag snapshots, and says so);
no clang, libbpf, bpftrace or Python. Ctrl-C stops it.

  FILTER             ss's filter language: state X keeps changes into or out of X;
                     sport/dport, src/dst as ss (e.g. "dport = :443")
  --netns NAME       only the network namespace NAME (ip netns); default: all of them
  -4, -6             only IPv4, only IPv6
  --duration S       stop after S seconds
  --buffer-kb N      the kernel ring buffer's size in KiB, a power of 2 from 4 to
                     1048576 (default 8192; four times as much may wait for the
                     output); changes the output cannot keep up with are lost once it
                     is full, and counted: a warning and exit status 1
  --json             one JSON object per line: {time, netns, pid, program, family,
                     local: {address, port}, remote: {address, port}, from, to, ms, socket}
  --no-header        text without the header line
  --lifetimes        one line per finished connection instead, as tcplife prints: its
                     owner, data bytes sent (acknowledged by the peer) and received (in
                     order) from the kernel's counters at close, milliseconds from its
                     first change to CLOSE or TIME_WAIT, the whole path of states (and
                     the error at the end, e.g. [ECONNRESET]), and the Zeek-style history
                     letters the state changes prove (upper case: the side that called
                     connect()): S SYN, h SYN-ACK, D/d data, F/f FIN, R/r the peer's RST.
                     Never shown, as they need packets: A, our own RST, T, W, G, C, I, Q,
                     ^ (docs/trace.md). A connection begun before the trace has no
                     milliseconds or history (-); one still open at the end is not printed.
                     --json: one tcpstate.lifetime/1 object per line
  --count            count changes per (old, new) state pair in the kernel, no event
                     printed: a table with rates at the end (and every --interval S, the
                     changes of that interval); for rates too high to print. State
                     filters apply; port and address filters need events
  --poll             follow changes by sock_diag snapshots instead of BPF (what trace
                     does by itself where BPF cannot run: not root, no kernel BTF); a
                     socket that opens and closes between two snapshots is not seen
  --interval S       seconds between those snapshots (default 0.5)
  --lang LANG        en or zh: headings, notes and messages (default: TCPSTATE_LANG,
                     the locale); JSON stays English
  -h, --help

Examples:
  tcpstate trace
  tcpstate trace --netns blue --json
  tcpstate trace state close-wait
  tcpstate trace dport = :5432 --duration 60
  tcpstate trace --lifetimes --netns blue
`,
  /** Transitions: TIME PID PROGRAM LOCAL REMOTE OLD NEW MS. */
  columns: ['TIME', 'PID', 'PROGRAM', 'LOCAL', 'REMOTE', 'OLD', 'NEW', 'MS'],
  /** Lifetimes: TIME PID PROGRAM LOCAL REMOTE SENT RECEIVED MS HISTORY PATH. */
  lifetimeColumns: ['TIME', 'PID', 'PROGRAM', 'LOCAL', 'REMOTE', 'SENT', 'RECEIVED', 'MS', 'HISTORY', 'PATH'],
  /** --count: FROM TO COUNT PER_S. */
  countColumns: ['FROM', 'TO', 'COUNT', 'PER_S'],
  countSeconds: (seconds: string) => `(${seconds} s)`,
  duration: (got: string) => `--duration takes seconds (a positive number up to a year), got "${got}"`,
  bufferKb: (got: string) => `--buffer-kb takes a power of 2 from 4 to 1048576, got "${got}"`,
  bothFamilies: '-4 and -6 together select nothing; give one or neither',
  countFilter: '--count counts in the kernel per namespace and family: a state filter applies, but port and address filters need events (drop --count)',
  countPoll: '--count counts in the kernel and cannot be combined with --poll',
  lifetimesWith: (option: string) => `--lifetimes reads each connection's byte counters in the kernel at its close and cannot be combined with ${option}`,
  interval: (got: string) => `--interval takes seconds from 0.05 to 3600, got "${got}"`,
  noAddon: (why: string) => `the native addon is not loaded: ${why}`,
  countNeedsBpf: (why: string) => `--count counts in the kernel and needs BPF: ${why}`,
  lifetimesNeedBpf: (why: string) => `--lifetimes reads byte counters in the kernel and needs BPF: ${why}`,
  polling: (why: string, ms: number) =>
    `note: ${why}; following state changes by sock_diag snapshots every ${ms} ms instead (marked ~): a socket that opens and closes between two snapshots is not seen, and each change is timed by the snapshot that saw it.`,
  timewaitDumps: (missing: string, thisNamespace: boolean, fast: number, slow: number) =>
    `note: the kernel did not attach the timewait hooks (${missing}); TIME_WAIT is followed by sock_diag dumps of ${thisNamespace ? 'this namespace' : 'the namespace'} instead, so entering TIME_WAIT from FIN_WAIT2 and leaving it are timed to within ${fast} ms and ${slow} ms (marked ~)${thisNamespace ? '; in other namespaces a FIN_WAIT2 -> CLOSE may be a connection going on in TIME_WAIT' : ''}.`,
  lost: (n: number) => `${n} state changes lost: the kernel's ring buffer was full (the output could not keep up)`,
  forgottenSockets: (n: number) => `${n} sockets forgotten to keep memory bounded (their changes to CLOSE were lost); their next change has no duration`,
  forgottenConnections: (n: number) => `${n} connections forgotten to keep memory bounded (their ends were lost); not printed`,
};

const ZH: typeof EN = {
  help: `用法: tcpstate trace [过滤条件] [选项]

实时显示每一次 TCP 状态变化：每次变化一行，附上拥有该套接字的进程（close() 之后是
最后拥有它的进程；尚未 accept 的连接是监听套接字的进程），而不是当时正在 CPU 上运行
的进程；以及在原状态停留的毫秒数（套接字在跟踪开始前进入该状态时为 -）。通过 BPF
读取内核（需要 root 和内核 BTF；不满足时改用 sock_diag 快照，并会说明）；
不需要 clang、libbpf、bpftrace 或 Python。按 Ctrl-C 停止。

  过滤条件           ss 的过滤语法：state X 保留进入或离开 X 的变化；
                     sport/dport、src/dst 与 ss 相同（例如 "dport = :443"）
  --netns NAME       只看网络命名空间 NAME（ip netns）；默认：所有命名空间
  -4, -6             只看 IPv4，只看 IPv6
  --duration S       S 秒后停止
  --buffer-kb N      内核环形缓冲区的大小（KiB），4 到 1048576 之间的 2 的幂
                     （默认 8192；还可有四倍于此的数据等待输出）；缓冲区满后，
                     输出跟不上的变化会丢失并被计数：给出警告，退出码为 1
  --json             每行一个 JSON 对象：{time, netns, pid, program, family,
                     local: {address, port}, remote: {address, port}, from, to, ms, socket}
  --no-header        文本输出不带表头
  --lifetimes        改为每个结束的连接一行，与 tcplife 相同：所属进程、关闭时内核
                     计数的发送字节数（已被对端确认）和接收字节数（按序到达）、从第一次
                     状态变化到 CLOSE 或 TIME_WAIT 的毫秒数、完整的状态路径（以及结束时
                     的错误，例如 [ECONNRESET]），以及状态变化能证明的 Zeek 风格 history
                     字母（大写：调用 connect() 的一端）：S SYN、h SYN-ACK、D/d 数据、
                     F/f FIN、R/r 对端的 RST。需要报文才能得出的字母不会出现：A、我方的
                     RST、T、W、G、C、I、Q、^（见 docs/trace.md）。跟踪开始前建立的连接
                     没有毫秒数和 history（-）；结束时仍未关闭的连接不输出。
                     --json：每行一个 tcpstate.lifetime/1 对象
  --count            在内核中按（原状态，新状态）对统计变化次数，不输出单个事件：结束时
                     输出带速率的表（加 --interval S 时每隔 S 秒输出该时间段的变化）；
                     用于变化太多、无法逐条输出的场合。可以按状态过滤；端口和地址过滤
                     需要逐个事件
  --poll             用 sock_diag 快照代替 BPF 跟踪变化（BPF 无法运行时 trace 会自动
                     这样做：非 root、没有内核 BTF）；在两次快照之间打开又关闭的
                     套接字看不到
  --interval S       两次快照之间的秒数（默认 0.5）
  --lang LANG        en 或 zh：表头、提示和消息的语言（默认取自 TCPSTATE_LANG
                     或 locale）；JSON 始终是英文
  -h, --help

示例:
  tcpstate trace
  tcpstate trace --netns blue --json
  tcpstate trace state close-wait
  tcpstate trace dport = :5432 --duration 60
  tcpstate trace --lifetimes --netns blue
`,
  columns: ['时间', 'PID', '进程', '本地地址', '对端地址', '原状态', '新状态', '毫秒'],
  lifetimeColumns: ['时间', 'PID', '进程', '本地地址', '对端地址', '发送字节', '接收字节', '毫秒', 'HISTORY', '状态路径'],
  countColumns: ['原状态', '新状态', '次数', '每秒'],
  countSeconds: (seconds) => `（${seconds} 秒）`,
  duration: (got) => `--duration 的值是秒数（不超过一年的正数），收到的是 "${got}"`,
  bufferKb: (got) => `--buffer-kb 的值是 4 到 1048576 之间的 2 的幂，收到的是 "${got}"`,
  bothFamilies: '-4 和 -6 同时给出什么也选不到；只给一个，或都不给',
  countFilter: '--count 在内核中按命名空间和地址族计数：可以按状态过滤，但端口和地址过滤需要逐个事件（去掉 --count）',
  countPoll: '--count 在内核中计数，不能与 --poll 同时使用',
  lifetimesWith: (option) => `--lifetimes 在每个连接关闭时读取内核中的字节计数，不能与 ${option} 同时使用`,
  interval: (got) => `--interval 的值是 0.05 到 3600 之间的秒数，收到的是 "${got}"`,
  noAddon: (why) => `原生扩展没有加载：${why}`,
  countNeedsBpf: (why) => `--count 在内核中计数，需要 BPF：${why}`,
  lifetimesNeedBpf: (why) => `--lifetimes 读取内核中的字节计数，需要 BPF：${why}`,
  polling: (why, ms) => `提示：${why}；改为每 ${ms} 毫秒用 sock_diag 快照跟踪状态变化（标记为 ~）：在两次快照之间打开又关闭的套接字看不到，每次变化的时间是看到它的那次快照的时间。`,
  timewaitDumps: (missing, thisNamespace, fast, slow) =>
    `提示：内核没有挂上 timewait 钩子（${missing}）；改用 sock_diag 转储${thisNamespace ? '本' : '该'}命名空间来跟踪 TIME_WAIT，因此从 FIN_WAIT2 进入 TIME_WAIT 和离开 TIME_WAIT 的时间分别精确到 ${fast} 毫秒和 ${slow} 毫秒以内（标记为 ~）${thisNamespace ? '；在其他命名空间中，FIN_WAIT2 -> CLOSE 可能是连接进入了 TIME_WAIT' : ''}。`,
  lost: (n) => `丢失了 ${n} 次状态变化：内核的环形缓冲区满了（输出跟不上）`,
  forgottenSockets: (n) => `为限制内存而放弃跟踪了 ${n} 个套接字（它们变为 CLOSE 的记录丢失了）；它们的下一次变化没有停留时长`,
  forgottenConnections: (n) => `为限制内存而放弃跟踪了 ${n} 个连接（它们的结束丢失了）；不输出`,
};

export type TraceMessages = typeof EN;

export const CATALOGUE: Catalogue<TraceMessages> = catalogue(EN, ZH);

/** A message of this domain. */
export const say = sayer('trace', CATALOGUE);
