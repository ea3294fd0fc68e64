import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { to as copyTo } from 'pg-copy-streams';
import type { CryptoKey } from 'jose';
import { routeIdentity } from '../../../platform/auth.ts';
import { hasScope, inJurisdiction } from '../../../platform/caller.ts';
import { scopeClient } from '../../../platform/jurisdiction.ts';
import { parseDivisionCode } from '../../../domain/codes.ts';
import { HttpError, writeChunk } from '../../../platform/http.ts';
import { saidOf } from '../../../platform/language.ts';
import { nativePool } from '../../../platform/orm.ts';
import { nativeBegin, nativeCommit, nativeRollback } from '../../../platform/bulk.ts';
import { auditExport, EXPORT_KINDS, exportCopy, exportKind } from './store/export.ts';

/**
 * Export of registry kinds within a jurisdiction, streamed straight out of
 * PostgreSQL (COPY … TO STDOUT) as CSV (UTF-8 with BOM) or NDJSON. Runs as the
 * service role with the caller's jurisdiction set, so row-level security
 * applies; ID numbers and phones are masked in SQL unless the caller has pii
 * (the statements are in store/export.ts).
 * Reached through the gateway's /export/<kind>.<csv|ndjson>?within=<code>.
 */
export function exportRoute(orm: MikroORM, internalKey: () => Promise<CryptoKey>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const identity = await routeIdentity(req, await internalKey());
    const caller = identity.caller;
    const m = /^\/export\/([a-z-]+)\.(csv|ndjson)$/.exec(url.pathname);
    const kind = m ? exportKind(m[1]!) : undefined;
    if (!m || !kind) throw new HttpError(404, 'NOT_FOUND', `Exports: /export/<${EXPORT_KINDS.join('|')}>.<csv|ndjson>?within=<code>`);
    const format = m[2] === 'csv' ? 'csv' : 'ndjson';
    if (!hasScope(caller, 'read')) throw new HttpError(403, 'FORBIDDEN', { zh: '导出需要“read”权限。', en: 'Exports need the "read" scope.' });
    let within: string;
    try {
      within = parseDivisionCode(url.searchParams.get('within') ?? '', 'within');
    } catch (e) {
      throw new HttpError(400, 'BAD_USER_INPUT', saidOf(e instanceof Error ? e : { message: String(e) }));
    }
    if (!inJurisdiction(caller, within)) {
      throw new HttpError(403, 'FORBIDDEN', {
        zh: `区划 ${within} 不在您的辖区（${caller.jurisdiction}）内。`,
        en: `Division ${within} is outside your jurisdiction (${caller.jurisdiction}).`,
      });
    }
    const pii = hasScope(caller, 'pii');
    const copy = exportCopy(kind, pii, within, format);
    const client = await (await nativePool(orm)).connect();
    try {
      if (pii && kind.personal) {
        // Unmasked personal data leaves the hub: recorded first, in its own statement.
        await auditExport(client, { ...caller, requestId: identity.requestId }, `export ${m[1]} within ${within}`, kind.table, ['idNumber', 'phone']);
      }
      await nativeBegin(client, 'read only');
      await scopeClient(client, caller.jurisdiction);
      res.writeHead(200, {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${m[1]}-${within}.${m[2]}"`,
      });
      if (format === 'csv') res.write('\uFEFF');
      const stream = client.query(copyTo(copy.text));
      for await (const chunk of stream) {
        await writeChunk(res, chunk);
      }
      res.end();
      await nativeCommit(client);
    } catch (e) {
      await nativeRollback(client).catch(() => {});
      if (res.headersSent) res.destroy();
      throw e;
    } finally {
      client.release();
    }
  };
}
