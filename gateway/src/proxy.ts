import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CryptoKey } from 'jose';
import { INTERNAL_HEADER, signInternal } from '../../platform/auth.ts';
import { sendJson, writeChunk } from '../../platform/http.ts';
import { authenticate } from './authenticate.ts';

/** Request headers a streamed route may need besides the caller (the body's type and encoding). */
const FORWARDED = ['content-type', 'content-length', 'x-hub-encoding', 'x-hub-format'];

/**
 * The village subgraph's streamed routes (/export, /changes.ndjson, /import):
 * the caller is verified here and forwarded as the internal token; request
 * and response bodies are passed through as they arrive, never buffered.
 */
export function villageStreamProxy(callerKey: CryptoKey, internalKey: CryptoKey, villageUrl: string, operation: string) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const caller = await authenticate(callerKey, req.headers.authorization);
    const requestId = String(req.headers['x-request-id'] ?? crypto.randomUUID());
    const headers: Record<string, string> = {
      [INTERNAL_HEADER]: await signInternal(internalKey, caller, { requestId, operation }),
      'x-request-id': requestId,
    };
    for (const h of FORWARDED) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
    const hasBody = req.method === 'POST' || req.method === 'PUT';
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const upstream = await fetch(new URL(url.pathname + url.search, villageUrl), {
      method: req.method,
      headers,
      signal: controller.signal,
      ...(hasBody ? { body: streamOf(req), duplex: 'half' } : {}),
    });
    if (!upstream.ok || !upstream.body) {
      const body = await upstream.json().catch(() => ({ errors: [{ message: `${operation} failed.`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
      sendJson(res, upstream.status, body);
      return;
    }
    res.writeHead(200, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      ...(upstream.headers.get('content-disposition') ? { 'content-disposition': upstream.headers.get('content-disposition')! } : {}),
    });
    const reader = upstream.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await writeChunk(res, value);
    }
    res.end();
  };
}

/** The request body as a web stream, read from the socket as the upstream request pulls it. */
function streamOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks: AsyncIterator<Uint8Array> = req[Symbol.asyncIterator]();
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
