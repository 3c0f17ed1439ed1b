/**
 * The texts of `tcpstate simulate` (and the sequence figures' text form): the timeline's
 * column headings, the end line, the scenario list, and each scenario's title and
 * explanation. The English scenario texts are the scenarios' own (src/fsm/scenarios.ts);
 * the Chinese ones are keyed by scenario name (the completeness test checks that every
 * scenario has one). Events, segments, states and RFC rows are the same in both languages.
 * @module
 */
import { SCENARIOS } from '../fsm/scenarios.js';
import { type Catalogue, catalogue } from './catalogue.js';

interface ScenarioText {
  readonly title: string;
  readonly about: string;
}

const EN = {
  client: 'client (A)',
  server: 'server (B)',
  event: 'event',
  wire: 'wire',
  row: 'row',
  nothingInFlight: 'nothing in flight',
  inFlight: (n: number) => `${n} segment${n > 1 ? 's' : ''} still in flight`,
  end: (client: string, server: string, flight: string) => `End: client ${client}, server ${server}; ${flight}.`,
  source: (source: string, profile: string) => `Source: ${source}. Profile: ${profile}.`,
  custom: (script: string, profile: string) => `simulate --events '${script}' (profile: ${profile})`,
  rowsUsed: 'Rows used (RFC 9293 section):',
  rfcProfile: ' [RFC profile]',
  listing: (table: string) => `Scenarios ("tcpstate simulate NAME"):\n\n${table}\n\nOr drive your own: tcpstate simulate --events 'b:listen a:connect deliver a:close deliver'\n`,
  scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.name, { title: s.title, about: s.about }])) as Readonly<Record<string, ScenarioText>>,
  /** `simulate --help`; `events`: the event list, one per line. */
  help: (events: string) => `Usage: tcpstate simulate [SCENARIO] [OPTIONS]
       tcpstate simulate --events 'WORDS'

Two TCP endpoints, client A (left) and server B (right), driven by the RFC 9293 state
machine, printed as a timeline: each line shows both ends' states after the step and the
segment on the wire ("-->" leaves, "..." in flight, "-->" arrives, "--x" lost).
With no scenario and no --events, lists the scenarios.

  --events WORDS     a custom run; words (spaces or commas between them):
                       a:EVENT, b:EVENT   an event at the client or the server
                                          (client:EVENT, server:EVENT also work)
                       a>b, b>a           deliver the oldest segment in flight
                       a>b:lost           that segment is lost
                       deliver            deliver everything in flight
  --profile P        linux (default) or rfc: which rows hold (Linux refuses
                     LISTEN -> SYN_SENT; the RFC has no FIN_WAIT2 timeout)
  --rows             after the timeline, each table row used, with its RFC
                     section and Linux note
  --json             the run as JSON
  --lang LANG        en or zh: headings, scenario titles and explanations
                     (default from TCPSTATE_LANG, LC_ALL, LC_MESSAGES, LANG)
  -h, --help

Events (id, then aliases):
${events}

An event the table does not allow in the current state stops the run with an error
naming the state, the event and the events allowed there (exit status 2).

Examples:
  tcpstate simulate client-close
  tcpstate simulate --events 'b:listen a:connect deliver a:close deliver'
  tcpstate simulate --events 'a:connect b:connect a>b b>a a>b b>a'
`,
};

const ZH: typeof EN = {
  client: '客户端 (A)',
  server: '服务端 (B)',
  event: '事件',
  wire: '线路',
  row: '规则',
  nothingInFlight: '没有在途的报文段',
  inFlight: (n) => `还有 ${n} 个报文段在途`,
  end: (client, server, flight) => `结束：客户端 ${client}，服务端 ${server}；${flight}。`,
  source: (source, profile) => `出处：${source}。规则集：${profile}。`,
  custom: (script, profile) => `simulate --events '${script}'（规则集：${profile}）`,
  rowsUsed: '用到的规则（RFC 9293 章节）：',
  rfcProfile: ' [RFC 规则集]',
  listing: (table) => `场景（"tcpstate simulate 名称"）：\n\n${table}\n\n或者自己编排：tcpstate simulate --events 'b:listen a:connect deliver a:close deliver'\n`,
  scenarios: {
    'client-close': {
      title: '正常建立连接，一次请求和应答，然后客户端先关闭',
      about:
        '客户端最后进入 TIME_WAIT，在 Linux 上持续 60 秒（RFC 中是 2MSL = 4 分钟）；服务端经过 CLOSE_WAIT 和 LAST_ACK。这就是 RFC 9293 §3.6 中常见的客户端路径（主动关闭）和服务端路径（被动关闭）。',
    },
    'server-close': {
      title: '正常建立连接，然后服务端先关闭',
      about: '谁先关闭谁就进入 TIME_WAIT：这里是服务端。自己关闭连接的繁忙服务器（HTTP/1.0、keep-alive 超时）会在自己的端口上堆积 TIME_WAIT。',
    },
    'simultaneous-open': {
      title: '两端同时发起连接：SYN 交叉',
      about:
        '每一端都经过 SYN_SENT → SYN_RECV → ESTABLISHED；每个 SYN,ACK 完成对方的握手，不需要单独的第三个 ACK。Linux 支持这种情况（"simultaneous connect with crossed SYNs"）。两个 SYN_RECV 都是主动的：收到 RST 会回到 CLOSE，而不是 LISTEN。',
    },
    'simultaneous-close': {
      title: '两端同时关闭：FIN 交叉，两边都进入 CLOSING',
      about: '每个 FIN 到达时，接收方自己的 FIN 还没有被确认，所以两边都经过 FIN_WAIT1 → CLOSING → TIME_WAIT：两端都留下一个 TIME_WAIT。CLOSING 少见且短暂；大量 CLOSING 说明 FIN 交叉而 ACK 丢失。',
    },
    'half-close': {
      title: '客户端关闭自己的发送方向，仍然接收应答',
      about: 'RFC 中的 CLOSE 就是 shutdown(SHUT_WR)："我没有更多要发送的了"。客户端在 FIN_WAIT2 中等待并接收数据；因为它仍持有套接字，tcp_fin_timeout 不起作用，FIN_WAIT2 会一直持续到服务端关闭。',
    },
    refused: {
      title: '连接一个没有监听的端口：RST',
      about: '关闭的端口用 RST,ACK 应答 SYN，connect() 失败并返回 ECONNREFUSED。RST 回来之前 SYN 已经发了两次；第二个 RST 到达时客户端已经是 CLOSE，被丢弃。',
    },
    'rst-syn-rcvd': {
      title: 'SYN_RECV 中收到 RST，服务端回到 LISTEN',
      about:
        '客户端在握手过程中放弃（在 SYN_SENT 中调用 close()）；它的内核对每个 SYN,ACK 回 RST。服务端的半连接是从 LISTEN 来的，所以 RST 让它回到 LISTEN（主动的 SYN_RECV 会回到 CLOSE）；第二个 RST 在那里被忽略。然后服务端关闭监听套接字。',
    },
    abort: {
      title: '客户端中止一个已建立的连接：RST，没有 TIME_WAIT',
      about: 'ABORT（设置 SO_LINGER {on, 0} 后 close()）发送 RST，两端立即丢弃连接：没有 FIN_WAIT，也没有 TIME_WAIT。服务端的应用程序得到 ECONNRESET。',
    },
    'fin-lost': {
      title: '丢失的 FIN 被重传；它的 ACK 也丢了，由对端的 FIN 确认它',
      about:
        'FIN_WAIT1 会重传 FIN 直到被确认；CLOSE_WAIT 会再次确认重复的 FIN。如果所有 ACK 都丢了，对端自己的 FIN 会确认我们的 FIN，FIN_WAIT1 直接进入 TIME_WAIT（图 5 注 2）。大量 FIN_WAIT1 说明 FIN 或它的 ACK 过不去，或者对端的窗口为零。',
    },
    'time-wait-refin': {
      title: 'TIME_WAIT 应答重传的 FIN',
      about: '客户端的最后一个 ACK 丢了；处于 LAST_ACK 的服务端重发 FIN，TIME_WAIT 确认它并重新开始计时。这正是 TIME_WAIT 存在的原因：没有它，这个 FIN 会遇到 RST。',
    },
    'listen-connect': {
      title: '监听套接字主动发起连接（只在 RFC 中：LISTEN → SYN_SENT）',
      about: 'RFC 9293 允许被动 OPEN 变为主动。Linux 不允许：对监听套接字调用 connect() 会失败并返回 EISCONN。在 RFC 规则集下展示。',
    },
    'syn-timeout': {
      title: 'SYN 没有应答：SYN_SENT 放弃',
      about: '防火墙丢弃了 SYN。Linux 重传 SYN net.ipv4.tcp_syn_retries（6）次，共约 127 秒，然后 connect() 失败并返回 ETIMEDOUT。大量 SYN_SENT：对端或路径断了，或被过滤。',
    },
    'syn-ack-lost': {
      title: 'SYN,ACK 丢失：服务端的半连接 SYN_RECV 过期',
      about: '服务端的 SYN_RECV 应答重复的 SYN 并重传 SYN,ACK（tcp_synack_retries，5 次），然后忘掉这个半连接，回到 LISTEN。大量 SYN_RECV：SYN 洪水，或者应答到达不了客户端。',
    },
    'syn-rcvd-close': {
      title: '在 SYN_RECV 中关闭：直接进入 FIN_WAIT1',
      about: '同时打开之后，客户端在进入 ESTABLISHED 之前关闭；它从 SYN_RECV 发出 FIN。在 Linux 上只有应用程序持有的 SYN_RECV 套接字（同时打开、TCP Fast Open）才会这样。',
    },
    'simultaneous-open-fail': {
      title: 'SYN 交叉，SYN,ACK 丢失：一端放弃，另一端被重置',
      about: '两端都处于主动的 SYN_RECV。一端悄悄放弃；另一端重传的 SYN,ACK 遇到关闭的端口，RST 让它回到 CLOSE——而不是 LISTEN，因为它从未监听过。',
    },
    'half-open': {
      title: '客户端悄悄失去了连接；它的新 SYN 遇到了旧连接',
      about: '网络中断期间客户端的用户超时到期；服务端一无所知（半开连接）。客户端的新 SYN 收到一个挑战 ACK（RFC 5961），客户端回 RST，服务端丢弃旧连接，重传的 SYN 再建立新连接。',
    },
    'ack-lost': {
      title: '握手的最后一个 ACK 丢失；由请求完成握手',
      about: '服务端一直处于 SYN_RECV，直到客户端的第一份数据到达：数据携带的 ACK 完成了握手。',
    },
    'health-check': {
      title: '连接后立即关闭（负载均衡器的健康检查），最后的 ACK 丢失',
      about: 'FIN 同时确认了服务端的 SYN：SYN_RECV 直接进入 CLOSE_WAIT。连接后立即关闭的健康检查，是检查方上短暂 TIME_WAIT 的常见来源。',
    },
    'close-unread': {
      title: '服务端没有读取请求就关闭：发送 RST 而不是 FIN',
      about: '带着未读数据关闭会发送 RST（RFC 9293 SHLD-3；Linux 的 tcp_close()，计入 TCPAbortOnClose）：客户端得到 ECONNRESET，没有 FIN_WAIT，也没有 TIME_WAIT。',
    },
    'close-wait-leak': {
      title: '服务端一直不关闭：CLOSE_WAIT 一直存在，客户端的 FIN_WAIT2 超时',
      about:
        '客户端已关闭（成为孤儿连接）；net.ipv4.tcp_fin_timeout 之后它的 FIN_WAIT2 悄悄消失。服务端停在 CLOSE_WAIT，直到它的应用程序调用 close()——这是应用程序的泄漏，不是内核的。等它最终关闭时，它的 FIN 会遇到 RST。',
    },
    'tw-overflow': {
      title: '达到 net.ipv4.tcp_max_tw_buckets：不保留 TIME_WAIT',
      about: 'timewait 套接字表满时，Linux 跳过 TIME_WAIT（nstat 的 TcpExtTCPTimeWaitOverflow）。连接立即关闭，对端迟到的 FIN 会遇到 RST。',
    },
    'time-wait-assassination': {
      title: 'RST 杀死了 TIME_WAIT（RFC 1337）',
      about: '客户端的 ACK 到达之前服务端重传了 FIN；重复的 ACK 到达已关闭的服务端，服务端回 RST，这个 RST 提前结束了客户端的 TIME_WAIT。除非设置 net.ipv4.tcp_rfc1337=1，Linux 就会这样做。',
    },
    'listener-restart': {
      title: '服务端的连接被重置且 RST 丢失；新的监听套接字重置了客户端',
      about: '监听套接字对任何带 ACK 的报文段都回 RST：客户端在旧连接上发出的下一份数据，让它得知服务端已经忘了这个连接。',
    },
    'peer-gone': {
      title: '对端消失：重传放弃，另一端永远不知道',
      about:
        '客户端的数据一直没有被确认；net.ipv4.tcp_retries2（15 次，约 15 分钟）之后客户端放弃，得到 ETIMEDOUT，不发 RST。服务端会永远处于 ESTABLISHED，除非 keepalive 或应用程序发现：这是半开连接。',
    },
    'last-ack-abort': {
      title: 'LAST_ACK 中的中止不发 RST；孤儿 FIN_WAIT2 超时',
      about:
        '服务端在 FIN 还没被确认时中止（SO_LINGER {on, 0}）：在 LAST_ACK 中，和 CLOSING、TIME_WAIT 一样，ABORT 删除连接而不发 RST（Linux：tcp_need_reset() 在这些状态下为假）。已经关闭的客户端在 tcp_fin_timeout 后放弃 FIN_WAIT2。',
    },
  },
  help: (events) => `用法: tcpstate simulate [场景] [选项]
      tcpstate simulate --events '词语'

两个 TCP 端点：客户端 A（左）和服务端 B（右），由 RFC 9293 状态机驱动，输出为时间线：
每行显示这一步之后两端的状态和线路上的报文段（"-->" 发出，"..." 在途，"-->" 到达，
"--x" 丢失）。不给场景也不给 --events 时，列出所有场景。

  --events WORDS     自定义过程；词语之间用空格或逗号分隔：
                       a:EVENT, b:EVENT   客户端或服务端上的一个事件
                                          （也可写 client:EVENT、server:EVENT）
                       a>b, b>a           投递在途最早的报文段
                       a>b:lost           该报文段丢失
                       deliver            投递所有在途的报文段
  --profile P        linux（默认）或 rfc：采用哪些规则行（Linux 拒绝
                     LISTEN -> SYN_SENT；RFC 没有 FIN_WAIT2 超时）
  --rows             在时间线之后列出用到的每条规则行，附 RFC 章节和 Linux 说明
  --json             以 JSON 输出整个过程
  --lang LANG        en 或 zh：表头、场景标题和说明的语言
                     （默认取自 TCPSTATE_LANG、LC_ALL、LC_MESSAGES、LANG）
  -h, --help

事件（id，然后是别名）:
${events}

当前状态下规则表不允许的事件会让过程以错误结束，错误中写明状态、事件以及该状态下
允许的事件（退出码 2）。

示例:
  tcpstate simulate client-close
  tcpstate simulate --events 'b:listen a:connect deliver a:close deliver'
  tcpstate simulate --events 'a:connect b:connect a>b b>a a>b b>a'
`,
};

export type SimulateMessages = typeof EN;

export const CATALOGUE: Catalogue<SimulateMessages> = catalogue(EN, ZH);
