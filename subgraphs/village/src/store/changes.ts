import { z } from 'zod';
import { col, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { instant } from './record.ts';
import { GovernanceLevel } from './dispute.ts';

/**
 * The change feed (migrations …09Changes, …42GridStaffChanges): one row per changed record, ordered
 * by the commit sequence of its transaction, then by its id in the log. An
 * update's entry names the fields it changed; an update that changed nothing
 * but the version has none (…23LifeCycle). Each entry names who wrote it and
 * which way, and a hazard's TRANSITION the step that moved it (…70ChangeAuthors).
 */
export const CHANGE_KINDS = [
  'RESIDENT',
  'HOUSEHOLD',
  'HOUSE',
  'ADDRESS',
  'SITE',
  'GRID_STAFF',
  'JOINT_DEFENSE_GROUP',
  'PATROL_TEAM',
  'PATROL',
  'HAZARD',
  'DISPUTE',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * What the API calls each column of a kind's table (the log names columns,
 * migration …23LifeCycle): a field of the kind's GraphQL type (Person for
 * RESIDENT, …), a reference column as its object field (`household_id` →
 * `household`, `grid_code` → `grid`), a case's `seq` (its place in the case's
 * own order, which no field shows) as the `timeline` it grew, its deadlines
 * as `deadlines`; null for a column no field shows (keys, the county code,
 * bookkeeping, the times of steps the timeline carries). A column not listed
 * is not named either: a consumer reads only field names of the record's
 * type (docs/ARCHITECTURE.md, "The change feed's changed fields").
 * tests/changes.test.ts checks every column of the feed's tables is listed
 * and every name is a field of its type.
 */
type ApiFields = Readonly<Record<string, string | null>>;
const PLACE: ApiFields = { village_code: 'village', grid_code: 'grid', county_code: null, version: null };
const REGISTRY: ApiFields = { ...PLACE, id: 'id' };
export const API_FIELDS: Readonly<Record<ChangeKind, ApiFields>> = {
  RESIDENT: {
    ...REGISTRY,
    name: 'name',
    gender: 'gender',
    birth_date: 'birthDate',
    ethnicity: 'ethnicity',
    id_number: 'idNumber',
    phone: 'phone',
    residency: 'residency',
    tags: 'tags',
    household_id: 'household',
    relationship_to_head: 'relationshipToHead',
    address_id: 'address',
    status: 'status',
    deregistered_at: 'deregisteredAt',
    deregistration_reason: 'deregistrationReason',
    deregistration_note: 'deregistrationNote',
  },
  HOUSEHOLD: { ...REGISTRY, number: 'number', head_id: 'head', address_id: 'address', house_id: 'house', joint_defense_group_id: 'jointDefenseGroup' },
  HOUSE: { ...REGISTRY, number: 'number', use: 'use', area: 'area', address_id: 'address' },
  ADDRESS: { ...REGISTRY, number: 'number', text: 'text' },
  SITE: {
    ...REGISTRY,
    external_id: 'externalId',
    name: 'name',
    kind: 'kind',
    address_id: 'address',
    contact_name: 'contactName',
    contact_phone: 'contactPhone',
  },
  GRID_STAFF: { ...REGISTRY, external_id: 'externalId', role: 'role', name: 'name', phone: 'phone', person_id: 'person' },
  // `households` is written by the household table's trigger (…41GroupHouseholds), not read from a column.
  JOINT_DEFENSE_GROUP: { ...REGISTRY, external_id: 'externalId', name: 'name', leader_id: 'leader', households: 'households' },
  // `members` is written by the member table's trigger (…40PatrolMembers), not read from a column.
  PATROL_TEAM: {
    ...REGISTRY,
    external_id: 'externalId',
    name: 'name',
    kind: 'kind',
    members: 'members',
    ended_at: 'endedAt',
    ended_by: null,
    ended_by_name: null,
    ended_member_ids: null,
    end_reason: 'endReason',
    end_note: 'endNote',
  },
  PATROL: { ...REGISTRY, team_id: 'team', started_at: 'startedAt', ended_at: 'endedAt', route: 'route', participant_ids: 'participants' },
  // A hazard shows its grid, not its village.
  HAZARD: {
    ...REGISTRY,
    village_code: null,
    kind: 'kind',
    description: 'description',
    location: 'location',
    source: 'source',
    reported_by: 'reportedBy',
    patrol_id: 'patrol',
    reported_at: 'reportedAt',
    status: 'status',
    rectified_at: 'rectifiedAt',
    verified_at: 'verifiedAt',
    rectify_by: 'rectifyBy',
    // Named by the step's trigger on the hazard's TRANSITION (…70ChangeAuthors), not read from a column.
    steps: 'steps',
  },
  DISPUTE: {
    ...REGISTRY,
    no: null,
    idempotency_key: null,
    created_by: null,
    case_number: 'caseNumber',
    category: 'category',
    scale: 'scale',
    source: 'source',
    summary: 'summary',
    occurred_at: 'occurredAt',
    reported_at: 'reportedAt',
    status: 'status',
    handling_level: 'handlingLevel',
    in_transit: 'inTransit',
    assignee: 'assignee',
    mediator_id: 'mediator',
    outcome: 'outcome',
    resolved_level: 'resolvedLevel',
    resolved_at: 'resolvedAt',
    rating: 'rating',
    rehandled: 'rehandled',
    supervised_at: 'underSupervision',
    supervised_by: 'supervision',
    supervision_note: 'supervision',
    supervision_reply_by: 'supervision',
    supervision_reply: 'supervision',
    supervision_replied_at: 'supervision',
    supervision_replied_by: 'supervision',
    supervision_replied_level: 'supervision',
    decline_reason: 'declineReason',
    duplicate_of: 'duplicateOf',
    missed_deadline: 'missedDeadline',
    // A note outside the case's order (督办, 更正) and a correction's parties (kept in dispute_party).
    noted_at: 'timeline',
    parties_changed_at: 'parties',
    contact_by: 'deadlines',
    settle_by: 'deadlines',
    reply_by: 'deadlines',
    seq: 'timeline',
    // Each comes with its step on the timeline.
    accepted_at: null,
    escalated_to_township_at: null,
    escalated_to_county_at: null,
    rated_at: null,
    closed_at: null,
    followed_up_at: null,
  },
};

/** The changed columns of an entry as the API names what changed: sorted field names of the kind's type, each once. */
function apiFields(kind: ChangeKind, columns: readonly string[]): string[] {
  const names = API_FIELDS[kind];
  const out = new Set<string>();
  for (const c of columns) {
    const field = Object.hasOwn(names, c) ? names[c] : null;
    if (field) out.add(field);
  }
  return [...out].sort();
}

// The log's id and the commit sequence are bigints: they stay text, exact, and make the feed's cursor.
const Change = z
  .object({
    id: z.string(),
    seq: z.string(),
    kind: z.enum(CHANGE_KINDS),
    op: z.enum(['CREATED', 'UPDATED', 'DELETED', 'TRANSITION', 'MOVED_OUT']),
    recordId: col.text,
    version: col.id.nullable(),
    statusFrom: col.text.nullable(),
    statusTo: col.text.nullable(),
    villageCode: col.text,
    gridCode: col.text,
    at: instant,
    changedFields: col.textArray.nullable(),
    by: col.text.nullable(),
    byName: col.text.nullable(),
    via: z.enum(['API', 'IMPORT', 'SYSTEM']).nullable(),
    step: col.text.nullable(),
    stepNote: col.text.nullable(),
    stepLevel: GovernanceLevel.nullable(),
  })
  .transform((r) => {
    if (r.changedFields) r.changedFields = apiFields(r.kind, r.changedFields);
    return r;
  });
export type ChangeRow = z.infer<typeof Change>;

/** A feed position: the commit sequence number and the log id within it. */
export interface FeedPosition {
  seq: bigint;
  id: bigint;
}

export interface ChangeQuery {
  after: FeedPosition;
  kinds?: readonly string[] | null;
  within?: string | null;
  limit: number;
}

/**
 * Committed changes after a position and up to `until` (the feed's last
 * entry when the read began, `position`), in feed order. Row-level security
 * limits them to the session's jurisdiction. `seq between` lets the planner
 * walk the commit-sequence index over that stretch alone; the row comparisons
 * then skip what was seen and what came after.
 */
function after(db: Db, q: ChangeQuery, until: FeedPosition): Promise<ChangeRow[]> {
  const where = ['t.seq between ? and ?', '(t.seq, l.id) > (?, ?)', '(t.seq, l.id) <= (?, ?)'];
  const params: SqlParam[] = [String(q.after.seq), String(until.seq), String(q.after.seq), String(q.after.id), String(until.seq), String(until.id)];
  if (q.kinds?.length) {
    where.push('l.kind in (?)');
    params.push([...q.kinds]);
  }
  if (q.within) {
    where.push('l.grid_code like ?');
    params.push(`${q.within}%`);
  }
  const st = sql(
    'changes.after',
    Change,
    `select l.id::text as id, t.seq::text as seq, l.kind, l.op, l.record_id, l.version, l.status_from, l.status_to, l.village_code, l.grid_code, l.at, l.changed_fields,
            l.by_subject as by, l.by_name, l.via, l.step, l.step_note, l.step_level
       from change_tx t join change_log l on l.txid = t.txid
      where ${where.join(' and ')}
      order by t.seq, l.id
      limit ?`,
  );
  return rows(db, st, [...params, q.limit]);
}

const Position = z.object({ seq: z.string().nullable(), id: z.string().nullable() });
/** The feed's last entry in the statement's snapshot, in any jurisdiction (…50ChangePosition); nulls while the feed is empty. */
export const lastPosition = sql('changes.lastPosition', Position, 'select seq::text as seq, id::text as id from hub_change_position()');

const Found = z.object({ found: z.boolean() });
const entryAt = sql('changes.entryAt', Found, 'select hub_change_entry_exists(?::bigint, ?::bigint) as found');

export const changeLog = {
  after,
  /**
   * The feed's last entry, in any jurisdiction (null while the feed is empty). A transaction draws its sequence at
   * commit under one lock, so once this entry is seen no later commit can take a place at or before it: a read that
   * takes it first, then reads up to it, has seen every change up to it (docs/ARCHITECTURE.md, "Events").
   */
  position: async (db: Db): Promise<FeedPosition | null> => {
    const at = await row(db, lastPosition);
    return at?.seq && at.id ? { seq: BigInt(at.seq), id: BigInt(at.id) } : null;
  },
  /** Whether the entry a position names is in the feed (in any jurisdiction: a cursor may be passed between callers). */
  holds: async (db: Db, p: FeedPosition): Promise<boolean> => (await row(db, entryAt, [String(p.seq), String(p.id)]))!.found,
};
