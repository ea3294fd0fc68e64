import { z } from 'zod';
import { INDICATORS } from '../../../../domain/assessment.ts';
import { afterKey, toConnection, type Connection, type Page } from '../../../../platform/pagination.ts';
import { col, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';

/**
 * 考核目标 A division's target for one indicator in one year, table
 * `assessment_target` (migration …07DivisionTargets; the county subgraph is
 * the system of record, docs/ARCHITECTURE.md "Assessment").
 */
const AssessmentTarget = z.object({
  year: col.num,
  divisionCode: col.text,
  indicator: z.enum(INDICATORS),
  /** numeric(6, 4), a rate from 0 to 1. */
  target: col.num,
  updatedAt: col.instant,
  updatedBy: col.text,
});
export type AssessmentTargetRow = z.infer<typeof AssessmentTarget>;

export interface TargetKey {
  year: number;
  divisionCode: string;
  indicator: string;
}

const set = sql(
  'assessment_target.set',
  AssessmentTarget,
  `insert into assessment_target (year, division_code, indicator, target, updated_at, updated_by) values (?, ?, ?, ?, now(), ?)
   on conflict (year, division_code, indicator) do update set target = excluded.target, updated_at = now(), updated_by = excluded.updated_by returning *`,
);
const clear = sql(
  'assessment_target.clear',
  AssessmentTarget,
  'delete from assessment_target where year = ? and division_code = ? and indicator = ? returning *',
);

/** The filter of a listing: under a division, optionally one year and one indicator (unset parts match anything). */
const WITHIN = `division_code like ? || '%' and (?::int is null or year = ?::int) and (?::text is null or indicator = ?::text)`;
const page = sql(
  'assessment_target.page',
  AssessmentTarget,
  `select * from assessment_target where ${WITHIN}
     and (?::text is null or (division_code, year, indicator) > (?::text, ?::int, ?::text))
   order by division_code, year, indicator limit ?`,
);
const count = sql('assessment_target.pageCount', z.object({ n: col.num }), `select count(*) as n from assessment_target where ${WITHIN}`);

/** A page's cursor key: `<division code>|<year>|<indicator>` of its last row. */
const keyOf = (t: AssessmentTargetRow) => `${t.divisionCode}|${t.year}|${t.indicator}`;
const KEY = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})\|(\d{4})\|([A-Z_]{1,40})$/;

function targetAfter(p: Page): [string, number, string] | null {
  const m = KEY.exec(afterKey(p, 'assessment_target', KEY) ?? '');
  return m ? [m[1]!, Number(m[2]), m[3]!] : null;
}

export const assessmentTargets = {
  /** Sets (or first sets) a division's target for an indicator and year; the target as stored. */
  set: async (db: Db, t: TargetKey & { target: number; by: string }): Promise<AssessmentTargetRow> =>
    (await row(db, set, [t.year, t.divisionCode, t.indicator, t.target, t.by]))!,
  /** Removes a division's own target; the row removed, or null when it had none. */
  clear: (db: Db, t: TargetKey): Promise<AssessmentTargetRow | null> => row(db, clear, [t.year, t.divisionCode, t.indicator]),
  /** Targets set under `within` (its own included), by division code, year and indicator, one page after the cursor. */
  page: async (db: Db, f: { within: string; year?: number | null; indicator?: string | null }, p: Page): Promise<Connection<AssessmentTargetRow>> => {
    const filter: SqlParam[] = [f.within, f.year ?? null, f.year ?? null, f.indicator ?? null, f.indicator ?? null];
    const a = targetAfter(p);
    const nodes = await rows(db, page, [...filter, a?.[0] ?? null, a?.[0] ?? null, a?.[1] ?? null, a?.[2] ?? null, p.limit + 1]);
    return toConnection(nodes, p, 'assessment_target', keyOf, async () => (await row(db, count, filter))?.n ?? 0);
  },
};
