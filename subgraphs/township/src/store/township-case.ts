import { z } from 'zod';
import { CLOSED, type InboxFilter, type ReceivedCase } from '../../../../domain/case-engine.ts';
import { dueAtOf, INBOX_CONTACT_LATE_SQL, INBOX_DUE_SQL, INBOX_OVERDUE_SQL, receivedAnewSql } from '../../../../domain/case-inbox.ts';
import { earliestFirst, newestFirstPage, type Connection, type NewestFirstList, type Page } from '../../../../platform/pagination.ts';
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
  replyBy: col.instant.nullable(),
  assignee: col.text.nullable(),
  outcome: col.text.nullable(),
  resolvedAt: col.instant.nullable(),
  /** 受理时间 When this level's desk accepted the case (its ACCEPT) since its latest receipt; null before (…CaseAccepted). */
  acceptedAt: col.instant.nullable(),
  supervisedAt: col.instant.nullable(),
  /** The case's deadline rule (deadline_rule of the village, carried up with the escalation). */
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
export type TownshipCaseRow = z.infer<typeof TownshipCase>;

const byDisputeIds = sql('township_case.byDisputeIds', TownshipCase, 'select * from township_case where dispute_id in (?)');
const lock = sql('township_case.lock', TownshipCase, 'select * from township_case where dispute_id = ? for update');
const receive = sql(
  'township_case.receive',
  TownshipCase,
  `insert into township_case (dispute_id, case_number, township_code, village_code, county_code, category, scale, summary, status, received_at, escalated_at,
                              settle_by, contact_minutes, settle_hours, reply_hours, seq, rehandled)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ${receivedAnewSql('township_case')}
  returning *`,
);
/**
 * 退回乡镇: the county sent the escalated case back; the township handles it again as accepted, with no one assigned
 * and its settle deadline afresh. Only a record still ESCALATED and behind the return in the case's order takes it.
 */
const returned = sql(
  'township_case.returned',
  TownshipCase,
  `update township_case
      set status = 'ACCEPTED', seq = ?, settle_by = ?, reply_by = null, assignee = null, outcome = null, resolved_at = null,
          last_step = null, version = version + 1
    where dispute_id = ? and status = 'ESCALATED' and seq < ?
  returning *`,
);
/**
 * A county's 督办 marks the case without moving its version: the order asks the
 * centre to hurry, and must not turn the desk's next step on the version it
 * read into a CONFLICT.
 */
const supervise = command('township_case.supervise', 'update township_case set supervised_at = ? where dispute_id = ?');
/** The list pages newest first on (received_at, dispute_id) (platform/pagination.ts). */
const INBOX: NewestFirstList<TownshipCaseRow> = {
  name: 'township_case.inbox',
  table: 'township_case',
  shape: TownshipCase,
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

/**
 * What a step writes: the status, its place in the case's order and the
 * deadlines it started (every step), and the fields some steps set.
 * `version` is incremented by the steps of the township's own centre and by
 * events; a department's 报到/反馈 and a county's 督办 leave the case's version
 * alone (the centre keeps working on the version it read).
 */
export interface TownshipCaseChanges {
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
  bumpVersion: boolean;
}
/** Columns a step may set besides status and seq, in the order they are written. */
const STEP_COLUMNS: readonly (readonly [Exclude<keyof TownshipCaseChanges, 'status' | 'seq' | 'bumpVersion'>, string])[] = [
  ['settleBy', 'settle_by'],
  ['replyBy', 'reply_by'],
  ['assignee', 'assignee'],
  ['outcome', 'outcome'],
  ['resolvedAt', 'resolved_at'],
  ['acceptedAt', 'accepted_at'],
  ['rehandled', 'rehandled'],
  ['lastStep', 'last_step'],
];

export const townshipCases = {
  byDisputeIds: (db: Db, ids: readonly string[]): Promise<TownshipCaseRow[]> => rows(db, byDisputeIds, [ids]),
  /** The case, locked for the rest of the transaction. */
  lock: (db: Db, id: string): Promise<TownshipCaseRow | null> => row(db, lock, [id]),
  /**
   * Records a case escalated from a village once; null when it was already there. A case the township returned to
   * the village (退回, RETURNED) and escalated again is received anew on the same record: a new receipt, deadlines and
   * desk, the version moving on so that a desk holding the old record's version meets CONFLICT.
   */
  receive: (db: Db, c: ReceivedCase): Promise<TownshipCaseRow | null> =>
    row(db, receive, [
      c.disputeId,
      c.caseNumber,
      c.townshipCode,
      c.villageCode,
      c.countyCode,
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
  /** The case the county returned (退回乡镇), handled here again; null when it is not escalated or already took it. */
  returned: (db: Db, id: string, seq: number, settleBy: Date): Promise<TownshipCaseRow | null> => row(db, returned, [seq, settleBy, id, seq]),
  /** Marks a case as under a county supervision order (督办). */
  supervise: (db: Db, id: string, at: Date): Promise<number> => exec(db, supervise, [at, id]),
  /** Writes a step of the case; the case as it is now. */
  step: (db: Db, id: string, changes: TownshipCaseChanges): Promise<TownshipCaseRow | null> => {
    const cols = STEP_COLUMNS.filter(([k]) => changes[k] !== undefined);
    const st = sql(
      'township_case.step',
      TownshipCase,
      `update township_case set status = ?, seq = ?${cols.map(([, c]) => `, ${c} = ?`).join('')}${changes.bumpVersion ? ', version = version + 1' : ''}
        where dispute_id = ? returning *`,
    );
    return row(db, st, [changes.status, changes.seq, ...cols.map(([k]): SqlParam => changes[k]), id]);
  },
  /** A township's inbox, newest first (by receipt, then dispute id), with how many cases match in all (counted when asked). */
  inbox: async (db: Db, townshipCode: string, filter: InboxFilter | null | undefined, page: Page, dueFirst = false): Promise<Connection<TownshipCaseRow>> => {
    const where = ['township_code = ?'];
    const params: SqlParam[] = [townshipCode];
    if (filter?.status?.length) {
      where.push('status in (?)');
      params.push(filter.status);
    }
    if (filter?.overdue != null) {
      where.push(`${filter.overdue ? '' : 'not '}${INBOX_OVERDUE_SQL}`);
      params.push(CLOSED.TOWNSHIP);
    }
    if (filter?.contactLate != null) where.push(`${filter?.contactLate ? '' : 'not '}${INBOX_CONTACT_LATE_SQL}`);
    return newestFirstPage(db, dueFirst ? DUE_FIRST : INBOX, where, params, page);
  },
};
