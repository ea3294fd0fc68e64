import { z } from 'zod';
import { pageOf, type CasePage, type Page } from '../../../../platform/pagination.ts';
import { col, command, exec, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';

/** 乡镇案件 A dispute escalated to a township: its 综治中心's working record. */
const TownshipCase = z.object({
  disputeId: col.text,
  caseNumber: col.text,
  townshipCode: col.text,
  villageCode: col.text,
  countyCode: col.text,
  category: col.text,
  scale: col.text,
  summary: col.text,
  status: col.text,
  receivedAt: col.instant,
  escalatedAt: col.instant,
  settleBy: col.instant,
  assignee: col.text.nullable(),
  outcome: col.text.nullable(),
  resolvedAt: col.instant.nullable(),
  supervisedAt: col.instant.nullable(),
  version: col.num,
});
export type TownshipCaseRow = z.infer<typeof TownshipCase>;
export type TownshipCasePage = CasePage<TownshipCaseRow>;

/** Past the settle deadline and neither resolved nor escalated (the inbox's `overdue` filter says the same in SQL). */
export const isOverdue = (c: TownshipCaseRow): boolean => !['RESOLVED', 'ESCALATED'].includes(c.status) && new Date() > new Date(c.settleBy);

const byDisputeIds = sql('township_case.byDisputeIds', TownshipCase, 'select * from township_case where dispute_id in (?)');
const byDisputeId = sql('township_case.byDisputeId', TownshipCase, 'select * from township_case where dispute_id = ?');
const lock = sql('township_case.lock', TownshipCase, 'select * from township_case where dispute_id = ? for update');
const receive = sql(
  'township_case.receive',
  z.object({ disputeId: col.text }),
  `insert into township_case (dispute_id, case_number, township_code, village_code, county_code, category, scale, summary, status, received_at, escalated_at, settle_by)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, ?) on conflict (dispute_id) do nothing returning dispute_id`,
);
const supervise = command('township_case.supervise', 'update township_case set supervised_at = ?, version = version + 1 where dispute_id = ?');
const Count = z.object({ n: col.num });

/** What a loop step changes besides the version (which every step increments). */
export interface TownshipCaseChanges {
  status: string;
  assignee?: string;
  outcome?: string;
  resolvedAt?: Date;
}
/** Columns a step may set, in the order they are written. */
const STEP_COLUMNS: readonly (readonly [keyof TownshipCaseChanges, string])[] = [
  ['status', 'status'],
  ['assignee', 'assignee'],
  ['outcome', 'outcome'],
  ['resolvedAt', 'resolved_at'],
];

/** A case escalated to a township, as the village's event carries it. */
export interface ReceivedCase {
  disputeId: string;
  caseNumber: string;
  townshipCode: string;
  villageCode: string;
  countyCode: string;
  category: string;
  scale: string;
  summary: string;
  receivedAt: Date;
  escalatedAt: Date;
  settleBy: Date;
}

/** Filters on a township's inbox. */
export interface TownshipCaseFilter {
  status?: readonly string[] | null;
  overdue?: boolean | null;
}

export const townshipCases = {
  byDisputeIds: (db: Db, ids: readonly string[]): Promise<TownshipCaseRow[]> => rows(db, byDisputeIds, [ids]),
  byDisputeId: (db: Db, id: string): Promise<TownshipCaseRow | null> => row(db, byDisputeId, [id]),
  /** The case, locked for the rest of the transaction. */
  lock: (db: Db, id: string): Promise<TownshipCaseRow | null> => row(db, lock, [id]),
  /** Records a case escalated from a village once; false when it was already there. */
  receive: async (db: Db, c: ReceivedCase): Promise<boolean> =>
    (await row(db, receive, [
      c.disputeId,
      c.caseNumber,
      c.townshipCode,
      c.villageCode,
      c.countyCode,
      c.category,
      c.scale,
      c.summary,
      c.receivedAt,
      c.escalatedAt,
      c.settleBy,
    ])) !== null,
  /** Marks a case as under a county supervision order (督办). */
  supervise: (db: Db, id: string, at: Date): Promise<number> => exec(db, supervise, [at, id]),
  /** Writes a loop step's changes and the next version; the case as it is now. */
  step: (db: Db, id: string, changes: TownshipCaseChanges): Promise<TownshipCaseRow | null> => {
    const cols = STEP_COLUMNS.filter(([k]) => changes[k] !== undefined);
    const st = sql(
      'township_case.step',
      TownshipCase,
      `update township_case set ${cols.map(([, c]) => `${c} = ?`).join(', ')}, version = version + 1 where dispute_id = ? returning *`,
    );
    return row(db, st, [...cols.map(([k]): SqlParam => changes[k]), id]);
  },
  /** A township's inbox, newest first, with how many cases match in all. */
  inbox: async (db: Db, townshipCode: string, filter: TownshipCaseFilter | null | undefined, page: Page): Promise<TownshipCasePage> => {
    const where = ['township_code = ?'];
    const params: SqlParam[] = [townshipCode];
    if (filter?.status?.length) {
      where.push('status in (?)');
      params.push(filter.status);
    }
    if (filter?.overdue != null) where.push(`${filter.overdue ? '' : 'not '}(status not in ('RESOLVED', 'ESCALATED') and now() > settle_by)`);
    const total = await row(db, sql('township_case.inboxCount', Count, `select count(*) as n from township_case where ${where.join(' and ')}`), params);
    const after = page.after ? ([' and received_at < ?', new Date(Number(page.after))] as const) : (['', undefined] as const);
    const list = await rows(
      db,
      sql('township_case.inbox', TownshipCase, `select * from township_case where ${where.join(' and ')}${after[0]} order by received_at desc limit ?`),
      [...params, ...(after[1] ? [after[1]] : []), page.limit + 1],
    );
    return pageOf(list, page.limit, total?.n ?? 0);
  },
};
