/**
 * The bench's closed-loop load generator, shared by every scenario (scripts/bench.ts) and the
 * peers bench (scripts/bench/peers.ts): N connections, each sending its next request when the
 * last one answered.
 */
import { Agent, request } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';

export interface Run {
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

/** One POST of a JSON body. */
export interface Req {
  headers: Record<string, string>;
  body: string;
}

/**
 * Keep-alive connections for the load: each closed loop keeps one busy. node:http rather than fetch: fetch (WHATWG
 * streams over undici) costs the load generator several times node:http's CPU per request, and on 2 cores the load
 * generator's CPU is taken from the hub it measures (the bench prints its own CPU per request). An idle socket is
 * closed after IDLE_SOCKET_MS, well before any server here drops it, so a round never sends a request on a
 * connection the server is closing.
 */
const IDLE_SOCKET_MS = 4000;
const agent = new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
const urls = new Map<string, URL>();
/** What fetch accepts, as a browser does; each router compresses (or not) as it does by default. */
const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';
const DECODE: Record<string, (b: Buffer) => Buffer> = { gzip: gunzipSync, deflate: inflateSync, br: brotliDecompressSync, zstd: zstdDecompressSync };

/** POSTs `r` to `url`, accepting compressed answers: true when it answered 2xx with no GraphQL errors. */
export function post(url: string, r: Req): Promise<boolean> {
  let u = urls.get(url);
  if (!u) urls.set(url, (u = new URL(url)));
  const target = u;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-encoding': ACCEPT_ENCODING, 'content-length': Buffer.byteLength(r.body), ...r.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const bytes = Buffer.concat(chunks);
            const encoding = res.headers['content-encoding'];
            const decode = encoding === undefined || encoding === 'identity' ? (b: Buffer) => b : DECODE[encoding];
            if (!decode) throw new Error(`An answer in an encoding this client did not ask for: ${encoding}.`);
            const text = decode(bytes).toString();
            const status = res.statusCode ?? 0;
            resolve(status >= 200 && status < 300 && !text.includes('"errors"'));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** The same POST sent with fetch, the client this bench used before: the dashboard scenario runs it beside `post`. */
export async function postWithFetch(url: string, r: Req): Promise<boolean> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body });
  const text = await res.text();
  return res.ok && !text.includes('"errors"');
}

/** Runs `attempt` from `connections` loops for `seconds`; an attempt that answers false or throws counts as an error. */
export async function closedLoop(attempt: () => Promise<boolean>, connections: number, seconds: number): Promise<Run> {
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        if (!(await attempt())) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { requests: latencies.length, errors, seconds: (performance.now() - start) / 1000, latencies };
}

/** Several rounds of one variant as one run. */
export function merge(runs: Run[]): Run {
  return {
    requests: runs.reduce((s, r) => s + r.requests, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
    latencies: runs.flatMap((r) => r.latencies),
  };
}

/** The p-th percentile of `xs` (NaN when empty). */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** The ISO day `offset` days after `from` (a day, YYYY-MM-DD): the periods the drill-downs ask for. */
export function day(from: string, offset: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}
