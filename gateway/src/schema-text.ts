import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed } from '../../platform/http.ts';
import { authenticate, type CallerCheck } from './authenticate.ts';
import { printApiSchema } from './compose.ts';
import { matches } from './labels.ts';

/**
 * GET /schema.graphql: the client-facing schema as SDL, printed from the supergraph this gateway runs (the text
 * `npm run compose` writes to schema/api.graphql, but never an older copy of it), so a third party generates its
 * types where introspection is off (production). As for /labels.json, every signed-in caller may read it: it holds
 * no data, only the schema's words, but the hub answers nothing to an unknown caller, and what the API offers is
 * no one else's business either.
 */
export function schemaTextRoute(callers: CallerCheck, supergraphSdl: string) {
  let printed: { body: Buffer; etag: string } | undefined;
  // Printed on the first request, not at every gateway start.
  const schema = () => {
    if (printed) return printed;
    const body = Buffer.from(printApiSchema(supergraphSdl));
    return (printed = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET', { zh: '请用 GET 读取 API 模式。', en: 'GET the API schema.' });
    await authenticate(callers, req.headers.authorization);
    const { body, etag } = schema();
    const headers = { etag, 'cache-control': 'private, max-age=3600' };
    if (matches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
