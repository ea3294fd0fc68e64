import type { EntityManager } from '@mikro-orm/postgresql';
import { inJurisdiction, requireListAccess, requireWrite } from '../../../../platform/caller.ts';
import { DEPARTMENT_NAMES } from '../../../../domain/departments.ts';
import { transition, type LoopAction } from '../../../../domain/dispute-loop.ts';
import { badInput, conflict, hubError, notFound } from '../../../../platform/errors.ts';
import { emit } from '../../../../platform/events.ts';
import { inboxPage } from '../../../../platform/inbox.ts';
import { parseId } from '../../../../platform/scalars.ts';
import { query, queryOne } from '../../../../platform/sql.ts';
import { disputeId, optText, text } from '../../../../platform/validate.ts';
import type { TownshipContext } from '../context.ts';
import type { DispatchRow, TownshipCaseRow } from './rows.ts';

const caseId = (id: string) => disputeId(id, 'disputeId');
const actorOf = (ctx: TownshipContext) => ctx.caller.name || ctx.caller.subject;

export const isOverdue = (c: TownshipCaseRow) => !['RESOLVED', 'ESCALATED'].includes(c.status) && new Date() > new Date(c.settleBy);

/** Tells the village record about a township step (in the same transaction as the step). */
function toVillage(em: EntityManager, c: TownshipCaseRow, action: string, actor: string, note: string | null, extra: Record<string, unknown> = {}) {
  return emit(em, 'village', 'case.step', {
    disputeId: c.disputeId, countyCode: c.countyCode, level: 'TOWNSHIP', action, at: new Date().toISOString(), actor, note, status: c.status, ...extra,
  });
}

async function caseForWrite(em: EntityManager, ctx: TownshipContext, id: string): Promise<TownshipCaseRow> {
  const c = await queryOne<TownshipCaseRow>(em, 'select * from township_case where dispute_id = ? for update', [caseId(id)]);
  if (!c || !inJurisdiction(ctx.caller, c.villageCode)) throw notFound(`No township case for dispute ${id}.`);
  // Township-level handling is the township's (or a level above it): a village-level caller cannot act here.
  requireWrite(ctx.caller, c.townshipCode);
  return c;
}

/** One loop step at the township: status, the village's timeline entry, in one transaction. */
async function townshipStep(
  ctx: TownshipContext,
  id: string,
  version: number,
  action: LoopAction,
  timelineAction: string,
  note: string | null,
  sets: (c: TownshipCaseRow, em: EntityManager) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
  after?: (em: EntityManager, c: TownshipCaseRow) => Promise<Record<string, unknown> | void>,
): Promise<TownshipCaseRow> {
  const row = await ctx.em.transactional(async (em) => {
    const tem = em as EntityManager;
    const c = await caseForWrite(tem, ctx, id);
    const next = transition('TOWNSHIP', c.status, action);
    if (c.version !== version) throw conflict(`The case was changed by someone else (now version ${c.version}, you sent ${version}).`);
    const cols = Object.entries({ status: next, ...(await sets(c, tem)) });
    const updated = (await queryOne<TownshipCaseRow>(
      tem,
      `update township_case set ${cols.map(([k]) => `${k} = ?`).join(', ')}, version = version + 1 where dispute_id = ? returning *`,
      [...cols.map(([, v]) => v), c.disputeId],
    ))!;
    const extra = (after ? await after(tem, updated) : undefined) ?? {};
    await toVillage(tem, updated, timelineAction, actorOf(ctx), note, { assignee: updated.assignee, ...extra });
    return updated;
  });
  ctx.relay.nudge();
  return row;
}

async function dispatchForWrite(em: EntityManager, ctx: TownshipContext, id: string): Promise<{ d: DispatchRow; c: TownshipCaseRow }> {
  const d = await queryOne<DispatchRow>(em, 'select * from dispatch where id = ? for update', [parseId(id, 'dispatchId')]);
  if (!d || !inJurisdiction(ctx.caller, d.villageCode)) throw notFound(`No dispatch with id ${id}.`);
  // Departments are county-level: their 报到 and 反馈 need a jurisdiction covering the township.
  requireWrite(ctx.caller, d.townshipCode);
  const c = (await queryOne<TownshipCaseRow>(em, 'select * from township_case where dispute_id = ?', [d.disputeId]))!;
  return { d, c };
}

/** 报到 then 反馈: a department acknowledges before it reports. */
async function departmentStep(ctx: TownshipContext, id: string, kind: 'ACKNOWLEDGED' | 'REPORTED', note: string | null) {
  const row = await ctx.em.transactional(async (em) => {
    const tem = em as EntityManager;
    const { d, c } = await dispatchForWrite(tem, ctx, id);
    const from = kind === 'ACKNOWLEDGED' ? ['DISPATCHED'] : ['ACKNOWLEDGED'];
    if (!from.includes(d.status)) {
      throw hubError('INVALID_TRANSITION', `A ${d.status} dispatch cannot become ${kind}; ${kind === 'REPORTED' ? 'the department must acknowledge (报到) first' : 'it was already acknowledged'}.`, { status: d.status });
    }
    if (['RESOLVED', 'ESCALATED'].includes(c.status)) throw hubError('INVALID_TRANSITION', `The case is ${c.status}; its dispatches are closed.`, { status: c.status });
    const updated = (await queryOne<DispatchRow>(
      tem,
      kind === 'ACKNOWLEDGED'
        ? `update dispatch set status = 'ACKNOWLEDGED', acknowledged_at = now() where id = ? returning *`
        : `update dispatch set status = 'REPORTED', reported_at = now(), report = ? where id = ? returning *`,
      kind === 'ACKNOWLEDGED' ? [d.id] : [note, d.id],
    ))!;
    await toVillage(tem, c, kind === 'ACKNOWLEDGED' ? 'DEPARTMENT_ACKNOWLEDGE' : 'DEPARTMENT_REPORT', `${d.departmentName}${actorOf(ctx) ? ` (${actorOf(ctx)})` : ''}`, note);
    return updated;
  });
  ctx.relay.nudge();
  return row;
}

export const caseResolvers = {
  Township: {
    disputes: async (t: { code: string }, args: Record<string, any>, ctx: TownshipContext) => {
      requireListAccess(ctx.caller, t.code, 'dispute');
      const where = ['township_code = ?'];
      const params: unknown[] = [t.code];
      if (args.filter?.status?.length) {
        where.push('status in (?)');
        params.push(args.filter.status);
      }
      if (args.filter?.overdue != null) where.push(`${args.filter.overdue ? '' : 'not '}(status not in ('RESOLVED', 'ESCALATED') and now() > settle_by)`);
      return inboxPage<TownshipCaseRow>(ctx.em, 'township_case', where, params, args);
    },
  },
  Dispute: {
    townshipCase: async (d: { id: string }, _: unknown, ctx: TownshipContext) => {
      const c = await ctx.loaders.caseOf.load(d.id);
      return c && inJurisdiction(ctx.caller, c.villageCode) ? c : null;
    },
  },
  TownshipCase: {
    dispute: (c: TownshipCaseRow) => ({ id: c.disputeId }),
    receivedAt: (c: TownshipCaseRow) => new Date(c.receivedAt).toISOString(),
    settleBy: (c: TownshipCaseRow) => new Date(c.settleBy).toISOString(),
    overdue: isOverdue,
    underSupervision: (c: TownshipCaseRow) => c.supervisedAt != null,
    dispatches: (c: TownshipCaseRow, _: unknown, ctx: TownshipContext) => ctx.loaders.dispatchesOf.load(c.disputeId),
  },
  Dispatch: {
    id: (d: DispatchRow) => String(d.id),
    dispatchedAt: (d: DispatchRow) => new Date(d.dispatchedAt).toISOString(),
    acknowledgedAt: (d: DispatchRow) => (d.acknowledgedAt ? new Date(d.acknowledgedAt).toISOString() : null),
    reportedAt: (d: DispatchRow) => (d.reportedAt ? new Date(d.reportedAt).toISOString() : null),
  },
  Mutation: {
    acceptTownshipCase: (_: unknown, a: any, ctx: TownshipContext) => townshipStep(ctx, a.disputeId, a.version, 'accept', 'ACCEPT', optText(a.note, 'note', 2000)),
    assignTownshipCase: (_: unknown, a: any, ctx: TownshipContext) =>
      townshipStep(ctx, a.disputeId, a.version, 'assign', 'ASSIGN', optText(a.note, 'note', 2000) ?? `→ ${a.assignee}`, () => ({ assignee: text(a.assignee, 'assignee', 100) })),
    dispatchToDepartments: (_: unknown, a: any, ctx: TownshipContext) => {
      const kinds = [...new Set((a.departments as string[]).map((k) => k.trim().toUpperCase()))];
      if (!kinds.length) throw badInput('Name at least one department.', { argument: 'departments' });
      const unknown = kinds.filter((k) => !DEPARTMENT_NAMES.has(k));
      if (unknown.length) throw badInput(`Unknown departments ${unknown.join(', ')}; use ${[...DEPARTMENT_NAMES.keys()].join(', ')}.`, { argument: 'departments' });
      const names = kinds.map((k) => DEPARTMENT_NAMES.get(k)!);
      return townshipStep(ctx, a.disputeId, a.version, 'dispatch', 'DISPATCH', `吹哨: ${names.join('、')}${a.note ? ` — ${a.note}` : ''}`, () => ({}), async (em, c) => {
        for (const k of kinds) {
          await query(em, 
            `insert into dispatch (dispute_id, township_code, village_code, department_kind, department_name, note) values (?, ?, ?, ?, ?, ?)
             on conflict (dispute_id, department_kind) do nothing`,
            [c.disputeId, c.townshipCode, c.villageCode, k, DEPARTMENT_NAMES.get(k), optText(a.note, 'note', 2000)],
          );
        }
      });
    },
    acknowledgeDispatch: (_: unknown, a: any, ctx: TownshipContext) => departmentStep(ctx, a.dispatchId, 'ACKNOWLEDGED', optText(a.note, 'note', 2000)),
    reportDispatch: (_: unknown, a: any, ctx: TownshipContext) => departmentStep(ctx, a.dispatchId, 'REPORTED', text(a.report, 'report', 4000)),
    recordTownshipMediation: (_: unknown, a: any, ctx: TownshipContext) => townshipStep(ctx, a.disputeId, a.version, 'mediate', 'MEDIATE', text(a.note, 'note', 2000)),
    resolveTownshipCase: (_: unknown, a: any, ctx: TownshipContext) =>
      townshipStep(
        ctx, a.disputeId, a.version, 'resolve', 'RESOLVE', optText(a.note, 'note', 2000) ?? a.outcome,
        async (c, em) => {
          // 吹哨报到 closes its own loop: every department called on reports back before the case is resolved.
          const pending = await query<DispatchRow>(em, `select * from dispatch where dispute_id = ? and status <> 'REPORTED'`, [c.disputeId]);
          if (pending.length) {
            throw hubError('INVALID_TRANSITION', `Departments have not reported back yet: ${pending.map((p) => p.departmentName).join(', ')}.`, { pending: pending.map((p) => p.departmentKind) });
          }
          return { outcome: a.outcome, resolved_at: new Date() };
        },
        async () => ({ outcome: a.outcome }),
      ),
    escalateTownshipCase: (_: unknown, a: any, ctx: TownshipContext) => {
      const reason = text(a.reason, 'reason', 2000);
      return townshipStep(ctx, a.disputeId, a.version, 'escalate', 'ESCALATE', reason, () => ({}), async (em, c) => {
        // The county's 3 days start now.
        const settleBy = new Date(Date.now() + 72 * 3_600_000).toISOString();
        await emit(em, 'county', 'case.escalated', {
          disputeId: c.disputeId, caseNumber: c.caseNumber, countyCode: c.countyCode, townshipCode: c.townshipCode, villageCode: c.villageCode,
          category: c.category, scale: c.scale, summary: c.summary, escalatedAt: new Date().toISOString(), settleBy, reason, actor: actorOf(ctx),
        });
        return { settleBy };
      });
    },
  },
};
