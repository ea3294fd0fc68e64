import type { PoolClient } from 'pg';
import { command, type Sql } from '../../../../platform/sql.ts';
import { nativeExec } from '../../../../platform/bulk.ts';

/**
 * The statements of the registry export (../export.ts): one COPY … TO STDOUT
 * per kind, format and masking, and the audit record of an unmasked one.
 * ID numbers and phones are masked in SQL unless the caller has pii.
 */
const ID = (pii: boolean) => (pii ? 'id_number' : `left(id_number, 6) || '********' || right(id_number, 4)`);
const PHONE = (pii: boolean, col = 'phone') => (pii ? col : `left(${col}, 3) || '****' || right(${col}, 4)`);

interface ExportKind {
  table: string;
  columns: (pii: boolean) => string;
  /** Holds ID numbers or phones (so an unmasked export is audited). */
  personal: boolean;
}

const KINDS = {
  residents: {
    table: 'person',
    personal: true,
    columns: (pii) =>
      `id, name, gender, birth_date, ethnicity, ${ID(pii)} as id_number, ${PHONE(pii)} as phone, residency, tags, household_id, address_id, village_code, grid_code, version`,
  },
  households: {
    table: 'household',
    personal: false,
    columns: () => 'id, number, head_id, address_id, house_id, joint_defense_group_id, village_code, grid_code, version',
  },
  houses: { table: 'house', personal: false, columns: () => 'id, number, use, area, address_id, village_code, grid_code, version' },
  addresses: { table: 'address', personal: false, columns: () => 'id, number, text, village_code, grid_code, version' },
  sites: {
    table: 'site',
    personal: true,
    columns: (pii) =>
      `id, external_id, name, kind, address_id, contact_name, ${PHONE(pii, 'contact_phone')} as contact_phone, village_code, grid_code, version`,
  },
  'joint-defense-groups': {
    table: 'joint_defense_group',
    personal: false,
    columns: () => 'id, external_id, name, leader_id, village_code, grid_code, version',
  },
  'patrol-teams': { table: 'patrol_team', personal: false, columns: () => 'id, external_id, name, kind, village_code, version' },
  disputes: {
    table: 'dispute',
    personal: false,
    columns: () =>
      `id, case_number, case when idempotency_key like 'import:%' then substr(idempotency_key, 8) end as external_id, category, scale, source, summary,
       village_code, grid_code, occurred_at, reported_at, status, handling_level, outcome, resolved_level, resolved_at, rating, version`,
  },
} satisfies Record<string, ExportKind>;

export type ExportKindName = keyof typeof KINDS;
export const EXPORT_KINDS: readonly string[] = Object.keys(KINDS);

const isExportKind = (name: string): name is ExportKindName => Object.hasOwn(KINDS, name);

/** The kind a route segment names, if any. */
export function exportKind(name: string): (ExportKind & { name: ExportKindName }) | undefined {
  return isExportKind(name) ? { ...KINDS[name], name } : undefined;
}

/**
 * The COPY of a kind's rows under `within` (a validated division code: digits
 * only, so it is written into the text) in the order of their ids (disputes:
 * of their numbers), as CSV with a header or as one JSON object per line.
 */
export function exportCopy(kind: ExportKind & { name: ExportKindName }, pii: boolean, within: string, format: 'csv' | 'ndjson'): Sql<Record<string, never>> {
  if (!/^\d+$/.test(within)) throw new Error(`export: ${within} is not a division code.`);
  const select = `select ${kind.columns(pii)} from ${kind.table} where village_code like '${within}%' order by ${kind.table === 'dispute' ? 'no' : 'id'}`;
  return command(
    `export.${kind.name}.${format}`,
    format === 'csv'
      ? `copy (${select}) to stdout with (format csv, header true)`
      : // One JSON object per line; a quote and delimiter that never occur keep COPY from escaping the JSON.
        `copy (select row_to_json(t) from (${select}) t) to stdout with (format csv, quote e'\\x01', delimiter e'\\x02')`,
  );
}

const audit = command(
  'export.audit',
  `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields)
   values ($1, $2, $3, $4, $5, $6, '{}', $7)`,
);

/** Records that unmasked personal data of `table` leaves the hub (in its own statement, before the export). */
export async function auditExport(
  client: PoolClient,
  who: { subject: string; name: string; jurisdiction: string; requestId: string },
  operation: string,
  table: string,
  fields: readonly string[],
): Promise<void> {
  await nativeExec(client, audit, [who.subject, who.name, who.jurisdiction, operation, who.requestId, table, fields]);
}

