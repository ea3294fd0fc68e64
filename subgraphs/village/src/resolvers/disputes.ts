import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hasScope, inJurisdiction, requireWrite } from '../../../../platform/caller.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { transition, type LoopAction } from '../../../../domain/dispute-loop.ts';
import { badInput, conflict, forbidden, hubError, notFound } from '../../../../platform/errors.ts';
import { emit } from '../../../../platform/events.ts';
import { parseId } from '../../../../platform/scalars.ts';
import { query, queryOne } from '../../../../platform/sql.ts';
import { disputeId, optText, text } from '../../../../platform/validate.ts';
import { requireListAccess } from '../../../../platform/caller.ts';
import { visible } from '../access.ts';
import type { VillageContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import type { DisputeRow, PersonRow } from '../rows.ts';
import { addMinutes, deadlineRule } from '../disputes/deadlines.ts';
import { isOverdue, OVERDUE_SQL } from '../disputes/sql.ts';
import { periodBounds } from '../../../../domain/periods.ts';




const actorOf = (ctx: VillageContext) => ctx.caller.name || ctx.caller.subject;

async function step(em: EntityManager, d: DisputeRow, level: string, action: string, actor: string, note: string | null, status: string | null, at = new Date()) {
  await query(em, 
    `insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [d.id, at, level, action, actor, note, status, d.villageCode, d.gridCode],
  );
}

/** Runs a loop step on the village record in one transaction, with its timeline entry. */
async function villageStep(
  ctx: VillageContext,
  id: string,
  version: number,
  action: LoopAction,
  timelineAction: string,
  note: string | null,
  sets: (d: DisputeRow, now: Date, em: EntityManager) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
  after?: (em: EntityManager, d: DisputeRow, now: Date) => Promise<void>,
): Promise<DisputeRow> {
  const updated = await ctx.em.transactional(async (em) => {
    const tem = em as EntityManager;
    const d = await queryOne<DisputeRow>(tem, 'select * from dispute where id = ? for update', [disputeId(id)]);
    if (!d || !inJurisdiction(ctx.caller, d.villageCode)) throw notFound(`No dispute with id ${id}.`);
    requireWrite(ctx.caller, d.villageCode);
    if (d.handlingLevel !== 'VILLAGE' && !['rate', 'close', 'followUp'].includes(action)) {
      throw transitionAtOtherLevel(d);
    }
    const next = transition('VILLAGE', d.status, action);
    if (d.version !== version) throw conflict(`The dispute was changed by someone else (now version ${d.version}, you sent ${version}); read it again and retry.`);
    const now = new Date();
    const extra = await sets(d, now, tem);
    const cols = Object.entries({ status: next, ...extra });
    const row = await queryOne<DisputeRow>(
      tem,
      `update dispute set ${cols.map(([c]) => `${c} = ?`).join(', ')}, version = version + 1 where id = ? returning *`,
      [...cols.map(([, v]) => v), d.id],
    );
    await step(tem, d, 'VILLAGE', timelineAction, actorOf(ctx), note, next, now);
    if (after) await after(tem, row!, now);
    return row!;
  });
  ctx.relay.nudge();
  return updated;
}

function transitionAtOtherLevel(d: DisputeRow) {
  return transitionError(`The case is handled at the ${d.handlingLevel.toLowerCase()} level now; act there (the village record follows).`, d);
}
function transitionError(message: string, d: DisputeRow) {
  return hubError('INVALID_TRANSITION', message, { status: d.status, handlingLevel: d.handlingLevel });
}

function disputeFilter(filter: Record<string, any> | null | undefined): { where?: string; params?: unknown[] } {
  if (!filter) return {};
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status?.length) {
    where.push('t.status in (?)');
    params.push(filter.status);
  }
  if (filter.category) {
    where.push('t.category = ?');
    params.push(filter.category);
  }
  if (filter.handlingLevel) {
    where.push('t.handling_level = ?');
    params.push(filter.handlingLevel);
  }
  if (filter.overdue != null) where.push(`${filter.overdue ? '' : 'not '}${OVERDUE_SQL.replaceAll('d.', 't.')}`);
  if (filter.from || filter.to) {
    const from = filter.from ?? '1970-01-01';
    const to = filter.to ?? '2999-12-31';
    if (from > to) throw badInput('filter.from must not be after filter.to.', { argument: 'filter' });
    where.push('t.reported_at >= ? and t.reported_at < ?');
    params.push(...periodBounds(from, to));
  }
  return where.length ? { where: where.join(' and '), params } : {};
}

const disputeList =
  (scopeColumn: 'grid_code' | 'village_code' | 'county_code') =>
  (parent: { code: string }, args: Record<string, any>, ctx: VillageContext) => {
    requireListAccess(ctx.caller, parent.code, 'dispute');
    return ctx.pages.connection({ table: 'dispute', scopeColumn, order: { column: 'no', desc: true }, ...disputeFilter(args.filter) }, parent.code, args);
  };

export const disputeResolvers: Resolvers = {
  Query: {
    dispute: async (_, { id }, ctx) => visible(ctx.caller, await ctx.loaders.dispute.load(disputeId(id)), 'dispute') as any,
  },
  Village: { disputes: disputeList('village_code') as any },
  Grid: { disputes: disputeList('grid_code') as any },
  County: { disputes: disputeList('county_code') as any },
  Dispute: {
    __resolveReference: async (ref, ctx) => visible(ctx.caller, await ctx.loaders.dispute.load(disputeId(ref.id)), 'dispute') as any,
    parties: (d, _, ctx) => ctx.loaders.partiesOf.load(d.id) as any,
    village: async (d, _, ctx) => (await ctx.loaders.village.load(d.villageCode))!,
    grid: async (d, _, ctx) => (await ctx.loaders.grid.load(d.gridCode))!,
    deadlines: (d) => ({ contactBy: d.contactBy, settleBy: d.settleBy, replyBy: d.replyBy }),
    overdue: (d) => isOverdue(d),
    underSupervision: (d) => d.supervisedAt != null,
    timeline: (d, _, ctx) => ctx.loaders.stepsOf.load(d.id) as any,
  },
  DisputeParty: {
    person: async (p: any, _, ctx) => (p.personId == null ? null : visible(ctx.caller, await ctx.loaders.person.load(String(p.personId)))),
  },
  Mutation: {
    reportDispute: async (_, { input, idempotencyKey }, ctx) => {
      const key = text(idempotencyKey, 'idempotencyKey', 200);
      const grid = parseCodeOfLevel(input.gridCode, 'GRID', 'gridCode');
      requireWrite(ctx.caller, grid);
      const county = grid.slice(0, 6);
      const existing = async () => queryOne<DisputeRow>(ctx.em, 'select * from dispute where county_code = ? and idempotency_key = ?', [county, key]);
      const first = await existing();
      if (first) return first as any;
      try {
        const row = await ctx.em.transactional(async (em) => {
          const tem = em as EntityManager;
          if (!(await queryOne(tem, 'select 1 from grid where code = ?', [grid]))) throw badInput(`gridCode ${grid} is not a grid the hub knows.`, { argument: 'gridCode' });
          const summary = text(input.summary, 'summary', 2000);
          if (!input.parties.length) throw badInput('A dispute needs at least one party.', { argument: 'parties' });
          const now = new Date();
          const occurred = input.occurredAt as unknown as Date | null;
          if (occurred && occurred.getTime() > now.getTime() + 5 * 60_000) throw badInput('occurredAt is in the future.', { argument: 'occurredAt' });
          const parties: { personId: number | null; name: string; role: string }[] = [];
          for (const p of input.parties) {
            if (p.personId != null) {
              const person = await queryOne<PersonRow>(tem, 'select * from person where id = ?', [parseId(p.personId, 'personId')]);
              if (!person || !inJurisdiction(ctx.caller, person.villageCode)) throw notFound(`No person with id ${p.personId}.`);
              parties.push({ personId: person.id, name: person.name, role: p.role });
            } else {
              parties.push({ personId: null, name: text(p.name, 'parties.name', 50), role: p.role });
            }
          }
          const rule = await deadlineRule(tem, input.category, input.scale);
          const year = Number(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
          const counter = await queryOne<{ n: number }>(
            tem,
            `insert into dispute_counter (county_code, year, n) values (?, ?, 1) on conflict (county_code, year) do update set n = dispute_counter.n + 1 returning n`,
            [county, year],
          );
          const id = randomUUID();
          const d = await queryOne<DisputeRow>(
            tem,
            `insert into dispute (id, case_number, idempotency_key, category, scale, source, summary, village_code, grid_code, county_code,
               occurred_at, reported_at, status, contact_by, settle_by, created_by)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'REPORTED', ?, ?, ?) returning *`,
            [
              id, `${county}-${year}-${String(counter!.n).padStart(6, '0')}`, key, input.category, input.scale, input.source, summary,
              grid.slice(0, 12), grid, county, occurred, now, addMinutes(now, rule.contactMinutes), addMinutes(now, rule.settleHours * 60), ctx.caller.subject,
            ],
          );
          for (const p of parties) {
            await query(tem, `insert into dispute_party (dispute_id, person_id, name, role, village_code, grid_code) values (?, ?, ?, ?, ?, ?)`, [
              id, p.personId, p.name, p.role, d!.villageCode, d!.gridCode,
            ]);
          }
          await step(tem, d!, 'VILLAGE', 'REPORT', actorOf(ctx), `${input.source}: ${summary.slice(0, 200)}`, 'REPORTED', now);
          return d!;
        });
        return row as any;
      } catch (e) {
        // Two retries racing: the second insert hits the unique key; answer with the first.
        const err = e as { code?: string; name?: string };
        if (err.code === '23505' || err.name === 'UniqueConstraintViolationException') {
          const again = await existing();
          if (again) return again as any;
        }
        throw e;
      }
    },
    acceptDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'accept', 'ACCEPT', optText(a.note, 'note', 2000), (_d, now) => ({ accepted_at: now })) as any,
    assignDispute: (_, a, ctx) =>
      villageStep(ctx, a.id, a.version, 'assign', 'ASSIGN', optText(a.note, 'note', 2000) ?? `→ ${a.assignee}`, () => ({ assignee: text(a.assignee, 'assignee', 100) })) as any,
    recordMediation: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'mediate', 'MEDIATE', text(a.note, 'note', 2000)) as any,
    resolveDispute: (_, a, ctx) =>
      villageStep(ctx, a.id, a.version, 'resolve', 'RESOLVE', optText(a.note, 'note', 2000) ?? a.outcome, async (d, now, em) => {
        const rule = await deadlineRule(em, d.category, d.scale);
        return { outcome: a.outcome, resolved_level: 'VILLAGE', resolved_at: now, reply_by: addMinutes(now, rule.replyHours * 60) };
      }) as any,
    escalateDispute: (_, a, ctx) => {
      const reason = text(a.reason, 'reason', 2000);
      return villageStep(
        ctx, a.id, a.version, 'escalate', 'ESCALATE', reason,
        async (d, now, em) => {
          const rule = await deadlineRule(em, d.category, d.scale);
          return { handling_level: 'TOWNSHIP', in_transit: true, escalated_to_township_at: now, settle_by: addMinutes(now, rule.settleHours * 60) };
        },
        // The township learns of it through the outbox, in the same transaction: never lost, never doubled.
        (em, d, now) =>
          emit(em, 'township', 'case.escalated', {
            disputeId: d.id, caseNumber: d.caseNumber, countyCode: d.countyCode, townshipCode: d.villageCode.slice(0, 9), villageCode: d.villageCode,
            category: d.category, scale: d.scale, summary: d.summary, escalatedAt: now.toISOString(), settleBy: new Date(d.settleBy).toISOString(),
            reason, actor: actorOf(ctx),
          }),
      ) as any;
    },
    rateDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'rate', 'RATE', optText(a.note, 'note', 2000) ?? a.rating, (_d, now) => ({ rating: a.rating, rated_at: now })) as any,
    closeDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'close', 'CLOSE', optText(a.note, 'note', 2000), (_d, now) => ({ closed_at: now })) as any,
    followUpDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'followUp', 'FOLLOW_UP', text(a.note, 'note', 2000), (_d, now) => ({ followed_up_at: now })) as any,
    superviseDispute: async (_, { id, note }, ctx) => {
      if (!hasScope(ctx.caller, 'write') || ctx.caller.jurisdiction.length > 6) {
        throw forbidden('Supervision orders (督办) are issued by county-level callers with the "write" scope.');
      }
      const text_ = text(note, 'note', 2000);
      const row = await ctx.em.transactional(async (em) => {
        const tem = em as EntityManager;
        const d = await queryOne<DisputeRow>(tem, 'select * from dispute where id = ? for update', [disputeId(id)]);
        if (!d || !inJurisdiction(ctx.caller, d.villageCode)) throw notFound(`No dispute with id ${id}.`);
        if (!isOverdue(d)) throw transitionError(`Supervision orders are for overdue cases; this ${d.status} case is within its deadlines.`, d);
        const now = new Date();
        const updated = await queryOne<DisputeRow>(tem, 'update dispute set supervised_at = ?, version = version + 1 where id = ? returning *', [now, d.id]);
        await step(tem, d, 'COUNTY', 'SUPERVISE', actorOf(ctx), text_, d.status, now);
        if (d.handlingLevel === 'TOWNSHIP') {
          await emit(tem, 'township', 'case.supervised', { disputeId: d.id, countyCode: d.countyCode, at: now.toISOString(), note: text_ });
        }
        return updated!;
      });
      ctx.relay.nudge();
      return row as any;
    },
  },
};
