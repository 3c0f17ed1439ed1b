/**
 * Every text of `tcpstate doctor`: the report's frame (headings, severities, what was
 * checked) and each rule's findings (title, evidence labels, why, what to do), in English
 * and Chinese. Commands (`$ ...`) stay commands in both; their `# comments` are text.
 * The terms are the ones Chinese operators use (连接, 监听, 全连接队列, 半连接队列);
 * states keep their netstat names.
 * @module
 */
import { type Catalogue, catalogue, sayer } from './catalogue.js';

const EN = {
  common: {
    unknownOneSample: 'unknown (one sample)',
    sysctlInvalid: (value: string, why: string) => `invalid: "${value}" (${why}), not used`,
    sysctlRejected: (name: string, value: string, file: string, why: string) => `${name} is "${value}" in ${file}, which the kernel does not accept: ${why}`,
    sysctlUnavailable: (why: string) => `unknown (${why})`,
    sysctlHostOnly: 'unknown (exists only in the initial network namespace; read it on the host)',
    sysctlAbsent: 'unknown (not present)',
    unknownProcess: 'an unknown process',
  },
  rules: {
    'syn-backlog': {
      checks: 'SYN_RECV per listener, SYN cookies and SYN-queue drops, tcp_max_syn_backlog',
      noCounters: (why: string) => `no counters (${why}): SYN cookie and drop rates unknown`,
      oneSample: 'one sample: SYN cookie and drop rates unknown (totals shown)',
      unknown: 'unknown',
      sinceBoot: ' since boot (one sample)',
      cookiesOff: ' (off: a full SYN queue drops SYNs)',
      cookiesAlways: ' (always)',
      cookiesOn: ' (on when the SYN queue is full)',
      maxSynMatters: ' (matters only with syncookies off)',
      synackLife: (n: number, s: number) => `${n} (a SYN_RECV entry lives about ${s} s)`,
      why:
        "SYN_RECV entries are half-open connections: the SYN arrived, the SYN-ACK went out, the client's final ACK " +
        'has not come back. They normally last one round trip. The SYN queue of a listener is full when it holds ' +
        "more than the listener's backlog (min(listen() backlog, somaxconn)); then the kernel answers with SYN cookies " +
        '(no entry kept, logged as "Possible SYN flooding on port N") or, with tcp_syncookies = 0, drops the SYN. ' +
        'Many entries from many addresses point at a SYN flood; a few clients whose ACKs never arrive point at a ' +
        'firewall or asymmetric route dropping them; a burst of legitimate clients against a small backlog looks the same ' +
        'as the latter, with cookies.',
      noListener: 'no listener found',
      title: (n: number, ep: string, owner: string, peers: number) =>
        `${n === 1 ? '1 half-open connection' : `${n} half-open connections`} (SYN_RECV) on ${ep} (${owner}) from ${peers === 1 ? '1 address' : `${peers} addresses`}`,
      cookies: (rate: string) => `; SYN cookies ${rate}`,
      dropped: (rate: string) => `; SYNs dropped ${rate}`,
      labels: {
        listener: 'listener',
        entries: 'SYN_RECV entries',
        peers: 'distinct client addresses',
        top: 'top clients',
        retrans: 'SYN-ACK retransmissions (most)',
      },
      was: (before: number, d: string) => ` (was ${before} ${d} earlier)`,
      flood: ' (many sources: looks like a SYN flood)',
      acksComment: 'do the final ACKs arrive?',
      cookiesComment: 'answer a full SYN queue with cookies instead of dropping',
      advice: "If legitimate: raise the listener's backlog and net.core.somaxconn; under a flood: sysctl -w net.ipv4.tcp_synack_retries=2 (shorter half-open life) and filter upstream",
      noEntriesTitle: (cookies: string, dropped: string) => `SYN queue overflow without SYN_RECV entries: SYN cookies ${cookies}, SYNs dropped ${dropped}`,
      noEntriesWhy: ' With cookies no entry is kept, so the listener is not visible here; the kernel log names its port.',
    },
    'fin-wait2-orphans': {
      checks: 'FIN_WAIT2 pile-ups per peer (orphaned or held), orphans against tcp_max_orphans, TCPAbortOnMemory',
      noCounters: (why: string) => `no counters (${why}): orphans and TCPAbortOnMemory unknown`,
      title: (n: number, peer: string, orphaned: number, held: number) => `${n === 1 ? '1 socket' : `${n} sockets`} in FIN_WAIT2 toward ${peer}: ${orphaned} orphaned, ${held} held open`,
      peerLocal: (owner: string) => `; the peer is local: ${owner} has not closed its ends`,
      peerRemote: '; the peer has not closed its side',
      labels: {
        count: 'FIN_WAIT2 toward the peer',
        orphaned: 'orphaned (application closed; kernel ends them)',
        held: 'held open (shutdown(SHUT_WR); no timeout)',
        peerEnds: "the peer's ends",
        finTimeout: 'net.ipv4.tcp_fin_timeout (orphaned FIN_WAIT2 only)',
      },
      goneWithin: (d: string) => `, gone within ${d}`,
      heldBy: (n: number, owner: string) => `${n}, by ${owner}`,
      peerCloseWait: (n: number, owner: string) => `${n} in CLOSE_WAIT on this host, held by ${owner}`,
      peerNotHere: 'not on this host (or not visible)',
      why:
        "FIN_WAIT2 means this side has closed and the peer acknowledged, but the peer's application has not closed " +
        'its end (on its side the socket sits in CLOSE_WAIT). Orphaned ones, whose descriptor this application already ' +
        'closed, are dropped by the kernel after net.ipv4.tcp_fin_timeout (60 s) without a packet; held ones, half-closed ' +
        'with shutdown(SHUT_WR) and still open, wait for the peer forever. The cause is on the peer: ',
      whyLocal: (owner: string) => `here ${owner}, which leaks CLOSE_WAIT.`,
      whyRemote: 'its application is not closing.',
      peerSideComment: "the peer's side",
      onPeerComment: 'on the peer',
      fix: "Fix the peer's missing close(); on this side, close() instead of shutdown() when done reading, or read with a timeout",
      finTimeoutComment: 'shortens orphaned FIN_WAIT2 only (not TIME_WAIT)',
      abortingTitle: (rate: string) => `connections are being reset for lack of memory: TCPAbortOnMemory ${rate}`,
      orphansTitle: (n: number, pct: string, max: number) => `${n} orphaned sockets, ${pct}% of tcp_max_orphans (${max})`,
      abortedTitle: (n: number) => `TCPAbortOnMemory: ${n} connections reset for lack of memory since boot`,
      orphansLabel: 'orphaned sockets (sockstat orphan, whole host)',
      memLabel: 'TCP memory (sockstat mem, pages)',
      unknown: 'unknown',
      aborts: (n: number, d: string, all: string) => `+${n} in ${d} (${all} in all)`,
      orphansWhy:
        'Orphans are sockets the applications have closed that the kernel still finishes (FIN_WAIT1, LAST_ACK, CLOSING, ' +
        'long FIN_WAIT2). Past tcp_max_orphans, or when TCP memory (tcp_mem) runs out, the kernel resets them ("too many ' +
        'orphaned sockets", "out of memory -- consider tuning tcp_mem") and counts TCPAbortOnMemory: peers see resets.',
      hostComment: 'on the host; raise only if memory allows',
      retriesComment: 'give up sooner on unreachable peers',
    },

    'time-wait-ports': {
      checks: 'ephemeral ports held toward each upstream (TIME_WAIT first) against ip_local_port_range, time to exhaustion, tcp_tw_reuse, tcp_max_tw_buckets',
      noRange: (why: string) => `no sysctls: net.ipv4.ip_local_port_range ${why}`,
      oneSample: 'one sample: connection rate and time to exhaustion unknown',
      reuseUnknown: 'tcp_tw_reuse unknown: assumed off',
      noCounters: (why: string) => `no counters (${why}): TCPTimeWaitOverflow and sockstat tw unknown`,
      reuseAssumedOff: 'unknown (assumed off)',
      reuseApplies: (ms: number) => `applies (TIME_WAIT older than ${ms} ms can be reused)`,
      reuseLoopbackOnly: 'off for this destination (2 = loopback only)',
      reuseNoTimestamps: 'would apply but tcp_timestamps = 0',
      off: 'off',
      exhaustedTitle: (dest: string, inUse: number, size: number, tw: number) =>
        `ephemeral ports toward ${dest} are exhausted: ${inUse} of ${size} held (${tw} in TIME_WAIT); connect() fails with EADDRNOTAVAIL`,
      title: (tw: number, size: number, dest: string) => `TIME_WAIT holds ${tw} of ${size} ephemeral ports toward ${dest}`,
      runOut: (rate: string, d: string) => `; at ${rate} new connections they run out in ${d}`,
      noExhaustion: (rate: string) => ` (${rate} new connections; no exhaustion at this rate)`,
      reuseLets: ' (tcp_tw_reuse lets connect() reuse them)',
      labels: {
        dest: 'destination (local address -> upstream)',
        tw: 'TIME_WAIT toward it',
        other: 'other states holding ports toward it',
        range: 'ephemeral range (net.ipv4.ip_local_port_range)',
        share: 'share held',
        fresh: 'new connections toward it',
        opens: 'Tcp ActiveOpens (whole namespace)',
        runsOut: 'ports run out in',
        clears: 'TIME_WAIT clears in',
      },
      ports: (lo: number, hi: number, size: number) => `${lo}-${hi} (${size} ports)`,
      notReusable: (pct: string) => ` (${pct}% not reusable)`,
      unknownOneSample: 'unknown (one sample)',
      fresh: (rate: string, n: number, d: string) => `${rate} (${n} new 4-tuples in ${d})`,
      notAtThisRate: (steady: string, size: number) => `not at this rate (steady state ${steady} of ${size})`,
      now: 'now',
      clears: (first: string, all: string) => `first in ${first}, all in ${all} (TIME_WAIT lasts 60 s on Linux)`,
      finTimeout: (v: number) => `${v}: has no effect on TIME_WAIT (it limits orphaned FIN_WAIT2)`,
      why: (size: number) =>
        'Each outgoing connection takes a local port from ip_local_port_range, unique per destination ' +
        '(local address, remote address, remote port). The side that closes first keeps its port in TIME_WAIT ' +
        'for 60 s, a constant in the Linux kernel (TCP_TIMEWAIT_LEN): so toward one upstream at most ' +
        `${size} connections can be opened per minute before connect() fails with EADDRNOTAVAIL ` +
        '("Cannot assign requested address"). A common myth: net.ipv4.tcp_fin_timeout does not shorten ' +
        'TIME_WAIT; it limits how long an orphaned FIN_WAIT2 lingers. tcp_tw_recycle, the other folk remedy, ' +
        'was removed in Linux 4.12 (it broke clients behind NAT).',
      whyReuse: ' Here tcp_tw_reuse lets connect() reuse TIME_WAIT ports older than the reuse delay, so only young ones count.',
      upstreamsComment: 'which upstreams',
      fix:
        'Fix in the client: reuse connections (HTTP keep-alive, a connection pool toward the upstream) ' +
        'instead of one connection per request; or let the server close first, so TIME_WAIT lands on its side, which uses no ephemeral port',
      rangeComment: 'more ports (keep clear of listening ports)',
      reuseComment: 'outgoing connections may reuse TIME_WAIT ports (needs tcp_timestamps=1); safe on the client side',
      more: 'More upstream addresses or ports, or more local source addresses (bind with IP_BIND_ADDRESS_NO_PORT), multiply the ports available',
      skippedTitle: (n: number, max: string, d: string) => `TIME_WAIT is being skipped: ${n === 1 ? '1 closing socket' : `${n} closing sockets`} found tcp_max_tw_buckets (${max}) full in ${d}`,
      nearTitle: (tw: number, pct: string, max: number) => `${tw} TIME_WAIT sockets, ${pct}% of tcp_max_tw_buckets (${max})`,
      pastTitle: (n: number) => `tcp_max_tw_buckets has overflowed ${n === 1 ? '1 time' : `${n} times`} since the namespace started`,
      twLabel: 'timewait sockets (sockstat tw: TIME_WAIT and orphaned FIN_WAIT2)',
      unknown: 'unknown',
      overflow: (n: number, d: string, all: string) => `+${n} in ${d} (${all} in all)`,
      bucketsWhy:
        'When tcp_max_tw_buckets TIME_WAIT sockets exist, the kernel closes further connections without TIME_WAIT ' +
        '(older kernels log "TCP: time wait bucket table overflow"). That keeps memory bounded but gives up ' +
        "TIME_WAIT's protection against old duplicate segments. The count itself is the sign of very many short connections.",
      bucketsAdvice: 'Reuse connections rather than raising the limit; if the memory is there: sysctl -w net.ipv4.tcp_max_tw_buckets=262144',
    },
    retransmits: {
      checks: 'sockets retransmitting (timer on, retransmits > 0) grouped by peer; RetransSegs and TCPTimeouts rates',
      noCounters: (why: string) => `no counters (${why}): RetransSegs and TCPTimeouts rates unknown`,
      oneSample: 'one sample: RetransSegs and TCPTimeouts rates unknown',
      title: (n: number, peer: string, max: number) => `${n === 1 ? '1 socket' : `${n} sockets`} retransmitting to ${peer} (up to ${max} times in a row without an answer)`,
      labels: {
        peer: 'peer',
        sockets: 'sockets retransmitting',
        most: 'most consecutive retransmissions',
        processes: 'processes',
        retransSegs: 'Tcp RetransSegs (whole namespace)',
        timeouts: 'TcpExt TCPTimeouts / TCPSynRetrans',
        givesUp: 'gives up after',
      },
      ports: (n: number, list: string) => `port${n > 1 ? 's' : ''} ${list}`,
      on: (max: number, who: string) => `${max}, on ${who}`,
      unknown: 'unknown',
      ofOutSegs: (pct: string) => ` (${pct}% of OutSegs)`,
      givesUp: (retries2: string, synRetries: string) => `tcp_retries2 = ${retries2} (data), tcp_syn_retries = ${synRetries} (connects)`,
      why:
        'These sockets sent data (or a SYN or FIN) that the peer has not acknowledged, and the retransmission timer ' +
        'has fired again and again, doubling each time. The peer or the path drops packets: the peer host down or ' +
        'overloaded, a firewall dropping the flow, a path MTU black hole (small packets pass, full-size ones vanish), ' +
        'or heavy loss. The application sees writes that hang and, after tcp_retries2, ETIMEDOUT.',
      ssComment: 'rto, rtt, retrans, lost per socket',
      pingComment: 'reachability and path MTU',
      tcpdumpComment: 'are the segments answered?',
    },
    'accept-queue': {
      checks: 'listeners whose accept queue nears the backlog; ListenOverflows/ListenDrops rates; backlog capped by somaxconn',
      backlogUnknown: (source: string) => `backlog unknown: the ${source} source does not show it (netlink does; "ss -ltn" shows it as Send-Q)`,
      noCounters: (why: string) => `no counters (${why}): ListenOverflows/ListenDrops unknown`,
      oneSample: 'one sample: ListenOverflows/ListenDrops rates unknown (totals shown)',
      title: (owner: string, ep: string, q: number, backlog: string, overflows: string) =>
        `${owner} is not accepting fast enough on ${ep}: ${q} connection${q === 1 ? '' : 's'} waiting in the accept queue${backlog ? ` of ${backlog}` : ''}${overflows ? `, ListenOverflows ${overflows}` : ''}`,
      labels: {
        listener: 'listener',
        queue: 'accept queue (Recv-Q)',
        backlog: 'backlog',
        somaxconn: 'net.core.somaxconn (caps every backlog)',
      },
      was: (before: number, d: string) => ` (was ${before} ${d} earlier)`,
      cappedBySomaxconn: ' (= somaxconn: the application may have asked for more and been capped)',
      backlogInferred: (n: number, q: number) => `not shown by /proc; probably ${n} (the queue stays at ${q} while the kernel refuses: it admits backlog + 1)`,
      backlogNotShown: 'not shown by /proc (run "ss -ltn" and read Send-Q, or use the netlink source)',
      sinceBoot: (n: string) => `${n} since boot (one sample)`,
      unknown: 'unknown',
      why:
        'A listening socket has two queues: half-open connections (SYN_RECV) and connections the kernel has ' +
        'completed that wait for the application to call accept(). When the accept queue holds more than the ' +
        'backlog, the kernel ignores new SYNs and final ACKs and counts ListenOverflows (and ListenDrops); clients ' +
        'see slow connects (SYN retried after 1, 3, 7 s) or timeouts. The backlog is the one passed to listen(), ' +
        'silently capped at net.core.somaxconn. A queue that fills means the application accepts too slowly ' +
        '(event loop or accept thread blocked, workers exhausted) or the backlog is too small for bursts.',
      queueComment: 'Recv-Q = queue, Send-Q = backlog',
      topComment: 'is the accepting thread busy or blocked?',
      inCode:
        'In the code: keep the accept loop free (no blocking work on the thread or event loop that accepts), add workers; ' +
        'ask for a larger backlog (listen(fd, N); Node server.listen({backlog}); nginx "listen ... backlog=N"; Java ServerSocket(port, N))',
      somaxconnComment: 'the cap on every backlog; restart the listener to apply',
      burstTitle: (overflows: string) => `ListenOverflows ${overflows} but no accept queue is backed up now: a burst overflowed and drained`,
      burstWhy: 'The counters are per namespace, not per port; no listener had a waiting connection when sampled, so the overflow came in a burst.',
      watchComment: 'catch the listener whose Recv-Q reaches Send-Q',
    },
    'close-wait-leak': {
      checks: 'CLOSE_WAIT sockets a process keeps (by process and port or upstream), their growth and age',
      oneSample: 'one sample: growth unknown',
      noProcesses: 'no process information: owners unknown',
      someHidden: 'some processes hidden (not root): some owners unknown',
      title: (owner: string, n: number, where: string, growth: string) => `${owner} holds ${n === 1 ? '1 socket' : `${n} sockets`} in CLOSE_WAIT ${where}${growth}`,
      onPort: (port: number) => `on port ${port}`,
      toward: (peer: string) => `toward ${peer}`,
      growth: (n: number, d: string) => `, +${n} in ${d}`,
      labels: {
        count: 'CLOSE_WAIT sockets',
        owner: 'owner',
        port: 'local port (a listener: server side)',
        upstream: 'upstream (client side)',
        change: 'change between samples',
        age: 'age',
        unread: 'unread bytes in their receive queues',
      },
      changeUnknown: 'unknown (one sample)',
      change: (n: string, d: string, perMin: string) => `${n} in ${d}${perMin ? ` (${perMin}/min)` : ''}`,
      ageOldest: (d: string) => `oldest ${d} since the peer's last ACK, its FIN (tcp_info last_ack_recv)`,
      ageStayed: (stayed: number, n: number, d: string, noAge: string) => `${stayed} of ${n} were already in CLOSE_WAIT ${d} earlier; ${noAge}`,
      ageUnknown: (noAge: string) => `unknown: ${noAge}`,
      noAgeProc: "/proc shows no age (netlink's tcp_info does)",
      noAgeProcOnly: "/proc shows no age for CLOSE_WAIT (netlink's tcp_info does)",
      noAgeSource: (source: string) => `the ${source} source gave no tcp_info for them`,
      why:
        'CLOSE_WAIT means the peer has closed its side (its FIN arrived) and the kernel is waiting for this ' +
        'application to call close(). The kernel never times CLOSE_WAIT out: each socket keeps a file descriptor ' +
        'and its buffers until the process closes it or exits, and no sysctl changes that (keepalive does not ' +
        'free the descriptor). ',
      whyServer: (port: number) => `Here the process is the server on port ${port}: clients hung up and it did not close its end.`,
      whyClient: (peer: string) => `Here the process is the client: ${peer} closed connections (often idle ones in a pool) and the process kept its ends.`,
      whyEnd: ' A count that stays or grows means a code path that never closes.',
      fdComment: 'descriptors held; compare with:',
      inCode:
        'In the code: close the socket when a read returns 0 (EOF) and on every error path; release pooled ' +
        'connections the peer closed (e.g. always close HTTP response bodies, evict dead pool entries); ' +
        'with Node, a socket created with allowHalfOpen must call end()',
      relief: (filter: string) => `Relief, not a fix: restarting the process frees them; ss -K state close-wait '( ${filter} )' closes them now (needs CONFIG_INET_DIAG_DESTROY)`,
    },
  },
  report: {
    header: (where: string, source: string, samples: string) => `tcpstate doctor: ${where}, ${source} source, ${samples}`,
    twoSamples: (s: string) => `2 samples ${s} s apart`,
    oneSampleCaptured: 'one sample (captured: counters are totals)',
    oneSample: 'one sample',
    thisHost: 'this host',
    netns: (name: string) => `network namespace ${name}`,
    capturedTree: (dir: string) => `captured proc tree ${dir}`,
    severity: { info: 'INFO', warning: 'WARNING', critical: 'CRITICAL' },
    evidence: 'Evidence:',
    sockets: (shown: number, all: number) => `Sockets (${shown === all ? shown : `${shown} of ${all}`}):`,
    columns: { state: 'State', local: 'Local', remote: 'Remote', timer: 'Timer', owner: 'PID/Program' },
    why: 'Why:',
    nextSteps: 'Next steps:',
    checked: 'What was checked:',
    ran: 'checked',
    partial: 'checked in part',
    skipped: 'NOT CHECKED',
    findings: (n: number) => (n === 0 ? 'no finding' : n === 1 ? '1 finding' : `${n} findings`),
    checkLine: (id: string, status: string, findings: string) => `${id}: ${status}, ${findings}`,
    couldNotRun: (why: string) => `could not run: ${why}`,
    without: (what: string) => `without: ${what}`,
    incomplete: (n: number, rules: string) =>
      `Incomplete diagnosis: ${n === 1 ? '1 kernel value in the input is' : `${n} kernel values in the input are`} not one the kernel accepts, so ${rules} could not check everything (see "What was checked"):`,
    invalid: (name: string, value: string, file: string, why: string) => `${name} = "${value}" (${file}): ${why}`,
    noProblems: (partial: boolean, notes: number) => `No problems found${partial ? ' by what could run' : ''}${notes ? ` (${notes === 1 ? '1 note' : `${notes} notes`} below)` : ''}.`,
    problems: (n: number, critical: number, warnings: number, notes: number) =>
      `${n === 1 ? '1 problem' : `${n} problems`} found: ${[critical ? `${critical} critical` : '', warnings ? (warnings === 1 ? '1 warning' : `${warnings} warnings`) : '', notes ? (notes === 1 ? '1 note' : `${notes} notes`) : ''].filter(Boolean).join(', ')}.`,
  },
  // Errors of --only/--skip and of the threshold file (--config FILE): strict JSON
  unknownRuleIn: (id: string, flag: string, rules: string) => `unknown rule ${id} in ${flag}; rules: ${rules}`,
  configNotObject: (got: string) => `expected an object of rule ids, e.g. {"close-wait-leak": {"warnCount": 10}}, got ${got}`,
  configUnknownRule: (id: string, rules: string) => `unknown rule ${id}; rules: ${rules}`,
  configNotThresholds: (got: string) => `expected an object of thresholds, got ${got}`,
  configUnknownThreshold: (id: string, keys: string) => `unknown threshold; "${id}" has ${keys}`,
  configNotNumber: (got: string) => `expected a number of 0 or more, got ${got}`,
  configUnreadable: (file: string, why: string) => `cannot read ${file}: ${why}`,
  configDirectory: 'it is a directory (EISDIR)',
  configTooLarge: (mib: number) => `larger than ${mib} MiB: not a threshold config (reading stopped there)`,
  configNotUtf8: 'not UTF-8 text',
  jsonAt: (column: number, what: string) => `column ${column}: not JSON: ${what}`,
  jsonUnterminated: 'a string that does not end',
  jsonControl: 'a control character inside a string (write it as an escape, e.g. \\n)',
  jsonEscape: (text: string) => `a bad escape ${text} in a string`,
  jsonExpectedValue: (found: string) => `expected a value, found ${found}`,
  jsonTooLarge: (literal: string, n: number) => `the number ${literal} is too large to represent (it would be ${n})`,
  jsonDeep: (max: number) => `nested deeper than ${max} levels`,
  jsonKeyQuotes: (found: string) => `expected a key in double quotes, found ${found}`,
  jsonKeyTwice: (key: string) => `the key ${key} is given twice`,
  jsonColon: (found: string) => `expected ':' after a key, found ${found}`,
  jsonObjectEnd: (found: string) => `expected ',' or '}' after a value, found ${found}`,
  jsonArrayEnd: (found: string) => `expected ',' or ']' after a value, found ${found}`,
  jsonEmpty: 'the file is empty',
  jsonAfterValue: (found: string) => `unexpected ${found} after the value`,
  jsonFileEnd: 'the end of the file',
  jsonArray: 'an array',
  jsonObject: 'an object',
  /** `doctor --help`; `rules`: the rule ids. */
  help: (rules: string) => `Usage: tcpstate doctor [OPTIONS]

Diagnose TCP trouble: which process leaks CLOSE_WAIT, whether TIME_WAIT will exhaust
the ephemeral ports toward an upstream and when, which listener's accept queue
overflows, SYN floods, FIN_WAIT2 and orphan pile-ups, peers that do not answer.
It reads the socket table twice (--interval apart), the kernel's counters
(/proc/net/netstat, snmp, sockstat) and the sysctls that govern TCP states.

  --interval S         seconds between the two samples (default 1; 0: one sample,
                       no rates)
  --json               one JSON document (docs/doctor.md)
  --config FILE        thresholds, JSON: {"close-wait-leak": {"warnCount": 10}}
  --print-config       print every threshold with its default, as a config file
  --only ID,...        run only these rules
  --skip ID,...        leave these rules out
  --proc-root DIR      a captured /proc tree (with net/, sys/net/ and PID/fd if
                       copied): one sample; rules lacking an input say so
  -N, --netns NAME     run inside the network namespace NAME (through
                       "ip netns exec", needs root): sockets, counters, sysctls
                       and owners are all that namespace's
  --source NAME        live socket source: auto (default), proc, netlink
  --lang LANG          en or zh (findings, why, what to do); default from
                       TCPSTATE_LANG, LC_ALL, LC_MESSAGES, LANG (zh* gives zh)
  --color=WHEN         auto (default: on a terminal, unless NO_COLOR is set),
                       always or never: critical red, warning yellow

Rules: ${rules}

Exit status: 0 no problem (or notes only), 1 warnings, 2 critical, 3 no diagnosis
(bad option, unreadable input, or a rule read a value the kernel would not show and
nothing critical was found).

Examples:
  tcpstate doctor
  tcpstate doctor --json --interval 5
  tcpstate doctor --netns web1
  tcpstate doctor --proc-root /tmp/captured-proc
`,
};

const ZH: typeof EN = {
  common: {
    unknownOneSample: '未知（只采样了一次）',
    sysctlInvalid: (value, why) => `无效："${value}"（${why}），未使用`,
    sysctlRejected: (name, value, file, why) => `${name} 在 ${file} 中是 "${value}"，内核不会接受这个值：${why}`,
    sysctlUnavailable: (why) => `未知（${why}）`,
    sysctlHostOnly: '未知（只存在于初始网络命名空间中；请在宿主机上读取）',
    sysctlAbsent: '未知（不存在）',
    unknownProcess: '未知进程',
  },
  rules: {
    'syn-backlog': {
      checks: '每个监听套接字的 SYN_RECV、SYN cookie 和半连接队列丢弃、tcp_max_syn_backlog',
      noCounters: (why) => `没有计数器（${why}）：不知道 SYN cookie 和丢弃的速率`,
      oneSample: '只采样了一次：不知道 SYN cookie 和丢弃的速率（显示累计值）',
      unknown: '未知',
      sinceBoot: '（开机以来，只采样了一次）',
      cookiesOff: '（关闭：半连接队列满时丢弃 SYN）',
      cookiesAlways: '（总是使用）',
      cookiesOn: '（半连接队列满时启用）',
      maxSynMatters: '（只在 syncookies 关闭时起作用）',
      synackLife: (n, s) => `${n}（一个 SYN_RECV 条目大约存在 ${s} 秒）`,
      why:
        'SYN_RECV 条目是半连接：SYN 已到达，SYN-ACK 已发出，客户端的最后一个 ACK 还没回来。它们通常只存在一个往返时间。' +
        '监听套接字的半连接队列超过它的 backlog（min(listen() 的 backlog, somaxconn)）时就满了；这时内核用 SYN cookie 应答' +
        '（不保留条目，日志中记为 "Possible SYN flooding on port N"），或者在 tcp_syncookies = 0 时丢弃 SYN。' +
        '来自大量地址的大量条目说明是 SYN 洪水；少数客户端的 ACK 总是不到，说明防火墙或非对称路由丢弃了它们；' +
        '合法客户端的突发流量遇到很小的 backlog，看起来和后者一样，只是带有 cookie。',
      noListener: '没有找到监听套接字',
      title: (n, ep, owner, peers) => `${ep}（${owner}）上有 ${n} 个半连接（SYN_RECV），来自 ${peers} 个地址`,
      cookies: (rate) => `；SYN cookie ${rate}`,
      dropped: (rate) => `；丢弃的 SYN ${rate}`,
      labels: {
        listener: '监听套接字',
        entries: 'SYN_RECV 条目',
        peers: '不同的客户端地址',
        top: '最多的客户端',
        retrans: 'SYN-ACK 重传次数（最多）',
      },
      was: (before, d) => `（${d}前为 ${before}）`,
      flood: '（来源很多：像是 SYN 洪水）',
      acksComment: '最后的 ACK 到了吗？',
      cookiesComment: '半连接队列满时用 cookie 应答，而不是丢弃',
      advice: '如果是正常流量：调大监听套接字的 backlog 和 net.core.somaxconn；如果是洪水攻击：sysctl -w net.ipv4.tcp_synack_retries=2（缩短半连接的存活时间），并在上游过滤',
      noEntriesTitle: (cookies, dropped) => `半连接队列溢出，但没有 SYN_RECV 条目：SYN cookie ${cookies}，丢弃的 SYN ${dropped}`,
      noEntriesWhy: '使用 cookie 时不保留条目，所以这里看不到是哪个监听套接字；内核日志会写出它的端口。',
    },
    'fin-wait2-orphans': {
      checks: '按对端统计的 FIN_WAIT2 堆积（孤儿的或仍被进程持有的）、孤儿连接与 tcp_max_orphans 的对比、TCPAbortOnMemory',
      noCounters: (why) => `没有计数器（${why}）：不知道孤儿连接数和 TCPAbortOnMemory`,
      title: (n, peer, orphaned, held) => `到 ${peer} 有 ${n} 个处于 FIN_WAIT2 的套接字：${orphaned} 个是孤儿连接，${held} 个仍被进程持有`,
      peerLocal: (owner) => `；对端就在本机：${owner} 没有关闭它那一端`,
      peerRemote: '；对端没有关闭它那一侧',
      labels: {
        count: '到该对端的 FIN_WAIT2',
        orphaned: '孤儿连接（应用已关闭；由内核结束）',
        held: '仍被持有（shutdown(SHUT_WR)；没有超时）',
        peerEnds: '对端的那一端',
        finTimeout: 'net.ipv4.tcp_fin_timeout（只对孤儿 FIN_WAIT2）',
      },
      goneWithin: (d) => `，${d}内消失`,
      heldBy: (n, owner) => `${n}，由 ${owner} 持有`,
      peerCloseWait: (n, owner) => `本机上有 ${n} 个处于 CLOSE_WAIT，由 ${owner} 持有`,
      peerNotHere: '不在本机（或看不到）',
      why:
        'FIN_WAIT2 表示本端已经关闭、对端也已确认，但对端的应用程序没有关闭它那一端（在对端，这个套接字处于 CLOSE_WAIT）。' +
        '孤儿连接（本机应用已经关闭了描述符）会在 net.ipv4.tcp_fin_timeout（60 秒）后被内核丢弃，不发任何报文；' +
        '仍被持有的连接（用 shutdown(SHUT_WR) 半关闭、仍然打开）会永远等待对端。原因在对端：',
      whyLocal: (owner) => `这里是 ${owner}，它在泄漏 CLOSE_WAIT。`,
      whyRemote: '对端的应用程序没有关闭连接。',
      peerSideComment: '对端的那一侧',
      onPeerComment: '在对端机器上运行',
      fix: '修复对端缺少的 close()；在本端，读完后用 close() 而不是 shutdown()，或者读取时设置超时',
      finTimeoutComment: '只缩短孤儿 FIN_WAIT2（不影响 TIME_WAIT）',
      abortingTitle: (rate) => `连接因内存不足被重置：TCPAbortOnMemory ${rate}`,
      orphansTitle: (n, pct, max) => `${n} 个孤儿套接字，达到 tcp_max_orphans（${max}）的 ${pct}%`,
      abortedTitle: (n) => `TCPAbortOnMemory：开机以来有 ${n} 个连接因内存不足被重置`,
      orphansLabel: '孤儿套接字（sockstat 的 orphan，整台主机）',
      memLabel: 'TCP 内存（sockstat 的 mem，单位为页）',
      unknown: '未知',
      aborts: (n, d, all) => `${d}内 +${n}（累计 ${all}）`,
      orphansWhy:
        '孤儿连接是应用程序已经关闭、但内核还在收尾的套接字（FIN_WAIT1、LAST_ACK、CLOSING、长时间的 FIN_WAIT2）。' +
        '超过 tcp_max_orphans，或者 TCP 内存（tcp_mem）用完时，内核会重置它们（"too many orphaned sockets"、' +
        '"out of memory -- consider tuning tcp_mem"）并计入 TCPAbortOnMemory：对端会收到 RST。',
      hostComment: '在宿主机上运行；内存允许时才调大',
      retriesComment: '对不可达的对端更早放弃',
    },

    'time-wait-ports': {
      checks: '每个上游占用的本地临时端口（先看 TIME_WAIT）与 ip_local_port_range 的对比、端口耗尽前还有多久、tcp_tw_reuse、tcp_max_tw_buckets',
      noRange: (why) => `没有内核参数：net.ipv4.ip_local_port_range ${why}`,
      oneSample: '只采样了一次：不知道新建连接的速率和端口耗尽前还有多久',
      reuseUnknown: '不知道 tcp_tw_reuse：按关闭处理',
      noCounters: (why) => `没有计数器（${why}）：不知道 TCPTimeWaitOverflow 和 sockstat 的 tw`,
      reuseAssumedOff: '未知（按关闭处理）',
      reuseApplies: (ms) => `生效（超过 ${ms} 毫秒的 TIME_WAIT 可以复用）`,
      reuseLoopbackOnly: '对这个目标不生效（2 = 只用于回环地址）',
      reuseNoTimestamps: '本可生效，但 tcp_timestamps = 0',
      off: '关闭',
      exhaustedTitle: (dest, inUse, size, tw) => `到 ${dest} 的本地临时端口已经耗尽：${size} 个中占用了 ${inUse} 个（${tw} 个处于 TIME_WAIT）；connect() 会失败并返回 EADDRNOTAVAIL`,
      title: (tw, size, dest) => `到 ${dest} 的连接中，TIME_WAIT 占用了 ${size} 个本地临时端口中的 ${tw} 个`,
      runOut: (rate, d) => `；按每秒新建 ${rate} 个连接计算，${d}后耗尽`,
      noExhaustion: (rate) => `（新建连接 ${rate}；按这个速率不会耗尽）`,
      reuseLets: '（tcp_tw_reuse 允许 connect() 复用它们）',
      labels: {
        dest: '目标（本地地址 -> 上游）',
        tw: '到它的 TIME_WAIT',
        other: '到它的其他状态占用的端口',
        range: '临时端口范围（net.ipv4.ip_local_port_range）',
        share: '占用比例',
        fresh: '到它的新建连接',
        opens: 'Tcp ActiveOpens（整个命名空间）',
        runsOut: '端口耗尽还有',
        clears: 'TIME_WAIT 清空还有',
      },
      ports: (lo, hi, size) => `${lo}-${hi}（${size} 个端口）`,
      notReusable: (pct) => `（${pct}% 不可复用）`,
      unknownOneSample: '未知（只采样了一次）',
      fresh: (rate, n, d) => `${rate}（${d}内新出现 ${n} 个四元组）`,
      notAtThisRate: (steady, size) => `按这个速率不会耗尽（稳定时占用 ${size} 个中的 ${steady} 个）`,
      now: '现在',
      clears: (first, all) => `第一个 ${first}，全部 ${all}（Linux 上 TIME_WAIT 持续 60 秒）`,
      finTimeout: (v) => `${v}：对 TIME_WAIT 不起作用（它限制的是孤儿 FIN_WAIT2）`,
      why: (size) =>
        '每个向外的连接都要从 ip_local_port_range 中占用一个本地端口，对每个目标（本地地址、远端地址、远端端口）唯一。' +
        '先关闭的一方会让它的端口在 TIME_WAIT 中停留 60 秒，这是 Linux 内核中的常量（TCP_TIMEWAIT_LEN）：' +
        `所以到同一个上游每分钟最多能新建 ${size} 个连接，再多 connect() 就会失败并返回 EADDRNOTAVAIL` +
        '（"Cannot assign requested address"）。常见的误解：net.ipv4.tcp_fin_timeout 并不能缩短 TIME_WAIT，' +
        '它限制的是孤儿 FIN_WAIT2 停留多久。另一个流传的办法 tcp_tw_recycle 已在 Linux 4.12 中移除（它会让 NAT 后面的客户端连不上）。',
      whyReuse: '这里 tcp_tw_reuse 允许 connect() 复用超过复用延迟的 TIME_WAIT 端口，所以只计算较新的。',
      upstreamsComment: '哪些上游',
      fix: '在客户端修复：复用连接（HTTP keep-alive，到上游的连接池），而不是每个请求一个连接；' + '或者让服务端先关闭，这样 TIME_WAIT 落在服务端，而服务端不占用临时端口',
      rangeComment: '更多端口（避开监听端口）',
      reuseComment: '向外的连接可以复用 TIME_WAIT 端口（需要 tcp_timestamps=1）；在客户端上是安全的',
      more: '更多的上游地址或端口，或者更多的本地源地址（用 IP_BIND_ADDRESS_NO_PORT 绑定），都能成倍增加可用端口',
      skippedTitle: (n, max, d) => `TIME_WAIT 被跳过了：${d}内有 ${n} 个正在关闭的套接字发现 tcp_max_tw_buckets（${max}）已满`,
      nearTitle: (tw, pct, max) => `${tw} 个 TIME_WAIT 套接字，达到 tcp_max_tw_buckets（${max}）的 ${pct}%`,
      pastTitle: (n) => `自这个命名空间启动以来，tcp_max_tw_buckets 溢出过 ${n} 次`,
      twLabel: 'timewait 套接字（sockstat 的 tw：TIME_WAIT 和孤儿 FIN_WAIT2）',
      unknown: '未知',
      overflow: (n, d, all) => `${d}内 +${n}（累计 ${all}）`,
      bucketsWhy:
        'TIME_WAIT 套接字达到 tcp_max_tw_buckets 个时，内核关闭后续连接时就不再进入 TIME_WAIT' +
        '（较老的内核会记录 "TCP: time wait bucket table overflow"）。这样内存有上限，但放弃了 TIME_WAIT 对旧的重复报文段的保护。' +
        '这个数量本身就说明短连接非常多。',
      bucketsAdvice: '应当复用连接，而不是提高上限；如果内存充足：sysctl -w net.ipv4.tcp_max_tw_buckets=262144',
    },
    retransmits: {
      checks: '正在重传的套接字（定时器为 on，重传次数 > 0），按对端分组；RetransSegs 和 TCPTimeouts 的速率',
      noCounters: (why) => `没有计数器（${why}）：不知道 RetransSegs 和 TCPTimeouts 的速率`,
      oneSample: '只采样了一次：不知道 RetransSegs 和 TCPTimeouts 的速率',
      title: (n, peer, max) => `${n} 个套接字在向 ${peer} 重传（最多连续 ${max} 次没有应答）`,
      labels: {
        peer: '对端',
        sockets: '正在重传的套接字',
        most: '最多的连续重传次数',
        processes: '进程',
        retransSegs: 'Tcp RetransSegs（整个命名空间）',
        timeouts: 'TcpExt TCPTimeouts / TCPSynRetrans',
        givesUp: '放弃重传的条件',
      },
      ports: (n, list) => `端口 ${list}${n > 1 ? `（共 ${n} 个）` : ''}`,
      on: (max, who) => `${max}，在 ${who}`,
      unknown: '未知',
      ofOutSegs: (pct) => `（占 OutSegs 的 ${pct}%）`,
      givesUp: (retries2, synRetries) => `tcp_retries2 = ${retries2}（数据），tcp_syn_retries = ${synRetries}（建立连接）`,
      why:
        '这些套接字发出的数据（或 SYN、FIN）对端一直没有确认，重传定时器一次又一次超时，每次间隔加倍。' +
        '对端或路径在丢包：对端主机宕机或过载、防火墙丢弃了这条流、路径 MTU 黑洞（小包能过，满长的包消失），或者丢包严重。' +
        '应用程序会看到写操作卡住，超过 tcp_retries2 后得到 ETIMEDOUT。',
      ssComment: '每个套接字的 rto、rtt、重传和丢失',
      pingComment: '连通性和路径 MTU',
      tcpdumpComment: '报文段有应答吗？',
    },
    'accept-queue': {
      checks: '全连接队列接近 backlog 的监听套接字；ListenOverflows/ListenDrops 的速率；被 somaxconn 限制的 backlog',
      backlogUnknown: (source) => `不知道 backlog：数据源 ${source} 不显示它（netlink 显示；"ss -ltn" 的 Send-Q 列就是它）`,
      noCounters: (why) => `没有计数器（${why}）：不知道 ListenOverflows/ListenDrops`,
      oneSample: '只采样了一次：不知道 ListenOverflows/ListenDrops 的速率（显示累计值）',
      title: (owner, ep, q, backlog, overflows) =>
        `${owner} 在 ${ep} 上 accept 不够快：全连接队列中有 ${q} 个连接在等待${backlog ? `（backlog 为 ${backlog}）` : ''}${overflows ? `，ListenOverflows ${overflows}` : ''}`,
      labels: {
        listener: '监听套接字',
        queue: '全连接队列（Recv-Q）',
        backlog: 'backlog',
        somaxconn: 'net.core.somaxconn（所有 backlog 的上限）',
      },
      was: (before, d) => `（${d}前为 ${before}）`,
      cappedBySomaxconn: '（= somaxconn：应用程序可能要了更大的值，被截到了这里）',
      backlogInferred: (n, q) => `/proc 不显示；很可能是 ${n}（内核拒绝新连接时队列停在 ${q}：它最多接纳 backlog + 1 个）`,
      backlogNotShown: '/proc 不显示（运行 "ss -ltn" 看 Send-Q 列，或者使用 netlink 数据源）',
      sinceBoot: (n) => `开机以来共 ${n}（只采样了一次）`,
      unknown: '未知',
      why:
        '监听套接字有两个队列：半连接队列（SYN_RECV），以及内核已经完成握手、等待应用程序调用 accept() 的全连接队列。' +
        '全连接队列超过 backlog 时，内核会忽略新的 SYN 和第三次握手的 ACK，并计入 ListenOverflows（和 ListenDrops）；' +
        '客户端会看到连接建立很慢（SYN 在 1、3、7 秒后重传）或超时。backlog 是传给 listen() 的值，并会被 net.core.somaxconn 悄悄截断。' +
        '队列被填满，说明应用程序 accept 太慢（事件循环或 accept 线程被阻塞、工作线程耗尽），或者 backlog 对突发流量来说太小。',
      queueComment: 'Recv-Q = 队列长度，Send-Q = backlog',
      topComment: '负责 accept 的线程是忙还是被阻塞？',
      inCode:
        '在代码中：保持 accept 循环畅通（不要在负责 accept 的线程或事件循环上做阻塞操作），增加工作线程；' +
        '申请更大的 backlog（listen(fd, N)；Node 的 server.listen({backlog})；nginx 的 "listen ... backlog=N"；Java 的 ServerSocket(port, N)）',
      somaxconnComment: '所有 backlog 的上限；重启监听程序后生效',
      burstTitle: (overflows) => `ListenOverflows ${overflows}，但现在没有积压的全连接队列：一次突发流量溢出后又排空了`,
      burstWhy: '这些计数器按网络命名空间统计，不分端口；采样时没有监听套接字有等待的连接，所以溢出发生在一次突发中。',
      watchComment: '找出 Recv-Q 达到 Send-Q 的监听套接字',
    },
    'close-wait-leak': {
      checks: '进程一直持有的 CLOSE_WAIT 套接字（按进程和端口或上游分组）、它们的增长和存在时间',
      oneSample: '只采样了一次：不知道增长',
      noProcesses: '没有进程信息：不知道属于哪个进程',
      someHidden: '部分进程不可见（不是 root）：部分连接不知道属于哪个进程',
      title: (owner, n, where, growth) => `${owner} ${where}有 ${n} 个处于 CLOSE_WAIT 的套接字没有关闭${growth}`,
      onPort: (port) => `在端口 ${port} 上`,
      toward: (peer) => `到 ${peer} 的连接中`,
      growth: (n, d) => `，${d}内增加了 ${n} 个`,
      labels: {
        count: 'CLOSE_WAIT 套接字',
        owner: '所属进程',
        port: '本地端口（有监听：服务端）',
        upstream: '上游（客户端）',
        change: '两次采样之间的变化',
        age: '存在时间',
        unread: '接收队列中未读取的字节',
      },
      changeUnknown: '未知（只采样了一次）',
      change: (n, d, perMin) => `${d}内 ${n}${perMin ? `（每分钟 ${perMin} 个）` : ''}`,
      ageOldest: (d) => `最久的一个距对端最后一个 ACK（即它的 FIN）已有 ${d}（tcp_info 的 last_ack_recv）`,
      ageStayed: (stayed, n, d, noAge) => `${n} 个中有 ${stayed} 个在 ${d}前就已处于 CLOSE_WAIT；${noAge}`,
      ageUnknown: (noAge) => `未知：${noAge}`,
      noAgeProc: '/proc 不显示存在时间（netlink 的 tcp_info 有）',
      noAgeProcOnly: '/proc 不显示 CLOSE_WAIT 的存在时间（netlink 的 tcp_info 有）',
      noAgeSource: (source) => `数据源 ${source} 没有给出这些连接的 tcp_info`,
      why:
        'CLOSE_WAIT 表示对端已经关闭了它那一侧（它的 FIN 已经到达），内核在等本机应用程序调用 close()。' +
        '内核永远不会让 CLOSE_WAIT 超时：每个套接字都占着一个文件描述符和它的缓冲区，直到进程关闭它或退出，' +
        '任何 sysctl 都改变不了这一点（keepalive 也不会释放描述符）。',
      whyServer: (port) => `这里该进程是端口 ${port} 上的服务端：客户端已经断开，它却没有关闭自己这一端。`,
      whyClient: (peer) => `这里该进程是客户端：${peer} 关闭了连接（通常是连接池里的空闲连接），而进程留着自己这一端。`,
      whyEnd: '数量保持不变或不断增长，说明有一条代码路径从不关闭连接。',
      fdComment: '持有的描述符数；对比：',
      inCode:
        '在代码中：read 返回 0（EOF）时以及每个出错分支里都要关闭套接字；释放对端已关闭的池化连接' +
        '（例如总是关闭 HTTP 响应体，剔除连接池中失效的连接）；在 Node 中，用 allowHalfOpen 创建的套接字必须调用 end()',
      relief: (filter) => `缓解而非修复：重启进程会释放它们；ss -K state close-wait '( ${filter} )' 可以立即关闭它们（需要内核 CONFIG_INET_DIAG_DESTROY）`,
    },
  },
  report: {
    header: (where, source, samples) => `tcpstate doctor：${where}，数据源 ${source}，${samples}`,
    twoSamples: (s) => `采样 2 次，间隔 ${s} 秒`,
    oneSampleCaptured: '采样 1 次（抓取的数据：计数器是累计值）',
    oneSample: '采样 1 次',
    thisHost: '本机',
    netns: (name) => `网络命名空间 ${name}`,
    capturedTree: (dir) => `抓取的 proc 目录 ${dir}`,
    severity: { info: '提示', warning: '警告', critical: '严重' },
    evidence: '依据：',
    sockets: (shown, all) => `套接字（${shown === all ? `${shown} 个` : `共 ${all} 个，列出 ${shown} 个`}）：`,
    columns: { state: '状态', local: '本地地址', remote: '对端地址', timer: '定时器', owner: 'PID/程序' },
    why: '原因：',
    nextSteps: '下一步：',
    checked: '检查了哪些：',
    ran: '已检查',
    partial: '部分检查',
    skipped: '未检查',
    findings: (n) => (n === 0 ? '没有发现问题' : `发现 ${n} 项`),
    checkLine: (id, status, findings) => `${id}：${status}，${findings}`,
    couldNotRun: (why) => `无法运行：${why}`,
    without: (what) => `缺少：${what}`,
    incomplete: (n, rules) => `诊断不完整：输入中有 ${n} 个内核参数的值不是内核会接受的值，因此 ${rules} 没能检查全部内容（见"检查了哪些"）：`,
    invalid: (name, value, file, why) => `${name} = "${value}"（${file}）：${why}`,
    noProblems: (partial, notes) => `${partial ? '能运行的检查' : ''}没有发现问题${notes ? `（下面有 ${notes} 条提示）` : ''}。`,
    problems: (n, critical, warnings, notes) =>
      `发现 ${n} 个问题：${[critical ? `${critical} 个严重` : '', warnings ? `${warnings} 个警告` : '', notes ? `${notes} 条提示` : ''].filter(Boolean).join('，')}。`,
  },
  unknownRuleIn: (id, flag, rules) => `${flag} 里的规则 ${id} 不存在；可用的规则：${rules}`,
  configNotObject: (got) => `应为以规则 ID 为键的对象，例如 {"close-wait-leak": {"warnCount": 10}}，实际是 ${got}`,
  configUnknownRule: (id, rules) => `规则 ${id} 不存在；可用的规则：${rules}`,
  configNotThresholds: (got) => `应为由阈值组成的对象，实际是 ${got}`,
  configUnknownThreshold: (id, keys) => `没有这个阈值；"${id}" 的阈值有 ${keys}`,
  configNotNumber: (got) => `应为大于等于 0 的数，实际是 ${got}`,
  configUnreadable: (file, why) => `无法读取 ${file}：${why}`,
  configDirectory: '它是一个目录（EISDIR）',
  configTooLarge: (mib) => `超过 ${mib} MiB：不是阈值配置文件（读到这里就停了）`,
  configNotUtf8: '不是 UTF-8 文本',
  jsonAt: (column, what) => `第 ${column} 列：不是合法的 JSON：${what}`,
  jsonUnterminated: '字符串没有结束',
  jsonControl: '字符串里有控制字符（请写成转义，如 \\n）',
  jsonEscape: (text) => `字符串里有错误的转义 ${text}`,
  jsonExpectedValue: (found) => `这里应该是一个值，却是 ${found}`,
  jsonTooLarge: (literal, n) => `数字 ${literal} 太大，无法表示（会变成 ${n}）`,
  jsonDeep: (max) => `嵌套超过 ${max} 层`,
  jsonKeyQuotes: (found) => `这里应该是双引号括起的键，却是 ${found}`,
  jsonKeyTwice: (key) => `键 ${key} 出现了两次`,
  jsonColon: (found) => `键后面应该是 ':'，却是 ${found}`,
  jsonObjectEnd: (found) => `值后面应该是 ',' 或 '}'，却是 ${found}`,
  jsonArrayEnd: (found) => `值后面应该是 ',' 或 ']'，却是 ${found}`,
  jsonEmpty: '文件是空的',
  jsonAfterValue: (found) => `值后面多出了 ${found}`,
  jsonFileEnd: '文件末尾',
  jsonArray: '一个数组',
  jsonObject: '一个对象',
  help: (rules) => `用法: tcpstate doctor [选项]

诊断 TCP 问题：哪个进程泄漏 CLOSE_WAIT，TIME_WAIT 是否以及何时会耗尽到某个上游的本地
临时端口，哪个监听套接字的全连接队列溢出，SYN 洪水，FIN_WAIT2 和孤儿连接堆积，不回应的
对端。它读取两次套接字表（间隔 --interval），读取内核计数器（/proc/net/netstat、snmp、
sockstat）和决定 TCP 状态的 sysctl。

  --interval S         两次采样之间的秒数（默认 1；0：只采样一次，没有速率）
  --json               输出一个 JSON 文档（见 docs/doctor.md）
  --config FILE        阈值，JSON 格式：{"close-wait-leak": {"warnCount": 10}}
  --print-config       以配置文件的格式输出每个阈值及其默认值
  --only ID,...        只运行这些规则
  --skip ID,...        不运行这些规则
  --proc-root DIR      抓取下来的 /proc 目录树（若一并复制了 net/、sys/net/ 和
                       PID/fd）：只采样一次；缺少输入的规则会说明
  -N, --netns NAME     在网络命名空间 NAME 中运行（通过 "ip netns exec"，需要
                       root）：套接字、计数器、sysctl 和进程都属于该命名空间
  --source NAME        实时套接字数据源：auto（默认）、proc、netlink
  --lang LANG          en 或 zh（发现的问题、原因、该怎么做）；默认取自
                       TCPSTATE_LANG、LC_ALL、LC_MESSAGES、LANG（zh* 即 zh）
  --color=WHEN         auto（默认：输出到终端且未设置 NO_COLOR 时着色）、
                       always 或 never：严重为红色，警告为黄色

规则：${rules}

退出码：0 没有问题（或只有提示），1 有警告，2 有严重问题，3 无法诊断（选项错误、
输入无法读取，或某条规则读到了内核不会给出的值且没有发现严重问题）。

示例:
  tcpstate doctor
  tcpstate doctor --json --interval 5
  tcpstate doctor --netns web1
  tcpstate doctor --proc-root /tmp/captured-proc
`,
};

export type DoctorMessages = typeof EN;

export const CATALOGUE: Catalogue<DoctorMessages> = catalogue(EN, ZH);

/** An error message of this domain (--only/--skip, --config). */
export const say = sayer('doctor', CATALOGUE);
