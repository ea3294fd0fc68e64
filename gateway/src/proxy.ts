import type { IncomingMessage, ServerResponse } from 'node:http';
import { quote } from '../../domain/errors.ts';
import { ROUTER_HEADER } from '../../platform/auth.ts';
import { preferredLanguage } from '../../platform/language.ts';
import { ClientGone, HttpError, methodNotAllowed, sendJson, writeChunk } from '../../platform/http.ts';
import { authenticate, type CallerCheck } from './authenticate.ts';
import { forwardedRequestId } from './limits.ts';
import { log } from '../../platform/log.ts';
import { injectTraceContext } from '../../platform/telemetry.ts';

/** Request headers a streamed route may need besides the caller (the body's type and encoding). */
const FORWARDED = ['content-type', 'content-length', 'x-hub-encoding', 'x-hub-format'];
/** Longer than any value these headers take; with the forwarded caller they must fit the subgraph's header limit. */
const MAX_FORWARDED_HEADER = 256;

/** The streamed routes' names in a Chinese message. */
const OPERATION_ZH: Record<string, string> = { export: '导出', changes: '变更流读取', import: '导入' };

/**
 * The village subgraph's streamed routes (/export, /changes.ndjson, /import):
 * the caller is verified here, and its Authorization header forwarded with the router secret; request
 * and response bodies are passed through as they arrive, never buffered.
 */
export function villageStreamProxy(callers: CallerCheck, routerSecret: string, villageUrl: string, operation: string) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    await authenticate(callers, req.headers.authorization);
    // One method each: an import is sent, an export or the feed read. A HEAD would have the subgraph make (and
    // audit) the whole file only for its headers to be sent.
    const method = operation === 'import' ? 'POST' : 'GET';
    if (req.method !== method) {
      throw methodNotAllowed(method, {
        zh: `${OPERATION_ZH[operation] ?? operation}不接受 ${quote(req.method ?? '')} 请求；请用 ${method}。`,
        en: `${operation} takes no ${quote(req.method ?? '')} request; use ${method}.`,
      });
    }
    const requestId = forwardedRequestId(req.headers['x-request-id']);
    const headers: Record<string, string> = {
      // As for GraphQL (datasource.ts): the caller's own token, which the subgraph verifies again, and the router secret.
      authorization: req.headers.authorization!,
      [ROUTER_HEADER]: routerSecret,
      'x-request-id': requestId,
      // The caller's language, so the subgraph's error bodies arrive in it (platform/language.ts).
      'accept-language': preferredLanguage(req.headers['accept-language']),
    };
    for (const h of FORWARDED) {
      const value = req.headers[h];
      if (typeof value !== 'string') continue;
      if (value.length > MAX_FORWARDED_HEADER) {
        throw new HttpError(400, 'BAD_REQUEST', {
          zh: `请求头 ${h} 超过 ${MAX_FORWARDED_HEADER} 个字符。`,
          en: `The ${h} header is longer than ${MAX_FORWARDED_HEADER} characters.`,
        });
      }
      headers[h] = value;
    }
    // The gateway's request span goes on at the village subgraph (W3C traceparent; nothing while tracing is off).
    injectTraceContext((name, value) => (headers[name] = value));
    const hasBody = method === 'POST';
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const upstream = await fetch(new URL(url.pathname + url.search, villageUrl), {
      method: req.method,
      headers,
      signal: controller.signal,
      ...(hasBody ? { body: streamOf(req), duplex: 'half' } : {}),
    }).catch((e: unknown) => {
      if (res.destroyed) throw new ClientGone(e);
      const correlationId = crypto.randomUUID();
      log.error({ err: e, operation, requestId, correlationId }, 'the village subgraph did not answer');
      throw new HttpError(
        503,
        'SUBGRAPH_UNAVAILABLE',
        { zh: '村（社区）级子图暂时不可用，请稍后重试。', en: 'The village (村/社区) subgraph is unavailable; try again shortly.' },
        { retryable: true, correlationId },
        { 'retry-after': '1' },
      );
    });
    if (!upstream.ok || !upstream.body) {
      const failed = headers['accept-language'] === 'en' ? `${operation} failed.` : `${OPERATION_ZH[operation] ?? operation}失败。`;
      const body = await upstream.json().catch(() => ({ errors: [{ message: failed, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
      const retry = upstream.headers.get('retry-after');
      sendJson(res, upstream.status, body, { 'content-language': headers['accept-language']!, ...(retry ? { 'retry-after': retry } : {}) });
      return;
    }
    const passed = ['content-disposition', 'content-language', 'x-change-cursor', 'x-changed-after', 'x-changed-until'].flatMap((h) => {
      const v = upstream.headers.get(h);
      return v ? [[h, v] as const] : [];
    });
    res.writeHead(200, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream', ...Object.fromEntries(passed) });
    const reader = upstream.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await writeChunk(res, value);
      }
    } catch (e) {
      // The upstream read is aborted only when the client's connection closed: the client left, the subgraph did not fail.
      throw controller.signal.aborted && !(e instanceof ClientGone) ? new ClientGone(e) : e;
    }
    res.end();
  };
}

/**
 * The request body as a web stream, read from the socket as the upstream request pulls it. An upstream answer that
 * comes before the end of the body (a file refused early) cancels the stream: the client's request is then left
 * whole, not destroyed with its socket, so the answer still reaches the client and the rest of the body is dropped
 * once it has (platform/http.ts).
 */
function streamOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks: AsyncIterator<Uint8Array> = req.iterator({ destroyOnReturn: false });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}
