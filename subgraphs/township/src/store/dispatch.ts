import { z } from 'zod';
import { doneLaterSql, doneLater } from '../../../../domain/case-inbox.ts';
import { earliestFirst, newestFirstPage, type Connection, type NewestFirstList, type Page } from '../../../../platform/pagination.ts';
import { col, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';

/** 吹哨 A township's call on a county department, and the department's 报到 and 反馈. */
const Dispatch = z.object({
  id: col.id,
  disputeId: col.text,
  townshipCode: col.text,
  villageCode: col.text,
  departmentKind: col.text,
  departmentName: col.text,
  status: z.enum(['DISPATCHED', 'ACKNOWLEDGED', 'REPORTED', 'WITHDRAWN']),
  note: col.text.nullable(),
  dispatchedAt: col.instant,
  /** 报到时限 and 反馈时限, from the case's deadline rule (dispatchDeadlines in domain/case-engine.ts). */
  acknowledgeBy: col.instant,
  reportBy: col.instant,
  acknowledgedAt: col.instant.nullable(),
  reportedAt: col.instant.nullable(),
  report: col.text.nullable(),
  withdrawnAt: col.instant.nullable(),
  withdrawalReason: col.text.nullable(),
  /** 报到超时 and 反馈超时, read with the row by ACKNOWLEDGED_LATE_SQL and ANSWERED_LATE_SQL (COLUMNS). */
  acknowledgedLate: z.boolean().nullable(),
  answeredLate: z.boolean().nullable(),
});
export type DispatchRow = z.infer<typeof Dispatch>;

/** A dispatch still waiting on its department: called, or acknowledged and not yet reported on (OPEN_SQL in SQL). */
export const OPEN_DISPATCH: readonly DispatchRow['status'][] = ['DISPATCHED', 'ACKNOWLEDGED'];
const OPEN_SQL = `status in ('DISPATCHED', 'ACKNOWLEDGED')`;

/**
 * 超期: not acknowledged (报到) by its acknowledge deadline, or not reported
 * back (反馈) by its report deadline; a withdrawn dispatch waits on no one.
 * OVERDUE_SQL says the same in SQL.
 */
export function dispatchOverdue(d: DispatchRow, now = new Date()): boolean {
  const t = now.getTime();
  return (d.status === 'DISPATCHED' && t > new Date(d.acknowledgeBy).getTime()) || (OPEN_DISPATCH.includes(d.status) && t > new Date(d.reportBy).getTime());
}
const OVERDUE_SQL = `((status = 'DISPATCHED' and now() > acknowledge_by) or (${OPEN_SQL} and now() > report_by))`;

/**
 * Whether a dispatch's step (报到 by acknowledge_by, 反馈 by report_by) fell due: it was taken, or its deadline passed
 * while the dispatch was open (still open, or withdrawn after it). One withdrawn within the deadline never fell due: the
 * department had time left, and a township that called the wrong one (误派) must not mark it late.
 */
const dueSql = (doneAt: string, by: string) => `(${doneAt} is not null or (now() > ${by} and (withdrawn_at is null or withdrawn_at > ${by})))`;
/** Late (true), on time (false), or neither (null: not yet due, or withdrawn within the deadline). */
const lateSql = (doneAt: string, by: string) => `(case when ${dueSql(doneAt, by)} then not coalesce(${doneAt} <= ${by}, false) end)`;
/**
 * 报到超时 (`Dispatch.acknowledgedLate`): acknowledged after acknowledge_by, or not acknowledged by it. The statistics
 * count the non-null ones as acknowledgeDue and the false ones as acknowledgedOnTime (SUMS): the late ones are
 * acknowledgeDue − acknowledgedOnTime.
 */
const ACKNOWLEDGED_LATE_SQL = lateSql('acknowledged_at', 'acknowledge_by');
/**
 * 反馈超时 (`Dispatch.answeredLate`): reported after report_by, or not reported by it. The statistics count the
 * non-null ones as answerDue and the false ones as reportedOnTime (SUMS): the late ones are what 按时反馈率 misses.
 */
const ANSWERED_LATE_SQL = lateSql('reported_at', 'report_by');
/** A dispatch row as every statement reads it: its columns, and whether its 报到 and 反馈 were late. */
const COLUMNS = `*, ${ACKNOWLEDGED_LATE_SQL} as acknowledged_late, ${ANSWERED_LATE_SQL} as answered_late`;

const ofDisputes = sql('dispatch.ofDisputes', Dispatch, `select ${COLUMNS} from dispatch where dispute_id in (?) order by id`);
const lock = sql('dispatch.lock', Dispatch, `select ${COLUMNS} from dispatch where id = ? for update`);
const open = sql('dispatch.open', Dispatch, `select ${COLUMNS} from dispatch where dispute_id = ? and ${OPEN_SQL} order by id`);
const insert = sql(
  'dispatch.insert',
  Dispatch,
  `insert into dispatch (dispute_id, township_code, village_code, department_kind, department_name, note, dispatched_at, acknowledge_by, report_by)
     select ?::uuid, ?, ?, d.kind, d.name, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz from unnest(array[?]::text[], array[?]::text[]) as d(kind, name)
     on conflict (dispute_id, department_kind) where ${OPEN_SQL} do nothing returning ${COLUMNS}`,
);
const acknowledge = sql('dispatch.acknowledge', Dispatch, `update dispatch set status = 'ACKNOWLEDGED', acknowledged_at = ? where id = ? returning ${COLUMNS}`);
const report = sql('dispatch.report', Dispatch, `update dispatch set status = 'REPORTED', reported_at = ?, report = ? where id = ? returning ${COLUMNS}`);
const withdraw = sql(
  'dispatch.withdraw',
  Dispatch,
  `update dispatch set status = 'WITHDRAWN', withdrawn_at = ?, withdrawal_reason = ? where id = ? returning ${COLUMNS}`,
);
/** The list pages newest first on (dispatched_at, id) (platform/pagination.ts). */
const LIST: NewestFirstList<DispatchRow> = {
  name: 'dispatch.list',
  table: 'dispatch',
  shape: Dispatch,
  timeColumn: 'dispatched_at',
  idColumn: 'id',
  idKind: 'integer',
  columns: COLUMNS,
  keyOf: (d) => ({ at: d.dispatchedAt, id: d.id }),
};
/**
 * 到期优先 (`CaseInboxOrder.DUE_FIRST`, as the desks' case lists): what the department owes next first, overdue above
 * all: 报到 by its acknowledge deadline while not acknowledged (or the report deadline, if that comes first), 反馈 by
 * its report deadline once acknowledged; a dispatch reported on or withdrawn waits on no one and goes after every one
 * still open (doneLater, domain/case-inbox.ts). `dispatchDueAt` says the same in TypeScript.
 */
const DUE_SQL = `(case when status = 'DISPATCHED' then least(acknowledge_by, report_by) when status = 'ACKNOWLEDGED' then report_by
  else ${doneLaterSql('report_by')} end)`;
export function dispatchDueAt(d: Pick<DispatchRow, 'status' | 'acknowledgeBy' | 'reportBy'>): Date {
  const report = new Date(d.reportBy);
  if (d.status === 'DISPATCHED') return new Date(Math.min(new Date(d.acknowledgeBy).getTime(), report.getTime()));
  return d.status === 'ACKNOWLEDGED' ? report : doneLater(report);
}
const DUE_FIRST = earliestFirst(LIST, DUE_SQL, (d) => ({ at: dispatchDueAt(d), id: d.id }), 'due_at');
// On time is not late among those due (ACKNOWLEDGED_LATE_SQL, ANSWERED_LATE_SQL): the rule a dispatch list marks and filters by.
const SUMS = `count(*) as dispatched, count(acknowledged_at) as acknowledged, count(*) filter (where not ${ACKNOWLEDGED_LATE_SQL}) as acknowledged_on_time,
   count(reported_at) as reported, count(*) filter (where not ${ANSWERED_LATE_SQL}) as reported_on_time, count(*) filter (where ${OVERDUE_SQL}) as overdue,
   count(withdrawn_at) as withdrawn, count(${ANSWERED_LATE_SQL}) as answer_due, count(${ACKNOWLEDGED_LATE_SQL}) as acknowledge_due`;

/** 吹哨 A case's call on departments: each named once per case, with the deadlines every dispatch of the step gets. */
export interface NewDispatches {
  disputeId: string;
  townshipCode: string;
  villageCode: string;
  departments: readonly { kind: string; name: string }[];
  note: string | null;
  dispatchedAt: Date;
  acknowledgeBy: Date;
  reportBy: Date;
}

/** Filters on dispatch lists. */
export interface DispatchFilter {
  status?: readonly string[] | null;
  overdue?: boolean | null;
  /** 报到超时 / 反馈超时: late (true) or on time (false); a dispatch not yet due matches neither. */
  acknowledgedLate?: boolean | null;
  answeredLate?: boolean | null;
  /** The case's number as the county numbers it (`caseNumberOf`), or null for every case. */
  caseNumber?: string | null;
  /** Made in [start, end) (periodBounds of the period the statistics count), or null for any time. */
  madeIn?: readonly [string, string] | null;
  /** To this department (its kind), or null for every department. */
  departmentKind?: string | null;
}

/**
 * Whether a department's list reaches the dispatches withdrawn from it (DispatchScope): when the filter names a status
 * (it then decides, WITHDRAWN included or not) or asks 报到超时 / 反馈超时, which the statistics count for a dispatch
 * withdrawn after its deadline.
 */
const withdrawnAsked = (filter: DispatchFilter | null | undefined): boolean =>
  !!filter?.status?.length || filter?.acknowledgedLate != null || filter?.answeredLate != null;

/**
 * Whose dispatches a list shows: a township's, a county's (its townships', as the county's statistics count them by
 * county_code), or one department's in its county (its inbox: a withdrawn dispatch is no longer its own, listed only
 * when the filter asks for it: withdrawnAsked).
 */
export type DispatchScope = { townshipCode: string } | { countyCode: string } | { departmentKind: string; countyCode: string };

/** Dispatch figures of a division (township or county) for a period. */
const Sums = z.object({
  k: col.text,
  dispatched: col.num,
  acknowledged: col.num,
  acknowledgedOnTime: col.num,
  reported: col.num,
  reportedOnTime: col.num,
  overdue: col.num,
  withdrawn: col.num,
  /**
   * Dispatches whose answer was given or whose report deadline passed while it was open (withdrawn after it, or still
   * open): what onTimeRate is a share of. A dispatch withdrawn within its report deadline never fell due: the
   * department had time left, and a township that called the wrong one (误派) must not lower that department's rate.
   */
  answerDue: col.num,
  /**
   * 应报到 Dispatches whose 报到 was given or whose acknowledge deadline passed while it was open, by the same rule as
   * answerDue: what acknowledgedOnTime is a share of, so the late 报到 are acknowledgeDue − acknowledgedOnTime.
   */
  acknowledgeDue: col.num,
});
export type DispatchSums = z.infer<typeof Sums>;
/** The same figures of each department (by kind) a division's dispatches called on, with the name they carried. */
const DepartmentSums = Sums.extend({ kind: col.text, name: col.text });
export type DepartmentDispatchSums = z.infer<typeof DepartmentSums>;
const sumsOfTownships = sql(
  'dispatch.sumsOfTownships',
  Sums,
  `select township_code as k, ${SUMS} from dispatch where township_code in (?) and dispatched_at >= ? and dispatched_at < ? group by 1`,
);
const sumsOfCounties = sql(
  'dispatch.sumsOfCounties',
  Sums,
  `select county_code as k, ${SUMS} from dispatch where county_code in (?) and dispatched_at >= ? and dispatched_at < ? group by 1`,
);
// The department's name as its dispatches carried it: the totals need none, a department missing from the reference list would.
const sumsByDepartmentOfTownships = sql(
  'dispatch.sumsByDepartmentOfTownships',
  DepartmentSums,
  `select township_code as k, department_kind as kind, min(department_name) as name, ${SUMS} from dispatch
     where township_code in (?) and dispatched_at >= ? and dispatched_at < ? group by 1, 2`,
);
const sumsByDepartmentOfCounties = sql(
  'dispatch.sumsByDepartmentOfCounties',
  DepartmentSums,
  `select county_code as k, department_kind as kind, min(department_name) as name, ${SUMS} from dispatch
     where county_code in (?) and dispatched_at >= ? and dispatched_at < ? group by 1, 2`,
);

export const dispatches = {
  /** The dispatches of each case, in the order they were made. */
  ofDisputes: (db: Db, disputeIds: readonly string[]): Promise<DispatchRow[]> => rows(db, ofDisputes, [disputeIds]),
  /** The dispatch, locked for the rest of the transaction. */
  lock: (db: Db, id: number): Promise<DispatchRow | null> => row(db, lock, [id]),
  /** The case's dispatches still waiting on their department (not reported on, not withdrawn). */
  open: (db: Db, disputeId: string): Promise<DispatchRow[]> => rows(db, open, [disputeId]),
  /** Writes one step's dispatches (a department whose dispatch for the case is still open is not called twice). */
  insert: (db: Db, d: NewDispatches): Promise<DispatchRow[]> =>
    rows(db, insert, [
      d.disputeId,
      d.townshipCode,
      d.villageCode,
      d.note,
      d.dispatchedAt,
      d.acknowledgeBy,
      d.reportBy,
      d.departments.map((x) => x.kind),
      d.departments.map((x) => x.name),
    ]),
  /** 报到: the department acknowledges. */
  acknowledge: (db: Db, id: number, at: Date): Promise<DispatchRow | null> => row(db, acknowledge, [at, id]),
  /** 反馈: the department reports back. */
  report: (db: Db, id: number, text: string, at: Date): Promise<DispatchRow | null> => row(db, report, [at, text, id]),
  /** 撤回: the township takes the dispatch back. */
  withdraw: (db: Db, id: number, reason: string, at: Date): Promise<DispatchRow | null> => row(db, withdraw, [at, reason, id]),
  /**
   * A township's dispatches or a department's inbox, newest first (by dispatch time, then id) or `dueFirst` (DUE_SQL),
   * with how many match (counted when asked).
   */
  list: async (db: Db, scope: DispatchScope, filter: DispatchFilter | null | undefined, page: Page, dueFirst = false): Promise<Connection<DispatchRow>> => {
    // The department's inbox matches its index (department_kind, county_code, ...; migration …08DispatchCounty).
    const where =
      'townshipCode' in scope ? ['township_code = ?'] : 'departmentKind' in scope ? ['department_kind = ?', 'county_code = ?'] : ['county_code = ?'];
    const params: SqlParam[] =
      'townshipCode' in scope ? [scope.townshipCode] : 'departmentKind' in scope ? [scope.departmentKind, scope.countyCode] : [scope.countyCode];
    // A dispatch withdrawn from a department (撤回吹哨, often sent to the wrong one) is no work of its own: its lists
    // leave it out unless the filter asks for it, by status (WITHDRAWN among those named) or by lateness. One withdrawn
    // after its deadline counts in the department's own figures as due and late (SUMS), so acknowledgedLate and
    // answeredLate match it, as they do for the county's and township's callers.
    if ('departmentKind' in scope && !withdrawnAsked(filter)) where.push(`status <> 'WITHDRAWN'`);
    // The statistics' rows of a period (SUMS over dispatched_at in [start, end)) and of one department (byDepartment).
    if (filter?.madeIn) {
      where.push('dispatched_at >= ?', 'dispatched_at < ?');
      params.push(...filter.madeIn);
    }
    if (filter?.departmentKind != null) {
      where.push('department_kind = ?');
      params.push(filter.departmentKind);
    }
    if (filter?.status?.length) {
      where.push('status in (?)');
      params.push(filter.status);
    }
    if (filter?.overdue != null) where.push(`${filter.overdue ? '' : 'not '}${OVERDUE_SQL}`);
    if (filter?.acknowledgedLate != null) where.push(`${filter.acknowledgedLate ? '' : 'not '}${ACKNOWLEDGED_LATE_SQL}`);
    if (filter?.answeredLate != null) where.push(`${filter.answeredLate ? '' : 'not '}${ANSWERED_LATE_SQL}`);
    if (filter?.caseNumber != null) {
      where.push('dispute_id in (select dispute_id from township_case where case_number = ?)');
      params.push(filter.caseNumber);
    }
    return newestFirstPage(db, dueFirst ? DUE_FIRST : LIST, where, params, page);
  },
  /** 吹哨报到统计 of townships (9-digit codes) or counties (6) for dispatches made in [start, end): one statement for all of them. */
  sums: (db: Db, level: 'TOWNSHIP' | 'COUNTY', codes: readonly string[], start: string, end: string): Promise<DispatchSums[]> =>
    rows(db, level === 'TOWNSHIP' ? sumsOfTownships : sumsOfCounties, [codes, start, end]),
  /** The same sums split by department, for the same divisions and period: one statement for all of them. */
  sumsByDepartment: (db: Db, level: 'TOWNSHIP' | 'COUNTY', codes: readonly string[], start: string, end: string): Promise<DepartmentDispatchSums[]> =>
    rows(db, level === 'TOWNSHIP' ? sumsByDepartmentOfTownships : sumsByDepartmentOfCounties, [codes, start, end]),
};
