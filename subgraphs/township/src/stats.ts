import DataLoader from 'dataloader';
import { DEPARTMENTS, departmentName, isDepartmentKind } from '../../../domain/departments.ts';
import { divisionName } from '../../../domain/divisions.ts';
import { periodBounds, type Period } from '../../../domain/periods.ts';
import type { Db } from '../../../platform/sql.ts';
import { dispatches, type DispatchSums } from './store/dispatch.ts';

/** 吹哨报到统计: dispatches made in a period and how departments answered them against their deadlines. */
export interface DispatchCounts {
  dispatched: number;
  acknowledged: number;
  acknowledgedOnTime: number;
  reported: number;
  reportedOnTime: number;
  overdue: number;
  withdrawn: number;
  /** Reported on time / dispatches whose answer was due or given (0 when none). */
  onTimeRate: number;
  /** Dispatches whose answer was given, withdrawn or is past its report deadline: what onTimeRate is a share of. */
  answerDue: number;
  /** Dispatches whose 报到 was given, or whose acknowledge deadline passed while open: what acknowledgedOnTime is a share of. */
  acknowledgeDue: number;
}

/** The figures of one division (`code`) for one period, as the DispatchStats type resolves them (its comparisons load their own). */
export interface DispatchFigures extends DispatchCounts {
  code: string;
  period: Period;
}

/** One department's figures within a division's (DepartmentDispatchStats). */
export interface DepartmentDispatchCounts extends DispatchCounts {
  departmentKind: string;
  departmentName: string;
}

const NONE: DispatchCounts = {
  dispatched: 0,
  acknowledged: 0,
  acknowledgedOnTime: 0,
  reported: 0,
  reportedOnTime: 0,
  overdue: 0,
  withdrawn: 0,
  onTimeRate: 0,
  answerDue: 0,
  acknowledgeDue: 0,
};

// A dispatch still within its report deadline is neither on time nor late yet: it waits outside the rate.
const countsOf = (r: Omit<DispatchSums, 'k'>): DispatchCounts => ({
  dispatched: r.dispatched,
  acknowledged: r.acknowledged,
  acknowledgedOnTime: r.acknowledgedOnTime,
  reported: r.reported,
  reportedOnTime: r.reportedOnTime,
  overdue: r.overdue,
  withdrawn: r.withdrawn,
  onTimeRate: r.answerDue ? r.reportedOnTime / r.answerDue : 0,
  answerDue: r.answerDue,
  acknowledgeDue: r.acknowledgeDue,
});

/** The townships' and the counties' among the codes of one request, each level's read by one statement. */
async function byLevel<R>(codes: readonly string[], read: (level: 'TOWNSHIP' | 'COUNTY', codes: string[]) => Promise<R[]>): Promise<R[]> {
  const townships = codes.filter((c) => c.length === 9);
  const counties = codes.filter((c) => c.length === 6);
  const found = await Promise.all([townships.length ? read('TOWNSHIP', townships) : [], counties.length ? read('COUNTY', counties) : []]);
  return found.flat();
}

/**
 * Dispatch figures of townships and counties for one period (inclusive dates,
 * China Standard Time days): the divisions of one level asked for in a
 * request share one set-based statement.
 */
export function dispatchStatsLoader(db: Db, from: string, to: string): DataLoader<string, DispatchCounts> {
  const [start, end] = periodBounds(from, to);
  return new DataLoader<string, DispatchCounts>(async (codes) => {
    const sums = await byLevel(codes, (level, of) => dispatches.sums(db, level, of, start, end));
    const found = new Map(sums.map((r) => [r.k, countsOf(r)]));
    return codes.map((c) => found.get(c) ?? NONE);
  });
}

/**
 * The same figures of each county department, for townships and counties and one period (DispatchStats.byDepartment):
 * every department a 吹哨 can call on is listed, with zeros when it was not called on, so that a department nobody
 * dispatched to still shows in the 吹哨报到 evaluation; in kind order, as County.departments lists them. Split from the
 * same rows as the totals by the same sums, so the departments add up to their division's figures.
 */
export function departmentDispatchStatsLoader(db: Db, from: string, to: string): DataLoader<string, DepartmentDispatchCounts[]> {
  const [start, end] = periodBounds(from, to);
  return new DataLoader<string, DepartmentDispatchCounts[]>(async (codes) => {
    const sums = await byLevel(codes, (level, of) => dispatches.sumsByDepartment(db, level, of, start, end));
    const of = new Map<string, typeof sums>();
    for (const r of sums) of.set(r.k, [...(of.get(r.k) ?? []), r]);
    return codes.map((code) => {
      const county = divisionName(code.slice(0, 6));
      const found = new Map((of.get(code) ?? []).map((r) => [r.kind, r]));
      // Named as County.departments names them; a kind only old dispatches carry keeps the name they carried.
      const kinds = [...new Set([...DEPARTMENTS.map(([kind]) => kind), ...found.keys()])].sort();
      return kinds.map((kind) => {
        const r = found.get(kind);
        return {
          departmentKind: kind,
          departmentName: isDepartmentKind(kind) && county ? departmentName(county, kind) : (r?.name ?? kind),
          ...(r ? countsOf(r) : NONE),
        };
      });
    });
  });
}
