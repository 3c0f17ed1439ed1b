/**
 * What every TCP state means, for an operator, in English and Chinese (the columns of
 * `netstat -n` / `tcpstate ls`: src/render/column-texts.ts). `tcpstate explain`,
 * `docs/states.md` and the diagrams' captions are all rendered from this file, that one and
 * the rows of rfc9293.ts; nothing here is repeated elsewhere. Linux facts (timers, sysctls, defaults) follow the research notes
 * (statemachine-pcap.md §2.4–2.6) and are checked against the running kernel where it can
 * answer (test/fsm/kernel.test.ts).
 * @module
 */
import { CLOSE, CLOSE_WAIT, CLOSING, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT, type StateCode, UNKNOWN } from '../model/state.js';

import type { Lang } from '../i18n/catalogue.js';

export type { Lang };
export { LANGS } from '../i18n/catalogue.js';

/** A text in both languages. */
export type Text = Readonly<Record<Lang, string>>;

export interface Check {
  /** The exact command to run. */
  readonly cmd: string;
  /** What it tells. */
  readonly why: Text;
}

export interface StateExplanation {
  readonly code: StateCode;
  /** What `man netstat` says (its English line, verbatim). */
  readonly man: string;
  /** One line, for tables. */
  readonly brief: Text;
  /** What the state means. */
  readonly means: Text;
  /** Which end is in it and what it waits for. */
  readonly who: Text;
  /** How long it lasts on Linux, one line, for tables. */
  readonly life: Text;
  /** How long it lasts on Linux and which timer or sysctl governs that. */
  readonly lasts: Text;
  /** What amounts are normal. */
  readonly normal: Text;
  /** What is worrying, and the usual causes. */
  readonly worry: Text;
  /** What to check next. */
  readonly check: readonly Check[];
}

export const STATE_TEXTS: readonly StateExplanation[] = [
  {
    code: ESTABLISHED,
    man: 'The socket has an established connection.',
    brief: { en: 'open connection, data flows both ways', zh: '连接已建立，双方正常收发数据' },
    means: {
      en: 'The connection is open: the three-way handshake is done and data can flow in both directions. This is the data transfer state.',
      zh: '连接已经建立：三次握手已完成，双方可以互相收发数据。这是传输数据的状态。',
    },
    who: {
      en: 'Both ends, client and server, for the whole life of the connection. Nothing is awaited.',
      zh: '客户端和服务端在连接的整个生命期内都处于此状态，不在等待任何报文。',
    },
    life: { en: 'as long as the applications keep it', zh: '由应用程序决定' },
    lasts: {
      en: 'As long as the applications keep the connection. An idle connection without keepalive lasts for ever; with SO_KEEPALIVE a dead peer is found after net.ipv4.tcp_keepalive_time (7200 s) plus tcp_keepalive_probes (9) × tcp_keepalive_intvl (75 s). Data that is never acknowledged ends it after net.ipv4.tcp_retries2 (15 retransmissions, about 15 minutes) or the TCP_USER_TIMEOUT the application set.',
      zh: '应用程序保持多久就持续多久。没有开启 keepalive 的空闲连接会一直存在；开启 SO_KEEPALIVE 后，要经过 net.ipv4.tcp_keepalive_time（7200 秒）再加上 tcp_keepalive_probes（9）× tcp_keepalive_intvl（75 秒）才能发现对端已经不在。如果发出的数据一直得不到确认，重传 net.ipv4.tcp_retries2 次（15 次，约 15 分钟）或达到应用设置的 TCP_USER_TIMEOUT 后连接才会断开。',
    },
    normal: {
      en: "About the number of concurrent clients on a server, or of pooled connections on a client: a measure of the service's concurrency; busy services hold hundreds to thousands.",
      zh: '服务端上大致等于并发客户端数，客户端上大致等于连接池里的连接数，可以看作服务的并发连接数；繁忙的服务通常有几百到几千个。',
    },
    worry: {
      en: 'A rise without more traffic (clients retrying, a connection pool leaking); counts near a limit (open files, ephemeral ports on a client); a large Recv-Q (the application is not reading) or Send-Q (the peer or the network is slow).',
      zh: '流量没涨数量却上涨（客户端在重试、连接池泄漏）；数量接近某个上限（文件描述符数、客户端的本地端口范围）；Recv-Q 很大（应用没有及时读取）或 Send-Q 很大（对端或网络太慢）。',
    },
    check: [
      { cmd: 'tcpstate count --by process state established', why: { en: 'which programs hold the connections', zh: '哪些程序持有这些连接' } },
      { cmd: 'tcpstate count --by rnet/24 --top 10 state established', why: { en: 'where they come from or go to', zh: '连接来自或去往哪些网段' } },
      { cmd: 'ss -tni state established', why: { en: 'per connection: RTT, retransmissions, window', zh: '逐个连接查看 RTT、重传和窗口' } },
    ],
  },
  {
    code: SYN_SENT,
    man: 'The socket is actively attempting to establish a connection.',
    brief: { en: 'connect() sent a SYN, waits for SYN,ACK', zh: 'connect() 已发出 SYN，等待 SYN,ACK' },
    means: {
      en: "This end called connect(), sent a SYN and waits for the peer's SYN,ACK.",
      zh: '本端调用了 connect()，已发出 SYN，正在等待对端回复 SYN,ACK。',
    },
    who: {
      en: 'The client (the end that opens the connection), waiting for the server to answer.',
      zh: '客户端（主动发起连接的一方），在等待服务端的应答。',
    },
    life: { en: '1 RTT; unanswered: about 127 s (tcp_syn_retries)', zh: '一个 RTT；无应答时约 127 秒（tcp_syn_retries）' },
    lasts: {
      en: 'One round trip when the peer answers. Unanswered, the SYN is retransmitted net.ipv4.tcp_syn_retries (6) times after 1, 2, 4, 8, 16 and 32 s, and connect() fails with ETIMEDOUT after about 127 s. A RST ends it at once with ECONNREFUSED.',
      zh: '对端有应答时只持续一个往返时间。没有应答时，SYN 会按 1、2、4、8、16、32 秒的间隔重传 net.ipv4.tcp_syn_retries 次（默认 6 次），约 127 秒后 connect() 以 ETIMEDOUT 失败。如果收到 RST，则立即以 ECONNREFUSED 失败。',
    },
    normal: {
      en: 'Zero, or a few for a moment.',
      zh: '0 个，或者瞬间出现几个。',
    },
    worry: {
      en: "Any that last, or many at once: the destination is down or unreachable, a firewall or security group drops the SYNs, or the server's listen queue is full and drops them. On a server, it means its own outgoing connections (database, upstream) are failing.",
      zh: '长时间存在或者同时出现很多：目标主机宕机或不可达、防火墙或安全组丢弃了 SYN、服务端的监听队列已满而丢弃了 SYN。如果出现在服务器上，说明它自己向外的连接（数据库、上游服务）正在失败。',
    },
    check: [
      { cmd: 'tcpstate count --by raddr state syn-sent', why: { en: 'which destinations do not answer', zh: '哪些目标地址没有应答' } },
      { cmd: 'tcpstate ls state syn-sent -o', why: { en: 'the retransmission timer and count of each', zh: '每个连接的重传定时器和重传次数' } },
      { cmd: 'nstat -az TcpExtTCPSynRetrans', why: { en: 'SYN retransmissions since boot', zh: '开机以来 SYN 的重传次数' } },
    ],
  },
  {
    code: SYN_RECV,
    man: 'A connection request has been received from the network.',
    brief: { en: 'got a SYN, sent SYN,ACK, waits for the last ACK', zh: '收到 SYN 并回了 SYN,ACK，等待最后的 ACK' },
    means: {
      en: 'A SYN arrived, this end answered with SYN,ACK and waits for the ACK that completes the handshake (a half-open connection).',
      zh: '本端收到了 SYN，回复了 SYN,ACK，正在等待完成握手的那个 ACK（即半连接）。',
    },
    who: {
      en: "The server. Linux keeps these as small request sockets (kernel state NEW_SYN_RECV) in the listener's SYN queue, without a file descriptor or process, and reports them as SYN_RECV; the listener itself stays LISTEN.",
      zh: '服务端。Linux 把它们作为很小的请求套接字（内核状态 NEW_SYN_RECV）放在监听套接字的半连接队列（SYN 队列）里，没有文件描述符，也不属于任何进程，显示为 SYN_RECV；监听套接字本身仍是 LISTEN。',
    },
    life: { en: '1 RTT; unanswered: about 63 s (tcp_synack_retries)', zh: '一个 RTT；无应答时约 63 秒（tcp_synack_retries）' },
    lasts: {
      en: 'One round trip normally. Unanswered, the SYN,ACK is retransmitted net.ipv4.tcp_synack_retries (5) times after 1, 2, 4, 8 and 16 s and the request is dropped after about 63 s. A RST drops it at once.',
      zh: '正常情况下只持续一个往返时间。没有应答时，SYN,ACK 按 1、2、4、8、16 秒的间隔重传 net.ipv4.tcp_synack_retries 次（默认 5 次），约 63 秒后丢弃这个请求。收到 RST 则立即丢弃。',
    },
    normal: {
      en: 'Close to zero; a few on a busy server with distant clients, up to a few hundred (each lasts about one round trip).',
      zh: '接近 0；繁忙且客户端距离较远的服务器上会有几个，多则几百个（每个只存在大约一个往返时间）。',
    },
    worry: {
      en: 'Hundreds or thousands: a SYN flood (spoofed sources never answer), or SYN,ACKs that cannot reach the clients (asymmetric routing, a firewall). Past net.ipv4.tcp_max_syn_backlog new SYNs are dropped, unless SYN cookies (net.ipv4.tcp_syncookies=1) answer them without keeping any state.',
      zh: '成百上千个：遭到 SYN 洪水攻击（伪造的源地址永远不会回应），或者 SYN,ACK 到不了客户端（非对称路由、防火墙）。超过 net.ipv4.tcp_max_syn_backlog 后新的 SYN 会被丢弃，除非启用了 SYN cookies（net.ipv4.tcp_syncookies=1），它不保存任何状态也能应答。',
    },
    check: [
      { cmd: 'tcpstate count --by lport state syn-recv', why: { en: 'which listening ports receive them', zh: '哪些监听端口收到这些请求' } },
      { cmd: 'tcpstate count --by rnet/24 --top 10 state syn-recv', why: { en: 'from which networks (a flood comes from many)', zh: '来自哪些网段（洪水攻击通常来源极多）' } },
      { cmd: 'nstat -az TcpExtListenOverflows TcpExtListenDrops TcpExtSyncookiesSent', why: { en: 'dropped and cookie-answered SYNs', zh: '被丢弃的 SYN 和用 SYN cookie 应答的次数' } },
      { cmd: 'sysctl net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies net.ipv4.tcp_synack_retries', why: { en: 'the limits in force', zh: '当前生效的限制' } },
    ],
  },
  {
    code: FIN_WAIT1,
    man: 'The socket is closed, and the connection is shutting down.',
    brief: { en: 'closed first, sent FIN, waits for its ACK', zh: '主动关闭，已发 FIN，等待对端确认' },
    means: {
      en: "This end closed (close() or shutdown(SHUT_WR)) and sent a FIN, or is about to; it waits for the ACK of that FIN (or for the peer's FIN).",
      zh: '本端已关闭（调用了 close() 或 shutdown(SHUT_WR)），已发出或即将发出 FIN，正在等待对端确认这个 FIN（或等待对端的 FIN）。',
    },
    who: {
      en: 'The end that closes first (the active close). Linux enters FIN_WAIT1 at close() even while the FIN still waits behind unsent data.',
      zh: '先关闭的一方（主动关闭方）。Linux 在调用 close() 时就进入 FIN_WAIT1，即使 FIN 还排在未发送的数据后面没有发出去。',
    },
    life: { en: '1 RTT; unacknowledged: retransmitted, orphans up to tcp_orphan_retries', zh: '一个 RTT；未被确认时会重传，孤儿连接受 tcp_orphan_retries 限制' },
    lasts: {
      en: "One round trip normally. If the FIN is not acknowledged it is retransmitted; once the application has closed the socket (an orphan), Linux gives up after net.ipv4.tcp_orphan_retries (0 means 8) retransmissions. If the peer's receive window is zero the FIN cannot even be sent, and zero-window probes keep the socket alive.",
      zh: '正常情况下只持续一个往返时间。FIN 得不到确认就会重传；应用已经关闭的套接字（孤儿连接）在重传 net.ipv4.tcp_orphan_retries 次后放弃（0 表示 8 次）。如果对端接收窗口为 0，FIN 根本发不出去，零窗口探测会让这个连接一直存在。',
    },
    normal: {
      en: 'A few, each for a moment.',
      zh: '几个，而且每个都很短暂。',
    },
    worry: {
      en: 'Many (hundreds): peers that vanished and never acknowledge, peers that stopped reading (zero window, large Send-Q), or heavy packet loss. Orphans count against net.ipv4.tcp_max_orphans ("too many orphaned sockets" in dmesg).',
      zh: '数量很多（几百个）：对端已经消失、永远不会确认，对端不再读取数据（零窗口，Send-Q 很大），或者丢包严重。孤儿连接受 net.ipv4.tcp_max_orphans 限制（超出时 dmesg 中会有 "too many orphaned sockets"）。',
    },
    check: [
      { cmd: 'tcpstate ls state fin-wait-1 -o', why: { en: 'Send-Q and the timer: "on" retransmits, "probe" is a zero window', zh: '查看 Send-Q 和定时器："on" 表示在重传，"probe" 表示零窗口' } },
      { cmd: 'tcpstate count --by raddr --top 10 state fin-wait-1', why: { en: 'which peers do not acknowledge', zh: '哪些对端不回确认' } },
      { cmd: 'cat /proc/net/sockstat', why: { en: 'the number of orphans ("orphan")', zh: '孤儿连接的数量（"orphan" 一项）' } },
    ],
  },
  {
    code: FIN_WAIT2,
    man: 'Connection is closed, and the socket is waiting for a shutdown from the remote end.',
    brief: { en: "our FIN acknowledged, waits for the peer's FIN", zh: '我方 FIN 已被确认，等待对端的 FIN' },
    means: {
      en: "Our FIN has been acknowledged; this end waits for the peer's FIN. Our side is closed, the peer's side is still open (half-closed).",
      zh: '我方的 FIN 已经被确认，正在等待对端的 FIN。我方已关闭发送方向，对端方向仍然打开（半关闭）。',
    },
    who: {
      en: "The end that closed first, waiting for the other end's application to close too.",
      zh: '先关闭的一方，在等待对端的应用程序也关闭连接。',
    },
    life: { en: 'orphan: tcp_fin_timeout (60 s); after shutdown(): until the peer closes', zh: '孤儿连接：tcp_fin_timeout（60 秒）；shutdown() 后：直到对端关闭' },
    lasts: {
      en: 'Until the peer closes. If the application already closed the socket (an orphan), Linux drops it silently after net.ipv4.tcp_fin_timeout (60 s) or TCP_LINGER2, holding it meanwhile as a timewait socket (ss shows timer "timewait"). After only shutdown(SHUT_WR) it waits for ever. The RFC has no such timeout.',
      zh: '直到对端关闭为止。如果应用已经关闭了套接字（孤儿连接），Linux 会在 net.ipv4.tcp_fin_timeout（60 秒）或 TCP_LINGER2 之后悄悄丢弃它，期间把它当作 timewait 套接字保存（ss 显示的定时器是 "timewait"）。如果只是调用了 shutdown(SHUT_WR)，它会一直等下去。RFC 中没有这个超时。',
    },
    normal: {
      en: 'A few to a few dozen.',
      zh: '少量，几个到几十个。',
    },
    worry: {
      en: "Many (a thousand or more): the peers' applications do not close their side — look for CLOSE_WAIT on those peers — or our half-closed sockets wait on peers that never answer.",
      zh: '数量很多（上千个）：对端的应用程序没有关闭它那一侧——到这些对端机器上查 CLOSE_WAIT——或者我们半关闭的连接在等一个永远不会回应的对端。',
    },
    check: [
      { cmd: 'tcpstate count --by raddr --top 10 state fin-wait-2', why: { en: 'which peers do not close (check them for CLOSE_WAIT)', zh: '哪些对端不关闭连接（到这些机器上查 CLOSE_WAIT）' } },
      { cmd: 'tcpstate ls state fin-wait-2 -o -p', why: { en: 'no process and a timewait timer: an orphan that will time out', zh: '没有进程且定时器为 timewait：将会超时的孤儿连接' } },
      { cmd: 'sysctl net.ipv4.tcp_fin_timeout', why: { en: 'how long orphans wait', zh: '孤儿连接等待的时长' } },
    ],
  },
  {
    code: TIME_WAIT,
    man: 'The socket is waiting after close to handle packets still in the network.',
    brief: { en: 'closed first; waits so late segments die out', zh: '主动关闭后等待，让网络中残留的报文消失' },
    means: {
      en: "This end closed first and acknowledged the peer's FIN. It waits so that the last ACK can be repeated if it was lost, and so that old duplicate segments die out before the same address and port pair is used again.",
      zh: '本端先关闭连接，并且已经确认了对端的 FIN。它要等待一段时间：如果最后一个 ACK 丢了还能重发，同时让网络中残留的旧报文消失，之后同样的地址和端口组合才能再次使用。',
    },
    who: {
      en: 'The end that closed first: usually the client; the server when it closes first (HTTP/1.0, keep-alive timeouts, health checks). Linux keeps it as a small timewait socket with no file descriptor and no process.',
      zh: '先关闭的一方：通常是客户端；如果服务端先关闭（HTTP/1.0、keep-alive 超时、健康检查），就在服务端。Linux 用很小的 timewait 套接字保存它，没有文件描述符，也不属于任何进程。',
    },
    life: { en: "60 s, fixed (the RFC's 2MSL is 4 min)", zh: '固定 60 秒（RFC 的 2MSL 是 4 分钟）' },
    lasts: {
      en: "60 s on Linux, fixed in the kernel (TCP_TIMEWAIT_LEN), not a sysctl; the RFC's 2MSL would be 4 minutes. A retransmitted FIN restarts it; a RST ends it early unless net.ipv4.tcp_rfc1337=1; when net.ipv4.tcp_max_tw_buckets is reached it is skipped altogether. net.ipv4.tcp_tw_reuse lets connect() reuse the pair sooner.",
      zh: 'Linux 上是 60 秒，写死在内核里（TCP_TIMEWAIT_LEN），不是 sysctl 参数；按 RFC 的 2MSL 应是 4 分钟。收到重传的 FIN 会重新计时；收到 RST 会提前结束（除非 net.ipv4.tcp_rfc1337=1）；达到 net.ipv4.tcp_max_tw_buckets 上限时干脆不进入 TIME_WAIT。net.ipv4.tcp_tw_reuse 允许 connect() 提前复用这个地址端口组合。',
    },
    normal: {
      en: 'Connections closed per second × 60: 100 short connections a second leave about 6,000. Thousands are normal on busy hosts (a load balancer may hold ten thousand).',
      zh: '每秒关闭的连接数 × 60：每秒 100 个短连接大约留下 6000 个。繁忙的机器上有几千个是正常的（负载均衡器上可能有上万个）。',
    },
    worry: {
      en: 'Only when the same pairs must be reused quickly: a client opening many short connections to one server:port runs out of local ports (connect() fails with EADDRNOTAVAIL; net.ipv4.ip_local_port_range gives about 28,000), or the bucket limit overflows (nstat TcpExtTCPTimeWaitOverflow). Remedies: keep connections alive (pooling), widen ip_local_port_range, tcp_tw_reuse=1 for outgoing connections. tcp_tw_recycle no longer exists (removed in Linux 4.12).',
      zh: '只有需要快速复用同样的地址端口组合时才是问题：客户端频繁向同一个 服务器:端口 建立短连接，会耗尽本地端口（connect() 报 EADDRNOTAVAIL；net.ipv4.ip_local_port_range 默认约 28000 个），或者超出 timewait 上限（nstat 的 TcpExtTCPTimeWaitOverflow）。解决办法：使用长连接（连接池）、扩大 ip_local_port_range、对外连接开启 tcp_tw_reuse=1。tcp_tw_recycle 已不存在（Linux 4.12 移除）。',
    },
    check: [
      { cmd: 'tcpstate count --by raddr --top 10 state time-wait', why: { en: 'which peers the short connections go to', zh: '短连接都连向哪些对端' } },
      { cmd: 'tcpstate count --by lport --top 10 state time-wait', why: { en: 'on a server: which service closes first', zh: '在服务器上：哪个服务在主动关闭' } },
      { cmd: 'sysctl net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse net.ipv4.tcp_max_tw_buckets', why: { en: 'ports and limits in force', zh: '当前的端口范围和限制' } },
      { cmd: 'nstat -az TcpExtTCPTimeWaitOverflow', why: { en: 'TIME_WAITs skipped because the table was full', zh: '因表满而跳过的 TIME_WAIT 次数' } },
    ],
  },
  {
    code: CLOSE,
    man: 'The socket is not being used.',
    brief: { en: "no connection (RFC 9293's CLOSED)", zh: '没有连接（RFC 9293 中的 CLOSED）' },
    means: {
      en: "No connection: the start and end of every path, RFC 9293's fictional CLOSED. netstat and /proc say CLOSE, ss says UNCONN.",
      zh: '没有连接：所有路径的起点和终点，即 RFC 9293 中虚拟的 CLOSED 状态。netstat 和 /proc 显示为 CLOSE，ss 显示为 UNCONN。',
    },
    who: {
      en: 'Either end, before it opens and after it has closed. Linux almost never lists a TCP socket in this state: a closed socket leaves the tables that /proc/net/tcp and ss walk, and a socket that is only bound shows only with "ss -B" (BOUND-INACTIVE, Linux 6.8 and later).',
      zh: '任何一端在打开之前和关闭之后。Linux 几乎不会列出处于此状态的 TCP 套接字：关闭的套接字会离开 /proc/net/tcp 和 ss 遍历的表；只绑定了端口的套接字只有 "ss -B" 才能看到（BOUND-INACTIVE，Linux 6.8 及以后）。',
    },
    life: { en: 'until the application uses or closes the socket', zh: '直到应用使用或关闭这个套接字' },
    lasts: {
      en: 'Until the application uses the socket or closes its descriptor.',
      zh: '直到应用程序使用这个套接字或关闭它的描述符。',
    },
    normal: {
      en: 'Zero for TCP. (UDP sockets that are not connected show this state too.)',
      zh: 'TCP 应为 0。（未 connect 的 UDP 套接字也显示为这个状态。）',
    },
    worry: {
      en: 'TCP sockets that stay in CLOSE: descriptors an application keeps after an error without closing them.',
      zh: '一直停留在 CLOSE 的 TCP 套接字：应用程序在出错后没有关闭、一直持有的描述符。',
    },
    check: [
      { cmd: 'tcpstate ls -a -p state closed', why: { en: 'which processes hold them', zh: '哪些进程持有它们' } },
      { cmd: 'ss -tanB', why: { en: 'bound but unused sockets (Linux 6.8+)', zh: '只绑定未使用的套接字（Linux 6.8+）' } },
    ],
  },
  {
    code: CLOSE_WAIT,
    man: 'The remote end has shut down, waiting for the socket to close.',
    brief: { en: 'peer closed; waits for OUR application to close()', zh: '对端已关闭，等待本端应用调用 close()' },
    means: {
      en: "The peer closed its side: its FIN arrived and was acknowledged, and read() returns 0. The kernel now waits for this end's application to call close().",
      zh: '对端已经关闭了它那一侧：它的 FIN 已到达并被确认，read() 返回 0。内核现在等待本端的应用程序调用 close()。',
    },
    who: {
      en: 'The end that closes second (the passive close): usually the server, or a client whose server closed an idle keep-alive connection. It waits for its own application, not for the network.',
      zh: '后关闭的一方（被动关闭方）：通常是服务端，或者是服务端关闭了空闲长连接的客户端。它等待的是本机的应用程序，而不是网络。',
    },
    life: { en: 'no timer: until the application calls close()', zh: '没有定时器：直到应用调用 close()' },
    lasts: {
      en: 'No timer at all: until the application closes the socket or its process exits. Keepalive only ends it if the peer has gone away entirely.',
      zh: '完全没有定时器：直到应用程序关闭套接字或进程退出为止。只有对端彻底消失时，keepalive 才可能结束它。',
    },
    normal: {
      en: 'Zero, or a handful that disappear within moments.',
      zh: '0 个，或者几个转瞬即逝的。',
    },
    worry: {
      en: 'Any number that stays or grows (hundreds mean a leak that has run for a while): the application does not close its sockets — a connection leaked on an error path, a stuck thread pool, a blocked event loop, a pool that never notices closed connections. Each one holds a file descriptor and memory until "Too many open files". The kernel cannot fix this; the application must.',
      zh: '数量持续存在或不断增长（几百个说明泄漏已经持续了一段时间）：应用程序没有关闭套接字——出错分支里漏掉了关闭、线程池卡住、事件循环阻塞、连接池没有发现连接已被关闭。每一个都占用一个文件描述符和内存，直到出现 "Too many open files"。内核无法解决这个问题，必须修改应用程序。',
    },
    check: [
      { cmd: 'tcpstate count --by process state close-wait', why: { en: 'which program does not close', zh: '哪个程序没有关闭连接' } },
      { cmd: 'tcpstate count --by lport state close-wait', why: { en: 'which service (by local port)', zh: '哪个服务（按本地端口）' } },
      { cmd: 'tcpstate ls -p state close-wait', why: { en: 'unread data in Recv-Q, and the owning process', zh: 'Recv-Q 中未读取的数据以及所属进程' } },
      { cmd: 'ls /proc/PID/fd | wc -l; grep "open files" /proc/PID/limits', why: { en: 'how close the process is to its descriptor limit', zh: '该进程离文件描述符上限还有多远' } },
    ],
  },
  {
    code: LAST_ACK,
    man: 'The remote end has shut down, and the socket is closed. Waiting for acknowledgement.',
    brief: { en: 'closed second, sent FIN, waits for its ACK', zh: '被动关闭方已发 FIN，等待最后的 ACK' },
    means: {
      en: 'The peer closed first; then this end closed too and sent its FIN. It waits for the ACK of that FIN, the last segment of the connection.',
      zh: '对端先关闭；随后本端也关闭并发出了 FIN，正在等待对端对这个 FIN 的确认——整个连接的最后一个报文。',
    },
    who: {
      en: 'The end that closed second, after its application called close() in CLOSE_WAIT.',
      zh: '后关闭的一方，它的应用程序在 CLOSE_WAIT 状态下调用了 close()。',
    },
    life: { en: '1 RTT; unacknowledged: FIN retransmitted, tcp_orphan_retries', zh: '一个 RTT；未被确认时重传 FIN，受 tcp_orphan_retries 限制' },
    lasts: {
      en: 'One round trip normally. The FIN is retransmitted until acknowledged; an orphan gives up after net.ipv4.tcp_orphan_retries (0 means 8). A RST from a peer that already forgot the connection ends it at once.',
      zh: '正常情况下只持续一个往返时间。FIN 会一直重传直到被确认；孤儿连接在 net.ipv4.tcp_orphan_retries 次后放弃（0 表示 8 次）。如果对端已经忘记了这个连接而回了 RST，会立即结束。',
    },
    normal: {
      en: 'A few: each lasts about one round trip.',
      zh: '几个：每个只存在大约一个往返时间。',
    },
    worry: {
      en: 'Many (a hundred or more): the last ACKs are lost, the peers are gone, or a firewall or NAT expired the flow and drops the FINs.',
      zh: '数量很多（上百个）：最后的 ACK 丢失、对端已经不在，或者防火墙、NAT 的会话已过期而丢弃了 FIN。',
    },
    check: [
      { cmd: 'tcpstate count --by raddr --top 10 state last-ack', why: { en: 'which peers do not acknowledge', zh: '哪些对端不回确认' } },
      { cmd: 'tcpstate ls state last-ack -o', why: { en: 'the retransmission timer and count', zh: '重传定时器和重传次数' } },
    ],
  },
  {
    code: LISTEN,
    man: 'The socket is listening for incoming connections.',
    brief: { en: 'a server socket waiting for connections', zh: '服务端的监听套接字，等待连接请求' },
    means: {
      en: 'A server socket waiting for connection requests: socket(), bind(), listen(). netstat -n hides it; use -l or -a.',
      zh: '服务端的监听套接字，等待连接请求：socket()、bind()、listen()。netstat -n 默认不显示，需要加 -l 或 -a。',
    },
    who: {
      en: 'The server, for every address and port it serves. Completed connections wait in its accept queue until the application calls accept().',
      zh: '服务端，每个监听的地址和端口各一个。完成握手的连接在它的全连接队列（accept 队列）里等待应用调用 accept()。',
    },
    life: { en: 'as long as the service runs', zh: '服务运行多久就持续多久' },
    lasts: {
      en: 'As long as the service runs.',
      zh: '服务运行多久就持续多久。',
    },
    normal: {
      en: 'One per listening address and port; Recv-Q (connections waiting for accept()) near zero.',
      zh: '每个监听的地址和端口一个；Recv-Q（等待 accept() 的连接数）接近 0。',
    },
    worry: {
      en: 'Recv-Q close to the backlog (ss shows the backlog as Send-Q): the application does not accept() fast enough and new connections are dropped (nstat TcpExtListenOverflows). A listener that is missing means refused connections.',
      zh: 'Recv-Q 接近 backlog（ss 的 Send-Q 列就是 backlog）：应用调用 accept() 不够快，新连接会被丢弃（nstat 的 TcpExtListenOverflows）。如果该有的监听套接字不见了，连接会被拒绝。',
    },
    check: [
      { cmd: 'tcpstate ls -l', why: { en: 'every listener; Recv-Q is its accept queue now', zh: '所有监听套接字；Recv-Q 是当前的全连接队列长度' } },
      { cmd: 'ss -ltn', why: { en: "Send-Q is each listener's backlog", zh: 'Send-Q 是每个监听套接字的 backlog' } },
      { cmd: 'nstat -az TcpExtListenOverflows TcpExtListenDrops', why: { en: 'connections dropped at a full queue', zh: '因队列已满而被丢弃的连接数' } },
      { cmd: 'sysctl net.core.somaxconn', why: { en: 'the ceiling on every backlog', zh: '所有 backlog 的上限' } },
    ],
  },
  {
    code: CLOSING,
    man: "Both sockets are shut down but we still don't have all our data sent.",
    brief: { en: 'both closed at once; waits for the ACK of our FIN', zh: '双方同时关闭，等待对方确认我方的 FIN' },
    means: {
      en: "Both ends closed at about the same time: this end sent its FIN, then received the peer's FIN before its own was acknowledged. It waits for that ACK. (man netstat's line is misleading: it is about the FIN, not about data.)",
      zh: '双方几乎同时关闭：本端发出 FIN 后，在自己的 FIN 被确认之前又收到了对端的 FIN，现在等待对端确认我方的 FIN。（man netstat 的说法有误导性：这里等的是 FIN 的确认，与数据无关。）',
    },
    who: {
      en: 'Both ends of a simultaneous close.',
      zh: '同时关闭时的双方。',
    },
    life: { en: '1 RTT; unacknowledged: FIN retransmitted, tcp_orphan_retries', zh: '一个 RTT；未被确认时重传 FIN，受 tcp_orphan_retries 限制' },
    lasts: {
      en: 'One round trip; the FIN is retransmitted until acknowledged, and an orphan gives up after net.ipv4.tcp_orphan_retries (0 means 8).',
      zh: '一个往返时间；FIN 会重传直到被确认，孤儿连接在 net.ipv4.tcp_orphan_retries 次后放弃（0 表示 8 次）。',
    },
    normal: {
      en: 'Zero; it is rare.',
      zh: '0 个；这个状态很少见。',
    },
    worry: {
      en: 'More than a few (dozens): FINs cross and their ACKs are lost — packet loss in both directions, or a middlebox that mishandles FINs.',
      zh: '超过几个（几十个）：双方的 FIN 交叉而确认丢失——双向都有丢包，或者中间设备处理 FIN 有问题。',
    },
    check: [
      { cmd: 'tcpstate count --by raddr state closing', why: { en: 'which peers', zh: '涉及哪些对端' } },
      { cmd: 'nstat -az TcpRetransSegs', why: { en: 'retransmissions, a sign of loss', zh: '重传次数，丢包的迹象' } },
    ],
  },
  {
    code: UNKNOWN,
    man: 'The state of the socket is unknown.',
    brief: { en: 'a state code tcpstate does not know', zh: 'tcpstate 不认识的状态码' },
    means: {
      en: "A state code outside the kernel's known TCP states, from a newer kernel or a damaged input. tcpstate counts it rather than dropping it.",
      zh: '不属于内核已知 TCP 状态的状态码，可能来自更新的内核或损坏的输入。tcpstate 会计数而不是丢弃它。',
    },
    who: { en: 'No end of the state machine.', zh: '不属于状态机的任何一端。' },
    life: { en: '—', zh: '—' },
    lasts: { en: 'Not applicable.', zh: '不适用。' },
    normal: { en: 'Zero.', zh: '0 个。' },
    worry: { en: 'Any: report it with the input that produced it.', zh: '只要出现就值得报告，并附上产生它的输入。' },
    check: [{ cmd: 'tcpstate ls -a state unknown', why: { en: 'the sockets in question', zh: '有问题的套接字' } }],
  },
];

/** Headings and fixed phrases of the explain output. */
export const LABELS = {
  means: { en: 'Meaning', zh: '含义' },
  who: { en: 'Who is in it, waiting for what', zh: '谁处于此状态，在等什么' },
  lasts: { en: 'How long on Linux', zh: '在 Linux 上持续多久' },
  normal: { en: 'Normal', zh: '多少算正常' },
  worry: { en: 'Worrying', zh: '什么时候该担心' },
  check: { en: 'Check next', zh: '下一步检查' },
  into: { en: 'Transitions in', zh: '从哪里进入' },
  out: { en: 'Transitions out', zh: '从这里去往' },
  man: { en: 'man netstat', zh: 'man netstat 中的说明' },
  now: { en: 'Now', zh: '当前' },
  of: { en: 'of', zh: '占全部' },
  sockets: { en: 'TCP sockets', zh: 'TCP 套接字' },
  here: { en: 'this machine', zh: '本机' },
  state: { en: 'State', zh: '状态' },
  count: { en: 'Count', zh: '数量' },
  brief: { en: 'What it means', zh: '含义' },
  life: { en: 'How long on Linux', zh: 'Linux 上的时长' },
  column: { en: 'Column', zh: '列' },
  beyond: { en: 'What man netstat leaves out', zh: 'man netstat 没说的' },
  rfcOnly: { en: 'RFC only, not Linux', zh: '仅 RFC，Linux 不支持' },
  linuxOnly: { en: 'Linux only', zh: '仅 Linux' },
  none: { en: 'none', zh: '无' },
  columnsTitle: { en: 'The columns of netstat -n and tcpstate ls', zh: 'netstat -n 与 tcpstate ls 的各列' },
  statesTitle: { en: 'TCP states', zh: 'TCP 状态' },
  shownWith: { en: 'shown with', zh: '显示需加' },
} as const satisfies Record<string, Text>;

export function stateText(code: StateCode): StateExplanation | undefined {
  return STATE_TEXTS.find((s) => s.code === code);
}

/**
 * The Linux defaults the texts above and the rows of rfc9293.ts cite, with the exact words
 * that cite them. test/fsm/kernel.test.ts reads each from a fresh network namespace (where
 * these sysctls start at the kernel's defaults) and finds each citation in the texts.
 */
export const LINUX_DEFAULTS: readonly { readonly sysctl: string; readonly value: string; readonly cite: string }[] = [
  { sysctl: 'net.ipv4.tcp_syn_retries', value: '6', cite: 'tcp_syn_retries (6)' },
  { sysctl: 'net.ipv4.tcp_synack_retries', value: '5', cite: 'tcp_synack_retries (5)' },
  { sysctl: 'net.ipv4.tcp_retries2', value: '15', cite: 'tcp_retries2 (15' },
  { sysctl: 'net.ipv4.tcp_orphan_retries', value: '0', cite: 'tcp_orphan_retries (0 means 8)' },
  { sysctl: 'net.ipv4.tcp_fin_timeout', value: '60', cite: 'tcp_fin_timeout (60 s)' },
  { sysctl: 'net.ipv4.tcp_keepalive_time', value: '7200', cite: 'tcp_keepalive_time (7200 s)' },
  { sysctl: 'net.ipv4.tcp_keepalive_probes', value: '9', cite: 'tcp_keepalive_probes (9)' },
  { sysctl: 'net.ipv4.tcp_keepalive_intvl', value: '75', cite: 'tcp_keepalive_intvl (75 s)' },
  { sysctl: 'net.ipv4.tcp_rfc1337', value: '0', cite: 'tcp_rfc1337=1 (default 0)' },
  { sysctl: 'net.ipv4.tcp_syncookies', value: '1', cite: 'tcp_syncookies=1' },
  { sysctl: 'net.ipv4.ip_local_port_range', value: '32768\t60999', cite: 'ip_local_port_range gives about 28,000' },
];
