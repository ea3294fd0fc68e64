import { command, exec, type Db } from '../../../../platform/sql.ts';

/**
 * The village's copy of the county's assessment targets (table
 * `assessment_target`), as `target.set` events write it. (Reads are in
 * assessment-target.ts.)
 */
const upsert = command(
  'assessmentTarget.upsert',
  `insert into assessment_target (indicator, level, target, updated_at, updated_by) values (?, ?, ?, now(), ?)
   on conflict (indicator, level) do update set target = excluded.target, updated_at = now(), updated_by = excluded.updated_by`,
);

export const targetReplica = {
  /** Sets a target as the county set it. */
  upsert: (db: Db, t: { indicator: string; level: string; target: number | string; by: string }): Promise<number> =>
    exec(db, upsert, [t.indicator, t.level, t.target, t.by]),
};
