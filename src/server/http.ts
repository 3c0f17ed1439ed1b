/**
 * The HTTP side of `tcpstate serve`: read-only endpoints over node:http, one server per
 * listen address, limits on concurrent requests and on request time, JSON errors (never
 * a stack trace), a clean stop.
 *
 * | path | answer |
 * | --- | --- |
 * | `/metrics` | Prometheus text 0.0.4 (OpenMetrics when asked), collected afresh; concurrent scrapes share |
 * | `/api/v1/counts` | `tcpstate.count/1` (`by`, `top`, `filter`, `netns`) |
 * | `/api/v1/sockets` | `tcpstate.ls/1` (`filter`, `state`, `netns`, `processes`, `limit`) |
 * | `/api/v1/doctor` | `tcpstate.doctor/1` (`netns`, `interval`) |
 * | `/api/v1/transitions` | every state change as Server-Sent Events (`netns`, `filter`; src/server/transitions.ts) |
 * | `/-/healthy`, `/-/ready` | liveness; readiness (a first sample was read) |
 * | `/`, `/assets/*`, `/api/v1/history`, `/api/v1/fleet` | the dashboard, when given (src/web/routes.ts) |
 * @module
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AggregateOptions } from '../engine/aggregates.js';
import { countDocument, doctorDocument, socketsDocument } from '../engine/documents.js';
import { listNamespaces, type NamespaceRef } from '../engine/namespaces.js';
import { type Sample, Sampler, type SampleWant } from '../engine/sampler.js';
import { parseState } from '../model/state.js';
import { SocketTable } from '../model/table.js';
import { asQueryError, boolParam, intParam, parseQuery, QueryError } from './api.js';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, wantsOpenMetrics } from './exposition.js';
import { isLoopback, type ListenAddress } from './listen.js';
import { EN, MESSAGES, SERVE_LANG } from '../i18n/serve.js';
import { messageIn } from '../model/errors.js';
import type { TransitionStreams } from './transitions.js';
import type { WebRoutes } from '../web/routes.js';
import type { ReadConfig } from '../sources/config.js';
import { exposition } from './metrics/registry.js';
import type { Collector, MetricsOptions, NamespaceScrape, ScrapeContext } from './metrics/types.js';

export interface ServeOptions {
  listen: ListenAddress[];
  /** Served namespaces: a fixed list (labelled), `all` (listed afresh per scrape), or undefined (own, unlabelled). */
  namespaces?: NamespaceRef[] | 'all';
  metrics: MetricsOptions;
  /** Live source name. */
  source?: string;
  /** How the kernel may be read, resolved from serve's environment (src/sources/config.ts). */
  config: ReadConfig;
  /** Requests handled at once; more get 503. */
  maxRequests: number;
  /** Longest a request may take, ms; then 503. */
  requestTimeoutMs: number;
  version: string;
  /** Basic auth check, when configured: true when the request may pass. */
  authorize?: (req: IncomingMessage) => Promise<boolean>;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  log: (line: string) => void;
  /** The dashboard's routes (page, assets, history, fleet), behind the same auth and limits. */
  web?: WebRoutes;
  /** The metric collectors in exposition order: the registry's (COLLECTORS) unless a test gives its own. */
  collectors?: readonly Collector[];
}

/** What the first sample asks (readiness; `serve` names its source from it): counted from the scan's chunks, no table. */
export const FIRST_SAMPLE: SampleWant = { rows: false, summary: { top: 0, kinds: [] } };

const ENDPOINTS = ['/metrics', '/api/v1/counts', '/api/v1/sockets', '/api/v1/doctor', '/api/v1/transitions', '/-/healthy', '/-/ready'];
/** Endpoints that show peers and process names. */
const SENSITIVE = new Set(['/api/v1/sockets', '/api/v1/doctor', '/api/v1/transitions']);
/** Transition streams open at once, over every namespace. */
export const MAX_STREAMS = 16;

export class TcpstateServer {
  readonly sampler: Sampler;
  private readonly servers: HttpServer[] = [];
  private active = 0;
  private ready = false;
  private scrape: Promise<ScrapeContext> | undefined;
  private streams: TransitionStreams | undefined;

  private readonly aggregateOptions: AggregateOptions;

  constructor(private readonly o: ServeOptions) {
    const m = o.metrics;
    this.aggregateOptions = { ...(m.ports ? { ports: [...m.ports].sort((a, b) => a - b) } : {}), top: m.top, byProcess: m.byProcess };
    this.sampler = new Sampler({ ...(o.source === undefined ? {} : { source: o.source }), config: o.config, timeoutMs: Math.max(o.requestTimeoutMs, 1000) });
  }

  /** Bind every listen address; resolves to the bound `host:port`s. */
  async start(): Promise<string[]> {
    const http = await import('node:http');
    const https = this.o.tls ? await import('node:https') : undefined;
    const bound: string[] = [];
    for (const l of this.o.listen) {
      // Sensitive endpoints depend on where the server listens, not on where a client comes from.
      const loopback = l.host !== undefined && isLoopback(l.host);
      const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res, loopback);
      // Slow clients: headers within 5 s, the whole request within the request limit,
      // checked every second (Node's default check runs every 30 s).
      const limits = { headersTimeout: Math.min(5000, this.o.requestTimeoutMs), requestTimeout: this.o.requestTimeoutMs, connectionsCheckingInterval: 1000, keepAliveTimeout: 5000 };
      const s: HttpServer = https ? https.createServer({ ...limits, cert: this.o.tls!.cert, key: this.o.tls!.key }, handler) : http.createServer(limits, handler);
      s.maxHeadersCount = 50;
      s.maxConnections = this.o.maxRequests * 4;
      await new Promise<void>((res, rej) => {
        s.once('error', rej);
        s.listen({ port: l.port, ...(l.host === undefined ? {} : { host: l.host }) }, () => {
          s.off('error', rej);
          res();
        });
      });
      this.servers.push(s);
      const a = s.address() as AddressInfo;
      bound.push(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
    }
    // Readiness: the first sample (which also loads the source and the worker). Without rows:
    // a table of every socket sent to this thread stayed until this thread collected (31 MiB
    // of serve's peak at 455k sockets).
    void this.sampler.sample(FIRST_SAMPLE).then(
      () => {
        this.ready = true;
      },
      (e: Error) => this.o.log(MESSAGES.sampleFailed(messageIn(e, SERVE_LANG))),
    );
    return bound;
  }

  /** Stop listening, end open connections, end the sampler. */
  async close(): Promise<void> {
    await this.streams?.close();
    this.o.web?.close();
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((res) => {
            s.close(() => res());
            s.closeIdleConnections();
            setTimeout(() => s.closeAllConnections(), 1000).unref();
          }),
      ),
    );
    await this.sampler.close();
  }

  private namespaces(): NamespaceRef[] | undefined {
    return this.o.namespaces === 'all' ? listNamespaces() : this.o.namespaces;
  }

  private async collect(): Promise<ScrapeContext> {
    const startedMs = performance.now();
    const refs = this.namespaces();
    const list: { label?: string; netns?: string }[] = refs ?? [{}];
    const namespaces: NamespaceScrape[] = await Promise.all(
      list.map(async (ref) => {
        const out: NamespaceScrape = ref.label === undefined ? {} : { label: ref.label };
        try {
          out.sample = await this.sampler.sample({
            ...(ref.netns === undefined ? {} : { netns: ref.netns }),
            processes: this.o.metrics.byProcess,
            findings: this.o.metrics.findings,
            metrics: this.aggregateOptions,
            rows: false,
          });
          if (out.sample.report) out.report = out.sample.report;
        } catch (e) {
          out.error = e as Error;
        }
        return out;
      }),
    );
    return { namespaces, options: this.o.metrics, stats: this.sampler.stats, version: this.o.version, startedMs };
  }

  private send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    res.end(head ? undefined : body);
  }

  private json(res: ServerResponse, status: number, doc: object, head: boolean): void {
    this.send(res, status, 'application/json; charset=utf-8', JSON.stringify(doc) + '\n', head);
  }

  private async handle(req: IncomingMessage, res: ServerResponse, loopback: boolean): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      this.json(res, 405, new QueryError(405, 'ERR_METHOD', EN.methodNotAllowed(String(req.method))).body(), false);
      return;
    }
    if (this.o.authorize && !(await this.o.authorize(req))) {
      res.setHeader('WWW-Authenticate', 'Basic realm="tcpstate"');
      this.json(res, 401, new QueryError(401, 'ERR_AUTH', EN.unauthorized).body(), head);
      return;
    }
    const url = req.url ?? '/';
    const qm = url.indexOf('?');
    const path = qm < 0 ? url : url.slice(0, qm);
    const search = qm < 0 ? '' : url.slice(qm + 1);
    if (path === '/-/healthy') {
      this.send(res, 200, 'text/plain; charset=utf-8', 'Healthy\n', head);
      return;
    }
    if (path === '/-/ready') {
      this.send(res, this.ready ? 200 : 503, 'text/plain; charset=utf-8', this.ready ? 'Ready\n' : 'Not ready\n', head);
      return;
    }
    if (path === '/' && !this.o.web) {
      this.send(res, 200, 'text/html; charset=utf-8', MESSAGES.landing(ENDPOINTS), head);
      return;
    }
    if (!ENDPOINTS.includes(path) && !this.o.web?.handles(path)) {
      this.json(res, 404, new QueryError(404, 'ERR_NOT_FOUND', EN.notFound(path)).body(), head);
      return;
    }
    if (SENSITIVE.has(path) && !this.o.authorize && !loopback) {
      this.json(res, 403, new QueryError(403, 'ERR_FORBIDDEN', EN.sensitiveRefused(path)).body(), head);
      return;
    }
    if (path === '/api/v1/transitions') {
      // A stream lives as long as its client: outside the request limits, under its own cap.
      try {
        await this.stream(search, res, head);
      } catch (e) {
        if (e instanceof QueryError) this.json(res, e.status, e.body(), head);
        else this.json(res, 503, { error: { code: (e as { code?: string }).code ?? 'ERR_INTERNAL', message: EN.sampleFailed((e as Error).message) } }, head);
      }
      return;
    }
    if (this.active >= this.o.maxRequests) {
      res.setHeader('Retry-After', '1');
      this.json(res, 503, new QueryError(503, 'ERR_BUSY', EN.tooManyRequests(this.o.maxRequests)).body(), head);
      return;
    }
    this.active++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new QueryError(503, 'ERR_TIMEOUT', EN.timedOut(this.o.requestTimeoutMs))), this.o.requestTimeoutMs);
    });
    try {
      await Promise.race([this.route(path, search, req, res, head), timeout]);
    } catch (e) {
      if (e instanceof QueryError) this.json(res, e.status, e.body(), head);
      else {
        const err = e as Error & { code?: string };
        if (typeof err.code === 'string' && err.code.startsWith('ERR_')) {
          // The kernel could not be read (a namespace gone, no permission): the server's fault, said plainly.
          this.json(res, 503, { error: { code: err.code, message: EN.sampleFailed(err.message) } }, head);
        } else {
          this.o.log(`${MESSAGES.internal}: ${req.method} ${path}: ${err.stack ?? err.message}`);
          this.json(res, 500, { error: { code: 'ERR_INTERNAL', message: EN.internal } }, head);
        }
      }
    } finally {
      clearTimeout(timer);
      this.active--;
    }
  }

  /** The namespace a request names (`netns`), checked against those served. */
  private netnsParam(q: Map<string, string>): { netns?: string; label?: string } {
    const name = q.get('netns');
    const refs = this.namespaces();
    if (name === undefined) {
      const first = refs?.[0];
      return first === undefined ? {} : { ...(first.netns === undefined ? {} : { netns: first.netns }), label: first.label };
    }
    const hit = refs?.find((r) => r.label === name);
    if (!hit)
      throw new QueryError(
        400,
        'ERR_NETNS',
        EN.unknownNetns(
          name,
          (refs ?? []).map((r) => r.label),
        ),
        'netns',
        name,
      );
    return { ...(hit.netns === undefined ? {} : { netns: hit.netns }), label: hit.label };
  }

  private async stream(search: string, res: ServerResponse, head: boolean): Promise<void> {
    const q = parseQuery(search, ['netns', 'filter']);
    const ns = this.netnsParam(q);
    let match;
    try {
      const { parseFilter } = await import('../model/filter.js');
      const { transitionMatcher } = await import('../trace/match.js');
      const words = (q.get('filter') ?? '').split(/\s+/).filter(Boolean);
      match = transitionMatcher(parseFilter(words));
    } catch (e) {
      const t = e as { code?: string; message: string; where?: { position?: number } };
      throw new QueryError(400, t.code ?? 'ERR_FILTER', t.message, 'filter', q.get('filter') ?? '');
    }
    if (head) {
      this.send(res, 200, 'text/event-stream; charset=utf-8', '', true);
      return;
    }
    if (!this.streams) {
      const { TransitionStreams } = await import('./transitions.js');
      this.streams ??= new TransitionStreams(this.o.log, this.o.config);
    }
    if ((await this.streams.count()) >= MAX_STREAMS) {
      res.setHeader('Retry-After', '5');
      throw new QueryError(503, 'ERR_BUSY', EN.tooManyRequests(MAX_STREAMS));
    }
    await this.streams.subscribe(res, ns.netns, match);
  }

  private async route(path: string, search: string, req: IncomingMessage, res: ServerResponse, head: boolean): Promise<void> {
    if (this.o.web?.handles(path)) {
      await this.o.web.route(path, search, req, res, head, { netns: (q) => this.netnsParam(q), labels: () => (this.namespaces() ?? []).map((r) => r.label) });
      return;
    }
    if (path === '/metrics') {
      parseQuery(search, []);
      this.scrape ??= this.collect().finally(() => {
        this.scrape = undefined;
      });
      const ctx = await this.scrape;
      const om = wantsOpenMetrics(req.headers.accept);
      const { body, failed } = exposition(ctx, om, this.o.collectors);
      for (const f of failed) this.o.log(MESSAGES.collectorFailed(f.name, messageIn(f.error, SERVE_LANG)));
      for (const n of ctx.namespaces) if (n.error) this.o.log(MESSAGES.sampleFailed(`${n.label ?? MESSAGES.ownNamespace}: ${messageIn(n.error, SERVE_LANG)}`));
      this.send(res, 200, om ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE, body, head);
      return;
    }
    if (path === '/api/v1/counts') {
      const q = parseQuery(search, ['by', 'top', 'filter', 'netns']);
      const top = q.has('top') ? intParam(q, 'top', 10, 100000) : undefined;
      const ns = this.netnsParam(q);
      const by = q.get('by');
      try {
        // Parse before sampling: a bad query costs no scan.
        countDocument(emptySample(), { ...(by === undefined ? {} : { by }), ...(top === undefined ? {} : { top }), filter: q.get('filter') });
      } catch (e) {
        throw asQueryError(e, q) ?? e;
      }
      const s = await this.sampler.sample({ ...(ns.netns === undefined ? {} : { netns: ns.netns }), processes: by?.trim() === 'process' });
      this.json(res, 200, labelled(countDocument(s, { ...(by === undefined ? {} : { by }), ...(top === undefined ? {} : { top }), filter: q.get('filter') }), ns.label), head);
      return;
    }
    if (path === '/api/v1/sockets') {
      const q = parseQuery(search, ['filter', 'netns', 'processes', 'limit', 'state']);
      const limit = intParam(q, 'limit', 10000, 1_000_000);
      const processes = boolParam(q, 'processes');
      const ns = this.netnsParam(q);
      try {
        socketsDocument(emptySample(), { filter: q.get('filter'), limit: 0 });
      } catch (e) {
        throw asQueryError(e, q) ?? e;
      }
      // `state` (one state, any spelling) narrows apart from `filter`, so a filter's errors point at its own tokens.
      const st = q.get('state');
      if (st !== undefined && (!/^[A-Za-z0-9_-]{1,20}$/.test(st) || parseState(st) === undefined)) throw new QueryError(400, 'ERR_STATE', EN.badState(st), 'state', st);
      const filter = st === undefined ? q.get('filter') : `state ${st} ${q.get('filter') ?? ''}`;
      const s = await this.sampler.sample({ ...(ns.netns === undefined ? {} : { netns: ns.netns }), processes });
      this.json(res, 200, labelled(socketsDocument(s, { filter, limit }), ns.label), head);
      return;
    }
    if (path === '/api/v1/doctor') {
      const q = parseQuery(search, ['netns', 'interval']);
      const interval = intParam(q, 'interval', 1, 5);
      const ns = this.netnsParam(q);
      const want = { ...(ns.netns === undefined ? {} : { netns: ns.netns }), processes: true, sysctls: true };
      const first = await this.sampler.sample(want);
      let before: Sample | undefined;
      let now = first;
      if (interval > 0) {
        await new Promise((r) => setTimeout(r, interval * 1000));
        before = first;
        now = await this.sampler.sample(want);
        if (now === first) before = undefined;
      }
      this.json(res, 200, labelled(doctorDocument(now, before, ns.label === undefined ? 'this host' : `network namespace ${ns.label}`), ns.label), head);
    }
  }
}

function labelled(doc: object, label: string | undefined): object {
  return label === undefined ? doc : { ...doc, netns: label };
}

let empty: Sample | undefined;
/** A sample with no sockets, to check a query before paying for a scan. */
function emptySample(): Sample {
  return (empty ??= { table: new SocketTable(16), source: '', warnings: [], notices: [], takenAt: 0, atMs: 0, scanMs: 0, totalMs: 0 });
}
