import { z } from 'zod';
import { col, rows, sql, type Db } from '../../../../platform/sql.ts';

/** The village's copy of the county's assessment targets (考核目标), table `assessment_target` (migration …05Targets). */
const Target = z.object({ indicator: col.text, level: col.text, target: col.num });
export type AssessmentTargetRow = z.infer<typeof Target>;

const ofLevels = sql('assessmentTarget.ofLevels', Target, 'select * from assessment_target where level in (?)');

export const assessmentTargets = {
  /** The targets set for these levels (COUNTY, TOWNSHIP, …). */
  ofLevels: (db: Db, levels: readonly string[]): Promise<AssessmentTargetRow[]> => rows(db, ofLevels, [levels]),
};
