/**
 * Named scenarios for `tcpstate simulate`: scripts in the language of simulate.ts, so the
 * catalogue exercises the same path as `--events`. Together they reach every row of the
 * table (test/fsm/scenarios.test.ts checks it). A is the client, B the server.
 * @module
 */
import type { Profile } from './machine.js';

export interface Scenario {
  readonly name: string;
  /** One line. */
  readonly title: string;
  /** What to notice, a few sentences. */
  readonly about: string;
  /** Where the sequence comes from. */
  readonly source: string;
  readonly profile: Profile;
  readonly script: string;
}

const OPEN = 'b:listen a:connect a>b b>a a>b';

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'client-close',
    profile: 'linux',
    title: 'normal open, one request and reply, then the client closes first',
    about:
      'The client ends in TIME_WAIT for 60 s on Linux (2MSL = 4 min in the RFC); the server passes through CLOSE_WAIT and LAST_ACK. These are the usual client path (active close) and server path (passive close) of RFC 9293 §3.6.',
    source: 'RFC 9293 Figures 6 and 12; Stevens TCP/IP Illustrated Vol. 1 Fig. 18.13; UNP Fig. 2.5',
    script: `${OPEN} a:send a>b b>a b:send b>a a>b a:close a>b b>a b:close b>a a>b a:2msl`,
  },
  {
    name: 'server-close',
    profile: 'linux',
    title: 'normal open, then the server closes first',
    about: 'Whoever closes first gets TIME_WAIT: here the server does. A busy server that closes its connections itself (HTTP/1.0, keep-alive timeouts) piles up TIME_WAIT sockets on its own port.',
    source: 'RFC 9293 Figure 12 with the roles swapped',
    script: `${OPEN} b:close b>a a>b a:close a>b b>a b:2msl`,
  },
  {
    name: 'simultaneous-open',
    profile: 'linux',
    title: 'both ends connect at once: crossed SYNs',
    about:
      'Each end goes SYN_SENT → SYN_RECV → ESTABLISHED; each SYN,ACK completes the other\'s handshake, no bare third ACK is needed. Linux supports it ("simultaneous connect with crossed SYNs"). Both SYN_RECVs are active ones: a RST would take them to CLOSE, not LISTEN.',
    source: 'RFC 9293 Figure 7',
    script: 'a:connect b:connect a>b b>a a>b b>a',
  },
  {
    name: 'simultaneous-close',
    profile: 'linux',
    title: 'both ends close at once: crossed FINs, CLOSING on both sides',
    about:
      "Each FIN arrives while the receiver's own FIN is unacknowledged, so both go FIN_WAIT1 → CLOSING → TIME_WAIT: both ends keep a TIME_WAIT. CLOSING is rare and short-lived; many CLOSING sockets mean FINs cross and ACKs are lost.",
    source: 'RFC 9293 Figure 13; Stevens Vol. 1 Fig. 18.19',
    script: `${OPEN} a:close b:close a>b b>a a>b b>a a:2msl b:2msl`,
  },
  {
    name: 'half-close',
    profile: 'linux',
    title: 'the client shuts down its sending side and still receives the reply',
    about:
      'CLOSE in the RFC is shutdown(SHUT_WR): "I have no more to send". The client waits in FIN_WAIT2 receiving data; as it still holds the socket, no tcp_fin_timeout applies and FIN_WAIT2 lasts until the server closes.',
    source: 'RFC 9293 §3.6; Stevens Vol. 1 §18.5',
    script: `${OPEN} a:close a>b b>a b:send b>a a>b b:close b>a a>b a:2msl`,
  },
  {
    name: 'refused',
    profile: 'linux',
    title: 'connect to a port nobody listens on: RST',
    about:
      'The closed port answers the SYN with RST,ACK and connect() fails with ECONNREFUSED. The SYN was sent twice before the RST came back; the second RST finds the client already CLOSE and is discarded.',
    source: 'RFC 9293 §3.5.2 (1), §3.10.7.1, §3.10.7.3',
    script: 'a:connect a:rto a>b a>b b>a b>a',
  },
  {
    name: 'rst-syn-rcvd',
    profile: 'linux',
    title: 'a RST in SYN_RECV sends the server back to LISTEN',
    about:
      "The client gives up during the handshake (close() in SYN_SENT); its kernel answers each SYN,ACK with RST. The server's half-open connection was reached from LISTEN, so the RST returns it to LISTEN (an active SYN_RECV would go to CLOSE); a second RST is ignored there. The server then closes its listener.",
    source: 'RFC 9293 Figure 8, §3.10.7.4',
    script: 'b:listen a:connect a>b a:close b:rto b>a b>a a>b a>b b:close',
  },
  {
    name: 'abort',
    profile: 'linux',
    title: 'the client aborts an established connection: RST, no TIME_WAIT',
    about: "ABORT (close() with SO_LINGER {on, 0}) sends RST and drops the connection at once on both ends: no FIN_WAIT, no TIME_WAIT. The server's application sees ECONNRESET.",
    source: 'RFC 9293 §3.10.5, §3.10.7.4',
    script: `${OPEN} a:abort a>b`,
  },
  {
    name: 'fin-lost',
    profile: 'linux',
    title: "a lost FIN is retransmitted; its ACKs are lost too, and the peer's FIN acknowledges it",
    about:
      "FIN_WAIT1 retransmits its FIN until it is acknowledged; CLOSE_WAIT acknowledges a repeated FIN again. When every ACK is lost, the peer's own FIN acknowledges ours and FIN_WAIT1 goes straight to TIME_WAIT (Figure 5, note 2). Many FIN_WAIT1 sockets mean FINs or their ACKs are not getting through, or the peer's window is closed.",
    source: 'RFC 9293 §3.10.8, §3.10.7.4, Figure 5 note 2',
    script: `${OPEN} a:close a>b:lost a:rto a>b b>a:lost a:rto a>b b>a:lost b:close b>a a>b a:2msl`,
  },
  {
    name: 'time-wait-refin',
    profile: 'linux',
    title: 'TIME_WAIT answers a retransmitted FIN',
    about:
      "The client's last ACK is lost; the server in LAST_ACK sends its FIN again and TIME_WAIT acknowledges it and restarts its timer. This is why TIME_WAIT exists: without it the FIN would meet a RST.",
    source: 'RFC 9293 §3.6.1, §3.10.7.4',
    script: `${OPEN} a:close a>b b>a b:close b>a a>b:lost b:rto b>a a>b a:2msl`,
  },
  // ---- the less travelled transitions and further cases --------- ------------------------
  {
    name: 'listen-connect',
    profile: 'rfc',
    title: 'a listening socket connects out (RFC only: LISTEN → SYN_SENT)',
    about: 'RFC 9293 lets a passive OPEN become active. Linux does not: connect() on a listening socket fails with EISCONN. Shown under the RFC profile.',
    source: 'RFC 9293 §3.10.1, Figure 5',
    script: 'a:listen b:listen b:connect b>a a>b b>a',
  },
  {
    name: 'syn-timeout',
    profile: 'linux',
    title: 'the SYN gets no answer: SYN_SENT gives up',
    about:
      'A firewall drops the SYNs. Linux retransmits the SYN net.ipv4.tcp_syn_retries (6) times over about 127 s, then connect() fails with ETIMEDOUT. Many SYN_SENT sockets: the peer or the path is down or filtered.',
    source: 'RFC 9293 §3.8.3',
    script: 'b:listen a:connect a>b:lost a:rto a>b:lost a:giveup',
  },
  {
    name: 'syn-ack-lost',
    profile: 'linux',
    title: 'the SYN,ACKs are lost: a half-open SYN_RECV on the server expires',
    about:
      "The server's SYN_RECV answers the repeated SYN and retransmits its SYN,ACK (tcp_synack_retries, 5) and then forgets the half-open connection, back to LISTEN. Many SYN_RECV: a SYN flood, or replies that cannot reach the clients.",
    source: 'RFC 9293 §3.8.3, §3.10.7.4',
    script: 'b:listen a:connect a>b b>a:lost a:rto a>b b>a:lost b:rto b>a:lost b:giveup a:giveup',
  },
  {
    name: 'syn-rcvd-close',
    profile: 'linux',
    title: 'close in SYN_RECV: straight to FIN_WAIT1',
    about:
      'After a simultaneous open the client closes before it is ESTABLISHED; it sends FIN from SYN_RECV. On Linux only sockets an application holds in SYN_RECV (simultaneous open, TCP Fast Open) can do this.',
    source: 'RFC 9293 §3.10.4',
    script: 'a:connect b:connect a>b b>a a:close b>a a>b a>b a>b b>a b:close b>a a>b a:2msl',
  },
  {
    name: 'simultaneous-open-fail',
    profile: 'linux',
    title: 'crossed SYNs, the SYN,ACKs lost: one end gives up, the other is reset',
    about:
      "Both ends are in an active SYN_RECV. One gives up silently; the other's retransmitted SYN,ACK meets a closed port and the RST takes it to CLOSE — not to LISTEN, because it never listened.",
    source: 'RFC 9293 §3.10.7.4 (SYN-RECEIVED, active OPEN), §3.8.3',
    script: 'a:connect b:connect a>b b>a a>b:lost b>a:lost a:giveup b:rto b>a a>b',
  },
  {
    name: 'half-open',
    profile: 'linux',
    title: 'the client lost the connection silently; its new SYN finds the old one',
    about:
      "The client's user timeout expired during a network outage; the server never knew (a half-open connection). The client's new SYN gets a challenge ACK (RFC 5961), the client answers with RST, the server drops the old connection, and the retransmitted SYN then opens a new one.",
    source: 'RFC 9293 Figure 10, §3.10.7.4; RFC 5961 §4',
    script: `${OPEN} a:send a>b:lost a:user-timeout a:connect a>b b>a a>b b:listen a:rto a>b b>a a>b`,
  },
  {
    name: 'ack-lost',
    profile: 'linux',
    title: "the handshake's last ACK is lost; the request completes it",
    about: "The server stays SYN_RECV until the client's first data arrives: its ACK completes the handshake.",
    source: 'RFC 9293 §3.10.7.4',
    script: 'b:listen a:connect a>b b>a a>b:lost a:send a>b b>a',
  },
  {
    name: 'health-check',
    profile: 'linux',
    title: "connect and close at once (a load balancer's health check), last ACK lost",
    about: "The FIN also acknowledges the server's SYN: SYN_RECV goes straight to CLOSE_WAIT. Health checks that connect and close are a common source of short-lived TIME_WAIT on the checker.",
    source: 'RFC 9293 §3.10.7.4',
    script: 'b:listen a:connect a>b b>a a>b:lost a:close a>b b>a b:close b>a a>b a:2msl',
  },
  {
    name: 'close-unread',
    profile: 'linux',
    title: 'the server closes without reading the request: RST instead of FIN',
    about: 'Closing with unread data sends RST (RFC 9293 SHLD-3; Linux tcp_close(), counted as TCPAbortOnClose): the client gets ECONNRESET, no FIN_WAIT, no TIME_WAIT.',
    source: 'RFC 9293 §3.6.1; RFC 2525 §2.17',
    script: `${OPEN} a:send a>b b>a b:close-unread b>a`,
  },
  {
    name: 'close-wait-leak',
    profile: 'linux',
    title: "the server never closes: CLOSE_WAIT stays, the client's FIN_WAIT2 times out",
    about:
      'The client closed (an orphan); after net.ipv4.tcp_fin_timeout its FIN_WAIT2 disappears silently. The server sits in CLOSE_WAIT until its application calls close() — a leak in the application, not in the kernel. When it finally closes, its FIN meets a RST.',
    source: 'Linux tcp_fin_timeout (ip-sysctl.rst); RFC 9293 §3.10.7.4',
    script: `${OPEN} a:close a>b b>a a:fin-timeout b:close b>a a>b`,
  },
  {
    name: 'tw-overflow',
    profile: 'linux',
    title: 'net.ipv4.tcp_max_tw_buckets is reached: no TIME_WAIT is kept',
    about: 'Linux skips TIME_WAIT when the table of timewait sockets is full (nstat TcpExtTCPTimeWaitOverflow). The connection closes at once, and a late FIN from the peer would meet a RST.',
    source: 'Linux tcp_time_wait() (tcp_minisocks.c); RFC 9293 §3.6.1',
    script: `${OPEN} a:close a>b b>a b:close b>a a:tw-overflow a>b`,
  },
  {
    name: 'time-wait-assassination',
    profile: 'linux',
    title: 'a RST kills TIME_WAIT (RFC 1337)',
    about:
      "The server's FIN is retransmitted before the client's ACK arrives; the duplicate ACK reaches a closed server, which answers RST, and the RST ends the client's TIME_WAIT early. Linux does this unless net.ipv4.tcp_rfc1337=1.",
    source: 'RFC 1337; RFC 9293 §3.10.7.4',
    script: `${OPEN} a:close a>b b>a b:close b>a b:rto a>b b>a a>b b>a`,
  },
  {
    name: 'listener-restart',
    profile: 'linux',
    title: "the server's connection is reset and its RST lost; the new listener resets the client",
    about: "A listener answers any segment carrying an ACK with RST: the client's next data on the old connection is how it learns that the server forgot it.",
    source: 'RFC 9293 §3.10.7.2, Figure 9',
    script: `${OPEN} b:abort b>a:lost b:listen a:send a>b b>a`,
  },
  {
    name: 'peer-gone',
    profile: 'linux',
    title: 'the peer vanishes: retransmission gives up, the other end never knows',
    about:
      "The client's data is never acknowledged; after net.ipv4.tcp_retries2 (15, about 15 min) the client gives up with ETIMEDOUT and no RST. The server stays ESTABLISHED for ever unless keepalive or the application notices: a half-open connection.",
    source: 'RFC 9293 §3.8.3',
    script: `${OPEN} a:send a>b:lost a:giveup`,
  },
  {
    name: 'last-ack-abort',
    profile: 'linux',
    title: 'an abort in LAST_ACK sends no RST; the orphaned FIN_WAIT2 times out',
    about:
      'The server aborts (SO_LINGER {on, 0}) while its FIN is unacknowledged: in LAST_ACK, as in CLOSING and TIME_WAIT, ABORT deletes the connection without a RST (Linux: tcp_need_reset() is false there). The client, which has closed, gives up FIN_WAIT2 after tcp_fin_timeout.',
    source: 'RFC 9293 §3.10.5; Linux tcp_disconnect()',
    script: `${OPEN} a:close a>b b>a b:close b>a:lost b:abort a:fin-timeout`,
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
