import { z } from 'zod';
import { col, command, exec, row, rows, sql, type Db } from '../../../../platform/sql.ts';
import { HAZARD_ACTIONS, HAZARD_STATUSES } from '../../../../domain/hazards.ts';
import { instant } from './record.ts';

/**
 * A step of a hazard's rectification (table `hazard_step`, migration …68HazardSteps): append-only, with who took it
 * (the token's subject, and the caller's name where it has one), its note (for a send-back, the reason the check
 * failed) and the deadline a start set.
 */
const HazardStep = z.object({
  id: col.id,
  hazardId: col.id,
  at: instant,
  action: z.enum(HAZARD_ACTIONS),
  statusFrom: z.enum(HAZARD_STATUSES),
  statusTo: z.enum(HAZARD_STATUSES),
  bySubject: col.text,
  byName: col.text.nullable(),
  note: col.text.nullable(),
  rectifyBy: col.day.nullable(),
  villageCode: col.text,
  gridCode: col.text,
});
export type HazardStepRow = z.infer<typeof HazardStep>;

const ofHazards = sql('hazardStep.ofHazards', HazardStep, 'select * from hazard_step where hazard_id in (?) order by hazard_id, id');
const latest = sql('hazardStep.latest', HazardStep, 'select * from hazard_step where hazard_id = ? order by id desc limit 1');
const insert = command(
  'hazardStep.insert',
  `insert into hazard_step (hazard_id, action, status_from, status_to, by_subject, by_name, note, rectify_by, village_code, grid_code)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);

export interface NewHazardStep {
  hazardId: number;
  action: HazardStepRow['action'];
  statusFrom: HazardStepRow['statusFrom'];
  statusTo: HazardStepRow['statusTo'];
  by: { subject: string; name: string | null };
  note: string | null;
  rectifyBy: string | null;
  villageCode: string;
  gridCode: string;
}

export const hazardSteps = {
  /** The steps of each hazard, oldest first, in one statement for a batch of hazards. */
  ofHazards: (db: Db, hazardIds: readonly number[]): Promise<HazardStepRow[]> => rows(db, ofHazards, [hazardIds]),
  /** The step taken last on the hazard, if any. */
  latest: (db: Db, hazardId: number): Promise<HazardStepRow | null> => row(db, latest, [hazardId]),
  /** Appends a step to the hazard's record, located where the hazard is. */
  insert: (db: Db, s: NewHazardStep): Promise<number> =>
    exec(db, insert, [s.hazardId, s.action, s.statusFrom, s.statusTo, s.by.subject, s.by.name, s.note, s.rectifyBy, s.villageCode, s.gridCode]),
};
