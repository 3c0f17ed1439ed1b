/**
 * `GET /api/v1/transitions`: every TCP state change as Server-Sent Events (`data:` one
 * transition as `trace --json` writes it), for the dashboard's diagram and for scripts.
 * One trace per served namespace, started by its first subscriber and stopped after its
 * last: BPF where it runs, sock_diag snapshots elsewhere (then each event is marked
 * observed, and the stream's first event says why). Each subscriber has its own filter
 * (`filter`, the ss language over transitions). A subscriber that cannot keep up (1 MiB
 * unsent) gets an `overflow` event and is closed, so it never holds the process's memory;
 * events the kernel lost are sent as `lost` events with the running count.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { MESSAGES, SERVE_LANG } from '../i18n/serve.js';
import { isTcpstateError, messageIn } from '../model/errors.js';
import type { TransitionMatch } from '../trace/match.js';
import type { Transition } from '../trace/tracker.js';
import type { ReadConfig } from '../sources/config.js';

/** Unsent bytes after which a subscriber is dropped. */
export const MAX_UNSENT = 1 << 20;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

interface Subscriber {
  res: ServerResponse;
  match: TransitionMatch;
}

interface Upstream {
  subscribers: Set<Subscriber>;
  stop: () => Promise<void>;
  /** Why BPF could not be used, when the stream is by snapshots. */
  fallback?: string;
  lost: number;
}

export class TransitionStreams {
  private readonly upstreams = new Map<string, Promise<Upstream>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: (line: string) => void,
    private readonly config: ReadConfig,
  ) {
    this.timer = setInterval(() => {
      for (const u of this.upstreams.values())
        void u.then(
          (up) => {
            for (const s of up.subscribers) s.res.write(': keepalive\n\n');
          },
          () => undefined,
        );
    }, KEEPALIVE_MS);
    this.timer.unref();
  }

  /** Subscribers now, over every namespace. */
  async count(): Promise<number> {
    let n = 0;
    for (const u of this.upstreams.values()) n += (await u.catch(() => undefined))?.subscribers.size ?? 0;
    return n;
  }

  /** Stream the changes of `netns` (undefined: the server's own) that `match` keeps to `res`, until it closes. */
  async subscribe(res: ServerResponse, netns: string | undefined, match: TransitionMatch): Promise<void> {
    const key = netns ?? '';
    let up = this.upstreams.get(key);
    if (!up) {
      up = this.start(netns);
      this.upstreams.set(key, up);
      up.catch(() => this.upstreams.delete(key));
    }
    const u = await up;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', Connection: 'keep-alive' });
    res.write(`event: source\ndata: ${JSON.stringify(u.fallback === undefined ? { source: 'bpf' } : { source: 'snapshots', why: u.fallback })}\n\n`);
    const sub: Subscriber = { res, match };
    u.subscribers.add(sub);
    const gone = (): void => {
      u.subscribers.delete(sub);
      if (u.subscribers.size === 0 && this.upstreams.get(key) === up) {
        this.upstreams.delete(key);
        void u.stop().catch((e: Error) => this.log(MESSAGES.transitionsStopFailed(messageIn(e, SERVE_LANG))));
      }
    };
    res.once('close', gone);
  }

  private async start(netns: string | undefined): Promise<Upstream> {
    const [{ clockOffsetNs, transitionJson }, { loadNative }, { startTrace }, { followBySnapshots }] = await Promise.all([
      import('../trace/render.js'),
      import('../sources/native.js'),
      import('../trace/session.js'),
      import('../trace/snapshots.js'),
    ]);
    const offset = clockOffsetNs();
    const up: Upstream = { subscribers: new Set(), stop: async () => undefined, lost: 0 };
    const send = (ts: Transition[]): void => {
      for (const s of up.subscribers) {
        let text = '';
        for (const t of ts) if (s.match(t)) text += `data: ${JSON.stringify(transitionJson(t, offset))}\n\n`;
        if (!text) continue;
        if (s.res.writableLength > MAX_UNSENT) {
          s.res.end(`event: overflow\ndata: ${JSON.stringify({ unsentBytes: s.res.writableLength })}\n\n`);
          up.subscribers.delete(s);
          continue;
        }
        s.res.write(text);
      }
    };
    const fail = (e: Error): void => {
      this.log(MESSAGES.transitionsFailed(messageIn(e, SERVE_LANG)));
      for (const s of up.subscribers) s.res.end(`event: error\ndata: ${JSON.stringify({ message: e.message })}\n\n`);
    };
    const native = loadNative(this.config);
    if (native.addon) {
      try {
        const session = startTrace(
          native.addon,
          { ...(netns === undefined ? {} : { netns }), config: this.config },
          (ts) => {
            send(ts);
            const lost = session.lost();
            if (lost > up.lost) {
              up.lost = lost;
              for (const s of up.subscribers) s.res.write(`event: lost\ndata: ${JSON.stringify({ lost })}\n\n`);
            }
          },
          fail,
        );
        up.stop = () => session.stop();
        return up;
      } catch (e) {
        if (!(isTcpstateError(e) && e.code === 'ERR_NATIVE')) throw e;
        up.fallback = e.message;
      }
    } else {
      up.fallback = `the native addon is not loaded: ${native.why}`;
    }
    const polled = await followBySnapshots({ ...(netns === undefined ? {} : { netns }), intervalMs: 500, config: this.config }, send, fail);
    up.stop = () => polled.stop();
    return up;
  }

  /** End every stream and trace. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const ups = await Promise.all([...this.upstreams.values()].map((u) => u.catch(() => undefined)));
    this.upstreams.clear();
    for (const u of ups) {
      if (!u) continue;
      for (const s of u.subscribers) s.res.end();
      await u.stop().catch(() => undefined);
    }
  }
}
