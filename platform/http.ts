import cluster from 'node:cluster';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip, gzipSync, zstdCompress, zstdCompressSync, type ZlibOptions } from 'node:zlib';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ENGLISH_EXTENSION, quote, type Said } from '../domain/errors.ts';
import { localizeErrorBody, preferredLanguage, saidOf, type Language } from './language.ts';
import { databaseTrouble } from './unavailable.ts';
import { log, withRequestFields, type RequestFields } from './log.ts';
import { inServerSpan } from './telemetry.ts';
import { orAfter } from './timeout.ts';
import { forwardedRequestId } from './request-id.ts';

/**
 * A small node:http front for Apollo Server, shared by the gateway and the
 * subgraphs: `/graphql` (POST and GET), plus extra routes such as `/health`.
 * No web framework: the hub needs only these few routes and full control of
 * body limits and keep-alive timing.
 */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

const gzipAsync = promisify(gzip);
const zstdAsync = promisify(zstdCompress);

/**
 * Level 1, with a window and hash table no larger than the answer needs. zlib's defaults (a 32 KB window, memLevel
 * 8) take 256 KB for every call, which the allocator hands out as fresh pages, so a small answer's gzip was mostly
 * page faults and zeroing. A window at least as long as the answer still reaches every earlier byte, so it
 * compresses as well.
 */
export function gzipOptions(bytes: number): ZlibOptions {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes + 262))));
  return { level: 1, windowBits, memLevel: Math.max(1, windowBits - 7) };
}

/** The content codings an answer may be sent in, besides none. */
export type ContentCoding = 'zstd' | 'gzip';

/**
 * The coding to send an answer in, from the client's Accept-Encoding: zstd when it is acceptable (browsers since
 * 2024 offer it; on the county drill-down's 31.7 kB answer it took half gzip's CPU at level 1 and came out 11%
 * smaller), else gzip, else none. A coding the client gives `q=0` is refused, `*` stands for any not named.
 */
export function contentCoding(acceptEncoding: string | undefined): ContentCoding | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) q.set(name, weight === undefined ? 1 : Number(weight) || 0);
  }
  const acceptable = (coding: ContentCoding) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  return acceptable('zstd') ? 'zstd' : acceptable('gzip') ? 'gzip' : undefined;
}

/** Large answers are compressed off the event loop. */
function compressText(text: string, coding: ContentCoding): Buffer | Promise<Buffer> {
  const bytes = Buffer.from(text);
  const large = bytes.length > 256_000;
  if (coding === 'gzip') return large ? gzipAsync(bytes, gzipOptions(bytes.length)) : gzipSync(bytes, gzipOptions(bytes.length));
  // Level 1, as gzip's; the size known up front lets zstd size its window and tables to the answer.
  const options = { params: { [zlibConstants.ZSTD_c_compressionLevel]: 1 }, pledgedSrcSize: bytes.length };
  return large ? zstdAsync(bytes, options) : zstdCompressSync(bytes, options);
}

export interface HttpOptions<C extends BaseContext, A = unknown> {
  apollo: ApolloServer<C>;
  /**
   * Checks who is calling before any GraphQL runs; throws HttpError (401) to
   * refuse. Its result is handed to `context`.
   */
  authenticate?: (req: IncomingMessage) => Promise<A>;
  context: (req: IncomingMessage, auth: A) => Promise<C>;
  routes?: Record<string, Route>;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes?: number;
  /** Wraps the handling of each GraphQL request (e.g. to enter a per-request async scope). */
  around?: (req: IncomingMessage, handle: () => Promise<void>) => Promise<void>;
  /** Compress answers of at least this many bytes (UTF-8) for clients that accept it (the gateway; subgraphs answer over loopback). */
  compressFrom?: number;
  /** The service's name in logs, spans and metrics (docs/ARCHITECTURE.md, "Observability"). */
  service?: string;
  /** Counts an error answered outside GraphQL (refused before it runs, or by a route), by code (platform/metrics.ts). */
  countError?: (code: string) => void;
  /**
   * Answers shared between identical requests running at the same time (the gateway, gateway/src/dedup.ts): a
   * request that waited for another's answer is sent that answer's bytes as they are (`answerFor`), and every other
   * request offers its own once written (`publish`; null when it has none to give, always called once).
   */
  sharing?: {
    answerFor(ctx: C): SharedBody | undefined;
    publish(ctx: C, body: SharedBody | null): void;
  };
  /** Origins whose browser pages may call this server (CORS, the gateway's HUB_CORS_ORIGINS); none when absent. */
  corsOrigins?: readonly string[];
  /**
   * Where a browser opening a path is sent, by path (the gateway: `/` to the analysis room, `/graphql` to the
   * explorer): a GET asking for HTML with no query and no token is a person, not a GraphQL client, and a 401 in JSON
   * tells them nothing.
   */
  landings?: Readonly<Record<string, string>>;
}

/** What a page of an allowed origin may send, and read back, across origins. */
const CORS_REQUEST_HEADERS = 'authorization, content-type, accept, accept-language, x-request-id, traceparent';
const CORS_EXPOSED_HEADERS = 'content-language, content-disposition, retry-after, x-change-cursor, x-changed-after, x-changed-until, x-request-id';

/**
 * Cross-origin calls from browsers (CORS). A request from an allowed origin
 * gets `access-control-allow-origin` (its own origin, never `*`); a preflight
 * is answered here: 204 with what may be sent for an allowed origin, 403 for
 * any other, before the token is asked for (a browser sends none with a
 * preflight). Returns whether the request has been answered.
 */
function crossOrigin(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  const ok = allowed.includes(origin.toLowerCase());
  res.setHeader('vary', 'origin');
  if (ok) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS);
  }
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false;
  if (!ok) {
    sendGraphQLError(
      res,
      new HttpError(403, 'FORBIDDEN', {
        zh: `来源 ${origin} 的网页不能跨域调用本枢纽：它不在 HUB_CORS_ORIGINS 之中。`,
        en: `Pages of ${origin} may not call the hub across origins: it is not in HUB_CORS_ORIGINS.`,
      }),
    );
    return true;
  }
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST',
    'access-control-allow-headers': CORS_REQUEST_HEADERS,
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}

/**
 * A route's query parameters, each one the route reads and each at most
 * once. An unknown name is refused rather than ignored: a misspelt `dryRun`
 * would otherwise write the file it was meant to try. A repeated one is
 * refused rather than cut to its first value (clients that send a list as
 * `kinds=A&kinds=B` would silently get only A).
 */
export function routeParams(url: URL, known: readonly string[]): URLSearchParams {
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (!known.includes(name)) {
      throw new HttpError(
        400,
        'BAD_USER_INPUT',
        {
          zh: `未知的参数“${quote(name)}”；此地址接受：${known.join('、')}。`,
          en: `Unknown parameter "${quote(name)}"; this address takes ${known.join(', ')}.`,
        },
        { argument: quote(name), accepted: known },
      );
    }
    if (seen.has(name)) {
      throw new HttpError(
        400,
        'BAD_USER_INPUT',
        { zh: `参数 ${name} 给了不止一次；请只给一次。`, en: `Parameter ${name} is given more than once; give it once.` },
        { argument: name },
      );
    }
    seen.add(name);
  }
  return url.searchParams;
}

/** A GraphQL answer as sent: its status, its text and, once some request sent it compressed, those bytes by coding. */
export interface SharedBody {
  status: number;
  text: string;
  compressed?: Partial<Record<ContentCoding, Buffer>>;
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  /** The message in both languages; `message` is the Chinese one (domain/errors.ts `Said`). */
  readonly said: Said;
  /** More of `extensions` beside the code (e.g. which department was refused). */
  readonly extra: Readonly<Record<string, unknown>>;
  /** HTTP headers the refusal carries (a 405's `allow`). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: Said, extra: Readonly<Record<string, unknown>> = {}, headers: Readonly<Record<string, string>> = {}) {
    super(message.zh);
    this.status = status;
    this.code = code;
    this.said = message;
    this.extra = extra;
    this.headers = headers;
  }
}

/** A route's query parameter refused: 400 BAD_USER_INPUT naming it in `argument`, as GraphQL names an argument. */
export function badParameter(argument: string, message: Said): HttpError {
  return new HttpError(400, 'BAD_USER_INPUT', message, { argument });
}

/**
 * A route's whole-number parameter: digits only (no sign, space, exponent or fraction: `1e3` and ` 1` are not how
 * a count is written, and a reader that took them would read what the caller did not write), from `min` to `max`;
 * `fallback` when left out. Refused with 400 BAD_USER_INPUT naming it.
 */
export function intParameter(p: URLSearchParams, name: string, range: { min: number; max: number; fallback: number }): number {
  const given = p.get(name);
  if (given === null) return range.fallback;
  const n = /^[0-9]{1,16}$/.test(given) ? Number(given) : NaN;
  if (!(n >= range.min && n <= range.max)) {
    throw badParameter(name, {
      zh: `${name} 应为 ${range.min} 到 ${range.max} 之间的整数（只写数字），收到的是“${quote(given)}”。`,
      en: `${name} must be an integer from ${range.min} to ${range.max} (digits only); got "${quote(given)}".`,
    });
  }
  return n;
}

/**
 * A route's list parameter: items separated by `separators` (a comma; a person's list also by the Chinese comma or
 * 、), each trimmed and none empty: `A,,B` or a trailing comma is a list built wrong, refused naming the parameter
 * rather than read as the items left. Undefined when left out; given empty, no items (which the route judges: a
 * filter's empty list is refused by `listGiven`, as the GraphQL argument's is).
 */
export function listParameter(p: URLSearchParams, name: string, separators: RegExp = /,/): string[] | undefined {
  const given = p.get(name);
  if (given === null) return undefined;
  if (given === '') return [];
  const items = given.split(separators).map((x) => x.trim());
  if (items.some((x) => x === '')) {
    throw badParameter(name, {
      zh: `${name} 含有空项（“${quote(given)}”）：请用逗号分隔各项，不留空项。`,
      en: `${name} has an empty item ("${quote(given)}"): separate the items with commas and leave none empty.`,
    });
  }
  return items;
}

/**
 * A download with no `within`: said alike by the exports and the reports, with the caller's own division (cut to the
 * level asked for) as the example, since that is the code a caller most likely wants.
 */
export function withinMissing(what: Said, example: string, grids: boolean): HttpError {
  return badParameter('within', {
    zh: `请用 within 给出${what.zh}范围：一个区划代码（省 2 位、市 4 位、县 6 位、乡镇 9 位${grids ? '、村 12 位或网格 15 位' : '或村 12 位'}），如 ?within=${example}。`,
    en: `Give the division to ${what.en} with within: a code of 2 (province), 4, 6 (county), 9 (township)${grids ? ', 12 (village) or 15 (grid)' : ' or 12 (village)'} digits, e.g. ?within=${example}.`,
  });
}

/** A request in a method the route does not take: 405, saying (and in `Allow`) which it takes. */
export function methodNotAllowed(allow: string, message: Said): HttpError {
  return new HttpError(405, 'BAD_REQUEST', message, {}, { allow });
}

/** HTTP status of each typed error code, for routes that reuse the GraphQL validators. */
const STATUS_OF_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  RATE_LIMITED: 429,
  SUBGRAPH_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
};

/** A typed GraphQLError (badInput, forbidden, ...) as the HttpError of the same code, its other extensions kept (`argument`, …); anything else unchanged. */
export function asHttpError(err: unknown): unknown {
  if (err instanceof GraphQLError && typeof err.extensions.code === 'string' && STATUS_OF_CODE[err.extensions.code]) {
    const { code, [ENGLISH_EXTENSION]: _en, ...extra } = err.extensions;
    return new HttpError(STATUS_OF_CODE[code as string]!, code as string, saidOf(err), extra);
  }
  return err;
}

/**
 * A failure at the database (gone, or a statement cancelled past its limit) as a route answers it: 503
 * SERVICE_UNAVAILABLE, retryable, naming a correlation id under which the driver's text is logged
 * (docs/ARCHITECTURE.md, "Supervision and database outages"); undefined for any other failure.
 */
export function databaseRefusal(err: unknown): HttpError | undefined {
  const trouble = databaseTrouble(err);
  if (!trouble) return undefined;
  const id = crypto.randomUUID();
  log.error({ err, correlationId: id }, trouble.log);
  return new HttpError(
    503,
    'SERVICE_UNAVAILABLE',
    { zh: `${trouble.zh}（关联编号 ${id}）`, en: `${trouble.en} (correlation id ${id})` },
    { retryable: true, correlationId: id },
    { 'retry-after': '1' },
  );
}

/** A route's query parameter refused by a GraphQL validator: its typed error with `argument` kept, or a plain 400. */
export function parameterError(err: unknown): HttpError {
  const http = asHttpError(err);
  return http instanceof HttpError ? http : new HttpError(400, 'BAD_USER_INPUT', saidOf(err instanceof Error ? err : { message: String(err) }));
}

/**
 * A streamed answer's client closed its connection before the answer ended (a download piped into `head`, a page
 * left): not a failure of the hub. The route stops on it and releases what it holds; it is logged at info, without
 * a stack, not as an error.
 */
export class ClientGone extends Error {
  constructor(cause?: unknown) {
    super('the client went away', cause === undefined ? undefined : { cause });
    this.name = 'ClientGone';
  }
}

/**
 * Writes one chunk of a streamed response, waiting while the client is slow.
 * A client that has gone away ends the wait with ClientGone, so the producer
 * stops and releases what it holds (a database connection) instead of
 * waiting for a drain that never comes.
 */
export async function writeChunk(res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  if (res.destroyed) throw new ClientGone();
  if (res.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  if (res.destroyed) throw new ClientGone();
}

/** Whether a failure is, or was caused by, the client going away (ClientGone somewhere in its chain of causes). */
function clientWentAway(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof ClientGone) return true;
  return false;
}

/** The language of the request `res` answers (platform/language.ts). */
const languageOf = (res: ServerResponse): Language => preferredLanguage(res.req?.headers['accept-language']);

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A GraphQL-shaped error body for failures that happen before GraphQL runs (401, 413, ...), in the request's language. */
export function sendGraphQLError(res: ServerResponse, err: HttpError): void {
  const language = languageOf(res);
  const headers: Record<string, string> = { ...err.headers, ...(err.status === 401 ? { 'www-authenticate': 'Bearer realm="governance-hub"' } : {}) };
  headers['content-language'] = language;
  // The rest of an oversized body is never read, so the connection cannot carry another request: close it.
  if (err.status === 413) headers.connection = 'close';
  // HTTP clients retry on the header, not on the body's retryAfterSeconds.
  if (typeof err.extra.retryAfterSeconds === 'number') headers['retry-after'] = String(Math.ceil(err.extra.retryAfterSeconds));
  sendJson(res, err.status, { errors: [{ message: err.said[language], extensions: { ...err.extra, code: err.code } }] }, headers);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () =>
    new HttpError(413, 'PAYLOAD_TOO_LARGE', { zh: `请求体超过 ${limit} 字节的上限。`, en: `Request body is larger than the ${limit}-byte limit.` });
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Brackets a GraphQL document may nest: far more than any query the hub serves (selections stop at 12 levels at the gateway). */
const MAX_NESTING = 64;

/**
 * graphql-js parses a document recursively, so a query nested thousands of
 * brackets deep overflowed the stack inside the parser. Brackets are counted
 * here first (outside strings and comments) and a document nested deeper than
 * MAX_NESTING is refused as a parse failure, before anything recurses.
 */
function refuseDeepNesting(query: unknown): void {
  if (typeof query !== 'string') return;
  let depth = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '#') {
      while (i + 1 < query.length && query[i + 1] !== '\n' && query[i + 1] !== '\r') i++;
    } else if (c === '"' && query.startsWith('"""', i)) {
      for (i += 3; i < query.length && !query.startsWith('"""', i); i++) if (query.startsWith('\\"""', i)) i += 3;
      i += 2;
    } else if (c === '"') {
      for (i++; i < query.length && query[i] !== '"' && query[i] !== '\n' && query[i] !== '\r'; i++) if (query[i] === '\\') i++;
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > MAX_NESTING) {
        throw new HttpError(400, 'GRAPHQL_PARSE_FAILED', {
          zh: `查询嵌套超过 ${MAX_NESTING} 层括号，不予解析。`,
          en: `The query nests brackets more than ${MAX_NESTING} deep; it was not parsed.`,
        });
      }
    } else if (c === '}' || c === ']' || c === ')') depth--;
  }
}

export async function handleGraphQL<C extends BaseContext, A>(opts: HttpOptions<C, A>, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  const auth = (opts.authenticate ? await opts.authenticate(req) : undefined) as A;
  let body: unknown = undefined;
  if (req.method === 'POST') {
    const text = await readBody(req, opts.maxBodyBytes ?? 1_000_000);
    const type = headers.get('content-type') ?? '';
    if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
      try {
        body = text.length ? JSON.parse(text) : undefined;
      } catch {
        throw new HttpError(400, 'BAD_REQUEST', { zh: '请求体不是有效的 JSON。', en: 'The request body is not valid JSON.' });
      }
    } else {
      body = text;
    }
  }
  refuseDeepNesting(typeof body === 'object' && body !== null && 'query' in body ? body.query : url.searchParams.get('query'));
  let ctx: C | undefined;
  let offered: SharedBody | null = null;
  try {
    const response = await opts.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => (ctx = await opts.context(req, auth)),
    });
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of response.headers) outHeaders[k] = v;
    res.statusCode = response.status ?? 200;
    for (const [k, v] of Object.entries(outHeaders)) res.setHeader(k, v);
    if (response.body.kind === 'complete') {
      const shared = ctx === undefined ? undefined : opts.sharing?.answerFor(ctx);
      let text = shared ? shared.text : response.body.string;
      // Requests Apollo Server refuses before any plugin runs (no query, CSRF, batching) answer here in the caller's
      // language; every other answer was localized by the localizeErrors plugin, which says so in content-language.
      if (!shared && !response.headers.has('content-language') && res.statusCode >= 400) {
        const language = preferredLanguage(headers.get('accept-language'));
        text = localizeErrorBody(text, language);
        res.setHeader('content-language', language);
      }
      const answer: SharedBody = shared ?? { status: res.statusCode, text };
      // Offered before it is compressed: the requests waiting for it run after this one's synchronous compression below.
      if (ctx !== undefined && !shared) opts.sharing?.publish(ctx, (offered = answer));
      // Error messages follow Accept-Language (platform/language.ts), so a cache keeps one answer per language.
      const varies = opts.compressFrom !== undefined ? 'accept-encoding, accept-language' : 'accept-language';
      res.setHeader('vary', res.hasHeader('vary') ? `${String(res.getHeader('vary'))}, ${varies}` : varies);
      // A string's length never exceeds its UTF-8 bytes: only a short text is measured.
      const large = opts.compressFrom !== undefined && (text.length >= opts.compressFrom || Buffer.byteLength(text) >= opts.compressFrom);
      const coding = large ? contentCoding(req.headers['accept-encoding']) : undefined;
      if (coding) {
        // Level 1: the county drill-down's 31.7 kB answer becomes 5.1 kB in 0.08 ms of gzip (level 6: 4.3 kB in
        // 0.2 ms), against tens of milliseconds to compute it. Township and village offices are often on slow links.
        const compressed = answer.compressed?.[coding] ?? (await compressText(text, coding));
        (answer.compressed ??= {})[coding] ??= compressed;
        res.setHeader('content-encoding', coding);
        res.setHeader('content-length', compressed.length);
        res.end(compressed);
      } else res.end(text);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  } finally {
    // Whoever waits for this request's answer stops waiting, whatever happened to it.
    if (ctx !== undefined && offered === null) opts.sharing?.publish(ctx, null);
  }
}

export interface RunningHttp {
  server: Server;
  port: number;
  url: string;
  /** Requests being answered now. */
  inFlight(): number;
  /**
   * Stops taking requests, lets those being answered finish (at most DRAIN_MS), then closes every connection.
   * A subgraph closes its database pools after this: a request cut off mid-way would still be running on one.
   */
  close(): Promise<void>;
}

/** How long a stop waits for the requests being answered (an import streaming a whole file may take longer: it is cut). */
const DRAIN_MS = 10_000;

/** How long the unread rest of a body answered early may take to arrive before its connection is closed instead. */
const DISCARD_MS = 60_000;

/**
 * Reads and drops what is left of a request body once its answer is sent. A route may answer before the end of the
 * body (a file refused at its first bytes or mid-way). Node drops such a rest itself only when nothing began reading
 * the body; one read in part stays paused in its socket, and the client's next request on that keep-alive connection
 * waited, unanswered, until the socket timed out (a minute later). The reader's own listener is taken off first: while
 * a stream has a 'readable' listener, resume() does not make it flow.
 */
function discardRest(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  req.removeAllListeners('readable');
  req.removeAllListeners('data');
  const limit = setTimeout(() => req.destroy(), DISCARD_MS).unref();
  req.once('end', () => clearTimeout(limit));
  req.once('close', () => clearTimeout(limit));
  process.nextTick(() => req.resume());
}

export async function listen<C extends BaseContext, A = unknown>(opts: HttpOptions<C, A>, host: string, port: number): Promise<RunningHttp> {
  /** The requests being answered, and their responses (told to close their connection once a stop begins). */
  const answering = new Map<Promise<void>, ServerResponse>();
  let closing = false;
  const server = createServer((req, res) => {
    // Every answer may carry personal data or a caller's own view of it (exports, the change feed, GraphQL, errors
    // naming what was sent), so no cache keeps one; a route whose answer is the same for everyone says so itself
    // (its writeHead's cache-control replaces this one: the labels, the analysis room's and explorer's files).
    res.setHeader('cache-control', 'no-store');
    // A stopping server answers nothing new, and says so: a keep-alive connection may still carry a request to it.
    if (closing) {
      res.setHeader('connection', 'close');
      res.setHeader('retry-after', '1');
      sendGraphQLError(res, new HttpError(503, 'SERVICE_UNAVAILABLE', { zh: '服务正在停止，请稍后重试。', en: 'The service is stopping; try again shortly.' }));
      return;
    }
    // A NUL (%00) in a path or parameter is no name, code or cursor the hub knows, and PostgreSQL cannot take one.
    if (req.url?.includes('%00')) {
      sendGraphQLError(res, new HttpError(400, 'BAD_REQUEST', { zh: '请求地址含有 NUL 字符（%00）。', en: 'The request URL holds a NUL character (%00).' }));
      return;
    }
    if (opts.corsOrigins && crossOrigin(req, res, opts.corsOrigins)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key =
      opts.routes?.[url.pathname] !== undefined
        ? url.pathname
        : Object.keys(opts.routes ?? {}).find((k) => k.endsWith('/*') && url.pathname.startsWith(k.slice(0, -1)));
    const route = key === undefined ? undefined : opts.routes?.[key];
    const graphql = !route && (url.pathname === '/graphql' || url.pathname === '/');
    const landing = opts.landings?.[url.pathname];
    if (
      landing !== undefined &&
      req.method === 'GET' &&
      !url.search &&
      req.headers.authorization === undefined &&
      /\btext\/html\b/.test(req.headers.accept ?? '')
    ) {
      res.writeHead(302, { location: landing, 'content-length': '0' }).end();
      return;
    }
    const service = opts.service ?? 'hub';
    // The request's id, the client's when it sent a usable one: every log line written while it is answered names it
    // (platform/log.ts), the gateway forwards it, and the answer carries it, so a caller can quote it to an operator.
    const requestId = forwardedRequestId(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    res.once('finish', () => discardRest(req));
    const fields: RequestFields = { service, requestId };
    withRequestFields(fields, () => {
      const handle = () =>
        route
          ? route(req, res, url)
          : graphql
            ? opts.around
              ? opts.around(req, () => handleGraphQL(opts, req, res, url))
              : handleGraphQL(opts, req, res, url)
            : sendGraphQLError(
                res,
                new HttpError(
                  404,
                  'NOT_FOUND',
                  { zh: `没有这个路径：${url.pathname}。`, en: `No such path: ${url.pathname}.` },
                  { paths: ['/graphql', ...Object.keys(opts.routes ?? {})] },
                ),
              );
      const path = graphql ? '/graphql' : (key ?? 'unknown');
      // Started inside a promise, so an error thrown synchronously by a route is answered like any other. The span
      // continues the caller's trace (its traceparent); scrapes and health checks get none.
      const work = Promise.resolve().then(() =>
        path === '/metrics' || path === '/health'
          ? handle()
          : inServerSpan(
              `${service} ${req.method ?? 'GET'} ${path}`,
              req.headers,
              { 'hub.service': service, 'http.request.method': req.method ?? 'GET', 'url.path': path },
              async () => handle(),
            ),
      );
      const answered = work.then(
        () => {},
        () => {},
      );
      answering.set(answered, res);
      void answered.then(() => answering.delete(answered));
      work.catch((thrown: unknown) => {
        if (clientWentAway(thrown)) {
          // The client closed its connection early (read a download's first bytes, or gave up): nothing failed here.
          log.info({ route: path, path: url.pathname }, 'client went away before its answer ended');
          res.destroy();
          return;
        }
        if (res.headersSent) {
          // Past its status line an answer cannot become an error: it is cut off, and the operator reads why here.
          log.error({ err: thrown, route: path }, 'route failed after its answer began');
          res.destroy();
          return;
        }
        const err = asHttpError(thrown);
        const refusal = err instanceof HttpError ? err : databaseRefusal(err);
        if (refusal) {
          opts.countError?.(refusal.code);
          sendGraphQLError(res, refusal);
        } else {
          opts.countError?.('INTERNAL_SERVER_ERROR');
          log.error({ err }, 'unexpected error');
          sendGraphQLError(res, new HttpError(500, 'INTERNAL_SERVER_ERROR', { zh: '服务器发生意外错误。', en: 'Unexpected server error.' }));
        }
      });
    });
  });
  // Requests Node refuses before any handler runs (headers over its limit, malformed HTTP) get a JSON body with a code too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const [status, reason, code, message]: [number, string, string, Said] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            'HEADERS_TOO_LARGE',
            { zh: '请求头超过服务器允许的大小。', en: 'The request headers are larger than the server accepts.' },
          ]
        : [400, 'Bad Request', 'BAD_REQUEST', { zh: '请求不是有效的 HTTP 请求。', en: 'The request is not valid HTTP.' }];
    // No request was parsed: the language comes from the raw bytes Node kept, when they hold the header.
    const raw = (err as { rawPacket?: Buffer }).rawPacket?.toString('latin1') ?? '';
    const language = preferredLanguage(/^accept-language:([^\r\n]*)/im.exec(raw)?.[1]);
    const text = JSON.stringify({ errors: [{ message: message[language], extensions: { code } }] });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\ncontent-language: ${language}\r\nconnection: close\r\n\r\n${text}`,
    );
  });
  // Keep idle keep-alive sockets open longer than clients' (gateway) pools keep them,
  // so a client never writes into a socket this side is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Imports stream whole files through one request; an hour bounds them instead of Node's five minutes.
  server.requestTimeout = 3_600_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (!cluster.isWorker) server.listen(port, host, () => resolve());
    // A worker of a service (platform/workers.ts) takes connections on its own socket, the kernel spreading them over
    // the workers' sockets (SO_REUSEPORT), not through its primary: node:cluster's primary kept a connection it was
    // handing to a worker that died at that moment, open and unanswered for good. One port for all workers: not 0.
    else if (port === 0) reject(new Error('A service with workers needs a fixed port, not 0.'));
    else server.listen({ port, host, exclusive: true, reusePort: true }, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server,
    port: actual,
    url: `http://${shownHost}:${actual}/graphql`,
    inFlight: () => answering.size,
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Their connections close after their answers, so no further request comes on them.
      for (const res of answering.values()) if (!res.headersSent) res.setHeader('connection', 'close');
      await orAfter(DRAIN_MS, Promise.all([...answering.keys()]), undefined);
      server.closeAllConnections();
      await closed;
    },
  };
}
