/**
 * What every column of `netstat -n` / `tcpstate ls` means, for an operator, in English and
 * Chinese, beside what `man netstat` says of it: read by `tcpstate explain --columns` and
 * docs/states.md. Not the state machine's (src/fsm/explain-data.ts holds the states' texts).
 * @module
 */
import type { Text } from '../fsm/explain-data.js';

export interface ColumnExplanation {
  /** The heading netstat and tcpstate ls print. */
  readonly name: string;
  /** Which flag shows it (empty for the default columns). */
  readonly flag: string;
  /** What `man netstat` says, verbatim (absent when the man page says nothing). */
  readonly man?: string;
  readonly means: Text;
  /** What the man page leaves out. */
  readonly beyond: Text;
}

export const COLUMN_TEXTS: readonly ColumnExplanation[] = [
  {
    name: 'Proto',
    flag: '',
    man: 'The protocol (tcp, udp, udpl, raw) used by the socket.',
    means: { en: 'The protocol: tcp, or tcp6 for an IPv6 socket (udp, udp6 with -u).', zh: '协议：tcp，IPv6 套接字为 tcp6（加 -u 时还有 udp、udp6）。' },
    beyond: {
      en: 'A tcp6 socket may also carry IPv4 connections (addresses like ::ffff:10.0.0.1) unless it is IPV6_V6ONLY.',
      zh: 'tcp6 套接字也可能承载 IPv4 连接（地址形如 ::ffff:10.0.0.1），除非设置了 IPV6_V6ONLY。',
    },
  },
  {
    name: 'Recv-Q',
    flag: '',
    man: 'Established: The count of bytes not copied by the user program connected to this socket. Listening: Since Kernel 2.6.18 this column contains the current syn backlog.',
    means: {
      en: 'Connected sockets: bytes received and acknowledged but not yet read by the application. LISTEN: the connections waiting in the accept queue for accept() right now.',
      zh: '已连接的套接字：已收到并确认、但应用程序还没有读取的字节数。LISTEN：此刻在全连接队列（accept 队列）里等待 accept() 的连接数。',
    },
    beyond: {
      en: 'For LISTEN the man page calls it the "syn backlog"; it is in fact the accept queue of completed connections — half-open ones are the SYN_RECV rows. A Recv-Q that stays above zero on a connection means the application is not reading; on a listener, that it is not accepting.',
      zh: '对 LISTEN，man 手册称之为 "syn backlog"，实际上是已完成握手的全连接队列——半连接是那些 SYN_RECV 行。连接上的 Recv-Q 持续大于 0，说明应用没有读取数据；监听套接字上持续大于 0，说明应用没有及时 accept()。',
    },
  },
  {
    name: 'Send-Q',
    flag: '',
    man: 'Established: The count of bytes not acknowledged by the remote host. Listening: Since Kernel 2.6.18 this column contains the maximum size of the syn backlog.',
    means: {
      en: "Connected sockets: bytes the application wrote that the peer has not acknowledged yet — sent and in flight, or still waiting to be sent. LISTEN: the backlog, the most connections the accept queue may hold (from ss or tcpstate's netlink source; /proc/net/tcp, which netstat reads, prints 0).",
      zh: '已连接的套接字：应用已写入、但对端还没有确认的字节数——既包括已发出在途的，也包括还在等待发送的。LISTEN：backlog，即全连接队列最多能容纳的连接数（来自 ss 或 tcpstate 的 netlink 数据源；netstat 读取的 /proc/net/tcp 中这里是 0）。',
    },
    beyond: {
      en: "It counts unsent data too, not only data awaiting acknowledgement. A large, lasting Send-Q means the peer reads slowly (its window is full) or the network loses or delays packets. The LISTEN backlog is min(the application's listen() argument, net.core.somaxconn).",
      zh: '它也包括还没发出去的数据，不只是等待确认的数据。Send-Q 长时间很大，说明对端读得慢（窗口已满）或网络丢包、延迟严重。LISTEN 的 backlog 取应用调用 listen() 时的参数和 net.core.somaxconn 中的较小值。',
    },
  },
  {
    name: 'Local Address',
    flag: '',
    man: 'Address and port number of the local end of the socket. Unless the --numeric (-n) option is specified, the socket address is resolved to its canonical host name (FQDN), and the port number is translated into the corresponding service name.',
    means: {
      en: "This machine's address and port. tcpstate always prints numbers, as ss does (IPv6 in brackets). 0.0.0.0:22 or [::]:22 on a listener means every address.",
      zh: '本机的地址和端口。tcpstate 总是以数字显示，格式与 ss 相同（IPv6 加方括号）。监听套接字上的 0.0.0.0:22 或 [::]:22 表示所有地址。',
    },
    beyond: {
      en: 'Without -n netstat resolves every address through DNS, which is slow and can hang; on a server the local port tells which service a connection belongs to.',
      zh: '不加 -n 时 netstat 会对每个地址做 DNS 解析，速度慢还可能卡住；在服务器上，本地端口说明了这个连接属于哪个服务。',
    },
  },
  {
    name: 'Foreign Address',
    flag: '',
    man: 'Address and port number of the remote end of the socket. Analogous to "Local Address".',
    means: {
      en: "The peer's address and port; *:* or 0.0.0.0:* for a listener, which has no peer.",
      zh: '对端的地址和端口；监听套接字没有对端，显示为 *:* 或 0.0.0.0:*。',
    },
    beyond: {
      en: "Behind a load balancer or NAT this is the balancer's address, not the real client's. On a client, the remote port tells which service it talks to; the local port is an ephemeral one from net.ipv4.ip_local_port_range.",
      zh: '在负载均衡或 NAT 之后，这里是负载均衡器的地址而不是真正的客户端。在客户端上，远端端口说明它连的是哪个服务；本地端口则是从 net.ipv4.ip_local_port_range 中分配的临时端口。',
    },
  },
  {
    name: 'State',
    flag: '',
    man: 'The state of the socket. Since there are no states in raw mode and usually no states used in UDP and UDPLite, this column may be left blank.',
    means: {
      en: 'The TCP state: one of the states "tcpstate explain" describes. This is the column the classic one-liner netstat -n | awk \'/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}\' counts.',
      zh: 'TCP 状态，即 "tcpstate explain" 介绍的各个状态之一。经典的单行命令 netstat -n | awk \'/^tcp/ {++S[$NF]} END {for (a in S) print a, S[a]}\' 统计的就是这一列。',
    },
    beyond: {
      en: 'netstat prints CLOSE where its man page and RFC 9293 say CLOSED; half-open connections (request sockets) show as SYN_RECV; an orphaned FIN_WAIT2 held as a timewait socket still shows as FIN_WAIT2. netstat -n hides LISTEN unless -a or -l is given, so the one-liner never counts listeners.',
      zh: 'man 手册和 RFC 9293 写的是 CLOSED，netstat 实际显示 CLOSE；半连接（请求套接字）显示为 SYN_RECV；以 timewait 套接字形式保存的孤儿 FIN_WAIT2 仍然显示为 FIN_WAIT2。netstat -n 不加 -a 或 -l 时不显示 LISTEN，所以那条 awk 命令从来统计不到监听套接字。',
    },
  },
  {
    name: 'User',
    flag: '-e',
    man: 'The username or the user id (UID) of the owner of the socket.',
    means: { en: 'The user id that owns the socket.', zh: '拥有这个套接字的用户 ID。' },
    beyond: {
      en: 'TIME_WAIT and SYN_RECV request sockets have no owner of their own.',
      zh: 'TIME_WAIT 和 SYN_RECV 请求套接字没有自己的属主。',
    },
  },
  {
    name: 'Inode',
    flag: '-e',
    means: { en: "The socket's inode number: the key that links it to a process's file descriptor (/proc/PID/fd).", zh: '套接字的 inode 号：把它和进程的文件描述符（/proc/PID/fd）关联起来的依据。' },
    beyond: {
      en: '0 means no descriptor: TIME_WAIT, SYN_RECV request sockets, orphans the application already closed, and connections still waiting in an accept queue.',
      zh: '0 表示没有文件描述符：TIME_WAIT、SYN_RECV 请求套接字、应用已关闭的孤儿连接，以及还在全连接队列里等待 accept() 的连接。',
    },
  },
  {
    name: 'PID/Program name',
    flag: '-p',
    man: "Slash-separated pair of the process id (PID) and process name of the process that owns the socket. --program causes this column to be included. You will also need superuser privileges to see this information on sockets you don't own.",
    means: { en: "The processes that hold the socket's descriptor (several after fork()).", zh: '持有该套接字描述符的进程（fork() 之后可能有多个）。' },
    beyond: {
      en: '"-" for sockets without a descriptor (see Inode). That is why TIME_WAIT never shows a program: look at the local port instead.',
      zh: '没有描述符的套接字显示 "-"（见 Inode）。所以 TIME_WAIT 永远看不到程序名：要看本地端口来判断。',
    },
  },
  {
    name: 'Timer',
    flag: '-o',
    man: 'TCP timer associated with this socket. The format is timer(a/b/c). [...] a: Timer value. b: Number of retransmissions sent. c: Number of keepalives sent.',
    means: {
      en: 'The socket\'s pending timer as "name (seconds/retransmits/probes)": on (retransmission), keepalive, timewait, probe (zero-window probe), off.',
      zh: '套接字当前的定时器，格式为 "名称 (剩余秒数/重传次数/探测次数)"：on（重传）、keepalive（保活）、timewait、probe（零窗口探测）、off（无）。',
    },
    beyond: {
      en: 'The man page leaves out "probe", the zero-window probe timer, and its c, "keepalives sent", counts zero-window probes too. "on" with a growing retransmit count means segments are not acknowledged; timewait on a TIME_WAIT counts down from 60 s; timewait on a FIN_WAIT2 is an orphan\'s tcp_fin_timeout.',
      zh: 'man 手册没有列出 "probe"（零窗口探测定时器）；它说 c 是已发送的保活探测数，实际上也包括零窗口探测。"on" 且重传次数不断增加，说明报文得不到确认；TIME_WAIT 上的 timewait 从 60 秒开始倒数；FIN_WAIT2 上的 timewait 是孤儿连接的 tcp_fin_timeout。',
    },
  },
];
