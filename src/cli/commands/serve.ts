/**
 * `tcpstate serve`: a long-running Prometheus exporter and JSON API over the live socket
 * table (src/server/, sampling in src/engine/). Stops cleanly on SIGTERM or SIGINT.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { netnsId, netnsPath } from '../../sources/netns.js';
import { intOpt, parse, str, strs } from '../args.js';
import type { Command } from '../io.js';

const VERSION = '0.1.0';

const HELP = `Usage: tcpstate serve [OPTIONS]

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

Endpoints: /metrics, /api/v1/counts?by=&top=&filter=&netns=,
/api/v1/sockets?filter=&netns=&processes=&limit=, /api/v1/doctor?netns=&interval=,
/-/healthy, /-/ready. /api/v1/sockets and /api/v1/doctor show peers and process
names: on a non-loopback address they need basic auth.

Examples:
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
      throw new TcpstateError('ERR_USAGE', `bad --ports entry "${tok}": expected port numbers 1-65535, comma-separated`, { field: '--ports' });
    }
    out.add(n);
  }
  return out;
}

export const serve: Command = {
  async run(argv, io) {
    const { values } = parse(argv, {
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
      help: { type: 'boolean', short: 'h' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const { DEFAULT_LISTEN, parseListen } = await import('../../server/listen.js');
    const listenText = [...strs(values['listen']), ...strs(values['web.listen-address'])];
    const listen = (listenText.length ? listenText : [DEFAULT_LISTEN]).map(parseListen);
    const names = strs(values['netns']);
    if (names.length && values['all-netns']) throw new TcpstateError('ERR_USAGE', '--netns and --all-netns do not combine', { field: '--all-netns' });
    for (const n of names) netnsId(netnsPath(n));
    const maxRequests = intOpt(values['web.max-requests'], '--web.max-requests', 40);
    if (maxRequests < 1) throw new TcpstateError('ERR_USAGE', '--web.max-requests takes a number above 0', { field: '--web.max-requests' });
    const timeoutS = intOpt(values['web.request-timeout'], '--web.request-timeout', 10);
    if (timeoutS < 1) throw new TcpstateError('ERR_USAGE', '--web.request-timeout takes a number of seconds above 0', { field: '--web.request-timeout' });
    const webConfig = str(values['web.config.file']);
    const authorize = webConfig === undefined ? undefined : await (await import('../../server/web-config.js')).loadWebConfig(webConfig);
    const { TcpstateServer } = await import('../../server/http.js');
    const { MESSAGES } = await import('../../server/messages.js');
    const ports = portList(str(values['ports']));
    const server = new TcpstateServer({
      listen,
      ...(names.length ? { namespaces: names.map((n) => ({ label: n, netns: n })) } : values['all-netns'] ? { namespaces: 'all' as const } : {}),
      metrics: { ...(ports ? { ports } : {}), top: intOpt(values['top'], '--top', 20), byProcess: Boolean(values['by-process']), findings: Boolean(values['findings']) },
      ...(str(values['source']) === undefined ? {} : { source: str(values['source'])! }),
      maxRequests,
      requestTimeoutMs: timeoutS * 1000,
      version: VERSION,
      ...(authorize?.authorize ? { authorize: authorize.authorize } : {}),
      ...(authorize?.tls ? { tls: authorize.tls } : {}),
      log: (line) => io.err(`${line}\n`),
    });
    let bound: string[];
    try {
      bound = await server.start();
    } catch (e) {
      await server.close();
      const err = e as NodeJS.ErrnoException;
      throw new TcpstateError('ERR_IO', MESSAGES.listenFailed(listen.map((l) => l.text).join(', '), err.code ?? err.message), { field: '--listen' });
    }
    const sample = await server.sampler.sample({}).catch((e: Error) => e);
    const sources = sample instanceof Error ? `unavailable (${sample.message})` : sample.source;
    io.err(MESSAGES.started({ version: VERSION, sources, listen: bound, netns: values['all-netns'] ? ['all'] : names }) + '\n');
    const signal = await new Promise<string>((res) => {
      const on = (s: string) => () => res(s);
      process.once('SIGTERM', on('SIGTERM'));
      process.once('SIGINT', on('SIGINT'));
    });
    io.err(MESSAGES.stopping(signal) + '\n');
    await server.close();
    return 0;
  },
};
