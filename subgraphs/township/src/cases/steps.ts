import { inJurisdiction, requireWrite } from '../../../../platform/caller.ts';
import { DEPARTMENT_NAMES } from '../../../../domain/departments.ts';
import { transition, type LoopAction } from '../../../../domain/dispute-loop.ts';
import type { StepDetail } from '../../../../domain/events.ts';
import { badInput, conflict, hubError, notFound } from '../../../../platform/errors.ts';
import { emit } from '../../../../platform/events.ts';
import { parseId } from '../../../../platform/scalars.ts';
import type { Db } from '../../../../platform/sql.ts';
import { disputeId, optText, text } from '../../../../platform/validate.ts';
import type { TownshipContext } from '../context.ts';
import type {
  MutationAcceptTownshipCaseArgs,
  MutationAcknowledgeDispatchArgs,
  MutationAssignTownshipCaseArgs,
  MutationDispatchToDepartmentsArgs,
  MutationEscalateTownshipCaseArgs,
  MutationRecordTownshipMediationArgs,
  MutationReportDispatchArgs,
  MutationResolveTownshipCaseArgs,
} from '../generated/resolvers.ts';
import { dispatches, type DispatchRow } from '../store/dispatch.ts';
import { townshipCases, type TownshipCaseChanges, type TownshipCaseRow } from '../store/township-case.ts';

/**
 * The township's steps of the case loop (domain/dispute-loop.ts): each runs in
 * one transaction that changes the case and tells the village record (and, on
 * escalation, the county) through the outbox.
 */

const caseId = (id: string) => disputeId(id, 'disputeId');
const actorOf = (ctx: TownshipContext) => ctx.caller.name || ctx.caller.subject;

/** Tells the village record about a township step (in the same transaction as the step). */
function toVillage(em: Db, c: TownshipCaseRow, step: StepDetail, actor: string, note: string | null, assignee?: string | null) {
  return emit(em, 'village', 'case.step', {
    disputeId: c.disputeId,
    countyCode: c.countyCode,
    level: 'TOWNSHIP',
    at: new Date().toISOString(),
    actor,
    note,
    status: c.status,
    ...(assignee === undefined ? {} : { assignee }),
    ...step,
  });
}

async function caseForWrite(em: Db, ctx: TownshipContext, id: string): Promise<TownshipCaseRow> {
  const c = await townshipCases.lock(em, caseId(id));
  if (!c || !inJurisdiction(ctx.caller, c.villageCode)) throw notFound(`No township case for dispute ${id}.`);
  // Township-level handling is the township's (or a level above it): a village-level caller cannot act here.
  requireWrite(ctx.caller, c.townshipCode);
  return c;
}

/** What a step changes besides the status. */
type StepChanges = Omit<TownshipCaseChanges, 'status'>;

/**
 * One loop step at the township: status, the village's timeline entry, in one transaction.
 * `after` runs once the case is updated and says what the timeline entry carries.
 */
async function townshipStep(
  ctx: TownshipContext,
  id: string,
  version: number,
  action: LoopAction,
  note: string | null,
  sets: (c: TownshipCaseRow, em: Db) => Promise<StepChanges> | StepChanges,
  after: (em: Db, c: TownshipCaseRow) => Promise<StepDetail> | StepDetail,
): Promise<TownshipCaseRow> {
  const row = await ctx.em.transactional(async (em) => {
    const c = await caseForWrite(em, ctx, id);
    const next = transition('TOWNSHIP', c.status, action);
    if (c.version !== version) throw conflict(`The case was changed by someone else (now version ${c.version}, you sent ${version}).`);
    const updated = (await townshipCases.step(em, c.disputeId, { status: next, ...(await sets(c, em)) }))!;
    const step = await after(em, updated);
    await toVillage(em, updated, step, actorOf(ctx), note, updated.assignee);
    return updated;
  });
  ctx.relay.nudge();
  return row;
}

const noChanges = (): StepChanges => ({});

async function dispatchForWrite(em: Db, ctx: TownshipContext, id: string): Promise<{ d: DispatchRow; c: TownshipCaseRow }> {
  const d = await dispatches.lock(em, parseId(id, 'dispatchId'));
  if (!d || !inJurisdiction(ctx.caller, d.villageCode)) throw notFound(`No dispatch with id ${id}.`);
  // Departments are county-level: their 报到 and 反馈 need a jurisdiction covering the township.
  requireWrite(ctx.caller, d.townshipCode);
  const c = (await townshipCases.byDisputeId(em, d.disputeId))!;
  return { d, c };
}

/** 报到 then 反馈: a department acknowledges before it reports. */
async function departmentStep(ctx: TownshipContext, id: string, kind: 'ACKNOWLEDGED' | 'REPORTED', note: string | null): Promise<DispatchRow> {
  const row = await ctx.em.transactional(async (em) => {
    const { d, c } = await dispatchForWrite(em, ctx, id);
    const from = kind === 'ACKNOWLEDGED' ? ['DISPATCHED'] : ['ACKNOWLEDGED'];
    if (!from.includes(d.status)) {
      throw hubError(
        'INVALID_TRANSITION',
        `A ${d.status} dispatch cannot become ${kind}; ${kind === 'REPORTED' ? 'the department must acknowledge (报到) first' : 'it was already acknowledged'}.`,
        { status: d.status },
      );
    }
    if (['RESOLVED', 'ESCALATED'].includes(c.status))
      throw hubError('INVALID_TRANSITION', `The case is ${c.status}; its dispatches are closed.`, { status: c.status });
    const updated = (kind === 'ACKNOWLEDGED' ? await dispatches.acknowledge(em, d.id) : await dispatches.report(em, d.id, note))!;
    await toVillage(
      em,
      c,
      { action: kind === 'ACKNOWLEDGED' ? 'DEPARTMENT_ACKNOWLEDGE' : 'DEPARTMENT_REPORT' },
      `${d.departmentName}${actorOf(ctx) ? ` (${actorOf(ctx)})` : ''}`,
      note,
    );
    return updated;
  });
  ctx.relay.nudge();
  return row;
}

export const acceptTownshipCase = (ctx: TownshipContext, a: MutationAcceptTownshipCaseArgs) =>
  townshipStep(ctx, a.disputeId, a.version, 'accept', optText(a.note, 'note', 2000), noChanges, () => ({ action: 'ACCEPT' }));

export const assignTownshipCase = (ctx: TownshipContext, a: MutationAssignTownshipCaseArgs) =>
  townshipStep(
    ctx,
    a.disputeId,
    a.version,
    'assign',
    optText(a.note, 'note', 2000) ?? `→ ${a.assignee}`,
    () => ({ assignee: text(a.assignee, 'assignee', 100) }),
    () => ({ action: 'ASSIGN' }),
  );

export function dispatchToDepartments(ctx: TownshipContext, a: MutationDispatchToDepartmentsArgs) {
  const kinds = [...new Set(a.departments.map((k) => k.trim().toUpperCase()))];
  if (!kinds.length) throw badInput('Name at least one department.', { argument: 'departments' });
  const unknown = kinds.filter((k) => !DEPARTMENT_NAMES.has(k));
  if (unknown.length) throw badInput(`Unknown departments ${unknown.join(', ')}; use ${[...DEPARTMENT_NAMES.keys()].join(', ')}.`, { argument: 'departments' });
  const names = kinds.map((k) => DEPARTMENT_NAMES.get(k)!);
  return townshipStep(ctx, a.disputeId, a.version, 'dispatch', `吹哨: ${names.join('、')}${a.note ? ` — ${a.note}` : ''}`, noChanges, async (em, c) => {
    for (const k of kinds) {
      await dispatches.insert(em, {
        disputeId: c.disputeId,
        townshipCode: c.townshipCode,
        villageCode: c.villageCode,
        departmentKind: k,
        departmentName: DEPARTMENT_NAMES.get(k)!,
        note: optText(a.note, 'note', 2000),
      });
    }
    return { action: 'DISPATCH' };
  });
}

export const acknowledgeDispatch = (ctx: TownshipContext, a: MutationAcknowledgeDispatchArgs) =>
  departmentStep(ctx, a.dispatchId, 'ACKNOWLEDGED', optText(a.note, 'note', 2000));

export const reportDispatch = (ctx: TownshipContext, a: MutationReportDispatchArgs) =>
  departmentStep(ctx, a.dispatchId, 'REPORTED', text(a.report, 'report', 4000));

export const recordTownshipMediation = (ctx: TownshipContext, a: MutationRecordTownshipMediationArgs) =>
  townshipStep(ctx, a.disputeId, a.version, 'mediate', text(a.note, 'note', 2000), noChanges, () => ({ action: 'MEDIATE' }));

export const resolveTownshipCase = (ctx: TownshipContext, a: MutationResolveTownshipCaseArgs) =>
  townshipStep(
    ctx,
    a.disputeId,
    a.version,
    'resolve',
    optText(a.note, 'note', 2000) ?? a.outcome,
    async (c, em) => {
      // 吹哨报到 closes its own loop: every department called on reports back before the case is resolved.
      const pending = await dispatches.unreported(em, c.disputeId);
      if (pending.length) {
        throw hubError('INVALID_TRANSITION', `Departments have not reported back yet: ${pending.map((p) => p.departmentName).join(', ')}.`, {
          pending: pending.map((p) => p.departmentKind),
        });
      }
      return { outcome: a.outcome, resolvedAt: new Date() };
    },
    () => ({ action: 'RESOLVE', outcome: a.outcome }),
  );

export function escalateTownshipCase(ctx: TownshipContext, a: MutationEscalateTownshipCaseArgs) {
  const reason = text(a.reason, 'reason', 2000);
  return townshipStep(ctx, a.disputeId, a.version, 'escalate', reason, noChanges, async (em, c) => {
    // The county's 3 days start now.
    const settleBy = new Date(Date.now() + 72 * 3_600_000).toISOString();
    await emit(em, 'county', 'case.escalated', {
      disputeId: c.disputeId,
      caseNumber: c.caseNumber,
      countyCode: c.countyCode,
      townshipCode: c.townshipCode,
      villageCode: c.villageCode,
      category: c.category,
      scale: c.scale,
      summary: c.summary,
      escalatedAt: new Date().toISOString(),
      settleBy,
      reason,
      actor: actorOf(ctx),
    });
    return { action: 'ESCALATE', settleBy };
  });
}
