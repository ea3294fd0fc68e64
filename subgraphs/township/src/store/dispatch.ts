import { z } from 'zod';
import { col, command, exec, row, rows, sql, type Db } from '../../../../platform/sql.ts';

/** 吹哨 A township's call on a county department, and the department's 报到. */
const Dispatch = z.object({
  id: col.id,
  disputeId: col.text,
  townshipCode: col.text,
  villageCode: col.text,
  departmentKind: col.text,
  departmentName: col.text,
  status: z.enum(['DISPATCHED', 'ACKNOWLEDGED', 'REPORTED']),
  note: col.text.nullable(),
  dispatchedAt: col.instant,
  acknowledgedAt: col.instant.nullable(),
  reportedAt: col.instant.nullable(),
  report: col.text.nullable(),
});
export type DispatchRow = z.infer<typeof Dispatch>;

const ofDisputes = sql('dispatch.ofDisputes', Dispatch, 'select * from dispatch where dispute_id in (?) order by id');
const lock = sql('dispatch.lock', Dispatch, 'select * from dispatch where id = ? for update');
const unreported = sql('dispatch.unreported', Dispatch, `select * from dispatch where dispute_id = ? and status <> 'REPORTED'`);
const insert = command(
  'dispatch.insert',
  `insert into dispatch (dispute_id, township_code, village_code, department_kind, department_name, note) values (?, ?, ?, ?, ?, ?)
             on conflict (dispute_id, department_kind) do nothing`,
);
const acknowledge = sql('dispatch.acknowledge', Dispatch, `update dispatch set status = 'ACKNOWLEDGED', acknowledged_at = now() where id = ? returning *`);
const report = sql('dispatch.report', Dispatch, `update dispatch set status = 'REPORTED', reported_at = now(), report = ? where id = ? returning *`);

/** A department called on for a case (once per case and department). */
export interface NewDispatch {
  disputeId: string;
  townshipCode: string;
  villageCode: string;
  departmentKind: string;
  departmentName: string | undefined;
  note: string | null;
}

export const dispatches = {
  /** The dispatches of each case, in the order they were made. */
  ofDisputes: (db: Db, disputeIds: readonly string[]): Promise<DispatchRow[]> => rows(db, ofDisputes, [disputeIds]),
  /** The dispatch, locked for the rest of the transaction. */
  lock: (db: Db, id: number): Promise<DispatchRow | null> => row(db, lock, [id]),
  /** The case's dispatches whose department has not reported back. */
  unreported: (db: Db, disputeId: string): Promise<DispatchRow[]> => rows(db, unreported, [disputeId]),
  insert: (db: Db, d: NewDispatch): Promise<number> =>
    exec(db, insert, [d.disputeId, d.townshipCode, d.villageCode, d.departmentKind, d.departmentName, d.note]),
  /** 报到: the department acknowledges. */
  acknowledge: (db: Db, id: number): Promise<DispatchRow | null> => row(db, acknowledge, [id]),
  /** 反馈: the department reports back. */
  report: (db: Db, id: number, text: string | null): Promise<DispatchRow | null> => row(db, report, [text, id]),
};
