import { z } from 'zod';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';

/**
 * The village's copy of the county's assessment targets (考核目标), table
 * `assessment_target` (migration …05Targets): read for statistics, written
 * as the county's `target.set` events arrive.
 */
const Target = z.object({ indicator: col.text, level: col.text, target: col.num });
export type AssessmentTargetRow = z.infer<typeof Target>;

const ofLevels = sql('assessmentTarget.ofLevels', Target, 'select * from assessment_target where level in (?)');
const upsert = command(
  'assessmentTarget.upsert',
  `insert into assessment_target (indicator, level, target, updated_at, updated_by) values (?, ?, ?, now(), ?)
   on conflict (indicator, level) do update set target = excluded.target, updated_at = now(), updated_by = excluded.updated_by`,
);

export const assessmentTargets = {
  /** The targets set for these levels (COUNTY, TOWNSHIP, …). */
  ofLevels: (db: Db, levels: readonly string[]): Promise<AssessmentTargetRow[]> => rows(db, ofLevels, [levels]),
  /** Sets a target as the county set it. */
  upsert: (db: Db, t: { indicator: string; level: string; target: number | string; by: string }): Promise<number> =>
    exec(db, upsert, [t.indicator, t.level, t.target, t.by]),
};
