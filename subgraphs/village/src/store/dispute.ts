import { z } from 'zod';
import { col, exec, command, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { OVERDUE_SQL } from '../disputes/sql.ts';
import { instant, type ColumnsOf } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/**
 * Disputes (矛盾纠纷) as the village records them (migration …04Disputes): the
 * case from intake to follow-up, whichever level handles it now.
 */
export const GovernanceLevel = z.enum(['VILLAGE', 'TOWNSHIP', 'COUNTY']);
export type GovernanceLevel = z.infer<typeof GovernanceLevel>;

const Dispute = z.object({
  id: col.text,
  no: col.id,
  caseNumber: col.text,
  idempotencyKey: col.text,
  category: col.text,
  scale: z.enum(['ORDINARY', 'MAJOR', 'MASS']),
  source: col.text,
  summary: col.text,
  villageCode: col.text,
  gridCode: col.text,
  countyCode: col.text,
  occurredAt: instant.nullable(),
  reportedAt: instant,
  status: col.text,
  handlingLevel: GovernanceLevel,
  inTransit: z.boolean(),
  assignee: col.text.nullable(),
  outcome: col.text.nullable(),
  resolvedLevel: GovernanceLevel.nullable(),
  resolvedAt: instant.nullable(),
  escalatedToTownshipAt: instant.nullable(),
  escalatedToCountyAt: instant.nullable(),
  acceptedAt: instant.nullable(),
  rating: col.text.nullable(),
  ratedAt: instant.nullable(),
  closedAt: instant.nullable(),
  followedUpAt: instant.nullable(),
  contactBy: instant,
  settleBy: instant,
  replyBy: instant.nullable(),
  supervisedAt: instant.nullable(),
  createdBy: col.text,
  version: col.id,
});
export type DisputeRow = z.infer<typeof Dispute>;

const byIds = sql('dispute.byIds', Dispute, 'select * from dispute where id in (?)');
const lockById = sql('dispute.lock', Dispute, 'select * from dispute where id = ? for update');
const byKey = sql('dispute.byIdempotencyKey', Dispute, 'select * from dispute where county_code = ? and idempotency_key = ?');
const nextNumber = sql(
  'dispute.nextNumber',
  z.object({ n: col.id }),
  `insert into dispute_counter (county_code, year, n) values (?, ?, 1) on conflict (county_code, year) do update set n = dispute_counter.n + 1 returning n`,
);
const insert = sql(
  'dispute.insert',
  Dispute,
  `insert into dispute (id, case_number, idempotency_key, category, scale, source, summary, village_code, grid_code, county_code,
     occurred_at, reported_at, status, contact_by, settle_by, created_by)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'REPORTED', ?, ?, ?) returning *`,
);
const supervise = sql('dispute.supervise', Dispute, 'update dispute set supervised_at = ?, version = version + 1 where id = ? returning *');
const received = command('dispute.received', 'update dispute set in_transit = false, version = version + 1 where id = ?');
const escalatedToCounty = command(
  'dispute.escalatedToCounty',
  `update dispute set handling_level = 'COUNTY', in_transit = true, escalated_to_county_at = ?, settle_by = ?, version = version + 1 where id = ?`,
);
const resolvedAbove = command(
  'dispute.resolvedAbove',
  `update dispute set status = 'RESOLVED', outcome = ?, resolved_level = ?, resolved_at = ?, reply_by = ?, version = version + 1 where id = ?`,
);
const assigned = command('dispute.assigned', 'update dispute set assignee = ?, version = version + 1 where id = ?');

export interface NewDispute {
  id: string;
  caseNumber: string;
  idempotencyKey: string;
  category: string;
  scale: string;
  source: string;
  summary: string;
  villageCode: string;
  gridCode: string;
  countyCode: string;
  occurredAt: Date | null;
  reportedAt: Date;
  contactBy: Date;
  settleBy: Date;
  createdBy: string;
}

/** What a village loop step may change on the case besides its status. */
export interface DisputeChanges {
  acceptedAt?: Date;
  assignee?: string;
  outcome?: string;
  resolvedLevel?: GovernanceLevel;
  resolvedAt?: Date;
  replyBy?: Date;
  handlingLevel?: GovernanceLevel;
  inTransit?: boolean;
  escalatedToTownshipAt?: Date;
  settleBy?: Date;
  rating?: string;
  ratedAt?: Date;
  closedAt?: Date;
  followedUpAt?: Date;
}

const CHANGE_COLUMNS: ColumnsOf<DisputeChanges> = {
  acceptedAt: 'accepted_at',
  assignee: 'assignee',
  outcome: 'outcome',
  resolvedLevel: 'resolved_level',
  resolvedAt: 'resolved_at',
  replyBy: 'reply_by',
  handlingLevel: 'handling_level',
  inTransit: 'in_transit',
  escalatedToTownshipAt: 'escalated_to_township_at',
  settleBy: 'settle_by',
  rating: 'rating',
  ratedAt: 'rated_at',
  closedAt: 'closed_at',
  followedUpAt: 'followed_up_at',
};
const isChange = (k: string): k is keyof DisputeChanges => Object.hasOwn(CHANGE_COLUMNS, k);

/** Filters on a division's list of disputes (all given must hold). */
export interface DisputeConditions {
  statuses?: readonly string[] | null;
  category?: string | null;
  handlingLevel?: string | null;
  overdue?: boolean | null;
  /** Reported in [start, end) (ISO instants). */
  reported?: readonly [string, string] | null;
}

export const disputes = {
  byIds: (db: Db, ids: readonly string[]): Promise<DisputeRow[]> => rows(db, byIds, [ids]),
  /** The case, locked for the rest of the transaction (null when there is none, or row-level security hides it). */
  lock: (db: Db, id: string): Promise<DisputeRow | null> => row(db, lockById, [id]),
  /** The case a report with this idempotency key already created in the county, if any. */
  byIdempotencyKey: (db: Db, countyCode: string, key: string): Promise<DisputeRow | null> => row(db, byKey, [countyCode, key]),
  /** The next case number of the county in the year (a counter row per county and year). */
  nextNumber: async (db: Db, countyCode: string, year: number): Promise<number> => (await row(db, nextNumber, [countyCode, year]))!.n,
  /** Records a new case, REPORTED. */
  async insert(db: Db, d: NewDispute): Promise<DisputeRow> {
    return (await row(db, insert, [
      d.id,
      d.caseNumber,
      d.idempotencyKey,
      d.category,
      d.scale,
      d.source,
      d.summary,
      d.villageCode,
      d.gridCode,
      d.countyCode,
      d.occurredAt,
      d.reportedAt,
      d.contactBy,
      d.settleBy,
      d.createdBy,
    ]))!;
  },
  /** Sets the status and the given fields (in the order given; undefined ones are left alone) and bumps the version: the case as it is now. */
  async advance(db: Db, id: string, status: string, changes: DisputeChanges): Promise<DisputeRow> {
    const sets: [string, SqlParam][] = [['status', status]];
    for (const k of Object.keys(changes)) {
      if (!isChange(k)) continue;
      const value = changes[k];
      if (value !== undefined) sets.push([CHANGE_COLUMNS[k], value]);
    }
    const st = sql(
      'dispute.advance',
      Dispute,
      `update dispute set ${sets.map(([c]) => `${c} = ?`).join(', ')}, version = version + 1 where id = ? returning *`,
    );
    return (await row(db, st, [...sets.map(([, v]) => v), id]))!;
  },
  /** Records the county's supervision order (督办). */
  supervise: async (db: Db, id: string, at: Date): Promise<DisputeRow> => (await row(db, supervise, [at, id]))!,
  /** The next level confirmed receipt of the escalation. */
  received: (db: Db, id: string): Promise<number> => exec(db, received, [id]),
  /** The township escalated the case to the county. */
  escalatedToCounty: (db: Db, id: string, at: Date, settleBy: Date): Promise<number> => exec(db, escalatedToCounty, [at, settleBy, id]),
  /** The township or county resolved the case. */
  resolvedAbove: (db: Db, id: string, outcome: string, level: string, at: Date, replyBy: Date): Promise<number> =>
    exec(db, resolvedAbove, [outcome, level, at, replyBy, id]),
  /** The township or county assigned (or dispatched) the case. */
  assigned: (db: Db, id: string, assignee: string): Promise<number> => exec(db, assigned, [assignee, id]),
  /** A division's disputes, newest first (by `no`, also the cursor), filtered. */
  list(scope: Scope, c: DisputeConditions): ScopedList<DisputeRow> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (c.statuses?.length) {
      where.push('t.status in (?)');
      params.push(c.statuses);
    }
    if (c.category) {
      where.push('t.category = ?');
      params.push(c.category);
    }
    if (c.handlingLevel) {
      where.push('t.handling_level = ?');
      params.push(c.handlingLevel);
    }
    if (c.overdue != null) where.push(`${c.overdue ? '' : 'not '}${OVERDUE_SQL.replaceAll('d.', 't.')}`);
    if (c.reported) {
      where.push('t.reported_at >= ? and t.reported_at < ?');
      params.push(...c.reported);
    }
    return { ...scopedList('dispute.list', 'dispute', Dispute, scope, allOf(where, params)), order: { column: 'no', desc: true } };
  },
};
