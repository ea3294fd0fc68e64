import { z } from 'zod';
import { CLOSED, type InboxFilter, type ReceivedCase } from '../../../../domain/case-engine.ts';
import { dueAtOf, INBOX_CONTACT_LATE_SQL, INBOX_DUE_SQL, INBOX_OVERDUE_SQL, receivedAnewSql } from '../../../../domain/case-inbox.ts';
import { earliestFirst, newestFirstPage, type Connection, type NewestFirstList, type Page } from '../../../../platform/pagination.ts';
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
  replyBy: col.instant.nullable(),
  assignee: col.text.nullable(),
  outcome: col.text.nullable(),
  resolvedAt: col.instant.nullable(),
  /** 受理时间 When this level's desk accepted the case (its ACCEPT) since its latest receipt; null before (…CaseAccepted). */
  acceptedAt: col.instant.nullable(),
  /** The case's deadline rule (deadline_rule of the village, passed on by the township). */
  contactMinutes: col.num,
  settleHours: col.num,
  replyHours: col.num,
  /** The last step of the case this record has taken or applied (the case's own order). */
  seq: col.num,
  /** The last step's signature (domain/case-engine.ts `stepSignature`), to tell the same step sent again. */
  lastStep: col.text.nullable(),
  rehandled: col.num,
  version: col.num,
});
export type CountyCaseRow = z.infer<typeof CountyCase>;

const byDisputeIds = sql('county_case.byDisputeIds', CountyCase, 'select * from county_case where dispute_id in (?)');
const lock = sql('county_case.lock', CountyCase, 'select * from county_case where dispute_id = ? for update');
const receive = sql(
  'county_case.receive',
  CountyCase,
  `insert into county_case (dispute_id, case_number, county_code, township_code, village_code, category, scale, summary, status, received_at, escalated_at,
                            settle_by, contact_minutes, settle_hours, reply_hours, seq, rehandled)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ${receivedAnewSql('county_case')}
  returning *`,
);
/** The list pages newest first on (received_at, dispute_id) (platform/pagination.ts). */
const INBOX: NewestFirstList<CountyCaseRow> = {
  name: 'county_case.inbox',
  table: 'county_case',
  shape: CountyCase,
  timeColumn: 'received_at',
  idColumn: 'dispute_id',
  idKind: 'uuid',
  keyOf: (c) => ({ at: c.receivedAt, id: c.disputeId }),
};
/**
 * The inbox by deadline (`CaseInboxOrder.DUE_FIRST`): what falls due next first, a case waiting to be accepted by its
 * contact deadline (domain/case-inbox.ts). Its cursors are its own; those of the order by settle deadline alone that
 * came before (`due`) are refused rather than read as a place in this one.
 */
const DUE_FIRST = earliestFirst(INBOX, INBOX_DUE_SQL, (c) => ({ at: dueAtOf(c), id: c.disputeId }), 'due_at');

/** What a step writes: status, its place in the case's order, the deadlines it started, and the fields some steps set (every step increments the version). */
export interface CountyCaseChanges {
  status: string;
  seq: number;
  settleBy?: Date;
  replyBy?: Date | null;
  assignee?: string;
  outcome?: string | null;
  resolvedAt?: Date | null;
  /** Set by the level's ACCEPT. */
  acceptedAt?: Date;
  rehandled?: number;
  /** The step's signature (domain/case-engine.ts `stepSignature`). */
  lastStep?: string;
}
/** Columns a step may set besides status and seq, in the order they are written. */
const STEP_COLUMNS: readonly (readonly [Exclude<keyof CountyCaseChanges, 'status' | 'seq'>, string])[] = [
  ['settleBy', 'settle_by'],
  ['replyBy', 'reply_by'],
  ['assignee', 'assignee'],
  ['outcome', 'outcome'],
  ['resolvedAt', 'resolved_at'],
  ['acceptedAt', 'accepted_at'],
  ['rehandled', 'rehandled'],
  ['lastStep', 'last_step'],
];

export const countyCases = {
  byDisputeIds: (db: Db, ids: readonly string[]): Promise<CountyCaseRow[]> => rows(db, byDisputeIds, [ids]),
  /** The case, locked for the rest of the transaction. */
  lock: (db: Db, id: string): Promise<CountyCaseRow | null> => row(db, lock, [id]),
  /**
   * Records a case escalated from a township once; null when it was already there. A case the county returned to the
   * township (退回, RETURNED) and escalated again is received anew on the same record: a new receipt, deadlines and
   * desk, the version moving on so that a desk holding the old record's version meets CONFLICT.
   */
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
      c.status,
      c.receivedAt,
      c.escalatedAt,
      c.settleBy,
      c.rule.contactMinutes,
      c.rule.settleHours,
      c.rule.replyHours,
      c.seq,
      c.rehandled,
    ]),
  /** Writes a step of the case and the next version; the case as it is now. */
  step: (db: Db, id: string, changes: CountyCaseChanges): Promise<CountyCaseRow | null> => {
    const cols = STEP_COLUMNS.filter(([k]) => changes[k] !== undefined);
    const st = sql(
      'county_case.step',
      CountyCase,
      `update county_case set status = ?, seq = ?${cols.map(([, c]) => `, ${c} = ?`).join('')}, version = version + 1 where dispute_id = ? returning *`,
    );
    return row(db, st, [changes.status, changes.seq, ...cols.map(([k]): SqlParam => changes[k]), id]);
  },
  /** The county's inbox, newest first, with how many cases match in all (counted when asked). */
  inbox: async (db: Db, countyCode: string, filter: InboxFilter, page: Page, dueFirst = false): Promise<Connection<CountyCaseRow>> => {
    const where = ['county_code = ?'];
    const params: SqlParam[] = [countyCode];
    if (filter.status?.length) {
      where.push('status in (?)');
      params.push(filter.status);
    }
    if (filter.overdue != null) {
      where.push(`${filter.overdue ? '' : 'not '}${INBOX_OVERDUE_SQL}`);
      params.push(CLOSED.COUNTY);
    }
    if (filter.contactLate != null) where.push(`${filter.contactLate ? '' : 'not '}${INBOX_CONTACT_LATE_SQL}`);
    return newestFirstPage(db, dueFirst ? DUE_FIRST : INBOX, where, params, page);
  },
};
