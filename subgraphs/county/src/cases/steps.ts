import { delivered } from '../../../../platform/events.ts';
import { takeStep, type CaseAction } from '../../../../domain/case-engine.ts';
import { assignNote, DISPUTE_OUTCOME_ZH } from '../../../../domain/labels.ts';
import { inJurisdiction, requireCentreDesk, requireWriteScope } from '../../../../platform/caller.ts';
import { forbidden, notFound } from '../../../../domain/errors.ts';
import { scopeNamed } from '../../../../domain/labels.ts';
import { disputeId, optStepNote, stepNote, text } from '../../../../platform/validate.ts';
import type { CountyContext } from '../context.ts';
import type {
  MutationAcceptCountyCaseArgs,
  MutationAssignCountyCaseArgs,
  MutationRecordCountyMediationArgs,
  MutationResolveCountyCaseArgs,
  MutationReturnCountyCaseArgs,
} from '../generated/resolvers.ts';
import { countyCases, type CountyCaseRow } from '../store/county-case.ts';
import { countyStorage, type CountyExtras } from './storage.ts';
import { writeTransaction } from '../../../../platform/write-transaction.ts';

/**
 * The county's steps of the case loop: what each takes from its arguments
 * and sets besides the status. The engine (domain/case-engine.ts `takeStep`)
 * checks, orders, times and records every one the same way.
 */
async function countyStep(
  ctx: CountyContext,
  id: string,
  version: number,
  action: CaseAction,
  note: string | null,
  extras?: (at: Date) => CountyExtras,
  sent?: unknown,
  check?: (c: CountyCaseRow) => void,
) {
  // A caller without `write` is refused whatever the id names: trying ids tells it nothing of the county's cases.
  requireWriteScope(ctx.caller);
  const key = disputeId(id, 'disputeId');
  const { record } = await writeTransaction(ctx.em, (em) =>
    takeStep<CountyCaseRow>(
      countyStorage(em, {
        action,
        actor: ctx.caller.name || ctx.caller.subject,
        note,
        extras,
        sent,
        lock: async () => {
          const c = await countyCases.lock(em, key);
          if (!c || !inJurisdiction(ctx.caller, c.villageCode)) {
            throw notFound({ zh: `没有矛盾纠纷 ${id} 的县级案件。`, en: `No county case for dispute ${id}.` }, { argument: 'disputeId' });
          }
          requireCentreDesk(ctx.caller, c.countyCode);
          check?.(c);
          return c;
        },
      }),
      action,
      version,
    ),
  );
  await delivered(ctx.relay);
  return record;
}

export const acceptCountyCase = (ctx: CountyContext, a: MutationAcceptCountyCaseArgs) =>
  countyStep(ctx, a.disputeId, a.version, 'ACCEPT', optStepNote(a.note, 'note'));

export function assignCountyCase(ctx: CountyContext, a: MutationAssignCountyCaseArgs) {
  const assignee = text(a.assignee, 'assignee', 100);
  return countyStep(ctx, a.disputeId, a.version, 'ASSIGN', assignNote(assignee, optStepNote(a.note, 'note')), () => ({ assignee }));
}

export const recordCountyMediation = (ctx: CountyContext, a: MutationRecordCountyMediationArgs) =>
  countyStep(ctx, a.disputeId, a.version, 'MEDIATE', stepNote(a.note, 'note'));

export function resolveCountyCase(ctx: CountyContext, a: MutationResolveCountyCaseArgs) {
  const note = optStepNote(a.note, 'note') ?? DISPUTE_OUTCOME_ZH[a.outcome] ?? a.outcome;
  return countyStep(ctx, a.disputeId, a.version, 'RESOLVE', note, (at) => ({ outcome: a.outcome, resolvedAt: at }), [note, a.outcome]);
}

/**
 * 退回乡镇办理: the 综治中心 sends a case the township could settle (大事不出乡)
 * back to it, with the reason (1–500 characters), from receipt until it
 * resolves the case. The county calls on no department (吹哨 is the
 * township's), so nothing is left open behind it. Whether the township could
 * settle it is the county desk's own judgment: only a caller of the case's own
 * county returns it, not one of a level above that may otherwise act at the
 * county. The township's new settle deadline travels with the step.
 */
export function returnCountyCase(ctx: CountyContext, a: MutationReturnCountyCaseArgs) {
  const reason = stepNote(a.reason, 'reason', 500);
  return countyStep(ctx, a.disputeId, a.version, 'RETURN', reason, undefined, undefined, (c) => {
    if (ctx.caller.jurisdiction !== c.countyCode) {
      throw forbidden(
        {
          zh: `退回乡镇由案件所在县（${c.countyCode}）的综治中心办理，需要该县具有${scopeNamed('write')}权限的令牌。`,
          en: `Returning a case to its township is the desk's of its county (${c.countyCode}), with that county's token and the "write" scope.`,
        },
        { jurisdiction: ctx.caller.jurisdiction },
      );
    }
  });
}
