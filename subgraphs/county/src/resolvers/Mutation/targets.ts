import { parseTargetDivision, parseTargetRate, parseTargetYear } from '../../../../../domain/assessment.ts';
import { hasScope, inJurisdiction, type Caller } from '../../../../../platform/caller.ts';
import { forbidden, notFound } from '../../../../../domain/errors.ts';
import { divisionName } from '../../../../../domain/divisions.ts';
import { delivered, emit } from '../../../../../platform/events.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { assessmentTargets, type AssessmentTargetRow, type TargetKey } from '../../store/assessment-target.ts';
import { scopeNamed } from '../../../../../domain/labels.ts';
import { writeTransaction } from '../../../../../platform/write-transaction.ts';

/**
 * Who may change a division's target (docs/ARCHITECTURE.md "Assessment"): a
 * caller with `admin` whose jurisdiction holds the division. A township sets
 * its own and its villages' targets, never its county's, its province's or
 * another township's; those it can only inherit.
 */
function requireTargetAdmin(caller: Caller): void {
  if (!hasScope(caller, 'admin')) {
    throw forbidden(
      { zh: `设置或清除考核目标需要${scopeNamed('admin')}权限。`, en: 'Setting or clearing assessment targets needs the "admin" scope.' },
      { scope: 'admin' },
    );
  }
}

function requireTargetJurisdiction(caller: Caller, divisionCode: string): void {
  if (!inJurisdiction(caller, divisionCode)) {
    const own = caller.jurisdiction || '—';
    throw forbidden(
      {
        zh: `区划 ${divisionCode} 不在您的辖区（${own}）内：只能为本辖区及其下级区划设置考核目标，上级和其他区划的目标只能继承。`,
        en: `Division ${divisionCode} is outside your jurisdiction (${own}): you set targets for your jurisdiction and the divisions under it; others' targets you can only inherit.`,
      },
      { jurisdiction: caller.jurisdiction, divisionCode },
    );
  }
}

/** The target a mutation names (BAD_USER_INPUT for a malformed division code or year). */
function keyOf(a: { indicator: string; divisionCode: string; year: number }): TargetKey {
  return { indicator: a.indicator, divisionCode: parseTargetDivision(a.divisionCode), year: parseTargetYear(a.year) };
}

/** The event that tells the village subgraph (which measures divisions against targets); the receiver acts within the target's division. */
function targetEvent(t: AssessmentTargetRow, target: number | null, by: string) {
  return { divisionCode: t.divisionCode, year: t.year, indicator: t.indicator, target, by, at: new Date().toISOString(), countyCode: t.divisionCode };
}

export const targetMutations: Pick<MutationResolvers, 'setAssessmentTarget' | 'clearAssessmentTarget'> = {
  setAssessmentTarget: async (_, a, ctx) => {
    requireTargetAdmin(ctx.caller);
    const key = keyOf(a);
    const target = parseTargetRate(a.target);
    requireTargetJurisdiction(ctx.caller, key.divisionCode);
    // A well-formed code that names no division (a typo) would be stored as a target no division ever meets.
    if (!divisionName(key.divisionCode)) {
      throw notFound(
        { zh: `全国区划目录中没有代码为 ${key.divisionCode} 的区划。`, en: `No division ${key.divisionCode} in the national directory.` },
        { argument: 'divisionCode' },
      );
    }
    const row = await writeTransaction(ctx.em, async (em) => {
      const r = await assessmentTargets.set(em, { ...key, target, by: ctx.caller.subject });
      // The change and its event commit together (outbox), so the village's copy never misses one.
      await emit(em, 'village', 'target.set', targetEvent(r, r.target, ctx.caller.subject));
      return r;
    });
    await delivered(ctx.relay);
    return row;
  },
  clearAssessmentTarget: async (_, a, ctx) => {
    requireTargetAdmin(ctx.caller);
    const key = keyOf(a);
    requireTargetJurisdiction(ctx.caller, key.divisionCode);
    const removed = await writeTransaction(ctx.em, async (em) => {
      const r = await assessmentTargets.clear(em, key);
      if (r) await emit(em, 'village', 'target.set', targetEvent(r, null, ctx.caller.subject));
      return r;
    });
    if (removed) await delivered(ctx.relay);
    return removed !== null;
  },
};
