import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { CryptoKey } from 'jose';
import { INTERNAL_HEADER, signInternal } from '../../subgraphs/shared/auth.ts';
import { sendJson } from '../../subgraphs/shared/http.ts';
import { authenticate } from './authenticate.ts';

/**
 * GET /export/<kind>.<csv|ndjson>?within=<code>: the caller is verified here
 * and forwarded to the village subgraph, whose stream is passed through as it
 * arrives (the registry export is the village subgraph's own data).
 */
export function exportProxy(callerKey: CryptoKey, internalKey: CryptoKey, villageUrl: string) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const caller = await authenticate(callerKey, req.headers.authorization);
    const requestId = String(req.headers['x-request-id'] ?? crypto.randomUUID());
    const upstream = await fetch(new URL(url.pathname + url.search, villageUrl), {
      headers: { [INTERNAL_HEADER]: await signInternal(internalKey, caller, { requestId, operation: 'export' }), 'x-request-id': requestId },
    });
    if (!upstream.ok || !upstream.body) {
      const body = await upstream.json().catch(() => ({ errors: [{ message: 'Export failed.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
      sendJson(res, upstream.status, body);
      return;
    }
    res.writeHead(200, {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      'content-disposition': upstream.headers.get('content-disposition') ?? 'attachment',
    });
    for await (const chunk of Readable.fromWeb(upstream.body as any)) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  };
}
