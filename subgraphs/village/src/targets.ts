import DataLoader from 'dataloader';
import { loaderPer } from '../../../platform/loaders.ts';
import type { Db } from '../../../platform/sql.ts';
import { assessmentTargets, type EffectiveTargetRow } from './store/assessment-target.ts';

/** Indicator → the target that applies and the division that set it (absent: the national default). */
export type AppliedTargets = ReadonlyMap<string, EffectiveTargetRow>;

/**
 * The targets that apply to divisions (docs/ARCHITECTURE.md "Assessment"): one
 * loader per assessment year, so every division of a request assessed for the
 * same year shares one statement, whatever their levels.
 */
export function createTargetLoaders(db: Db): (year: number) => DataLoader<string, AppliedTargets> {
  return loaderPer(
    (year: number) =>
      new DataLoader<string, AppliedTargets>(async (codes) => {
        const found = new Map<string, Map<string, EffectiveTargetRow>>();
        for (const r of await assessmentTargets.effective(db, codes, year)) {
          let of = found.get(r.code);
          if (!of) found.set(r.code, (of = new Map()));
          of.set(r.indicator, r);
        }
        return codes.map((c) => found.get(c) ?? new Map());
      }),
  );
}
