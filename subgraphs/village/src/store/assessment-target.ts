import { z } from 'zod';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';

/**
 * The village's copy of the county's assessment targets (考核目标), table
 * `assessment_target` (migration …20DivisionTargets): per division and year,
 * written as the county's `target.set` events arrive, read for assessments
 * (docs/ARCHITECTURE.md "Assessment").
 */
const Effective = z.object({ code: col.text, indicator: col.text, target: col.num, source: col.text });
/** The target that applies to a division for an indicator, and the division (itself or an ancestor) that set it. */
export type EffectiveTargetRow = z.infer<typeof Effective>;

/**
 * For each division, per indicator, the target of the nearest division on its
 * line of ancestry (itself, then its township, county, prefecture, province)
 * that set one for the year: one statement for every division asked, each
 * looked up by the primary key. Indicators no one on the line set are absent
 * (the national default applies).
 */
const effective = sql(
  'assessmentTarget.effective',
  Effective,
  `select distinct on (d.code, t.indicator) d.code, t.indicator, t.target, t.division_code as source
     from unnest(array[?]::text[]) as d(code)
     join assessment_target t on t.year = ?
      and t.division_code = any (array[left(d.code, 2), left(d.code, 4), left(d.code, 6), left(d.code, 9), left(d.code, 12)])
    order by d.code, t.indicator, length(t.division_code) desc`,
);
const upsert = command(
  'assessmentTarget.upsert',
  `insert into assessment_target (year, division_code, indicator, target, updated_at, updated_by) values (?, ?, ?, ?, ?, ?)
   on conflict (year, division_code, indicator) do update set target = excluded.target, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
);
const remove = command('assessmentTarget.remove', 'delete from assessment_target where year = ? and division_code = ? and indicator = ?');

export const assessmentTargets = {
  /** The targets that apply to these divisions (of whatever level) in `year`, with who set each; never pass an empty list. */
  effective: (db: Db, codes: readonly string[], year: number): Promise<EffectiveTargetRow[]> => rows(db, effective, [codes, year]),
  /** Sets a division's target as the county set it. */
  upsert: (db: Db, t: { year: number; divisionCode: string; indicator: string; target: number; at: string; by: string }): Promise<number> =>
    exec(db, upsert, [t.year, t.divisionCode, t.indicator, t.target, t.at, t.by]),
  /** Removes a division's target as the county cleared it (the division inherits again). */
  remove: (db: Db, t: { year: number; divisionCode: string; indicator: string }): Promise<number> => exec(db, remove, [t.year, t.divisionCode, t.indicator]),
};
