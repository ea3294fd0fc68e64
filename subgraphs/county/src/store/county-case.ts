import { z } from 'zod';
import { pageOf, type CasePage, type Page } from '../../../../platform/pagination.ts';
import { col, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';

/** County-level handling of cases escalated from townships, including referral to court (outcome LITIGATION). */
const CountyCase = z.object({
  disputeId: col.text,
  caseNumber: col.text,
  countyCode: col.text,
  townshipCode: col.text,
  villageCode: col.text,
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
  version: col.num,
});
export type CountyCaseRow = z.infer<typeof CountyCase>;
export type CountyCasePage = CasePage<CountyCaseRow>;

const byDisputeIds = sql('county_case.byDisputeIds', CountyCase, 'select * from county_case where dispute_id in (?)');
const lock = sql('county_case.lock', CountyCase, 'select * from county_case where dispute_id = ? for update');
const receive = sql(
  'county_case.receive',
  CountyCase,
  `insert into county_case (dispute_id, case_number, county_code, township_code, village_code, category, scale, summary, status, received_at, escalated_at, settle_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, ?) on conflict (dispute_id) do nothing returning *`,
);
const Count = z.object({ n: col.num });

/** What a loop step changes besides the version (which every step increments). */
export interface CountyCaseChanges {
  status: string;
  assignee?: string;
  outcome?: string;
  resolvedAt?: Date;
}
/** Columns a step may set, in the order they are written. */
const STEP_COLUMNS: readonly (readonly [keyof CountyCaseChanges, string])[] = [
  ['status', 'status'],
  ['assignee', 'assignee'],
  ['outcome', 'outcome'],
  ['resolvedAt', 'resolved_at'],
];

/** A case escalated to the county, as the township's event carries it. */
export interface ReceivedCase {
  disputeId: string;
  caseNumber: string;
  countyCode: string;
  townshipCode: string;
  villageCode: string;
  category: string;
  scale: string;
  summary: string;
  receivedAt: Date;
  escalatedAt: Date;
  settleBy: Date;
}

export const countyCases = {
  byDisputeIds: (db: Db, ids: readonly string[]): Promise<CountyCaseRow[]> => rows(db, byDisputeIds, [ids]),
  /** The case, locked for the rest of the transaction. */
  lock: (db: Db, id: string): Promise<CountyCaseRow | null> => row(db, lock, [id]),
  /** Records a case escalated from a township once; null when it was already there. */
  receive: (db: Db, c: ReceivedCase): Promise<CountyCaseRow | null> =>
    row(db, receive, [
      c.disputeId,
      c.caseNumber,
      c.countyCode,
      c.townshipCode,
      c.villageCode,
      c.category,
      c.scale,
      c.summary,
      c.receivedAt,
      c.escalatedAt,
      c.settleBy,
    ]),
  /** Writes a loop step's changes and the next version; the case as it is now. */
  step: (db: Db, id: string, changes: CountyCaseChanges): Promise<CountyCaseRow | null> => {
    const cols = STEP_COLUMNS.filter(([k]) => changes[k] !== undefined);
    const st = sql(
      'county_case.step',
      CountyCase,
      `update county_case set ${cols.map(([, c]) => `${c} = ?`).join(', ')}, version = version + 1 where dispute_id = ? returning *`,
    );
    return row(db, st, [...cols.map(([k]): SqlParam => changes[k]), id]);
  },
  /** The county's inbox, newest first, with how many cases match in all. */
  inbox: async (db: Db, countyCode: string, status: readonly string[] | null | undefined, page: Page): Promise<CountyCasePage> => {
    const where = ['county_code = ?'];
    const params: SqlParam[] = [countyCode];
    if (status?.length) {
      where.push('status in (?)');
      params.push(status);
    }
    const total = await row(db, sql('county_case.inboxCount', Count, `select count(*) as n from county_case where ${where.join(' and ')}`), params);
    const after = page.after ? ([' and received_at < ?', new Date(Number(page.after))] as const) : (['', undefined] as const);
    const list = await rows(
      db,
      sql('county_case.inbox', CountyCase, `select * from county_case where ${where.join(' and ')}${after[0]} order by received_at desc limit ?`),
      [...params, ...(after[1] ? [after[1]] : []), page.limit + 1],
    );
    return pageOf(list, page.limit, total?.n ?? 0);
  },
};
