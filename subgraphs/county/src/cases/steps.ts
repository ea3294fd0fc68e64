import { delivered } from '../../../../platform/events.ts';
import { takeStep, type CaseAction } from '../../../../domain/case-engine.ts';
import { assignNote, DISPUTE_OUTCOME_ZH } from '../../../../domain/labels.ts';
import { inJurisdiction, requireWrite } from '../../../../platform/caller.ts';
import { notFound } from '../../../../domain/errors.ts';
import { disputeId, optStepNote, stepNote, text } from '../../../../platform/validate.ts';
import type { CountyContext } from '../context.ts';
import type {
  MutationAcceptCountyCaseArgs,
  MutationAssignCountyCaseArgs,
  MutationRecordCountyMediationArgs,
  MutationResolveCountyCaseArgs,
} from '../generated/resolvers.ts';
import { countyCases, type CountyCaseRow } from '../store/county-case.ts';
import { countyStorage, type CountyExtras } from './storage.ts';

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
) {
  const key = disputeId(id, 'disputeId');
  const { record } = await ctx.em.transactional((em) =>
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
          // County-level handling needs a county-level (or higher) caller.
          requireWrite(ctx.caller, c.countyCode);
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
