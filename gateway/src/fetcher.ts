import http from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { AUDITED_HEADER } from '../../platform/auth.ts';
import { InFlight, shareScope } from './dedup.ts';

// The fetch interface @apollo/gateway expects (from its own dependency, @apollo/utils.fetcher).
type Fetcher = NonNullable<RemoteGraphQLDataSource['fetcher']>;
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/**
 * The gateway's HTTP client for its subgraphs, in place of @apollo/gateway's
 * default (make-fetch-happen). That client wraps each fetch in retry, cache
 * and proxy layers the gateway does not use, and its agent works out for
 * every request whether the endpoint is TLS by building an Error and reading
 * its stack; all of it was about a fifth of the gateway's CPU under the
 * dashboard benchmark (CPU profile).
 *
 * Sockets are kept alive and bounded per subgraph. An idle socket is closed
 * after `idleMs`, well before the subgraphs' own keep-alive timeout (65 s,
 * platform/http.ts), so the gateway never sends a request on a socket the
 * subgraph is closing at that moment.
 *
 * A query's fetch whose connection fails before an answer arrives (reset,
 * refused, broken pipe) is sent again, at most `RETRIES` times, on another
 * socket (docs/ARCHITECTURE.md, "Worker processes"): a subgraph worker that
 * ended (or was replaced) takes the requests on its sockets with it, and the
 * service's other workers can answer them. A mutation's fetches are never
 * sent twice: the subgraph may have written before its socket went. A fetch
 * whose subgraph stays silent for `silentMs` (60 s) fails.
 */
export function subgraphFetcher(opts: { maxSockets: number; idleMs: number; silentMs?: number }): Fetcher & { shared(): number; retried(): number } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets, timeout: opts.idleMs, scheduling: 'lifo' });
  const inFlight = new InFlight<RawResponse>();
  let retried = 0;
  const attempt = (url: string, init: FetcherRequestInit | undefined, body: string | Uint8Array | undefined) =>
    new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(url, { method: init?.method ?? 'GET', headers: init?.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      // A subgraph that sends nothing for this long on a request's socket is not answering it: the fetch fails
      // (SUBGRAPH_UNAVAILABLE) instead of holding its client for good. Not sent again: it may still be running.
      req.setTimeout(opts.silentMs ?? SILENT_MS, () => req.destroy(Object.assign(new Error('the subgraph sent nothing for too long'), { code: 'ESILENT' })));
      req.end(body);
    });
  const send = async (url: string, init: FetcherRequestInit | undefined, body: string | Uint8Array | undefined, again: boolean) => {
    for (let n = 0; ; n++) {
      try {
        return await attempt(url, init, body);
      } catch (e) {
        if (!again || n >= RETRIES || !CONNECTION_ERRORS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
        retried++;
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * (n + 1)));
      }
    }
  };
  const fetcher = (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const body = typeof init?.body === 'string' || init?.body instanceof Uint8Array ? init.body : undefined;
    // gateway/src/dedup.ts: who may share this fetch, set by the data source for a query's fetches (and only those).
    const share = shareScope.getStore();
    const query = share !== undefined;
    const raw =
      query && typeof body === 'string'
        ? inFlight.run(
            `${share}\u0000${url}\u0000${body}`,
            () => send(url, init, body, true),
            (r) => r.headers[AUDITED_HEADER] === undefined,
          )
        : send(url, init, body, query);
    return raw.then((r) => response(url, r));
  };
  return Object.assign(fetcher, { shared: () => inFlight.shared, retried: () => retried });
}

/** How often a query's fetch is sent again after its connection failed, and the wait before the first (doubled for the second). */
const RETRIES = 2;
const RETRY_DELAY_MS = 25;
/** How long a subgraph may stay silent on a request before the gateway gives up on it. */
const SILENT_MS = 60_000;
/** A connection that ended without an answer: the request may be sent again (for a query) on another socket. */
const CONNECTION_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/** A subgraph's answer as it came off the wire; every request that shared it builds its own response from it. */
interface RawResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function response(url: string, raw: RawResponse): FetcherResponse {
  const { status, body } = raw;
  const text = () => Promise.resolve(body.toString('utf8'));
  const self: FetcherResponse = {
    bodyUsed: false,
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText: raw.statusText,
    headers: headersOf(raw.headers),
    text,
    json: () => text().then((t) => JSON.parse(t)),
    arrayBuffer: () => Promise.resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer),
    clone: () => response(url, raw),
  };
  return self;
}

function headersOf(raw: http.IncomingHttpHeaders): FetcherHeaders {
  const h = new ResponseHeaders();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) h.append(name, v);
    else if (value !== undefined) h.set(name, value);
  }
  return h;
}

/**
 * A response's headers as the gateway reads them (`get`, iteration): names lower-cased, repeated
 * values joined with ", " as the Fetch standard's Headers does. Node's own `Headers` would do, but its
 * declared type lacks the iterator methods @apollo/utils.fetcher's interface names.
 */
class ResponseHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const prev = this.map.get(key);
    this.map.set(key, prev === undefined ? value : `${prev}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
