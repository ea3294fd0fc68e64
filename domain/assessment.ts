/**
 * Assessment targets (考核): per indicator and division level. The county
 * subgraph keeps them (admins edit them there) and replicates every change to
 * the village subgraph, which holds the facts to measure them against.
 */
export const INDICATORS = ['RESOLUTION_RATE', 'ON_TIME_RATE', 'SATISFACTION_RATE', 'HOUSEHOLD_COVERAGE', 'GRID_STAFFING_RATE'] as const;
export type Indicator = (typeof INDICATORS)[number];
export const TARGET_LEVELS = ['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE'] as const;

/** Default targets, the same at every level (a province may tighten its own). */
export const DEFAULT_TARGETS: Record<Indicator, number> = {
  RESOLUTION_RATE: 0.95,
  ON_TIME_RATE: 0.9,
  SATISFACTION_RATE: 0.9,
  HOUSEHOLD_COVERAGE: 0.9,
  GRID_STAFFING_RATE: 0.95,
};

export function assessmentTargetTable(): string[] {
  return [
    `create table assessment_target (
      indicator text not null,
      level text not null,
      target numeric(6, 4) not null check (target >= 0 and target <= 1),
      updated_at timestamptz not null default now(),
      updated_by text not null default 'default',
      primary key (indicator, level)
    )`,
    `insert into assessment_target (indicator, level, target) values ${INDICATORS.flatMap((i) => TARGET_LEVELS.map((l) => `('${i}', '${l}', ${DEFAULT_TARGETS[i]})`)).join(', ')}`,
  ];
}
