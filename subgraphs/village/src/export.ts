import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { to as copyTo } from 'pg-copy-streams';
import { routeIdentity, type SubgraphTrust } from '../../../platform/auth.ts';
import { departmentReadRefusal, hasScope, requireDivisionAccess } from '../../../platform/caller.ts';
import { parseDivisionCode } from '../../../domain/codes.ts';
import { badParameter, HttpError, methodNotAllowed, parameterError, routeParams, withinMissing, writeChunk } from '../../../platform/http.ts';
import { nativePool, sidePool } from '../../../platform/orm.ts';
import { isDatabaseUnavailable } from '../../../platform/unavailable.ts';
import { asDownload, inChinaTime, nativeBegin, nativeBeginShared, nativeCommit, nativeRollback, onSnapshot } from '../../../platform/bulk.ts';
import { nativeRows } from '../../../platform/sql.ts';
import { changeCursor, parseChangeCursor } from './changes/query.ts';
import { changeLog, lastPosition, type FeedPosition } from './store/changes.ts';
import { headerLanguage, xlsxSheet, XLSX_CONTENT_TYPE, type HeaderLanguage } from '../../../platform/xlsx.ts';
import { requireDivisionHeld } from './directory.ts';
import { auditTrail } from './store/audit-trail.ts';
import {
  EXPORT_KINDS,
  exportCopy,
  type ChangedRange,
  exportedIds,
  exportedPeople,
  exportKind,
  followedByFeed,
  personalFields,
  type ExportKindOf,
} from './store/export.ts';
import { scopeClient, scopedEm } from '../../../platform/jurisdiction.ts';
import { scopeNamed } from '../../../domain/labels.ts';

/**
 * Export of registry kinds within a jurisdiction, streamed straight out of
 * PostgreSQL (COPY … TO STDOUT) as CSV (UTF-8 with BOM) or NDJSON for
 * machines, or as XLSX for people (platform/xlsx.ts: codes and ID numbers as
 * text cells, dates as dates, Chinese headers unless `?headers=en`). Runs as
 * the service role with the caller's jurisdiction set, so row-level security
 * applies; ID numbers and phones are masked in SQL unless the caller has pii
 * (the statements are in store/export.ts; XLSX reads the NDJSON one).
 * Reached through the gateway's /export/<kind>.<csv|ndjson|xlsx>?within=<code>, with `changedAfter=<feed cursor>`
 * for the records changed since that cursor only (and `changedUntil=<feed cursor>` for those up to a later one).
 */
type Format = 'csv' | 'ndjson' | 'xlsx';
const FORMATS: readonly Format[] = ['csv', 'ndjson', 'xlsx'];
const CONTENT_TYPE: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  xlsx: XLSX_CONTENT_TYPE,
};

const isRow = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The objects of a COPY that writes one JSON object per line (row_to_json never writes a raw line break). */
async function* jsonLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Record<string, unknown>> {
  let rest: Buffer = Buffer.alloc(0);
  const parse = (text: string) => {
    const row: unknown = JSON.parse(text);
    if (!isRow(row)) throw new Error('export: a COPY line is not a JSON object.');
    return row;
  };
  for await (const chunk of chunks) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      yield parse(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    rest = buf.subarray(start);
  }
  if (rest.length) yield parse(rest.toString('utf8'));
}

/** The rows of the NDJSON COPY written as one sheet, each cell typed by its column. */
async function writeSheet(res: ServerResponse, copied: AsyncIterable<Buffer>, kind: ExportKindOf, headers: HeaderLanguage) {
  const sheet = xlsxSheet((chunk) => writeChunk(res, chunk), { sheet: kind.zh, columns: kind.columns, headers });
  try {
    // Chinese headers are for people: codes are shown by their names too (a list's codes each). Chosen per column once.
    const cells = kind.columns.map((c): ((v: unknown) => unknown) => {
      const names = headers === 'zh' ? c.names : undefined;
      if (!names) return (v) => v;
      return (v) =>
        typeof v === 'boolean'
          ? (names.get(String(v)) ?? v)
          : typeof v === 'string' && v !== ''
            ? v
                .split(';')
                .map((code) => names.get(code) ?? code)
                .join(';')
            : v;
    });
    for await (const row of jsonLines(copied)) await sheet.row(kind.columns.map((c, i) => cells[i]!(row[c.key])));
    await sheet.end();
  } catch (e) {
    sheet.abort();
    throw e;
  }
}

/** A route parameter's feed cursor: refused, naming the parameter, when empty or when it names no entry of the feed. */
async function feedCursor(orm: MikroORM, jurisdiction: string, name: 'changedAfter' | 'changedUntil', given: string): Promise<FeedPosition> {
  if (given === '') {
    throw badParameter(
      name,
      name === 'changedAfter'
        ? {
            zh: 'changedAfter 为空：请传上次导出的 X-Change-Cursor（或变更流的游标）；导出全部请不传 changedAfter。',
            en: 'changedAfter is empty: pass the X-Change-Cursor of your last export (or a change-feed cursor); leave it out to export everything.',
          }
        : {
            zh: 'changedUntil 为空：请传刚读到的变更流游标（endCursor 或 X-Change-Cursor）；导出到当前为止请不传 changedUntil。',
            en: 'changedUntil is empty: pass the change-feed cursor you just read to (its endCursor or X-Change-Cursor); leave it out to export up to now.',
          },
    );
  }
  let at: FeedPosition | undefined;
  try {
    at = parseChangeCursor(given);
  } catch {
    at = undefined;
  }
  if (!at || at.seq === 0n || !(await changeLog.holds(scopedEm(orm.em, jurisdiction), at))) {
    throw badParameter(name, {
      zh: `${name} 不是本系统变更流写出的游标（可能来自另一套部署，或数据库恢复之前）；请先导出全部，再用其 X-Change-Cursor。`,
      en: `${name} is not a cursor this change feed wrote (another deployment, or from before a database restore); export everything, then use its X-Change-Cursor.`,
    });
  }
  return at;
}

/**
 * `changedAfter`: a change-feed cursor (an export's X-Change-Cursor, a feed line's `cursor` or `endCursor`), which the
 * export then limits to the records with a feed entry after it; `changedUntil`, a later one (the `endCursor` of the
 * feed page just read), limits it to those with an entry up to it as well, so that a round's export and feed page
 * cover the same changes, (changedAfter, changedUntil]. Refused, naming the parameter, when empty, when it is no
 * cursor of the feed (another deployment's, or from before a database restore: its rows would be a silent gap),
 * when `changedUntil` comes before `changedAfter` or without it, and for a kind the feed does not follow.
 */
async function changedRange(orm: MikroORM, jurisdiction: string, kind: ExportKindOf, params: URLSearchParams): Promise<ChangedRange | undefined> {
  const after = params.get('changedAfter');
  const until = params.get('changedUntil');
  if (after === null) {
    if (until === null) return undefined;
    throw badParameter('changedUntil', {
      zh: 'changedUntil 须与 changedAfter 一起使用：导出 changedAfter 之后、changedUntil 为止的变更；导出全部请两者都不传。',
      en: 'changedUntil needs changedAfter: the export covers the changes after changedAfter up to changedUntil; leave both out to export everything.',
    });
  }
  if (!followedByFeed(kind)) {
    throw badParameter('changedAfter', {
      zh: `${kind.zh}不在变更流中，不能按变更导出；请去掉 changedAfter，导出全部。`,
      en: `${kind.name} are not in the change feed, so they cannot be exported by change; leave changedAfter out and export them whole.`,
    });
  }
  const from = await feedCursor(orm, jurisdiction, 'changedAfter', after);
  if (until === null) return { after: from };
  const to = await feedCursor(orm, jurisdiction, 'changedUntil', until);
  if (to.seq < from.seq || (to.seq === from.seq && to.id < from.id)) {
    throw badParameter('changedUntil', {
      zh: 'changedUntil 在 changedAfter 之前：请传变更流中更晚的游标（本轮读到的 endCursor）。',
      en: 'changedUntil comes before changedAfter: pass a later change-feed cursor (the endCursor of the page this round read).',
    });
  }
  return { after: from, until: to };
}

export function exportRoute(orm: MikroORM, trust: () => Promise<SubgraphTrust>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw methodNotAllowed('GET, HEAD', { zh: '导出请用 GET 请求。', en: 'Exports are read with GET.' });
    }
    const identity = await routeIdentity(req, await trust());
    const caller = identity.caller;
    const m = /^\/export\/([a-z-]+)\.([a-z]+)$/.exec(url.pathname);
    const kind = m ? exportKind(m[1]!) : undefined;
    const format = FORMATS.find((f) => f === m?.[2]);
    if (!m || !kind || !format) {
      throw new HttpError(404, 'NOT_FOUND', {
        zh: `导出地址：/export/<${EXPORT_KINDS.join('|')}>.<csv|ndjson|xlsx>?within=<区划代码>`,
        en: `Exports: /export/<${EXPORT_KINDS.join('|')}>.<csv|ndjson|xlsx>?within=<code>`,
      });
    }
    if (!hasScope(caller, 'read')) {
      throw new HttpError(403, 'FORBIDDEN', { zh: `导出需要${scopeNamed('read')}权限。`, en: 'Exports need the "read" scope.' }, { scope: 'read' });
    }
    const department = departmentReadRefusal(caller, m[1]!, true, kind.zh);
    if (department) throw new HttpError(403, 'FORBIDDEN', department, { department: caller.department });
    const params = routeParams(url, ['within', 'headers', 'changedAfter', 'changedUntil']);
    let within: string;
    if (!params.get('within')) throw withinMissing({ zh: '导出', en: 'export' }, caller.jurisdiction === '*' ? '62' : caller.jurisdiction, true);
    try {
      within = parseDivisionCode(params.get('within') ?? '', 'within');
    } catch (e) {
      throw parameterError(e);
    }
    // The same refusal as the change feed's and a division's lists (extensions.jurisdiction names the caller's).
    requireDivisionAccess(caller, within);
    await requireDivisionHeld(orm.em.fork(), within);
    if (within.length === 15 && kind.villageOnly) {
      // A grid's own caller cannot follow the advice (the village lies outside its jurisdiction): it is told who can.
      const gridCaller = caller.jurisdiction.length === 15;
      throw badParameter('within', {
        zh: `${kind.zh}按村（社区）登记，不按网格；${gridCaller ? '请由村（社区）或以上的调用方导出' : `请用村代码 ?within=${within.slice(0, 12)}`}。`,
        en: `${m[1]} are filed under villages, not grids; ${gridCaller ? 'a village-level (or higher) caller exports them' : `use the village code, ?within=${within.slice(0, 12)}`}.`,
      });
    }
    const headers = headerLanguage(params.get('headers'), format);
    const changed = await changedRange(orm, caller.jurisdiction, kind, params);
    const pii = hasScope(caller, 'pii');
    const copy = exportCopy(kind, pii, within, format === 'csv' ? 'csv' : 'ndjson', changed);
    const pool = await nativePool(orm);
    const client = await pool.connect();
    /**
     * Set while the COPY's rows are being read. A COPY stopped part-way (the client went away) keeps its connection
     * in copy mode: a rollback sent then waits behind rows no one reads, for good, holding the connection and its
     * snapshot. Such a connection is closed instead, which ends its transaction.
     */
    let copying = false;
    try {
      if (pii && (kind.recordType || kind.linkedPeople)) {
        // Unmasked personal data leaves the hub: recorded first, naming every record the export writes, read on the
        // export's own snapshot by a second connection whose entry commits before the first row is sent.
        const snapshot = await nativeBeginShared(client);
        const auditor = await (await sidePool(orm)).connect();
        let broken = false;
        try {
          const entry = {
            subject: caller.subject,
            callerName: caller.name,
            callerJurisdiction: caller.jurisdiction,
            // An export of what changed after a point says so, and from which: an inspector tells it from a whole one.
            operation: `export ${m[1]} within ${within}${changed ? ` changedAfter ${params.get('changedAfter')}` : ''}${changed?.until ? ` changedUntil ${params.get('changedUntil')}` : ''}`,
            requestId: identity.requestId,
            path: `/export/${m[1]}`,
          };
          await onSnapshot(auditor, snapshot, async () => {
            await scopeClient(auditor, caller.jurisdiction);
            if (kind.recordType) {
              await auditTrail.insertExport(
                auditor,
                { ...entry, recordType: kind.recordType, fields: personalFields(kind) },
                exportedIds(kind, within, changed),
              );
            }
            if (kind.linkedPeople) {
              await auditTrail.insertExport(auditor, { ...entry, recordType: 'Person', fields: ['idNumber'] }, exportedPeople(kind, within, changed));
            }
          });
        } catch (e) {
          broken = isDatabaseUnavailable(e);
          throw e;
        } finally {
          auditor.release(broken);
        }
      } else {
        await nativeBegin(client, 'snapshot');
      }
      await scopeClient(client, caller.jurisdiction);
      await inChinaTime(client);
      await asDownload(client);
      // The feed position the export shows (read in its snapshot): following the feed from it, an integration gets
      // every change the export does not show and none that it does.
      const [at] = await nativeRows(client, lastPosition);
      const position = at?.seq && at.id ? changeCursor(at as { seq: string; id: string }) : undefined;
      res.writeHead(200, {
        'content-type': CONTENT_TYPE[format],
        'content-disposition': `attachment; filename="${m[1]}-${within}.${format}"`,
        ...(position ? { 'x-change-cursor': position } : {}),
        // The feed positions an export of changes covers, (X-Changed-After, X-Changed-Until]: its changedUntil, or
        // where the feed stood in its snapshot (X-Change-Cursor) when it was given none.
        ...(changed ? { 'x-changed-after': params.get('changedAfter')!, 'x-changed-until': changed.until ? params.get('changedUntil')! : position! } : {}),
      });
      copying = true;
      const stream = client.query(copyTo(copy.text));
      if (format === 'xlsx') {
        await writeSheet(res, stream, kind, headers);
      } else {
        if (format === 'csv') res.write('\uFEFF');
        for await (const chunk of stream) {
          await writeChunk(res, chunk);
        }
      }
      copying = false;
      res.end();
      await nativeCommit(client);
    } catch (e) {
      if (!copying) await nativeRollback(client).catch(() => {});
      if (res.headersSent) res.destroy();
      throw e;
    } finally {
      client.release(copying);
    }
  };
}
