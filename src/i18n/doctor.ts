/**
 * Every text of `tcpstate doctor`: the report's frame (headings, severities, what was
 * checked) and each rule's findings (title, evidence labels, why, what to do), in English
 * and Chinese. Commands (`$ ...`) stay commands in both; their `# comments` are text.
 * The terms are the ones Chinese operators use (连接, 监听, 全连接队列, 半连接队列);
 * states keep their netstat names.
 * @module
 */
import { type Catalogue, catalogue } from './catalogue.js';

const EN = {
  rules: {
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
    noAgeProc: '/proc shows no age (netlink\'s tcp_info does)',
    noAgeProcOnly: '/proc shows no age for CLOSE_WAIT (netlink\'s tcp_info does)',
    noAgeSource: (source: string) => `the ${source} source gave no tcp_info for them`,
    why: 'CLOSE_WAIT means the peer has closed its side (its FIN arrived) and the kernel is waiting for this ' +
      'application to call close(). The kernel never times CLOSE_WAIT out: each socket keeps a file descriptor ' +
      'and its buffers until the process closes it or exits, and no sysctl changes that (keepalive does not ' +
      'free the descriptor). ',
    whyServer: (port: number) => `Here the process is the server on port ${port}: clients hung up and it did not close its end.`,
    whyClient: (peer: string) => `Here the process is the client: ${peer} closed connections (often idle ones in a pool) and the process kept its ends.`,
    whyEnd: ' A count that stays or grows means a code path that never closes.',
    fdComment: 'descriptors held; compare with:',
    inCode: 'In the code: close the socket when a read returns 0 (EOF) and on every error path; release pooled ' +
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
    couldNotRun: (why: string) => `could not run: ${why}`,
    without: (what: string) => `without: ${what}`,
    incomplete: (n: number, rules: string) => `Incomplete diagnosis: ${n === 1 ? '1 kernel value in the input is' : `${n} kernel values in the input are`} not one the kernel accepts, so ${rules} could not check everything (see "What was checked"):`,
    invalid: (name: string, value: string, file: string, why: string) => `${name} = "${value}" (${file}): ${why}`,
    noProblems: (partial: boolean, notes: number) => `No problems found${partial ? ' by what could run' : ''}${notes ? ` (${notes === 1 ? '1 note' : `${notes} notes`} below)` : ''}.`,
    problems: (n: number, critical: number, warnings: number, notes: number) =>
      `${n === 1 ? '1 problem' : `${n} problems`} found: ${[critical ? `${critical} critical` : '', warnings ? (warnings === 1 ? '1 warning' : `${warnings} warnings`) : '', notes ? (notes === 1 ? '1 note' : `${notes} notes`) : ''].filter(Boolean).join(', ')}.`,
  },
};

const ZH: typeof EN = {
  rules: {
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
    why: 'CLOSE_WAIT 表示对端已经关闭了它那一侧（它的 FIN 已经到达），内核在等本机应用程序调用 close()。' +
      '内核永远不会让 CLOSE_WAIT 超时：每个套接字都占着一个文件描述符和它的缓冲区，直到进程关闭它或退出，' +
      '任何 sysctl 都改变不了这一点（keepalive 也不会释放描述符）。',
    whyServer: (port) => `这里该进程是端口 ${port} 上的服务端：客户端已经断开，它却没有关闭自己这一端。`,
    whyClient: (peer) => `这里该进程是客户端：${peer} 关闭了连接（通常是连接池里的空闲连接），而进程留着自己这一端。`,
    whyEnd: '数量保持不变或不断增长，说明有一条代码路径从不关闭连接。',
    fdComment: '持有的描述符数；对比：',
    inCode: '在代码中：read 返回 0（EOF）时以及每个出错分支里都要关闭套接字；释放对端已关闭的池化连接' +
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
    couldNotRun: (why) => `无法运行：${why}`,
    without: (what) => `缺少：${what}`,
    incomplete: (n, rules) => `诊断不完整：输入中有 ${n} 个内核参数的值不是内核会接受的值，因此 ${rules} 没能检查全部内容（见"检查了哪些"）：`,
    invalid: (name, value, file, why) => `${name} = "${value}"（${file}）：${why}`,
    noProblems: (partial, notes) => `${partial ? '能运行的检查' : ''}没有发现问题${notes ? `（下面有 ${notes} 条提示）` : ''}。`,
    problems: (n, critical, warnings, notes) =>
      `发现 ${n} 个问题：${[critical ? `${critical} 个严重` : '', warnings ? `${warnings} 个警告` : '', notes ? `${notes} 条提示` : ''].filter(Boolean).join('，')}。`,
  },
};

export type DoctorMessages = typeof EN;

export const CATALOGUE: Catalogue<DoctorMessages> = catalogue(EN, ZH);
