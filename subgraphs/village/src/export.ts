import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { to as copyTo } from 'pg-copy-streams';
import type { CryptoKey } from 'jose';
import { routeIdentity } from '../../../platform/auth.ts';
import { hasScope, inJurisdiction, JURISDICTION_SETTING } from '../../../platform/caller.ts';
import { parseDivisionCode } from '../../../domain/codes.ts';
import { HttpError, writeChunk } from '../../../platform/http.ts';
import { nativePool } from '../../../platform/orm.ts';

/**
 * Export of registry kinds within a jurisdiction, streamed straight out of
 * PostgreSQL (COPY … TO STDOUT) as CSV (UTF-8 with BOM) or NDJSON. Runs as the
 * service role with the caller's jurisdiction set, so row-level security
 * applies; ID numbers and phones are masked in SQL unless the caller has pii.
 * Reached through the gateway's /export/<kind>.<csv|ndjson>?within=<code>.
 */
const ID = (pii: boolean) => (pii ? 'id_number' : `left(id_number, 6) || '********' || right(id_number, 4)`);
const PHONE = (pii: boolean, col = 'phone') => (pii ? col : `left(${col}, 3) || '****' || right(${col}, 4)`);

const KINDS: Record<string, { table: string; columns: (pii: boolean) => string; personal: boolean }> = {
  residents: {
    table: 'person',
    personal: true,
    columns: (pii) => `id, name, gender, birth_date, ethnicity, ${ID(pii)} as id_number, ${PHONE(pii)} as phone, residency, tags, household_id, address_id, village_code, grid_code, version`,
  },
  households: { table: 'household', personal: false, columns: () => 'id, number, head_id, address_id, house_id, joint_defense_group_id, village_code, grid_code, version' },
  houses: { table: 'house', personal: false, columns: () => 'id, number, use, area, address_id, village_code, grid_code, version' },
  addresses: { table: 'address', personal: false, columns: () => 'id, number, text, village_code, grid_code, version' },
  sites: { table: 'site', personal: true, columns: (pii) => `id, external_id, name, kind, address_id, contact_name, ${PHONE(pii, 'contact_phone')} as contact_phone, village_code, grid_code, version` },
  'joint-defense-groups': { table: 'joint_defense_group', personal: false, columns: () => 'id, external_id, name, leader_id, village_code, grid_code, version' },
  'patrol-teams': { table: 'patrol_team', personal: false, columns: () => 'id, external_id, name, kind, village_code, version' },
  disputes: {
    table: 'dispute',
    personal: false,
    columns: () =>
      `id, case_number, case when idempotency_key like 'import:%' then substr(idempotency_key, 8) end as external_id, category, scale, source, summary,
       village_code, grid_code, occurred_at, reported_at, status, handling_level, outcome, resolved_level, resolved_at, rating, version`,
  },
};

export function exportRoute(orm: MikroORM, internalKey: () => Promise<CryptoKey>) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const identity = await routeIdentity(req, await internalKey());
    const caller = identity.caller;
    const m = /^\/export\/([a-z-]+)\.(csv|ndjson)$/.exec(url.pathname);
    const kind = m ? KINDS[m[1]!] : undefined;
    if (!m || !kind) throw new HttpError(404, 'NOT_FOUND', `Exports: /export/<${Object.keys(KINDS).join('|')}>.<csv|ndjson>?within=<code>`);
    if (!hasScope(caller, 'read')) throw new HttpError(403, 'FORBIDDEN', 'Exports need the "read" scope.');
    let within: string;
    try {
      within = parseDivisionCode(url.searchParams.get('within') ?? '', 'within');
    } catch (e) {
      throw new HttpError(400, 'BAD_USER_INPUT', (e as Error).message);
    }
    if (!inJurisdiction(caller, within)) throw new HttpError(403, 'FORBIDDEN', `Division ${within} is outside your jurisdiction (${caller.jurisdiction}).`);
    const pii = hasScope(caller, 'pii');
    const select = `select ${kind.columns(pii)} from ${kind.table} where village_code like '${within}%' order by ${kind.table === 'dispute' ? 'no' : 'id'}`;
    const copy =
      m[2] === 'csv'
        ? `copy (${select}) to stdout with (format csv, header true)`
        : // One JSON object per line; a quote and delimiter that never occur keep COPY from escaping the JSON.
          `copy (select row_to_json(t) from (${select}) t) to stdout with (format csv, quote e'\\x01', delimiter e'\\x02')`;
    const client = await (await nativePool(orm)).connect();
    try {
      if (pii && kind.personal) {
        // Unmasked personal data leaves the hub: recorded first, in its own statement.
        await client.query(
          `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields)
           values ($1, $2, $3, $4, $5, $6, '{}', $7)`,
          [caller.subject, caller.name, caller.jurisdiction, `export ${m[1]} within ${within}`, identity.requestId, kind.table, ['idNumber', 'phone']],
        );
      }
      await client.query('begin read only');
      await client.query('select set_config($1, $2, true)', [JURISDICTION_SETTING, caller.jurisdiction]);
      res.writeHead(200, {
        'content-type': m[2] === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${m[1]}-${within}.${m[2]}"`,
      });
      if (m[2] === 'csv') res.write('\uFEFF');
      const stream = client.query(copyTo(copy));
      for await (const chunk of stream) {
        await writeChunk(res, chunk);
      }
      res.end();
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => {});
      if (res.headersSent) res.destroy();
      throw e;
    } finally {
      client.release();
    }
  };
}
