import { z } from 'zod';
import { INDICATORS, TARGET_LEVELS } from '../../../../domain/assessment.ts';
import { col, row, rows, sql, type Db } from '../../../../platform/sql.ts';

/** 考核目标 A target for one indicator at one level (the county subgraph is their system of record). */
const AssessmentTarget = z.object({
  indicator: z.enum(INDICATORS),
  level: z.enum(TARGET_LEVELS),
  /** numeric(6, 4), a rate from 0 to 1. */
  target: col.num,
  updatedAt: col.instant,
  updatedBy: col.text,
});
export type AssessmentTargetRow = z.infer<typeof AssessmentTarget>;

const all = sql('assessment_target.all', AssessmentTarget, 'select * from assessment_target order by indicator, level');
const set = sql(
  'assessment_target.set',
  AssessmentTarget,
  `insert into assessment_target (indicator, level, target, updated_at, updated_by) values (?, ?, ?, now(), ?)
           on conflict (indicator, level) do update set target = excluded.target, updated_at = now(), updated_by = excluded.updated_by returning *`,
);

export const assessmentTargets = {
  /** Every target, by indicator and level. */
  all: (db: Db): Promise<AssessmentTargetRow[]> => rows(db, all),
  /** Sets (or first sets) the target of an indicator at a level; the target as stored. */
  set: async (db: Db, t: { indicator: string; level: string; target: number; by: string }): Promise<AssessmentTargetRow> =>
    (await row(db, set, [t.indicator, t.level, t.target, t.by]))!,
};
