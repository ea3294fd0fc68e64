import { z } from 'zod';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';
import { GovernanceLevel } from './dispute.ts';
import { instant } from './record.ts';

/** A dispute's timeline (table `dispute_step`): every step at every level, append-only. */
const DisputeStep = z.object({
  id: col.id,
  disputeId: col.text,
  at: instant,
  level: GovernanceLevel,
  action: col.text,
  actor: col.text,
  note: col.text.nullable(),
  status: col.text.nullable(),
  villageCode: col.text,
  gridCode: col.text,
});
export type DisputeStepRow = z.infer<typeof DisputeStep>;

const ofDisputes = sql('disputeStep.ofDisputes', DisputeStep, 'select * from dispute_step where dispute_id in (?) order by at, id');
const insert = command(
  'disputeStep.insert',
  'insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
);

export interface NewStep {
  at: Date;
  level: string;
  action: string;
  actor: string;
  note: string | null;
  status: string | null;
}

export const disputeSteps = {
  /** The timelines of the cases, in time order. */
  ofDisputes: (db: Db, disputeIds: readonly string[]): Promise<DisputeStepRow[]> => rows(db, ofDisputes, [disputeIds]),
  /** Appends a step to the case's timeline, located where the case is. */
  insert: (db: Db, d: { id: string; villageCode: string; gridCode: string }, s: NewStep): Promise<number> =>
    exec(db, insert, [d.id, s.at, s.level, s.action, s.actor, s.note, s.status, d.villageCode, d.gridCode]),
};
