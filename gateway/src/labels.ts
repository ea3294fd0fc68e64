import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'graphql';
import { enumNames } from '../../domain/enum-names.ts';
import { methodNotAllowed, sendJson } from '../../platform/http.ts';
import { authenticate, type CallerCheck } from './authenticate.ts';

/**
 * GET /labels.json: the name of every enum value of the client-facing schema (schema/api.graphql), as people read
 * it, so an app shows 已登记 for `REPORTED` without a hand-kept copy of the schema's descriptions (introspection is off
 * in production). Any signed-in caller may read it; it holds no data, only the schema's words.
 */
export function labelsRoute(callers: CallerCheck) {
  const names = enumNames(parse(readFileSync(new URL('../../schema/api.graphql', import.meta.url), 'utf8')));
  const body = Object.fromEntries(
    [...names]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, values]) => [name, values.map(({ code, zh, description }) => ({ value: code, zh, description }))]),
  );
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET', { zh: '请用 GET 读取标签。', en: 'GET the labels.' });
    await authenticate(callers, req.headers.authorization);
    const headers = { etag, 'cache-control': 'private, max-age=3600' };
    if (matches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    sendJson(res, 200, body, headers);
  };
}

/** Whether `If-None-Match` names this tag: `*`, or a list of tags compared weakly (RFC 9110: `W/"x"` matches `"x"`). */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
