/**
 * Every human text of `tcpstate pcap`: help, the connection table's headings, the timeline
 * (headings, endpoint names, how a step is known, why it was taken), the count's heading,
 * the anomalies line, the usage error and the note when a signal ends the input. States,
 * Zeek's conn_state and history letters, anomaly names, segments and state-machine events
 * stay as written (scripts and Zeek users match on them); the JSON document keeps English.
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  help: `Usage: tcpstate pcap [OPTIONS] FILE|- [FILTER...]

Read a pcap or pcapng capture (or stdin: tcpdump -U -w - | tcpstate pcap -) and rebuild
every TCP connection: both endpoints' states, replayed through the TCP state machine
segment by segment, Zeek's conn_state and history, packets and bytes each way (bytes
as "tshark -z conv,tcp" counts them: whole frames). Then the final states counted as
"tcpstate count" prints them.

Rows appear as connections end (as Zeek's conn.log), then the ones still open at the
end of the capture. A "~" before the originator: no SYN was seen, so which side opened
the connection is a guess.

An endpoint moves only when a segment proves it: what it sends proves its own state
(observed); what it receives moves it when nothing contradicts delivery (inferred); a
TIME_WAIT ends 60 s after it began (projected, Linux's length).

Options:
  --timeline           each connection's steps: time, segment, endpoint, state change,
                       observed / inferred / projected, the state machine event and row
  --count              only the count of final states
  --json               one JSON document (schema tcpstate.pcap/1)
  -H, --no-header      no header line
  -4, -6               IPv4 or IPv6 connections only
  --lang LANG          en or zh: headings, timelines and notes (default: TCPSTATE_LANG,
                       the locale); JSON stays English
Filters (as for ls and count), on each endpoint seen as a socket (local = the endpoint,
remote = its peer, state = its final state); a connection is shown when either endpoint
passes, and only passing endpoints are counted:
  state STATE|GROUP, exclude STATE|GROUP, sport|dport OP :PORT, src|dst ADDR, and or not ( )

Formats: pcap (us and ns, either byte order), pcapng (several sections and interfaces).
Link types: Ethernet (802.1Q/QinQ), raw IP, IPv4, IPv6, Linux SLL and SLL2, NULL, LOOP.
Frames that are not TCP (ARP, UDP, ICMP) are counted in the JSON "frames". Frames that
could not be read (another link type, headers cut by the snap length, contradictory
headers, IP fragments) are a warning with their count and first frame; a capture none of
whose frames could be read is an error (exit 1).

Examples:
  tcpstate pcap trace.pcap
  tcpstate pcap trace.pcapng --timeline dport = :443
  tcpdump -i any -U -w - 'tcp port 5432' | tcpstate pcap - state close-wait
`,
  needFile: 'pcap needs a capture file (or - for stdin); see --help',
  interrupted: (signal: string) => `${signal}: input ended here; connections still open are listed as they stand`,
  columns: ['ORIGINATOR', 'RESPONDER', 'START', 'DURATION', 'PKTS>', 'BYTES>', 'PKTS<', 'BYTES<', 'ORIG-STATE', 'RESP-STATE', 'CONN', 'HISTORY'],
  finalStates: (endpoints: number, connections: number) => `Final states of the ${endpoints} endpoints of ${connections} connection(s):`,
  anomalies: (list: string) => `Anomalies: ${list}`,
  timeline: {
    final: (orig: string, resp: string) => `final: ${orig} / ${resp}`,
    anomalies: (list: string) => `anomalies: ${list}`,
    columns: ['  TIME', 'FRAME', 'SEGMENT', 'ENDPOINT', 'STEP', 'HOW', 'EVENT', 'WHY'],
    timer: '(timer)',
    noChange: '  (no state change seen)',
    endpoints: ['originator', 'responder'],
    how: { observed: 'observed', inferred: 'inferred', projected: 'projected' } as Record<string, string>,
    origin: { active: 'active', passive: 'passive' } as Record<string, string>,
    /** Why a step was taken, by the replay's English note (src/pcap/endpoint.ts). */
    why: {
      'SYN-ACK retransmitted: the ACK of it never arrived': 'SYN-ACK retransmitted: the ACK of it never arrived',
      'FIN retransmitted: the ACK of it never arrived': 'FIN retransmitted: the ACK of it never arrived',
      'sent a SYN: connect()': 'sent a SYN: connect()',
      'a listener existed (it answered a SYN)': 'a listener existed (it answered a SYN)',
      'sent a SYN-ACK: it received the SYN': 'sent a SYN-ACK: it received the SYN',
      'sent a SYN-ACK after its own SYN: simultaneous open': 'sent a SYN-ACK after its own SYN: simultaneous open',
      'picked up mid-connection': 'picked up mid-connection',
      'acknowledged the SYN-ACK': 'acknowledged the SYN-ACK',
      'sends data: the handshake completed': 'sends data: the handshake completed',
      "sent its FIN after the peer's: close()": "sent its FIN after the peer's: close()",
      'sent a FIN: close() or shutdown(SHUT_WR)': 'sent a FIN: close() or shutdown(SHUT_WR)',
      "acknowledged the peer's FIN, which had acknowledged its own": "acknowledged the peer's FIN, which had acknowledged its own",
      "acknowledged the peer's FIN": "acknowledged the peer's FIN",
      'its SYN-ACK was acknowledged': 'its SYN-ACK was acknowledged',
      'its FIN was acknowledged': 'its FIN was acknowledged',
      'sent a RST (no socket for this connection, or an abort)': 'sent a RST (no socket for this connection, or an abort)',
      'sent a RST: abort': 'sent a RST: abort',
      'received a valid RST': 'received a valid RST',
      'TIME_WAIT ends 60 s after it began (Linux)': 'TIME_WAIT ends 60 s after it began (Linux)',
      'a new connection reused the 4-tuple: Linux ends the TIME_WAIT': 'a new connection reused the 4-tuple: Linux ends the TIME_WAIT',
    } as Record<string, string>,
  },
};

const ZH: typeof EN = {
  help: `用法: tcpstate pcap [选项] 文件|- [过滤条件...]

读取 pcap 或 pcapng 抓包文件（或标准输入：tcpdump -U -w - | tcpstate pcap -），还原
其中每一个 TCP 连接：按报文段逐个在 TCP 状态机上重放，得出两端的状态、Zeek 的
conn_state 和 history，以及每个方向的包数和字节数（字节数与 "tshark -z conv,tcp" 的算法
相同：整帧计）。最后按 "tcpstate count" 的格式统计两端的最终状态。

连接结束时输出一行（与 Zeek 的 conn.log 相同），抓包结束时仍未关闭的连接最后输出。
发起方前面的 "~" 表示没有看到 SYN，哪一端发起的连接是推测的。

只有报文段能证明时端点才改变状态：它发出的报文证明它自己的状态（观察到）；它收到的
报文在没有反证时改变它的状态（推断）；TIME_WAIT 在开始 60 秒后结束（推算，Linux 的时长）。

选项:
  --timeline           每个连接的每一步：时间、报文段、端点、状态变化、
                       观察到 / 推断 / 推算、状态机的事件和规则行
  --count              只输出最终状态的统计
  --json               输出一个 JSON 文档（schema tcpstate.pcap/1）
  -H, --no-header      不输出表头
  -4, -6               只看 IPv4 或 IPv6 连接
  --lang LANG          en 或 zh：表头、时间线和说明的语言（默认取自 TCPSTATE_LANG
                       或 locale）；JSON 始终是英文
过滤条件（与 ls 和 count 相同）作用在每个端点上，把端点看作一个套接字（本地 = 该端点，
远端 = 它的对端，状态 = 它的最终状态）；任一端点符合时显示该连接，只统计符合的端点：
  state 状态|分组、exclude 状态|分组、sport|dport 比较符 :端口、src|dst 地址、and or not ( )

格式：pcap（微秒和纳秒，两种字节序）、pcapng（多个 section 和接口）。
链路类型：Ethernet（802.1Q/QinQ）、raw IP、IPv4、IPv6、Linux SLL 和 SLL2、NULL、LOOP。
不是 TCP 的帧（ARP、UDP、ICMP）计入 JSON 的 "frames"。无法读取的帧（其他链路类型、
被 snap length 截断的报文头、自相矛盾的报文头、IP 分片）会给出警告，附带数量和第一个
帧的位置；没有一个帧能读取的抓包文件是错误（退出码 1）。

示例:
  tcpstate pcap trace.pcap
  tcpstate pcap trace.pcapng --timeline dport = :443
  tcpdump -i any -U -w - 'tcp port 5432' | tcpstate pcap - state close-wait
`,
  needFile: 'pcap 需要一个抓包文件（或用 - 表示标准输入）；见 --help',
  interrupted: (signal) => `${signal}：输入在此结束；仍未关闭的连接按当前状态列出`,
  columns: ['发起方', '响应方', '开始', '时长', '包>', '字节>', '包<', '字节<', '发起方状态', '响应方状态', 'CONN', 'HISTORY'],
  finalStates: (endpoints, connections) => `${connections} 个连接的 ${endpoints} 个端点的最终状态：`,
  anomalies: (list) => `异常：${list}`,
  timeline: {
    final: (orig, resp) => `最终：${orig} / ${resp}`,
    anomalies: (list) => `异常：${list}`,
    columns: ['  时间', '帧', '报文段', '端点', '状态变化', '依据', '事件', '原因'],
    timer: '（定时器）',
    noChange: '  （没有看到状态变化）',
    endpoints: ['发起方', '响应方'],
    how: { observed: '观察到', inferred: '推断', projected: '推算' },
    origin: { active: '主动', passive: '被动' },
    why: {
      'SYN-ACK retransmitted: the ACK of it never arrived': '重传了 SYN-ACK：对它的 ACK 没有到达',
      'FIN retransmitted: the ACK of it never arrived': '重传了 FIN：对它的 ACK 没有到达',
      'sent a SYN: connect()': '发出 SYN：connect()',
      'a listener existed (it answered a SYN)': '存在监听套接字（它回应了 SYN）',
      'sent a SYN-ACK: it received the SYN': '发出 SYN-ACK：它收到了 SYN',
      'sent a SYN-ACK after its own SYN: simultaneous open': '在自己的 SYN 之后发出 SYN-ACK：同时打开',
      'picked up mid-connection': '从连接中途开始看到',
      'acknowledged the SYN-ACK': '确认了 SYN-ACK',
      'sends data: the handshake completed': '开始发数据：握手已完成',
      "sent its FIN after the peer's: close()": '在对端的 FIN 之后发出自己的 FIN：close()',
      'sent a FIN: close() or shutdown(SHUT_WR)': '发出 FIN：close() 或 shutdown(SHUT_WR)',
      "acknowledged the peer's FIN, which had acknowledged its own": '确认了对端的 FIN，该 FIN 已确认了自己的 FIN',
      "acknowledged the peer's FIN": '确认了对端的 FIN',
      'its SYN-ACK was acknowledged': '它的 SYN-ACK 得到确认',
      'its FIN was acknowledged': '它的 FIN 得到确认',
      'sent a RST (no socket for this connection, or an abort)': '发出 RST（该连接没有对应的套接字，或连接被中止）',
      'sent a RST: abort': '发出 RST：中止连接',
      'received a valid RST': '收到有效的 RST',
      'TIME_WAIT ends 60 s after it began (Linux)': 'TIME_WAIT 在开始 60 秒后结束（Linux）',
      'a new connection reused the 4-tuple: Linux ends the TIME_WAIT': '新连接复用了同一个四元组：Linux 结束 TIME_WAIT',
    },
  },
};

export type PcapMessages = typeof EN;

export const CATALOGUE: Catalogue<PcapMessages> = catalogue(EN, ZH);
