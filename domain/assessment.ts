import { badInput } from './errors.ts';
import { parseDivisionCode, type DivisionLevel } from './codes.ts';
import { FIRST_YEAR, LAST_YEAR, type Period } from './periods.ts';

/**
 * Assessment targets (考核目标, docs/ARCHITECTURE.md "Assessment"). A target
 * belongs to a division (province, prefecture, county, township or village)
 * and a year: the rate a division must reach on one indicator. A division
 * without its own target for an indicator and year takes its nearest
 * ancestor's (village → township → county → prefecture → province), and
 * without any, the national default below. The county subgraph keeps the
 * targets (admins set them within their jurisdiction) and replicates every
 * change to the village subgraph, which holds the facts to measure them
 * against.
 */
export const INDICATORS = ['RESOLUTION_RATE', 'ON_TIME_RATE', 'SATISFACTION_RATE', 'HOUSEHOLD_COVERAGE', 'GRID_STAFFING_RATE'] as const;
export type Indicator = (typeof INDICATORS)[number];

/** National defaults: every division's target for a year in which neither it nor an ancestor set one. */
export const DEFAULT_TARGETS: Record<Indicator, number> = {
  RESOLUTION_RATE: 0.95,
  ON_TIME_RATE: 0.9,
  SATISFACTION_RATE: 0.9,
  HOUSEHOLD_COVERAGE: 0.9,
  GRID_STAFFING_RATE: 0.95,
};

/** The levels that may set a target (a grid is measured as part of its village). */
export const TARGET_LEVELS: readonly DivisionLevel[] = ['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE'];

/** A division code that may carry a target (2, 4, 6, 9 or 12 digits); BAD_USER_INPUT otherwise. */
export function parseTargetDivision(code: string, argument = 'divisionCode'): string {
  return parseDivisionCode(code, argument, TARGET_LEVELS);
}

/** An assessment year (考核年度), within the years any period may touch; BAD_USER_INPUT otherwise. */
export function parseTargetYear(year: number, argument = 'year'): number {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw badInput(
      {
        // The argument's label (考核年度) leads the Chinese message (platform/argument-labels.ts): the text goes on from it.
        zh: `${argument}：应为 ${FIRST_YEAR}–${LAST_YEAR} 之间的整数年份（如 2026），收到的是 ${year}。`,
        en: `${argument}: an assessment year is a whole year from ${FIRST_YEAR} to ${LAST_YEAR} (e.g. 2026); got ${year}.`,
      },
      { argument },
    );
  }
  return year;
}

/** A target rate from 0 to 1 (stored to four decimals); BAD_USER_INPUT otherwise. */
export function parseTargetRate(target: number, argument = 'target'): number {
  if (!(Number.isFinite(target) && target >= 0 && target <= 1)) {
    throw badInput(
      {
        // The argument's label (考核目标) leads the Chinese message (platform/argument-labels.ts): the text goes on from it.
        zh: `${argument}：应为 0 到 1 之间的比率（如 0.95 表示 95%），收到的是 ${target}。`,
        en: `${argument}: a target is a rate from 0 to 1 (e.g. 0.95 for 95%); got ${target}.`,
      },
      { argument },
    );
  }
  return target;
}

/** The year whose targets a period is assessed against: the year its last day falls in (`2025-10-01..2026-09-30` → 2026). */
export function assessmentYear(period: Period): number {
  return Number(period.to.slice(0, 4));
}

/**
 * The table of targets, the same in the county subgraph (the system of record)
 * and the village subgraph (its copy): one row per (year, division, indicator).
 * Targets are not personal data: every caller who may see a division may read
 * the targets of its ancestors too (hub_in_jurisdiction lets a caller see the
 * rows of the divisions above it), so a village's assessment finds the
 * county's target. Writes are narrower: only within the jurisdiction itself,
 * never an ancestor's (checked in code first, docs/ARCHITECTURE.md
 * "Assessment").
 */
export function divisionTargetTable(): string[] {
  const jurisdiction = `current_setting('hub.jurisdiction', true)`;
  const mayWrite = `(${jurisdiction} = '*' or (coalesce(${jurisdiction}, '') <> '' and division_code like ${jurisdiction} || '%'))`;
  return [
    `create table assessment_target (
      year integer not null check (year between ${FIRST_YEAR} and ${LAST_YEAR}),
      division_code text not null check (division_code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$'),
      indicator text not null check (indicator in (${INDICATORS.map((i) => `'${i}'`).join(', ')})),
      target numeric(6, 4) not null check (target >= 0 and target <= 1),
      updated_at timestamptz not null default now(),
      updated_by text not null,
      primary key (year, division_code, indicator)
    )`,
    `create index assessment_target_within on assessment_target (division_code text_pattern_ops, year)`,
    `alter table assessment_target enable row level security`,
    `create policy assessment_target_read on assessment_target for select using (hub_in_jurisdiction(division_code))`,
    `create policy assessment_target_insert on assessment_target for insert with check ${mayWrite}`,
    `create policy assessment_target_update on assessment_target for update using ${mayWrite} with check ${mayWrite}`,
    `create policy assessment_target_delete on assessment_target for delete using ${mayWrite}`,
  ];
}

/**
 * The first version's table (migrations …04Targets in the county, …05Targets in
 * the village): one nationwide target per indicator and level. Kept only so
 * those migrations replay as they ran; the division targets replace it.
 */
export function assessmentTargetTable(): string[] {
  const levels = ['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE'];
  return [
    `create table assessment_target (
      indicator text not null,
      level text not null,
      target numeric(6, 4) not null check (target >= 0 and target <= 1),
      updated_at timestamptz not null default now(),
      updated_by text not null default 'default',
      primary key (indicator, level)
    )`,
    `insert into assessment_target (indicator, level, target) values ${INDICATORS.flatMap((i) => levels.map((l) => `('${i}', '${l}', ${DEFAULT_TARGETS[i]})`)).join(', ')}`,
  ];
}
