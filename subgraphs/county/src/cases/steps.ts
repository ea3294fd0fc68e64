import { inJurisdiction, requireWrite } from '../../../../platform/caller.ts';
import { transition, type LoopAction } from '../../../../domain/dispute-loop.ts';
import type { StepDetail } from '../../../../domain/events.ts';
import { conflict, notFound } from '../../../../platform/errors.ts';
import { emit } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { disputeId, optText, text } from '../../../../platform/validate.ts';
import type { CountyContext } from '../context.ts';
import type { MutationAcceptCountyCaseArgs, MutationAssignCountyCaseArgs, MutationResolveCountyCaseArgs } from '../generated/resolvers.ts';
import { countyCases, type CountyCaseChanges, type CountyCaseRow } from '../store/county-case.ts';

/**
 * The county's steps of the case loop (domain/dispute-loop.ts): each runs in
 * one transaction that changes the case and tells the village record through
 * the outbox.
 */

function toVillage(em: Db, c: CountyCaseRow, step: StepDetail, actor: string, note: string | null) {
  return emit(em, 'village', 'case.step', {
    disputeId: c.disputeId,
    countyCode: c.countyCode,
    level: 'COUNTY',
    at: new Date().toISOString(),
    actor,
    note,
    status: c.status,
    assignee: c.assignee,
    ...step,
  });
}

async function countyStep(
  ctx: CountyContext,
  id: string,
  version: number,
  action: LoopAction,
  step: StepDetail,
  note: string | null,
  sets: Omit<CountyCaseChanges, 'status'> = {},
): Promise<CountyCaseRow> {
  const key = disputeId(id, 'disputeId');
  const row = await ctx.em.transactional(async (em) => {
    const c = await countyCases.lock(em, key);
    if (!c || !inJurisdiction(ctx.caller, c.villageCode)) throw notFound(`No county case for dispute ${id}.`);
    // County-level handling needs a county-level (or higher) caller.
    requireWrite(ctx.caller, c.countyCode);
    const next = transition('COUNTY', c.status, action);
    if (c.version !== version) throw conflict(`The case was changed by someone else (now version ${c.version}, you sent ${version}).`);
    const updated = (await countyCases.step(em, c.disputeId, { status: next, ...sets }))!;
    await toVillage(em, updated, step, ctx.caller.name || ctx.caller.subject, note);
    return updated;
  });
  ctx.relay.nudge();
  return row;
}

export const acceptCountyCase = (ctx: CountyContext, a: MutationAcceptCountyCaseArgs) =>
  countyStep(ctx, a.disputeId, a.version, 'accept', { action: 'ACCEPT' }, optText(a.note, 'note', 2000));

export const assignCountyCase = (ctx: CountyContext, a: MutationAssignCountyCaseArgs) =>
  countyStep(ctx, a.disputeId, a.version, 'assign', { action: 'ASSIGN' }, optText(a.note, 'note', 2000) ?? `→ ${a.assignee}`, {
    assignee: text(a.assignee, 'assignee', 100),
  });

export const resolveCountyCase = (ctx: CountyContext, a: MutationResolveCountyCaseArgs) =>
  countyStep(
    ctx,
    a.disputeId,
    a.version,
    'resolve',
    { action: 'RESOLVE', outcome: a.outcome },
    optText(a.note, 'note', 2000) ?? (a.outcome === 'LITIGATION' ? '引导诉讼 (referred to court)' : a.outcome),
    { outcome: a.outcome, resolvedAt: new Date() },
  );
