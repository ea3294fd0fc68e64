import DataLoader from 'dataloader';
import { periodBounds, type Period } from '../../../domain/periods.ts';
import type { Db } from '../../../platform/sql.ts';
import { dispatches } from './store/dispatch.ts';

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
}

/** The figures of one division (`code`) for one period, as the DispatchStats type resolves them (its comparisons load their own). */
export interface DispatchFigures extends DispatchCounts {
  code: string;
  period: Period;
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
};

/**
 * Dispatch figures of townships and counties for one period (inclusive dates,
 * China Standard Time days): the divisions of one level asked for in a
 * request share one set-based statement.
 */
export function dispatchStatsLoader(db: Db, from: string, to: string): DataLoader<string, DispatchCounts> {
  const [start, end] = periodBounds(from, to);
  return new DataLoader<string, DispatchCounts>(async (codes) => {
    const found = new Map<string, DispatchCounts>();
    const townships = codes.filter((c) => c.length === 9);
    const counties = codes.filter((c) => c.length === 6);
    const sums = await Promise.all([
      townships.length ? dispatches.sums(db, 'TOWNSHIP', townships, start, end) : [],
      counties.length ? dispatches.sums(db, 'COUNTY', counties, start, end) : [],
    ]);
    // A dispatch still within its report deadline is neither on time nor late yet: it waits outside the rate.
    for (const { answerDue, ...r } of sums.flat()) found.set(r.k, { ...r, onTimeRate: answerDue ? r.reportedOnTime / answerDue : 0 });
    return codes.map((c) => found.get(c) ?? NONE);
  });
}
