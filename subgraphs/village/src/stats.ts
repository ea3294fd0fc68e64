import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { lazyLoaders, loaderPer } from '../../../platform/loaders.ts';
import { periodBounds, type Period } from '../../../domain/periods.ts';
import {
  disputeCaseCounts,
  disputeSums,
  forcesSums,
  gridPopulation,
  gridStaffing,
  hazardCounts,
  patrolKindSums,
  patrolSums,
  populationSums,
  type HazardsRow,
} from './store/stats.ts';
import { HAZARD_SOURCES, type HazardSource } from '../../../domain/hazards.ts';
import { PATROL_KINDS, type PatrolTeamKind } from '../../../domain/patrol-kinds.ts';
import { RequestVersions } from './stats-versions.ts';
import { TAGS, type Tag } from '../../../domain/tags.ts';
import { levelOf } from '../../../domain/codes.ts';
import type { PeriodScope } from '../../../platform/period-fields.ts';

/**
 * Statistics of any division (village 12, township 9, county 6, prefecture 4,
 * province 2 digits), contributed by the village subgraph, which holds the
 * raw facts. Figures are summed by code prefix from the per-village roll-ups
 * (kept equal to the raw facts by triggers, see Migration...Rollups), so a
 * parent always equals the sum of its children and a province costs what a
 * village does. A batch costs one statement per code length, whatever the
 * number of divisions in it. The statements are in store/stats.ts.
 *
 * Computed figures are kept for the whole process (docs/ARCHITECTURE.md,
 * "Cached statistics"): an entry is used while the versions of the roll-ups
 * under its division are the ones it was computed at, which every read checks
 * in PostgreSQL (stats-versions.ts: at most two statements per batch, whatever
 * the kinds and divisions), so writes through any replica are seen by the
 * next read. Statistics hold
 * no personal data: an entry serves every caller, and the resolvers check
 * each caller's access before they ask (resolvers/lists/stats.ts).
 */
export interface PopulationFigures {
  residents: number;
  households: number;
  floating: number;
  houses: number;
  addresses: number;
  /** Residents per tag, every tag listed; empty when withheld from the caller (`withholdsTagsFrom`, platform/caller.ts). */
  byTag: { tag: Tag; count: number }[];
  /** True when `byTag` is withheld from the caller asking, as it is from a report-only caller below the township. */
  byTagWithheld: boolean;
}

export interface ForcesFigures {
  grids: number;
  gridWorkers: number;
  gridsFullyStaffed: number;
  jointDefenseGroups: number;
  householdsInGroups: number;
  /** Households under the division: what the coverage counts over. */
  households: number;
  householdCoverage: number;
  patrolTeams: number;
  patrolMembers: number;
}

/**
 * Forces figures as the schema's `Forces` carries them: with their division, for the figures asked of it alone
 * (`patrolByKind`). They are kept with it, so a resolver hands on the loaded figures as they are.
 */
export type ForcesOf = ForcesFigures & { code: string };

/** Patrol teams and their members of each kind under a division (`Forces.patrolByKind`), every kind listed. */
export interface PatrolKindFigures {
  byKind: { kind: PatrolTeamKind; teams: number; members: number }[];
}

/** Every kind in the schema's order, 0 where a division has no team of it. */
const kindCounts = (rows: readonly { kind: string; teams: number; members: number }[]): PatrolKindFigures['byKind'] =>
  PATROL_KINDS.map((kind) => {
    const found = rows.find((r) => r.kind === kind);
    return { kind, teams: found?.teams ?? 0, members: found?.members ?? 0 };
  });

/** Which division and period a figures object is for (so `previous` and `yearAgo` can follow). */

/** The sums over day rows the patrol figures are made of: a township's are its villages' added up (see `summedFromVillages`). */
const PATROL_COUNTS = ['patrols', 'patrolSeconds', 'hazardsFound', 'hazardsRectified'] as const;
type PatrolCounts = Record<(typeof PATROL_COUNTS)[number], number>;

export interface PatrolFigures extends PeriodScope {
  patrols: number;
  patrolHours: number;
  hazardsFound: number;
  hazardsRectified: number;
  /** The sums the figures are made of. */
  counts: PatrolCounts;
}

/** Runs `fetch` once per code length present in `codes`; returns the figures of each code, in order (`empty(code)` where it has no row). */
function perLevel<T>(fetch: (len: number, codes: string[]) => Promise<(T & { k: string })[]>, empty: (code: string) => T) {
  return async (codes: readonly string[]): Promise<T[]> => {
    const byLen = new Map<number, string[]>();
    for (const c of codes) {
      const list = byLen.get(c.length);
      if (list) list.push(c);
      else byLen.set(c.length, [c]);
    }
    const found = new Map<string, T>();
    await Promise.all(
      [...byLen].map(async ([len, list]) => {
        for (const row of await fetch(len, list)) found.set(row.k, row);
      }),
    );
    return codes.map((c) => found.get(c) ?? empty(c));
  };
}

/** Population and forces follow village_rollup (`counts`), patrols and disputes village_day_rollup (`days`). */
type Basis = 'counts' | 'days';

/** Most entries a kind of figures keeps (two generations of half as many, see FiguresCache). */
const STATS_CACHE_ENTRIES = 20_000;

interface Entry<T> {
  version: string;
  until: number | null;
  figures: Readonly<T>;
}

/**
 * Figures of one kind by division and period, with the version they were
 * computed at. Entries live in two generations: new and used ones go to
 * `young`; when it holds half the limit it becomes `old` and the former old
 * is dropped, so whatever was not used for a generation goes. A Map keeps
 * deleted entries as holes until it is rebuilt, and an exact LRU (delete and
 * re-insert on every use, drop the first key per insert) made every lookup
 * and eviction walk them: 5–6% of the village subgraph's time in drill-downs
 * of new periods.
 */
class FiguresCache<T> {
  /** Period key → division code → entry: no key string is built per division and lookup. */
  private young = new Map<string, Map<string, Entry<T>>>();
  private old = new Map<string, Map<string, Entry<T>>>();
  private youngEntries = 0;
  /** Which roll-up's version the figures follow. */
  readonly basis: Basis;
  constructor(basis: Basis) {
    this.basis = basis;
  }

  /** The figures of `code` for `period` if computed at `version` and, for figures that follow the clock, still valid at `now` (epoch ms). */
  get(period: string, code: string, version: string, now: number): Readonly<T> | undefined {
    let e = this.young.get(period)?.get(code);
    if (e === undefined) {
      e = this.old.get(period)?.get(code);
      if (e === undefined) return undefined;
      this.keep(period, code, e);
    }
    if (e.version !== version || (e.until !== null && now >= e.until)) return undefined;
    return e.figures;
  }

  set(period: string, code: string, version: string, until: number | null, figures: T): void {
    this.keep(period, code, { version, until, figures: Object.freeze(figures) });
  }

  private keep(period: string, code: string, e: Entry<T>): void {
    let byCode = this.young.get(period);
    if (byCode === undefined) this.young.set(period, (byCode = new Map()));
    if (!byCode.has(code)) this.youngEntries++;
    byCode.set(code, e);
    if (this.youngEntries >= STATS_CACHE_ENTRIES / 2) {
      this.old = this.young;
      this.young = new Map();
      this.youngEntries = 0;
    }
  }
}

/** The sums over day rows the dispute figures (their rates too) are made of. */
const DISPUTE_COUNTS = ['reported', 'resolved', 'atVillage', 'atTownship', 'atCounty', 'toTownship', 'toCounty', 'onTime', 'rated', 'satisfied'] as const;
type DisputeCounts = Record<(typeof DISPUTE_COUNTS)[number], number>;

/** Dispute figures of a division for a period, summed from the daily roll-ups: they follow the versions only. */
export interface DisputeFigures extends PeriodScope {
  reported: number;
  resolved: number;
  resolutionRate: number;
  resolvedAtVillage: number;
  resolvedAtTownship: number;
  resolvedAtCounty: number;
  escalatedToTownship: number;
  escalatedToCounty: number;
  open: number;
  onTimeRate: number;
  resolvedOnTime: number;
  satisfactionRate: number;
  satisfied: number;
  escalationRate: number;
  rated: number;
  /** The sums the figures are made of. */
  counts: DisputeCounts;
}

/**
 * The figures counted from a division's cases themselves, not the roll-ups: overdue follows the clock as well as
 * the writes. Kept apart from DisputeFigures, so a read that asks neither (the drill-downs, the assessments) never
 * counts them and its figures are not recomputed when a deadline passes.
 */
export interface DisputeCaseFigures {
  overdue: number;
  /** Cases reopened at least once after an unsatisfied rating. */
  rehandled: number;
  /** Reports declined at intake (不予受理), counted in no other figure. */
  declined: number;
  /** Cases whose parties were contacted after the contact deadline, or awaiting 受理 past it (Dispute.contactLate). */
  contactLate: number;
  /** When `overdue` (and `contactLate`, which a case awaiting 受理 joins as it falls overdue) next changes without a write (a counted case's deadline passes), epoch ms on the database's clock; null: never. */
  overdueUntil: number | null;
}

const rate = (part: number, whole: number) => (whole ? part / whole : 0);

/** Where a period's hazards stand now: of one source, or of all. */
interface HazardCounts {
  reported: number;
  open: number;
  awaitingVerification: number;
  verified: number;
}

/** Hazard figures of a division for a period (`HazardStats`), from every source. */
export interface HazardFigures extends PeriodScope, HazardCounts {
  rectificationRate: number;
  bySource: (HazardCounts & { source: HazardSource })[];
}

/** A division's hazard figures from its rows by source (every source listed, 0 where it has none). */
function hazardFigures(rows: readonly HazardsRow[]): HazardFigures {
  const bySource = HAZARD_SOURCES.map((source) => {
    const r = rows.find((x) => x.source === source);
    return { source, reported: r?.reported ?? 0, open: r?.open ?? 0, awaitingVerification: r?.awaitingVerification ?? 0, verified: r?.verified ?? 0 };
  });
  const total = (key: keyof HazardCounts) => bySource.reduce((n, x) => n + x[key], 0);
  const reported = total('reported');
  const awaitingVerification = total('awaitingVerification');
  const verified = total('verified');
  return { reported, open: total('open'), awaitingVerification, verified, rectificationRate: rate(awaitingVerification + verified, reported), bySource };
}

/**
 * The process's figures. Overdue disputes also follow the clock: dispute
 * figures are kept until the first deadline of a counted case passes.
 */
const CACHE = {
  population: new FiguresCache<PopulationFigures>('counts'),
  forces: new FiguresCache<ForcesOf>('counts'),
  patrol: new FiguresCache<InPeriod<PatrolFigures>>('days'),
  disputes: new FiguresCache<InPeriod<DisputeFigures>>('days'),
  disputeCases: new FiguresCache<InPeriod<DisputeCaseFigures>>('days'),
  /** Counted from the hazards, whose every write of a column counted there refreshes their village's day rows (…98RollupDaysCountedColumns). */
  hazards: new FiguresCache<InPeriod<HazardFigures>>('days'),
  /** A grid's 1+3+N staffing (by grid code), which village_rollup counts: it follows its village's `counts`. */
  staffing: new FiguresCache<boolean>('counts'),
  /** A grid's population (by grid code), counted from the records its village's roll-up counts: it follows the village's `counts`. */
  gridPopulation: new FiguresCache<PopulationFigures>('counts'),
  /** Asked for only when a caller selects it (a second statement beside the forces' sums). */
  patrolKinds: new FiguresCache<PatrolKindFigures>('counts'),
};

/**
 * A loader of figures by division code that answers from `cache` while the
 * division's version (from `versions`, this request's loader) is unchanged
 * and the database's clock is before the figures' `until`, and computes only
 * the others, with `compute` (one batch).
 */
function cachedLoader<T>(
  cache: FiguresCache<T>,
  period: string,
  versions: RequestVersions,
  compute: (codes: readonly string[]) => Promise<T[]>,
  until: (figures: T) => number | null = () => null,
  /** The division whose version `code`'s figures follow (a grid's are its village's). */
  versionOf?: (code: string) => string,
): DataLoader<string, T> {
  return new DataLoader<string, T>(async (codes) => {
    // The versions are read before the figures: a write committed in between leaves an entry older than
    // its figures (recomputed next time), never figures older than their version.
    const seen = await versions.of(versionOf ? codes.map(versionOf) : codes);
    const out = codes.map((c, i) => cache.get(period, c, seen[i]![cache.basis], versions.now));
    const missing = codes.flatMap((c, i) => (out[i] === undefined ? [i] : []));
    if (missing.length) {
      const fresh = await compute(missing.map((i) => codes[i]!));
      missing.forEach((i, j) => {
        cache.set(period, codes[i]!, seen[i]![cache.basis], until(fresh[j]!), fresh[j]!);
        out[i] = fresh[j]!;
      });
    }
    return out as T[];
  });
}

/** A township's village codes. */
export type VillagesOf = (township: string) => Promise<readonly string[]>;

/** A period's figures by division code: what the resolvers load. */
export interface FiguresOf<T> {
  load(code: string): Promise<T>;
}

/**
 * Figures with the division and period they are of, which the statistics types' `from`, `to`, `previous` and
 * `yearAgo` read. They are kept with them, so a resolver hands on the loaded figures as they are.
 */
export type InPeriod<T> = T & { code: string; period: Period };

/** Marks newly computed figures (not yet kept, so not frozen) as those of `code` for `period`. */
function placed<T extends object>(figures: T, code: string, period: Period): InPeriod<T> {
  const f = figures as InPeriod<T>;
  f.code = code;
  f.period = period;
  return f;
}

/**
 * What figures for a period are kept and loaded by: its dates and how it was given (`months`, `touches`), which
 * `previous` steps by, so the period kept with the figures is the one asked for.
 */
const periodKey = (p: Period): string => `${p.from}|${p.to}|${p.months ?? ''}|${p.touches ?? ''}`;

/**
 * Figures kept in `cache` with one loader per period: `fetch` computes a
 * level's divisions for the period, `empty` those with no row.
 *
 * With `fromVillages`, a township's figures are made from its villages'
 * (`villagesOf`: the request's directory of villages by township, the one
 * `Township.villages` reads). A township's day sums are its villages', so a
 * drill-down that asks a county's townships and then their villages reads
 * the day roll-up once, at village level, not once per level (two statements
 * over the same day rows), and the villages' figures are then kept for when
 * they are asked. Townships have a loader of their own, which waits on the
 * villages' loader: in one loader, a batch holding a township and one of its
 * villages would wait on itself. The township's entry is kept as every
 * other, checked against its fingerprint, read before its villages' figures.
 */
function periodFigures<T extends object>(
  versions: RequestVersions,
  cache: FiguresCache<InPeriod<T>>,
  fetch: (len: number, codes: string[], from: string, to: string) => Promise<(T & { k: string })[]>,
  empty: () => T,
  kind: { until?: (figures: T) => number | null; fromVillages?: (villages: readonly T[]) => T } = {},
): (period: Period, villagesOf: VillagesOf) => FiguresOf<InPeriod<T>> {
  const { until, fromVillages } = kind;
  const per = loaderPer((key: string, period: Period, villagesOf: VillagesOf): FiguresOf<InPeriod<T>> => {
    const { from, to } = period;
    const compute = perLevel<T>((len, codes) => fetch(len, codes, from, to), empty);
    const levels = cachedLoader(
      cache,
      key,
      versions,
      async (codes) => (await compute(codes)).map((f, i) => placed(f, codes[i]!, period)),
      until,
      // A grid's figures (hazards) follow its village's version: every write of a grid's records is its village's.
      (code) => code.slice(0, 12),
    );
    if (!fromVillages) return levels;
    const townships = cachedLoader(
      cache,
      key,
      versions,
      (codes) =>
        Promise.all(codes.map(async (code) => placed(fromVillages(await Promise.all((await villagesOf(code)).map((v) => levels.load(v)))), code, period))),
      until,
    );
    return { load: (code) => (levelOf(code) === 'TOWNSHIP' ? townships : levels).load(code) };
  });
  // A drill-down asks for one period object (resolvePeriod keeps them) for each of its divisions.
  let last: { period: Period; loader: FiguresOf<InPeriod<T>> } | undefined;
  return (period, villagesOf) => {
    if (last?.period !== period) last = { period, loader: per(periodKey(period), period, villagesOf) };
    return last.loader;
  };
}

function zero<K extends string>(keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of keys) out[key] = 0;
  return out;
}

/** The sum of each of `keys` over `all`. */
function addUp<K extends string>(keys: readonly K[], all: readonly Record<K, number>[]): Record<K, number> {
  const out = zero(keys);
  for (const counts of all) for (const key of keys) out[key] += counts[key];
  return out;
}

const patrolFigures = (counts: PatrolCounts): PatrolFigures => ({
  patrols: counts.patrols,
  patrolHours: counts.patrolSeconds / 3600,
  hazardsFound: counts.hazardsFound,
  hazardsRectified: counts.hazardsRectified,
  counts,
});

const disputeFigures = (counts: DisputeCounts): DisputeFigures => ({
  reported: counts.reported,
  resolved: counts.resolved,
  resolutionRate: rate(counts.resolved, counts.reported),
  resolvedAtVillage: counts.atVillage,
  resolvedAtTownship: counts.atTownship,
  resolvedAtCounty: counts.atCounty,
  escalatedToTownship: counts.toTownship,
  escalatedToCounty: counts.toCounty,
  open: counts.reported - counts.resolved,
  onTimeRate: rate(counts.onTime, counts.resolved),
  resolvedOnTime: counts.onTime,
  satisfactionRate: rate(counts.satisfied, counts.rated),
  satisfied: counts.satisfied,
  escalationRate: rate(counts.toTownship, counts.reported),
  rated: counts.rated,
  counts,
});

/**
 * Per-period figures made from day sums (`sums` counts `keys` for each code
 * of a level): rows become figures through `make`, codes with no row the
 * figures of zero counts, and a township's the figures of its villages'
 * counts added up.
 */
function daySumFigures<K extends string, T extends { counts: Record<K, number> }>(
  versions: RequestVersions,
  cache: FiguresCache<InPeriod<T>>,
  keys: readonly K[],
  make: (counts: Record<K, number>) => T,
  sums: (db: EntityManager, len: number, codes: readonly string[], from: string, to: string) => Promise<(Record<K, number> & { k: string })[]>,
) {
  return periodFigures<T>(
    versions,
    cache,
    async (len, codes, from, to) => (await sums(versions.em, len, codes, from, to)).map((row) => Object.assign(make(row), { k: row.k })),
    () => make(zero(keys)),
    {
      fromVillages: (villages) =>
        make(
          addUp(
            keys,
            villages.map((v) => v.counts),
          ),
        ),
    },
  );
}

/** A request's statistics loaders, each made when first used; all of them read the versions through one `RequestVersions`. */
const statsLoaders = lazyLoaders<RequestVersions>()({
  population: (versions) =>
    cachedLoader(
      CACHE.population,
      '',
      versions,
      perLevel<PopulationFigures>(
        async (len, codes) =>
          (await populationSums(versions.em, len, codes)).map((r) => {
            const tags = r.tags ?? {};
            return {
              k: r.k,
              residents: r.residents,
              households: r.households,
              floating: r.floating,
              houses: r.houses,
              addresses: r.addresses,
              byTag: TAGS.map((tag) => ({ tag, count: tags[tag] ?? 0 })),
              byTagWithheld: false,
            };
          }),
        () => ({ residents: 0, households: 0, floating: 0, houses: 0, addresses: 0, byTag: TAGS.map((tag) => ({ tag, count: 0 })), byTagWithheld: false }),
      ),
    ),
  patrolKinds: (versions) =>
    cachedLoader(
      CACHE.patrolKinds,
      '',
      versions,
      perLevel<PatrolKindFigures>(
        async (len, codes) => {
          const rows = await patrolKindSums(versions.em, len, codes);
          return codes.map((k) => ({ k, byKind: kindCounts(rows.filter((r) => r.k === k)) }));
        },
        () => ({ byKind: kindCounts([]) }),
      ),
    ),
  forces: (versions) =>
    cachedLoader(
      CACHE.forces,
      '',
      versions,
      perLevel<ForcesOf>(
        async (len, codes) =>
          (await forcesSums(versions.em, len, codes)).map((r) => ({
            k: r.k,
            code: r.k,
            grids: r.grids,
            gridWorkers: r.gridWorkers,
            gridsFullyStaffed: r.gridsFullyStaffed,
            jointDefenseGroups: r.jointDefenseGroups,
            householdsInGroups: r.householdsInGroups,
            households: r.households,
            householdCoverage: r.households ? r.householdsInGroups / r.households : 0,
            patrolTeams: r.patrolTeams,
            patrolMembers: r.patrolMembers,
          })),
        (code) => ({
          code,
          grids: 0,
          gridWorkers: 0,
          gridsFullyStaffed: 0,
          jointDefenseGroups: 0,
          householdsInGroups: 0,
          households: 0,
          householdCoverage: 0,
          patrolTeams: 0,
          patrolMembers: 0,
        }),
      ),
    ),
  /** One loader per period, so divisions asked for the same period share one statement; a township's are its villages' added up. */
  patrolStats: (versions) => daySumFigures(versions, CACHE.patrol, PATROL_COUNTS, patrolFigures, patrolSums),
  /**
   * Dispute figures for cases reported in the period; the rates come from
   * the same counts (resolutionRate = resolved / reported), and a township's
   * counts are its villages' added up.
   */
  disputeStats: (versions) => daySumFigures(versions, CACHE.disputes, DISPUTE_COUNTS, disputeFigures, disputeSums),
  /** Overdue, re-handled and late-contacted cases among those reported in the period, kept until the first counted deadline passes. */
  disputeCases: (versions) =>
    periodFigures<DisputeCaseFigures>(
      versions,
      CACHE.disputeCases,
      (len, codes, from, to) => disputeCaseCounts(versions.em, len, codes, ...periodBounds(from, to)),
      () => ({ overdue: 0, rehandled: 0, declined: 0, contactLate: 0, overdueUntil: null }),
      { until: (f) => f.overdueUntil },
    ),
  /** Hazards reported in the period, by source and by where they stand now, counted from the hazards (store/stats.ts). */
  hazardStats: (versions) =>
    periodFigures<HazardFigures>(
      versions,
      CACHE.hazards,
      async (len, codes, from, to) => {
        const rows = await hazardCounts(versions.em, len, codes, ...periodBounds(from, to));
        return codes.map((k) => Object.assign(hazardFigures(rows.filter((r) => r.k === k)), { k }));
      },
      () => hazardFigures([]),
    ),
  /** Grid code → its population. */
  gridPopulation: (versions) =>
    cachedLoader(
      CACHE.gridPopulation,
      '',
      versions,
      async (grids) => {
        const by = new Map((await gridPopulation(versions.em, grids)).map((r) => [r.gridCode, r]));
        return grids.map((g) => {
          const r = by.get(g);
          const tags = r?.tags ?? {};
          return {
            residents: r?.residents ?? 0,
            households: r?.households ?? 0,
            floating: r?.floating ?? 0,
            houses: r?.houses ?? 0,
            addresses: r?.addresses ?? 0,
            byTag: TAGS.map((tag) => ({ tag, count: tags[tag] ?? 0 })),
            byTagWithheld: false,
          };
        });
      },
      () => null,
      (grid) => grid.slice(0, 12),
    ),
  /** Grid code → whether it has the full 1+3+N staffing. */
  fullyStaffed: (versions) =>
    cachedLoader(
      CACHE.staffing,
      '',
      versions,
      async (grids) => {
        const by = new Map((await gridStaffing(versions.em, grids)).map((r) => [r.gridCode, r.fully]));
        return grids.map((g) => by.get(g) ?? false);
      },
      () => null,
      (grid) => grid.slice(0, 12),
    ),
});

/** A request's statistics loaders, read with its entity manager. */
export const createStatsLoaders = (em: EntityManager) => statsLoaders(new RequestVersions(em));
