import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { routeIdentity, type SubgraphTrust } from '../../../platform/auth.ts';
import { scopedEm } from '../../../platform/jurisdiction.ts';
import { intParameter, listParameter, methodNotAllowed, routeParams, writeChunk } from '../../../platform/http.ts';
import { changeCursor, changeQuery, changesAfter, positionCursor } from './changes/query.ts';
import { requireDivisionHeld } from './directory.ts';
import { changeLog, type ChangeRow, type FeedPosition } from './store/changes.ts';
import { chinaTime } from '../../../platform/scalars.ts';

/**
 * GET /changes.ndjson?after=&kinds=A,B&within=&limit=: the change feed for
 * long pulls, one change per line in feed order, read in batches so memory
 * stays flat. Each line carries its cursor. A pull reads up to where the feed
 * stood when it began, which `X-Change-Cursor` names (as an export's does):
 * `limit` lines, continue from the last line's cursor; fewer, the pull
 * examined every change up to the header's cursor (those `kinds` and
 * `within` left out too), so continue from that. Reached through the
 * gateway, like the GraphQL field (same checks, same row-level security).
 */
const BATCH = 1000;
const DEFAULT_LIMIT = 100_000;
const MAX_LIMIT = 1_000_000;

export function feedRoute(orm: MikroORM, trust: () => Promise<SubgraphTrust>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET') throw methodNotAllowed('GET', { zh: '变更流请用 GET 读取。', en: 'The change feed is read with GET.' });
    const { caller } = await routeIdentity(req, await trust());
    const p = routeParams(url, ['after', 'kinds', 'within', 'limit']);
    const limit = intParameter(p, 'limit', { min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT });
    const kinds = listParameter(p, 'kinds');
    const q = changeQuery(caller, { after: p.get('after'), kinds, within: p.get('within') }, BATCH);
    const em = scopedEm(orm.em, caller.jurisdiction);
    if (q.within) await requireDivisionHeld(em, q.within);
    let sent = 0;
    let end: FeedPosition | undefined;
    for (;;) {
      const page = { ...q, limit: Math.min(BATCH, limit - sent) };
      let rows: ChangeRow[];
      if (end) rows = await changeLog.after(em, page, end);
      else ({ rows, end } = await changesAfter(em, page));
      if (!res.headersSent) {
        // Where this pull reads up to; absent only while the feed is empty and no cursor was sent (read from the start).
        const reaches = positionCursor(end);
        res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', ...(reaches ? { 'x-change-cursor': reaches } : {}) });
      }
      if (!rows.length) break;
      const text = rows
        .map((r) =>
          JSON.stringify({
            cursor: changeCursor(r),
            kind: r.kind,
            op: r.op,
            recordId: r.recordId,
            version: r.version,
            statusFrom: r.statusFrom,
            statusTo: r.statusTo,
            villageCode: r.villageCode,
            gridCode: r.gridCode,
            at: chinaTime(r.at),
            changedFields: r.changedFields,
            by: r.by,
            byName: r.byName,
            via: r.via,
            step: r.step,
            stepNote: r.stepNote,
            stepLevel: r.stepLevel,
          }),
        )
        .join('\n');
      await writeChunk(res, `${text}\n`);
      sent += rows.length;
      const last = rows[rows.length - 1]!;
      q.after = { seq: BigInt(last.seq), id: BigInt(last.id) };
      if (rows.length < BATCH || sent >= limit || res.destroyed) break;
    }
    res.end();
  };
}
