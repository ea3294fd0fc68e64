import { command, type Sql } from '../../../../platform/sql.ts';
import type { Said } from '../../../../domain/errors.ts';
import type { CellType, SheetColumn } from '../../../../platform/xlsx.ts';
import { schemaEnum } from '../enums.ts';
import type { AuditedType } from './audit-trail.ts';
import { IMPORT_KEY } from './dispute.ts';
import type { ChangeKind, FeedPosition } from './changes.ts';

/**
 * The statements of the registry export (../export.ts): one COPY … TO STDOUT
 * per kind, format and masking, and the audit record of an unmasked one.
 * Each kind's columns are those its import takes (../import/kinds.ts), so an
 * export re-imports with no change (tests/round-trip.test.ts); the import
 * reads the read-only ones (village_code, version, …) as checks.
 * ID numbers and phones are masked in SQL unless the caller has pii. XLSX
 * downloads read the NDJSON statement, so they hold the same rows, masked alike.
 */
// As maskIdNumber (domain/citizen-id.ts): the address code only, since the row carries the birth date and sex.
const ID = (pii: boolean) => (pii ? 'id_number' : `left(id_number, 6) || '************'`);
const PHONE = (pii: boolean, col = 'phone') => (pii ? col : `left(${col}, 3) || '****' || right(${col}, 4)`);

/**
 * One exported column: its key (the CSV and NDJSON name, and what the import reads), its Chinese header and cell
 * type for spreadsheets (platform/xlsx.ts), and the SQL that gives it when that is not the column itself.
 * Every column's Chinese header is declared here once; the XLSX writer takes it from here.
 */
export interface ExportColumn extends SheetColumn {
  sql?: (pii: boolean, format: 'csv' | 'ndjson') => string;
  /** The Chinese names of the column's codes, shown in a spreadsheet with Chinese headers (a list's codes each). */
  names?: ReadonlyMap<string, string>;
}

/** A column of codes, named in Chinese for people (the import reads the names back: registry/fields.ts `oneOf`). */
const named = (column: ExportColumn, names: string | ReadonlyMap<string, string>): ExportColumn => ({
  ...column,
  names: typeof names === 'string' ? schemaEnum(names).names : names,
});

/**
 * A point in time as the GraphQL API writes it (`chinaTime`, platform/scalars.ts): ISO 8601 in China time to the
 * millisecond, in CSV and NDJSON alike. Left to COPY, CSV would carry PostgreSQL's own form
 * (`2026-12-05 20:13:45.211055+08`) and NDJSON microseconds, three spellings of one instant for an integration to read.
 */
const CHINA_TIME = (column: string) => `to_char(${column} at time zone 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+08:00"')`;
const col = (key: string, zh: string, type: CellType, sql?: ExportColumn['sql']): ExportColumn =>
  sql ? { key, zh, type, sql } : type === 'datetime' ? { key, zh, type, sql: () => CHINA_TIME(key) } : { key, zh, type };
const ROW_ID = col('id', '系统编号', 'number');
const VILLAGE = col('village_code', '村/社区代码', 'text');
const GRID = col('grid_code', '网格代码', 'text');
const VERSION = col('version', '版本号', 'number');
const ADDRESS_ID = col('address_id', '地址系统编号', 'number');
const EXTERNAL_ID = col('external_id', '外部编号', 'text');
const NAME = col('name', '名称', 'text');
/** A force's linked resident: by registry id, and by ID number (masked without pii). */
const LINKED_PERSON = [
  col('person_id', '人员系统编号', 'number'),
  col('id_number', '身份证号', 'text', (pii) => `(select ${ID(pii)} from person p where p.id = person_id)`),
];

interface ExportKind {
  table: string;
  /** The sheet's name in a spreadsheet. */
  zh: string;
  columns: readonly ExportColumn[];
  /**
   * For a kind holding ID numbers or phones (so an unmasked export is
   * audited): the record type the audit log names for its reads, as the
   * API's reads name it. Absent for a kind with no personal data.
   */
  recordType?: AuditedType;
  /**
   * Writes the ID numbers of the residents its records link (`person_id`):
   * an unmasked export is then a read of those residents too, and is audited
   * as one, so that asking who saw a resident's ID number finds it (with or
   * without a `recordType` of its own).
   */
  linkedPeople?: true;
  /** Which rows are the current registry (deregistered people are history: readable by id, not exported). */
  current?: string;
  /** Filed under a village only, not a grid (mediation bodies): no export within a grid. */
  villageOnly?: true;
  /** Exported for reading only: the kind has no import, and this says how its records are written (no round trip). */
  writtenBy?: Said;
}

const KINDS = {
  residents: {
    table: 'person',
    recordType: 'Person',
    zh: '实有人口',
    current: `status = 'ACTIVE'`,
    columns: [
      ROW_ID,
      col('name', '姓名', 'text'),
      named(col('gender', '性别', 'text'), 'Gender'),
      col('birth_date', '出生日期', 'date'),
      col('ethnicity', '民族', 'text'),
      col('id_number', '身份证号', 'text', ID),
      col('phone', '联系电话', 'text', (pii) => PHONE(pii)),
      named(col('residency', '人口类别', 'text'), 'Residency'),
      // Lists are written A;B, as the import reads them (CSV, NDJSON and XLSX alike).
      named(
        col('tags', '特殊人群标签', 'text', () => `array_to_string(tags, ';')`),
        'PersonTag',
      ),
      col('household_id', '户系统编号', 'number'),
      named(col('relationship_to_head', '与户主关系', 'text'), 'HouseholdRelationship'),
      ADDRESS_ID,
      VILLAGE,
      GRID,
      VERSION,
    ],
  },
  households: {
    table: 'household',
    zh: '实有户',
    columns: [
      ROW_ID,
      col('number', '户号', 'text'),
      col('head_id', '户主系统编号', 'number'),
      ADDRESS_ID,
      col('house_id', '房屋系统编号', 'number'),
      col('joint_defense_group_id', '十户联防组系统编号', 'number'),
      VILLAGE,
      GRID,
      VERSION,
    ],
  },
  houses: {
    table: 'house',
    zh: '实有房屋',
    columns: [
      ROW_ID,
      col('number', '房屋号', 'text'),
      named(col('use', '房屋用途', 'text'), 'HouseUse'),
      col('area', '面积（平方米）', 'number'),
      ADDRESS_ID,
      VILLAGE,
      GRID,
      VERSION,
    ],
  },
  addresses: {
    table: 'address',
    zh: '标准地址',
    columns: [ROW_ID, col('number', '地址号', 'text'), col('text', '地址', 'text'), VILLAGE, GRID, VERSION],
  },
  sites: {
    table: 'site',
    recordType: 'Site',
    zh: '场所',
    columns: [
      ROW_ID,
      EXTERNAL_ID,
      NAME,
      named(col('kind', '场所类型', 'text'), 'SiteKind'),
      ADDRESS_ID,
      col('contact_name', '联系人', 'text'),
      col('contact_phone', '联系电话', 'text', (pii) => PHONE(pii, 'contact_phone')),
      VILLAGE,
      GRID,
      VERSION,
    ],
  },
  'joint-defense-groups': {
    table: 'joint_defense_group',
    zh: '十户联防组',
    columns: [ROW_ID, EXTERNAL_ID, NAME, col('leader_id', '组长系统编号', 'number'), VILLAGE, GRID, VERSION],
  },
  'patrol-teams': {
    table: 'patrol_team',
    // A disbanded team is history (…57PatrolTeamEnd), as its lists leave it out.
    current: 'ended_at is null',
    zh: '巡防队',
    columns: [
      ROW_ID,
      EXTERNAL_ID,
      NAME,
      named(col('kind', '队伍类型', 'text'), 'PatrolTeamKind'),
      VILLAGE,
      GRID,
      VERSION,
      // Read only, last: the members' registry ids, `A;B` as lists are written (members change by addPatrolTeamMembers).
      col(
        'member_ids',
        '队员系统编号',
        'text',
        () => `(select coalesce(string_agg(m.person_id::text, ';' order by m.person_id), '') from patrol_team_member m where m.team_id = patrol_team.id)`,
      ),
    ],
  },
  // The forces' work, recorded through the API (recordPatrol, reportHazard and the hazard's steps), exported for
  // reading only: these two kinds have no import, so they are the one exception to the round trip above.
  patrols: {
    table: 'patrol',
    zh: '巡逻记录',
    writtenBy: { zh: '巡逻由 recordPatrol 逐条登记', en: 'each patrol is recorded with recordPatrol' },
    columns: [
      ROW_ID,
      col('team_id', '巡防队系统编号', 'number'),
      col('team_name', '巡防队', 'text', () => `(select t.name from patrol_team t where t.id = patrol.team_id)`),
      VILLAGE,
      GRID,
      col('started_at', '开始时间', 'datetime'),
      col('ended_at', '结束时间', 'datetime'),
      col('hours', '时长（小时）', 'number', () => `round(extract(epoch from ended_at - started_at) / 3600, 2)`),
      col('route', '路线', 'text'),
      // Those the caller holds, in the order recorded, as the API's participants are (row-level security on person).
      col(
        'participant_ids',
        '参加人员系统编号',
        'text',
        () =>
          `(select coalesce(string_agg(p.id::text, ';' order by array_position(patrol.participant_ids, p.id)), '') from person p where p.id = any(patrol.participant_ids))`,
      ),
      col('hazard_count', '发现隐患数', 'number', () => `(select count(*) from hazard h where h.patrol_id = patrol.id)::int`),
    ],
  },
  hazards: {
    table: 'hazard',
    zh: '隐患',
    writtenBy: {
      zh: '隐患由 reportHazard（或 recordPatrol 的 hazards）逐条上报',
      en: 'each hazard is reported with reportHazard (or with a patrol, recordPatrol)',
    },
    columns: [
      ROW_ID,
      named(col('kind', '隐患类别', 'text'), 'HazardKind'),
      col('description', '隐患描述', 'text'),
      col('location', '位置', 'text'),
      named(col('source', '来源', 'text'), 'HazardSource'),
      col('reported_by', '上报人', 'text'),
      col('patrol_id', '发现巡逻系统编号', 'number'),
      VILLAGE,
      GRID,
      col('reported_at', '上报时间', 'datetime'),
      named(col('status', '状态', 'text'), 'HazardStatus'),
      col('rectified_at', '整改时间', 'datetime'),
      col('verified_at', '核查时间', 'datetime'),
      col('rectify_by', '整改期限', 'date'),
      VERSION,
    ],
  },
  // The forces' kinds write exactly the columns their import takes (import/kinds.ts), the linked resident by registry id and ID number.
  'grid-staff': {
    table: 'grid_staff',
    recordType: 'GridStaff',
    zh: '网格力量',
    linkedPeople: true,
    columns: [
      ROW_ID,
      EXTERNAL_ID,
      GRID,
      named(col('role', '角色', 'text'), 'GridStaffRole'),
      col('name', '姓名', 'text'),
      col('phone', '联系电话', 'text', (pii) => PHONE(pii)),
      ...LINKED_PERSON,
      VERSION,
    ],
  },
  'mediation-committees': {
    table: 'mediation_committee',
    villageOnly: true,
    zh: '人民调解委员会',
    columns: [ROW_ID, EXTERNAL_ID, VILLAGE, NAME, named(col('kind', '调委会类别', 'text'), 'MediationCommitteeKind'), VERSION],
  },
  mediators: {
    table: 'mediator',
    recordType: 'Mediator',
    villageOnly: true,
    zh: '人民调解员',
    linkedPeople: true,
    columns: [
      ROW_ID,
      EXTERNAL_ID,
      col('committee_id', '调委会系统编号', 'number'),
      col('name', '姓名', 'text'),
      named(
        // CSV spells it out (COPY would write t or f); NDJSON keeps JSON's true and false, as the import reads them.
        col('full_time', '专职', 'text', (_pii, format) => (format === 'csv' ? `case when full_time then 'true' else 'false' end` : 'full_time')),
        new Map([
          ['true', '专职'],
          ['false', '兼职'],
        ]),
      ),
      col('phone', '联系电话', 'text', (pii) => PHONE(pii)),
      ...LINKED_PERSON,
      VERSION,
    ],
  },
  // A case's parties, one row each, joined to the disputes export by dispute_id (the disputes file's own `parties`
  // column is what a new case's import takes; the export leaves it out so that a masked export still re-imports).
  'dispute-parties': {
    table: 'dispute_party',
    zh: '纠纷当事人',
    linkedPeople: true,
    writtenBy: {
      zh: '当事人随案件登记（reportDispute，或 disputes 导入的 parties 列），由 correctDispute 更正',
      en: "parties are recorded with their case (reportDispute, or the disputes import's parties column) and corrected by correctDispute",
    },
    columns: [
      ROW_ID,
      col('dispute_id', '案件系统编号', 'text'),
      col('case_number', '案件编号', 'text', () => `(select d.case_number from dispute d where d.id = dispute_party.dispute_id)`),
      named(col('role', '角色', 'text'), 'PartyRole'),
      col('name', '姓名', 'text'),
      // A resident outside the caller's jurisdiction (a party from the next village) is named, not identified.
      col('person_id', '人员系统编号', 'number', () => `(select p.id from person p where p.id = dispute_party.person_id)`),
      LINKED_PERSON[1]!,
      VILLAGE,
      GRID,
    ],
  },
  disputes: {
    table: 'dispute',
    zh: '矛盾纠纷',
    columns: [
      ROW_ID,
      col('case_number', '案件编号', 'text'),
      col(
        'external_id',
        '外部编号',
        'text',
        () => `case when idempotency_key like '${IMPORT_KEY}%' then substr(idempotency_key, ${IMPORT_KEY.length + 1}) end`,
      ),
      named(col('category', '纠纷类别', 'text'), 'DisputeCategory'),
      named(col('scale', '纠纷规模', 'text'), 'DisputeScale'),
      named(col('source', '来源', 'text'), 'DisputeSource'),
      col('summary', '简要情况', 'text'),
      VILLAGE,
      GRID,
      col('occurred_at', '发生时间', 'datetime'),
      col('reported_at', '登记时间', 'datetime'),
      named(col('status', '状态', 'text'), 'DisputeStatus'),
      named(col('handling_level', '办理层级', 'text'), 'GovernanceLevel'),
      named(col('outcome', '处理结果', 'text'), 'DisputeOutcome'),
      named(col('resolved_level', '化解层级', 'text'), 'GovernanceLevel'),
      col('resolved_at', '化解时间', 'datetime'),
      named(col('rating', '群众评价', 'text'), 'CitizenRating'),
      VERSION,
      // Last, so that a sheet read by position keeps its earlier columns.
      named(col('decline_reason', '不予受理原因', 'text'), 'DeclineReason'),
      col('duplicate_of', '重复的案件', 'text'),
    ],
  },
} satisfies Record<string, ExportKind>;

export type ExportKindName = keyof typeof KINDS;
export type ExportKindOf = ExportKind & { name: ExportKindName };
export const EXPORT_KINDS: readonly string[] = Object.keys(KINDS);

const isExportKind = (name: string): name is ExportKindName => Object.hasOwn(KINDS, name);

/** How a kind exported for reading only (no import) is written, if the name is one. */
export function exportOnly(name: string): { zh: string; writtenBy: Said } | undefined {
  const kind: ExportKind | undefined = isExportKind(name) ? KINDS[name] : undefined;
  return kind?.writtenBy ? { zh: kind.zh, writtenBy: kind.writtenBy } : undefined;
}

/** The kind a route segment names, if any. */
export function exportKind(name: string): ExportKindOf | undefined {
  return isExportKind(name) ? { ...KINDS[name], name } : undefined;
}

/**
 * Each kind's entries in the change feed: the feed's kind and the column of the exported row that its `record_id`
 * names (a case's parties change on the case's entries). Mediation committees and mediators have none (they are
 * filed under villages, the feed under grids), so they have no changed-since export.
 */
const FEED: Partial<Record<ExportKindName, { kind: ChangeKind; key: string; type?: 'uuid' }>> = {
  residents: { kind: 'RESIDENT', key: 'id' },
  households: { kind: 'HOUSEHOLD', key: 'id' },
  houses: { kind: 'HOUSE', key: 'id' },
  addresses: { kind: 'ADDRESS', key: 'id' },
  sites: { kind: 'SITE', key: 'id' },
  'joint-defense-groups': { kind: 'JOINT_DEFENSE_GROUP', key: 'id' },
  'patrol-teams': { kind: 'PATROL_TEAM', key: 'id' },
  patrols: { kind: 'PATROL', key: 'id' },
  hazards: { kind: 'HAZARD', key: 'id' },
  'grid-staff': { kind: 'GRID_STAFF', key: 'id' },
  'dispute-parties': { kind: 'DISPUTE', key: 'dispute_id', type: 'uuid' },
  disputes: { kind: 'DISPUTE', key: 'id', type: 'uuid' },
};

/** Whether the kind's records are in the change feed, so that an export may be limited to those changed since a cursor. */
export const followedByFeed = (kind: ExportKindOf): boolean => FEED[kind.name] !== undefined;

/**
 * The COPY of a kind's rows under `within` (a validated division code: digits
 * only, so it is written into the text) in the order of their ids (disputes:
 * of their numbers), as CSV with a header or as one JSON object per line;
 * with `changed`, only the rows of records with a change-feed entry after its
 * `after` position, up to its `until` position when given (otherwise as far as
 * the export's snapshot sees, its X-Change-Cursor).
 */
export function exportCopy(kind: ExportKindOf, pii: boolean, within: string, format: 'csv' | 'ndjson', changed?: ChangedRange): Sql<Record<string, never>> {
  const columns = kind.columns.map((c) => (c.sql ? `${c.sql(pii, format)} as ${c.key}` : c.key)).join(', ');
  const select = `select ${columns} from ${kind.table} where ${exported(kind, within, changed)} order by ${kind.table === 'dispute' ? 'no' : 'id'}`;
  return command(
    `export.${kind.name}.${format}${changed ? '.changed' : ''}`,
    format === 'csv'
      ? `copy (${select}) to stdout with (format csv, header true)`
      : // One JSON object per line; a quote and delimiter that never occur keep COPY from escaping the JSON.
        `copy (select row_to_json(t) from (${select}) t) to stdout with (format csv, quote e'\\x01', delimiter e'\\x02')`,
  );
}

/**
 * Feed positions an export of changes covers: the records with an entry after `after`, and up to `until` (inclusive)
 * when given, so that a round's export matches the feed page its reader took, (after, until].
 */
export interface ChangedRange {
  after: FeedPosition;
  until?: FeedPosition;
}

/** The rows an export of the kind within a division writes (a condition on its table), changed in a range if given. */
function exported(kind: ExportKindOf, within: string, changed?: ChangedRange): string {
  if (!/^\d+$/.test(within)) throw new Error(`export: ${within} is not a division code.`);
  if (within.length === 15 && kind.villageOnly) throw new Error(`export: ${kind.name} is filed under villages, not grids.`);
  const feed = FEED[kind.name];
  if (changed && !feed) throw new Error(`export: ${kind.name} is not in the change feed.`);
  const current = kind.current ? ` and ${kind.current}` : '';
  // The feed's entries after the position, on the commit-sequence index, within the division (as the feed reads
  // them, store/changes.ts: entries are filed under grids). Gathered once into an array (an InitPlan) that the
  // table's key is looked up by: as a join, a village's rows misestimated as one made the planner rescan the log
  // for each of them, past the statement timeout once the log was large. Ids are integers but a case's (uuid).
  const since = changed?.after;
  const until = changed?.until;
  const upTo = until ? ` and t.seq <= ${until.seq} and (t.seq, l.id) <= (${until.seq}, ${until.id})` : '';
  const inRange =
    since && feed
      ? ` and ${feed.key} = any (array(select distinct l.record_id::${feed.type ?? 'bigint'} from change_tx t join change_log l on l.txid = t.txid
             where t.seq >= ${since.seq} and (t.seq, l.id) > (${since.seq}, ${since.id})${upTo} and l.kind = '${feed.kind}'
               and l.grid_code like '${within}%'))`
      : '';
  // A grid's code extends its village's by three digits, but rows carry it in grid_code, not village_code.
  if (within.length === 15) return `grid_code = '${within}'${current}${inRange}`;
  // The LIKE says which rows; the range says the same (codes are digits, and ':' follows '9') with leakproof
  // operators, which row-level security lets drive the village index (docs/ARCHITECTURE.md, "Conventions").
  return `village_code like '${within}%' and village_code >= '${within}' and village_code < '${within}:'${current}${inRange}`;
}

/** The ids of the records an export of the kind writes, as one integer array (the kinds audited have integer ids). */
export function exportedIds(kind: ExportKindOf, within: string, changed?: ChangedRange): string {
  return `select coalesce(array_agg(id order by id), '{}')::int[] from ${kind.table} where ${exported(kind, within, changed)}`;
}

/** The ids of the residents the records an export writes link, as one integer array (kinds with `linkedPeople`). */
export function exportedPeople(kind: ExportKindOf, within: string, changed?: ChangedRange): string {
  // Only those whose ID number the export writes: the residents the caller holds (row-level security on person).
  return `select coalesce(array_agg(distinct person_id), '{}')::int[] from ${kind.table}
           where ${exported(kind, within, changed)} and person_id is not null and exists (select 1 from person p where p.id = person_id)`;
}

/** The personal fields an export of the kind writes (ID numbers, phones), as the audit log names them. */
export function personalFields(kind: ExportKindOf): string[] {
  return [...(kind.columns.some((c) => c.key === 'id_number') ? ['idNumber'] : []), ...(kind.columns.some((c) => c.key.endsWith('phone')) ? ['phone'] : [])];
}
