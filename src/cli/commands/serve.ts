/**
 * `tcpstate serve`: a long-running Prometheus exporter and JSON API over the live socket
 * table (src/server/, sampling in src/engine/). Stops cleanly on SIGTERM or SIGINT.
 * @module
 */
import { messageIn, osReason, TcpstateError } from '../../model/errors.js';
import { netnsId, netnsPath } from '../../sources/netns.js';
import { intOpt, oneOf, parse, str, strs } from '../args.js';
import { langFromEnv } from '../../lang.js';
import { configFromEnv } from '../../sources/config.js';
import { MESSAGES, SERVE_LANG, useServeLanguage } from '../../i18n/serve.js';
import type { Command } from '../io.js';
import { say as o } from '../../i18n/options.js';

const VERSION = '0.1.0';

const HELP_EN = `Usage: tcpstate serve [OPTIONS]

Serve TCP state counts to Prometheus (/metrics) and as JSON (/api/v1/...), read
afresh from the kernel on each request (concurrent requests share one read).

  --listen HOST:PORT       address to listen on (repeatable; default 127.0.0.1:9977);
                           :PORT listens on every interface
  --web.listen-address A   the same (node_exporter's name)
  -N, --netns NAME         serve the network namespace NAME (repeatable); series get
                           a netns label
  --all-netns              every namespace in /run/netns and of running processes
  --ports LIST             ports given their own tcpstate_port_sockets series
                           (comma-separated); default: the --top largest
  --top N                  how many ports (and programs) get their own series (20)
  --by-process             tcpstate_process_sockets{program,state} (scans /proc/PID/fd)
  --findings               the doctor's findings as tcpstate_finding{rule,severity,port}
                           (rules run on the sampler thread each scrape; costs about
                           1 s per 100k sockets, so off by default)
  --web.max-requests N     requests served at once, more get 503 (40)
  --web.request-timeout S  longest a request may take, seconds (10)
  --web.config.file FILE   TLS and basic auth, exporter-toolkit's format
  --source NAME            live socket source: auto (default), netlink, proc
  --history-db PATH        record into this history file (default as tcpstate record:
                           /var/lib/tcpstate/history.db as root); tcpstate history reads it
  --history-interval S     seconds between recorded samples (10)
  --no-history             do not record
  --prometheus URL         add the fleet view to the dashboard: hosts x states from
                           this Prometheus (as tcpstate fleet), each linked to its agent
  --host-label L, --group-label L   the fleet view's host and role labels (instance)
  --lang LANG              en or zh, for logs, errors and help (default: the locale)

The dashboard: / (the state diagram live, sockets, history, doctor; docs/dashboard.md).
Endpoints: /metrics, /api/v1/counts?by=&top=&filter=&netns=,
/api/v1/sockets?filter=&state=&netns=&processes=&limit=, /api/v1/doctor?netns=&interval=,
/api/v1/transitions?filter=&netns= (every state change, Server-Sent Events),
/-/healthy, /-/ready. /api/v1/sockets, /api/v1/doctor and /api/v1/transitions show
peers and process names: on a non-loopback address they need basic auth.

Examples:
  tcpstate serve
  tcpstate serve --listen 127.0.0.1:9977 --netns web1 --netns web2
  tcpstate serve --all-netns --ports 80,443,5432
  curl -s 'http://127.0.0.1:9977/api/v1/counts?by=lport&filter=state%20established'
`;

const HELP_ZH = `用法：tcpstate serve [选项]

以 Prometheus 格式（/metrics）和 JSON（/api/v1/...）提供 TCP 各状态的计数；每次请求
都重新从内核读取（同时到达的请求共用一次读取）。

  --listen HOST:PORT       监听地址（可重复；默认 127.0.0.1:9977）；
                           :PORT 表示监听所有网卡
  --web.listen-address A   同上（node_exporter 的写法）
  -N, --netns NAME         提供网络命名空间 NAME 的数据（可重复）；
                           指标带 netns 标签
  --all-netns              /run/netns 中以及运行中进程所在的每个命名空间
  --ports LIST             单独给出 tcpstate_port_sockets 序列的端口
                           （逗号分隔）；默认取连接最多的 --top 个
  --top N                  单独给出序列的端口（和程序）个数（20）
  --by-process             tcpstate_process_sockets{program,state}（扫描 /proc/PID/fd）
  --findings               把 doctor 的诊断结果作为 tcpstate_finding{rule,severity,port}
                           （每次抓取在采样线程上运行规则；每 10 万个套接字约
                           1 秒，所以默认关闭）
  --web.max-requests N     同时处理的请求数，超出的返回 503（40）
  --web.request-timeout S  单个请求最长耗时，秒（10）
  --web.config.file FILE   TLS 与 basic auth，格式同 exporter-toolkit
  --source NAME            实时套接字数据源：auto（默认）、netlink、proc
  --history-db PATH        记录到这个历史文件（默认与 tcpstate record 相同：root 用户为
                           /var/lib/tcpstate/history.db）；用 tcpstate history 查看
  --history-interval S     两次记录之间的秒数（10）
  --no-history             不记录历史
  --prometheus URL         在网页仪表盘上加入集群视图：从该 Prometheus 读取主机 × 状态表
                           （与 tcpstate fleet 相同），每台主机链接到其代理的页面
  --host-label L, --group-label L   集群视图的主机标签与角色标签（instance）
  --lang LANG              en 或 zh，用于日志、错误和帮助（默认取自 locale）

网页仪表盘：/（实时状态图、套接字、历史、doctor；见 docs/dashboard.md）。
接口：/metrics、/api/v1/counts?by=&top=&filter=&netns=、
/api/v1/sockets?filter=&state=&netns=&processes=&limit=、/api/v1/doctor?netns=&interval=、
/api/v1/transitions?filter=&netns=（每一次状态变化，Server-Sent Events）、
/-/healthy、/-/ready。/api/v1/sockets、/api/v1/doctor 和 /api/v1/transitions 会显示
对端地址和进程名：监听在非回环地址时需要 basic auth。

示例：
  tcpstate serve
  tcpstate serve --listen 127.0.0.1:9977 --netns web1 --netns web2
  tcpstate serve --all-netns --ports 80,443,5432
  curl -s 'http://127.0.0.1:9977/api/v1/counts?by=lport&filter=state%20established'
`;

function portList(text: string | undefined): Set<number> | undefined {
  if (text === undefined) return undefined;
  const out = new Set<number>();
  for (const tok of text.split(',')) {
    const n = Number(tok.trim());
    if (!/^\d{1,5}$/.test(tok.trim()) || n < 1 || n > 65535) {
      throw new TcpstateError('ERR_USAGE', MESSAGES.badPortList(tok), { field: '--ports' });
    }
    out.add(n);
  }
  return out;
}

/**
 * Record the served namespaces into the history store (src/history/) as `record` does, so the
 * dashboard has time series without a second process. A store that cannot be opened (another
 * writer holds it, no permission) or a disk that fills is one log line: serving goes on.
 * Returns the function that stops recording and closes the store.
 */
/** Groups of each kind a recorded sample keeps (the store's default). */
const HISTORY_TOP = 20;

async function recordHistory(
  sampler: import('../../engine/sampler.js').Sampler,
  o: { db: string | undefined; intervalMs: number; env: Record<string, string | undefined>; targets: (string | undefined)[]; log: (line: string) => void },
): Promise<(() => Promise<void>) | undefined> {
  const [{ defaultDbPath }, { startRecorder, workerStore }] = await Promise.all([import('../../history/paths.js'), import('../../history/recorder.js')]);
  const db = o.db ?? defaultDbPath(o.env);
  // The store lives on the sampler's worker: SQLite's writes and fsyncs never stall a request.
  try {
    await sampler.openHistory(db, { top: HISTORY_TOP, env: { ...o.env } });
  } catch (e) {
    o.log(MESSAGES.historyOff(db, messageIn(e, SERVE_LANG)));
    return undefined;
  }
  o.log(MESSAGES.historyOn(db, o.intervalMs / 1000));
  const stop = startRecorder(sampler, workerStore(sampler), {
    // The worker counts the rows into the row's groups and writes it: nothing but the answer crosses to this thread.
    targets: o.targets,
    want: { processes: true, rows: false, summary: { top: HISTORY_TOP }, record: { intervalMs: o.intervalMs } },
    intervalMs: o.intervalMs,
    onSampleError: () => undefined, // /metrics and the log say so already
    onWriteError: (e) => o.log(MESSAGES.historyStopped(db, messageIn(e, SERVE_LANG))),
  });
  return async () => {
    stop();
    await sampler.closeHistory().catch(() => undefined);
  };
}

/** The dashboard's fleet view from --prometheus (the client and labels of `tcpstate fleet`). */
async function fleetView(values: Record<string, unknown>, env: Record<string, string | undefined>, lang: 'en' | 'zh'): Promise<Pick<import('../../web/routes.js').WebOptions, 'prometheus'>> {
  const url = str(values['prometheus'] as string | undefined);
  for (const k of ['host-label', 'group-label']) {
    if (url === undefined && values[k] !== undefined) throw new TcpstateError('ERR_USAGE', MESSAGES.labelWithoutPrometheus(`--${k}`), { field: `--${k}` });
  }
  if (url === undefined) return {};
  const [{ labelOpt, urlOpt, httpOptions }, { messages }, { PrometheusClient }] = await Promise.all([
    import('../../fleet/options.js'),
    import('../../i18n/fleet.js'),
    import('../../fleet/prometheus.js'),
  ]);
  const msg = messages(env, lang);
  const base = urlOpt(url, '--prometheus', msg);
  const hostLabel = labelOpt(str(values['host-label'] as string | undefined), '--host-label', msg) ?? 'instance';
  const groupLabel = labelOpt(str(values['group-label'] as string | undefined), '--group-label', msg);
  const client = new PrometheusClient(base, httpOptions({}, env, 10_000, msg), msg);
  return { prometheus: { client, view: { hostLabel, ...(groupLabel === undefined ? {} : { groupLabel }) }, msg } };
}

export const serve: Command = {
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        listen: { type: 'string', multiple: true },
        'web.listen-address': { type: 'string', multiple: true },
        netns: { type: 'string', short: 'N', multiple: true },
        'all-netns': { type: 'boolean' },
        ports: { type: 'string' },
        top: { type: 'string' },
        'by-process': { type: 'boolean' },
        findings: { type: 'boolean' },
        'web.max-requests': { type: 'string' },
        'web.request-timeout': { type: 'string' },
        'web.config.file': { type: 'string' },
        source: { type: 'string' },
        'history-db': { type: 'string' },
        'history-interval': { type: 'string' },
        'no-history': { type: 'boolean' },
        prometheus: { type: 'string' },
        'host-label': { type: 'string' },
        'group-label': { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
    );
    const lang = oneOf(values['lang'], '--lang', ['en', 'zh'] as const, langFromEnv(io.env));
    useServeLanguage(lang);
    if (values['help']) {
      io.out(lang === 'zh' ? HELP_ZH : HELP_EN);
      return 0;
    }
    const { DEFAULT_LISTEN, parseListen } = await import('../../server/listen.js');
    const listenText = [...strs(values['listen']), ...strs(values['web.listen-address'])];
    const listen = (listenText.length ? listenText : [DEFAULT_LISTEN]).map(parseListen);
    const names = strs(values['netns']);
    if (names.length && values['all-netns']) throw new TcpstateError('ERR_USAGE', o('netnsAll'), { field: '--all-netns' });
    for (const n of names) netnsId(netnsPath(n));
    const maxRequests = intOpt(values['web.max-requests'], '--web.max-requests', 40);
    if (maxRequests < 1) throw new TcpstateError('ERR_USAGE', o('maxRequests'), { field: '--web.max-requests' });
    const timeoutS = intOpt(values['web.request-timeout'], '--web.request-timeout', 10);
    if (timeoutS < 1) throw new TcpstateError('ERR_USAGE', o('requestTimeout'), { field: '--web.request-timeout' });
    const historyS = str(values['history-interval']) ?? '10';
    if (!/^\d+(\.\d+)?$/.test(historyS) || Number(historyS) < 0.1 || Number(historyS) > 86400)
      throw new TcpstateError('ERR_USAGE', MESSAGES.badHistoryInterval(historyS.slice(0, 40)), { field: '--history-interval' });
    if (values['no-history'] && values['history-db'] !== undefined) throw new TcpstateError('ERR_USAGE', MESSAGES.historyOptions, { field: '--no-history' });
    const webConfig = str(values['web.config.file']);
    const authorize = webConfig === undefined ? undefined : await (await import('../../server/web-config.js')).loadWebConfig(webConfig);
    const historyDb = values['no-history'] ? undefined : (str(values['history-db']) ?? (await import('../../history/paths.js')).defaultDbPath(io.env));
    const { WebRoutes } = await import('../../web/routes.js');
    const web = new WebRoutes({ version: VERSION, env: io.env, ...(historyDb === undefined ? {} : { historyDb }), ...(await fleetView(values, io.env, lang)) });
    const { TcpstateServer, FIRST_SAMPLE } = await import('../../server/http.js');
    const ports = portList(str(values['ports']));
    const server = new TcpstateServer({
      listen,
      ...(names.length ? { namespaces: names.map((n) => ({ label: n, netns: n })) } : values['all-netns'] ? { namespaces: 'all' as const } : {}),
      metrics: { ...(ports ? { ports } : {}), top: intOpt(values['top'], '--top', 20), byProcess: Boolean(values['by-process']), findings: Boolean(values['findings']) },
      ...(str(values['source']) === undefined ? {} : { source: str(values['source'])! }),
      config: configFromEnv(io.env),
      maxRequests,
      requestTimeoutMs: timeoutS * 1000,
      version: VERSION,
      ...(authorize?.authorize ? { authorize: authorize.authorize } : {}),
      ...(authorize?.tls ? { tls: authorize.tls } : {}),
      log: (line) => io.err(`${line}\n`),
      web,
    });
    let bound: string[];
    try {
      bound = await server.start();
    } catch (e) {
      await server.close();
      const err = e as NodeJS.ErrnoException;
      const why = err.code === undefined ? err.message : MESSAGES.osReason(err.code, osReason(err) ?? '');
      throw new TcpstateError('ERR_IO', MESSAGES.listenFailed(listen.map((l) => l.text).join(', '), why), { field: '--listen' });
    }
    // The source a full sample reads, learnt without building its table (counted from its chunks).
    // The same want as the server's readiness sample, so it joins that one while in flight.
    const sample = await server.sampler.sample(FIRST_SAMPLE).catch((e: Error) => e);
    const sources = sample instanceof Error ? MESSAGES.sourceUnavailable(messageIn(sample, lang)) : sample.source;
    io.err(MESSAGES.started({ version: VERSION, sources, listen: bound, netns: values['all-netns'] ? ['all'] : names }) + '\n');
    const stopHistory = values['no-history']
      ? undefined
      : await recordHistory(server.sampler, {
          db: str(values['history-db']),
          intervalMs: Number(historyS) * 1000,
          env: io.env,
          targets: names.length ? names : [undefined],
          log: (line) => io.err(`${line}\n`),
        });
    const signal = await new Promise<string>((res) => {
      const on = (s: string) => () => res(s);
      process.once('SIGTERM', on('SIGTERM'));
      process.once('SIGINT', on('SIGINT'));
    });
    io.err(MESSAGES.stopping(signal) + '\n');
    await stopHistory?.();
    await server.close();
    return 0;
  },
};
