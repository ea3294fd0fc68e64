import type { EntityManager } from '@mikro-orm/postgresql';
import { inJurisdiction, requireListAccess, requireWrite } from '../../../../platform/caller.ts';
import { transition, type LoopAction } from '../../../../domain/dispute-loop.ts';
import { conflict, notFound } from '../../../../platform/errors.ts';
import { emit, type HubEvent } from '../../../../platform/events.ts';
import { inboxPage } from '../../../../platform/inbox.ts';
import { query, queryOne } from '../../../../platform/sql.ts';
import { disputeId, optText, text } from '../../../../platform/validate.ts';
import type { CountyContext } from '../context.ts';

/** County-level handling of cases escalated from townships, including referral to court (outcome LITIGATION). */
export interface CountyCaseRow {
  disputeId: string;
  caseNumber: string;
  countyCode: string;
  townshipCode: string;
  villageCode: string;
  category: string;
  scale: string;
  summary: string;
  status: string;
  receivedAt: Date;
  escalatedAt: Date;
  settleBy: Date;
  assignee: string | null;
  outcome: string | null;
  resolvedAt: Date | null;
  version: number;
}


function toVillage(em: EntityManager, c: CountyCaseRow, action: string, actor: string, note: string | null, extra: Record<string, unknown> = {}) {
  return emit(em, 'village', 'case.step', {
    disputeId: c.disputeId, countyCode: c.countyCode, level: 'COUNTY', action, at: new Date().toISOString(), actor, note, status: c.status, ...extra,
  });
}

/** A case escalated by a township lands in the county's inbox once; the village hears it arrived. */
export async function applyCountyEvent(em: EntityManager, event: HubEvent): Promise<void> {
  if (event.type !== 'case.escalated') throw new Error(`The county subgraph does not handle ${event.type} events.`);
  const p = event.payload;
  const now = new Date();
  const rows = await query<CountyCaseRow>(
    em,
    `insert into county_case (dispute_id, case_number, county_code, township_code, village_code, category, scale, summary, status, received_at, escalated_at, settle_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, ?) on conflict (dispute_id) do nothing returning *`,
    [p.disputeId, p.caseNumber, p.countyCode, p.townshipCode, p.villageCode, p.category, p.scale, p.summary, now, new Date(p.escalatedAt), new Date(p.settleBy)],
  );
  if (rows[0]) await toVillage(em, rows[0], 'RECEIVE', '县综治中心', p.reason ? `上报原因: ${p.reason}` : null);
}

async function countyStep(
  ctx: CountyContext,
  id: string,
  version: number,
  action: LoopAction,
  timelineAction: string,
  note: string | null,
  sets: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<CountyCaseRow> {
  const key = disputeId(id, 'disputeId');
  const row = await ctx.em.transactional(async (em) => {
    const tem = em as EntityManager;
    const c = await queryOne<CountyCaseRow>(tem, 'select * from county_case where dispute_id = ? for update', [key]);
    if (!c || !inJurisdiction(ctx.caller, c.villageCode)) throw notFound(`No county case for dispute ${id}.`);
    // County-level handling needs a county-level (or higher) caller.
    requireWrite(ctx.caller, c.countyCode);
    const next = transition('COUNTY', c.status, action);
    if (c.version !== version) throw conflict(`The case was changed by someone else (now version ${c.version}, you sent ${version}).`);
    const cols = Object.entries({ status: next, ...sets });
    const updated = (await queryOne<CountyCaseRow>(
      tem,
      `update county_case set ${cols.map(([k]) => `${k} = ?`).join(', ')}, version = version + 1 where dispute_id = ? returning *`,
      [...cols.map(([, v]) => v), c.disputeId],
    ))!;
    await toVillage(tem, updated, timelineAction, ctx.caller.name || ctx.caller.subject, note, { assignee: updated.assignee, ...extra });
    return updated;
  });
  ctx.relay.nudge();
  return row;
}

export const countyCaseResolvers = {
  County: {
    caseInbox: async (c: { code: string }, args: Record<string, any>, ctx: CountyContext) => {
      requireListAccess(ctx.caller, c.code, 'dispute');
      const where = ['county_code = ?'];
      const params: unknown[] = [c.code];
      if (args.status?.length) {
        where.push('status in (?)');
        params.push(args.status);
      }
      return inboxPage<CountyCaseRow>(ctx.em, 'county_case', where, params, args);
    },
  },
  Dispute: {
    countyCase: async (d: { id: string }, _: unknown, ctx: CountyContext) => {
      const c = await ctx.loaders.countyCaseOf.load(d.id);
      return c && inJurisdiction(ctx.caller, c.villageCode) ? c : null;
    },
  },
  CountyCase: {
    dispute: (c: CountyCaseRow) => ({ id: c.disputeId }),
    receivedAt: (c: CountyCaseRow) => new Date(c.receivedAt).toISOString(),
    settleBy: (c: CountyCaseRow) => new Date(c.settleBy).toISOString(),
  },
  Mutation: {
    acceptCountyCase: (_: unknown, a: any, ctx: CountyContext) => countyStep(ctx, a.disputeId, a.version, 'accept', 'ACCEPT', optText(a.note, 'note', 2000)),
    assignCountyCase: (_: unknown, a: any, ctx: CountyContext) =>
      countyStep(ctx, a.disputeId, a.version, 'assign', 'ASSIGN', optText(a.note, 'note', 2000) ?? `→ ${a.assignee}`, { assignee: text(a.assignee, 'assignee', 100) }),
    resolveCountyCase: (_: unknown, a: any, ctx: CountyContext) =>
      countyStep(ctx, a.disputeId, a.version, 'resolve', 'RESOLVE', optText(a.note, 'note', 2000) ?? (a.outcome === 'LITIGATION' ? '引导诉讼 (referred to court)' : a.outcome),
        { outcome: a.outcome, resolved_at: new Date() }, { outcome: a.outcome }),
  },
};
