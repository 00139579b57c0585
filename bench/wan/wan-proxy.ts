// A userspace WAN in front of a registry (no kernel netem on these machines): a TCP proxy
// on 127.0.0.1 that delays every byte by a one-way latency in each direction, holds a new
// connection for one round trip (the TCP handshake), and caps bandwidth per connection and
// in total per direction. Bytes in flight per connection and direction are bounded by a
// window, as TCP's are. It also reads the request lines going upstream, so a benchmark can
// count requests by method and path class.
import net from "node:net";

export interface WanOptions {
  upstream: { host: string; port: number };
  /** Round-trip time in ms; each direction gets half. */
  rttMs: number;
  perConnectionMbps: number;
  totalMbps: number;
  /** Bytes in flight per connection and direction (default 8 MiB, about Linux's largest TCP window). */
  windowBytes?: number;
}

export interface WanRequest {
  method: string;
  path: string;
  /** The query string, if any (`digest=sha256:…` on an upload's last request). */
  query?: string;
  /** When the client sent the request line (performance.now()). */
  at: number;
  /** Which connection carried it (1, 2, … in the order they were opened). */
  connection: number;
  /** When the last byte of the request (its body) reached the registry. */
  sentAt?: number;
  /** When the answer's status line reached the client. */
  answeredAt?: number;
  /** The answer's status code. */
  status?: number;
  /** When the answer's last byte reached the client. */
  doneAt?: number;
}

export interface RunningWan {
  host: string;
  connections: number;
  /** `HEAD /v2/<repo>/blobs/<digest>` and so on, one line per request seen, with when (performance.now()). */
  requests: WanRequest[];
  reset(): void;
  stop(): Promise<void>;
}

/**
 * One direction of the link, shared by every connection: a clock that, every millisecond,
 * hands each connection with bytes waiting its share of the link's rate (and never more
 * than the per-connection rate), round robin. Bytes sent arrive `delay` ms later.
 */
class Link {
  readonly pipes = new Set<Pipe>();
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private turn = 0;

  constructor(
    private readonly bytesPerMs: number,
    readonly perConnectionBytesPerMs: number,
  ) {}

  wake(): void {
    if (this.timer) return;
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), 1);
  }

  private tick(): void {
    const now = performance.now();
    // A late tick (a busy machine) may not send a burst of more than 20 ms of the link.
    const elapsed = Math.min(now - this.last, 20);
    this.last = now;
    let budget = elapsed * this.bytesPerMs;
    const ready = [...this.pipes].filter((p) => p.waiting > 0);
    if (ready.length === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.turn = (this.turn + 1) % ready.length;
    const ordered = [...ready.slice(this.turn), ...ready.slice(0, this.turn)];
    let share = budget / ordered.length;
    for (const [i, pipe] of ordered.entries()) {
      const sent = pipe.send(Math.min(share, elapsed * this.perConnectionBytesPerMs), now);
      budget -= sent;
      share = ordered.length - i - 1 > 0 ? budget / (ordered.length - i - 1) : 0;
    }
  }
}

class Pipe {
  waiting = 0;
  private readonly unsent: Buffer[] = [];
  private readonly inFlight: { bytes: Buffer; at: number }[] = [];
  private credit = 0;
  private ended = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly link: Link,
    private readonly delay: number,
    private readonly window: number,
    sniff?: (chunk: Buffer) => void,
    private readonly onDeliver?: (bytes: Buffer) => void,
  ) {
    link.pipes.add(this);
    from.on("data", (chunk: Buffer) => {
      sniff?.(chunk);
      this.unsent.push(chunk);
      this.waiting += chunk.length;
      if (this.waiting + this.flying() >= window) from.pause();
      link.wake();
    });
    from.on("end", () => {
      this.ended = true;
      this.deliver();
    });
    from.on("close", () => setTimeout(() => link.pipes.delete(this), delay + 1000).unref());
  }

  private flyingBytes = 0;

  private flying(): number {
    return this.flyingBytes;
  }

  /** Puts up to `allowance` bytes on the wire now (fractions carry over); returns how many. */
  send(allowance: number, now: number): number {
    this.credit = Math.min(this.credit + allowance, 20 * this.link.perConnectionBytesPerMs);
    let sent = 0;
    while (this.unsent.length && this.credit >= 1) {
      const head = this.unsent[0]!;
      const n = Math.min(head.length, Math.floor(this.credit));
      const bytes = head.subarray(0, n);
      if (n === head.length) this.unsent.shift();
      else this.unsent[0] = head.subarray(n);
      this.credit -= n;
      this.waiting -= n;
      sent += n;
      this.inFlight.push({ bytes, at: now + this.delay });
      this.flyingBytes += n;
    }
    if (sent) this.schedule();
    return sent;
  }

  private schedule(): void {
    if (this.timer || this.inFlight.length === 0) return;
    this.timer = setTimeout(() => this.deliver(), Math.max(1, this.inFlight[0]!.at - performance.now()));
  }

  private deliver(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.inFlight.length && this.inFlight[0]!.at <= now) {
      const { bytes } = this.inFlight.shift()!;
      this.flyingBytes -= bytes.length;
      if (!this.to.destroyed) this.to.write(bytes);
      this.onDeliver?.(bytes);
    }
    if (this.from.isPaused() && !this.ended && this.waiting + this.flying() < this.window) this.from.resume();
    if (this.inFlight.length) this.schedule();
    else if (this.ended && this.waiting === 0 && !this.to.destroyed) this.to.end();
  }
}

export async function startWan(options: WanOptions): Promise<RunningWan> {
  const delay = options.rttMs / 2;
  const perConnection = (options.perConnectionMbps * 1e6) / 8 / 1000;
  const total = (options.totalMbps * 1e6) / 8 / 1000;
  const window = options.windowBytes ?? 8 * 1024 * 1024;
  const up = new Link(total, perConnection);
  const down = new Link(total, perConnection);
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, requests: [] as WanRequest[] };

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    state.connections++;
    client.pause();
    const upstream = net.connect({ ...options.upstream, allowHalfOpen: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      // A close arrives as "end" first and is passed on once the bytes in flight have landed.
      s.on("close", () => sockets.delete(s));
    }
    const mine: WanRequest[] = [];
    const sniff = requestSniffer(state.requests, mine, state.connections);
    // The handshake: the client's first bytes leave one round trip after it connected.
    setTimeout(() => {
      new Pipe(client, upstream, up, delay, window, sniff, () => {
        const last = mine.findLast((r) => r.answeredAt === undefined);
        if (last) last.sentAt = performance.now();
      });
      new Pipe(upstream, client, down, delay, window, undefined, answerSniffer(mine));
      client.resume();
    }, options.rttMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    reset() {
      state.connections = 0;
      state.requests = [];
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Request lines in the client's stream. A body of random bytes containing " HTTP/1.1\r\n"
 * after a method and a /v2/ path is too unlikely to matter; a line split across two reads
 * is found through the kept tail.
 */
function requestSniffer(into: WanRequest[], mine: WanRequest[], connection: number) {
  let tail = Buffer.alloc(0);
  const pattern = /(GET|HEAD|POST|PUT|PATCH|DELETE) (\/[^ \r\n]*) HTTP\/1\.1\r\n/g;
  return (chunk: Buffer) => {
    const data = tail.length ? Buffer.concat([tail, chunk]) : chunk;
    let from = 0;
    for (;;) {
      const at = data.indexOf(" HTTP/1.1\r\n", from, "latin1");
      if (at < 0) break;
      const line = data.subarray(Math.max(0, at - 2048), at + 11).toString("latin1");
      const found = [...line.matchAll(pattern)].at(-1);
      if (found && found.index! + found[0].length === line.length) {
        const [path, query] = found[2]!.split("?");
        const request = { method: found[1]!, path: path!, query, at: performance.now(), connection };
        into.push(request);
        mine.push(request);
      }
      from = at + 11;
    }
    tail = Buffer.from(data.subarray(Math.max(from, data.length - 2048)));
  };
}

/**
 * Answers on one connection, in the order of its requests (HTTP/1.1, no pipelining): when
 * each status line and each answer's last byte reached the client. A status line inside a
 * blob body is as unlikely as a request line in one.
 */
function answerSniffer(mine: WanRequest[]) {
  let tail = Buffer.alloc(0);
  let current: WanRequest | undefined;
  return (bytes: Buffer) => {
    const now = performance.now();
    const data = tail.length ? Buffer.concat([tail, bytes]) : bytes;
    for (let at = data.indexOf("HTTP/1.1 ", 0, "latin1"); at >= 0; at = data.indexOf("HTTP/1.1 ", at + 9, "latin1")) {
      const status = Number(data.subarray(at + 9, at + 12).toString("latin1"));
      if (!(status >= 100 && status < 600)) continue;
      const next = mine.find((r) => r.answeredAt === undefined);
      if (!next) break;
      current = next;
      current.answeredAt = now;
      current.status = status;
    }
    if (current) current.doneAt = now;
    tail = Buffer.from(data.subarray(Math.max(0, data.length - 11)));
  };
}

/** `HEAD blob`, `PUT upload`…: what a request is, without its repository or digest. */
export function requestClass(request: { method: string; path: string }): string {
  const { method, path } = request;
  if (path === "/v2/" || path === "/v2") return `${method} /v2/`;
  if (/\/blobs\/uploads\/?$/.test(path)) return `${method} upload (start)`;
  if (/\/blobs\/uploads\/[^/]+$/.test(path)) return `${method} upload (session)`;
  if (/\/blobs\/sha256:/.test(path)) return `${method} blob`;
  if (/\/manifests\//.test(path)) return `${method} manifest`;
  if (/\/referrers\//.test(path)) return `${method} referrers`;
  if (/\/tags\/list/.test(path)) return `${method} tags`;
  return `${method} other`;
}
