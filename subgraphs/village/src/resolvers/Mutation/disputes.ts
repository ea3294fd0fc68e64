import { randomUUID } from 'node:crypto';
import { hasScope, inJurisdiction, requireWrite } from '../../../../../platform/caller.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { transition, type LoopAction } from '../../../../../domain/dispute-loop.ts';
import { badInput, conflict, forbidden, hubError, notFound } from '../../../../../platform/errors.ts';
import { emit } from '../../../../../platform/events.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import type { Db } from '../../../../../platform/sql.ts';
import { disputeId, optText, text } from '../../../../../platform/validate.ts';
import type { VillageContext } from '../../context.ts';
import { addMinutes, deadlineRule } from '../../disputes/deadlines.ts';
import { isOverdue } from '../../disputes/sql.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { disputes, type DisputeChanges, type DisputeRow } from '../../store/dispute.ts';
import { disputeParties, type NewParty } from '../../store/dispute-party.ts';
import { disputeSteps } from '../../store/dispute-step.ts';
import { grids } from '../../store/grid.ts';
import { persons } from '../../store/person.ts';

const actorOf = (ctx: VillageContext) => ctx.caller.name || ctx.caller.subject;

/** Runs a loop step on the village record in one transaction, with its timeline entry. */
async function villageStep(
  ctx: VillageContext,
  id: string,
  version: number,
  action: LoopAction,
  timelineAction: string,
  note: string | null,
  sets: (d: DisputeRow, now: Date, db: Db) => Promise<DisputeChanges> | DisputeChanges = () => ({}),
  after?: (db: Db, d: DisputeRow, now: Date) => Promise<void>,
): Promise<DisputeRow> {
  const updated = await ctx.em.transactional(async (em) => {
    const d = await disputes.lock(em, disputeId(id));
    if (!d || !inJurisdiction(ctx.caller, d.villageCode)) throw notFound(`No dispute with id ${id}.`);
    requireWrite(ctx.caller, d.villageCode);
    if (d.handlingLevel !== 'VILLAGE' && !['rate', 'close', 'followUp'].includes(action)) {
      throw transitionAtOtherLevel(d);
    }
    const next = transition('VILLAGE', d.status, action);
    if (d.version !== version)
      throw conflict(`The dispute was changed by someone else (now version ${d.version}, you sent ${version}); read it again and retry.`);
    const now = new Date();
    const row = await disputes.advance(em, d.id, next, await sets(d, now, em));
    await disputeSteps.insert(em, d, { at: now, level: 'VILLAGE', action: timelineAction, actor: actorOf(ctx), note, status: next });
    if (after) await after(em, row, now);
    return row;
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

type DisputeMutation =
  | 'reportDispute'
  | 'acceptDispute'
  | 'assignDispute'
  | 'recordMediation'
  | 'resolveDispute'
  | 'escalateDispute'
  | 'rateDispute'
  | 'closeDispute'
  | 'followUpDispute'
  | 'superviseDispute';

export const disputeMutations: Pick<MutationResolvers, DisputeMutation> = {
  reportDispute: async (_, { input, idempotencyKey }, ctx) => {
    const key = text(idempotencyKey, 'idempotencyKey', 200);
    const grid = parseCodeOfLevel(input.gridCode, 'GRID', 'gridCode');
    requireWrite(ctx.caller, grid);
    const county = grid.slice(0, 6);
    const existing = () => disputes.byIdempotencyKey(ctx.em, county, key);
    const first = await existing();
    if (first) return first;
    try {
      return await ctx.em.transactional(async (em) => {
        if (!(await grids.byCode(em, grid))) throw badInput(`gridCode ${grid} is not a grid the hub knows.`, { argument: 'gridCode' });
        const summary = text(input.summary, 'summary', 2000);
        if (!input.parties.length) throw badInput('A dispute needs at least one party.', { argument: 'parties' });
        const now = new Date();
        const occurred = input.occurredAt == null ? null : new Date(input.occurredAt);
        if (occurred && occurred.getTime() > now.getTime() + 5 * 60_000) throw badInput('occurredAt is in the future.', { argument: 'occurredAt' });
        const parties: NewParty[] = [];
        for (const p of input.parties) {
          if (p.personId != null) {
            const person = await persons.byId(em, parseId(p.personId, 'personId'));
            if (!person || !inJurisdiction(ctx.caller, person.villageCode)) throw notFound(`No person with id ${p.personId}.`);
            parties.push({ personId: person.id, name: person.name, role: p.role });
          } else {
            parties.push({ personId: null, name: text(p.name, 'parties.name', 50), role: p.role });
          }
        }
        const rule = await deadlineRule(em, input.category, input.scale);
        const year = Number(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
        const n = await disputes.nextNumber(em, county, year);
        const d = await disputes.insert(em, {
          id: randomUUID(),
          caseNumber: `${county}-${year}-${String(n).padStart(6, '0')}`,
          idempotencyKey: key,
          category: input.category,
          scale: input.scale,
          source: input.source,
          summary,
          villageCode: grid.slice(0, 12),
          gridCode: grid,
          countyCode: county,
          occurredAt: occurred,
          reportedAt: now,
          contactBy: addMinutes(now, rule.contactMinutes),
          settleBy: addMinutes(now, rule.settleHours * 60),
          createdBy: ctx.caller.subject,
        });
        for (const p of parties) await disputeParties.insert(em, d, p);
        await disputeSteps.insert(em, d, {
          at: now,
          level: 'VILLAGE',
          action: 'REPORT',
          actor: actorOf(ctx),
          note: `${input.source}: ${summary.slice(0, 200)}`,
          status: 'REPORTED',
        });
        return d;
      });
    } catch (e) {
      // Two retries racing: the second insert hits the unique key; answer with the first.
      const err = e as { code?: string; name?: string };
      if (err.code === '23505' || err.name === 'UniqueConstraintViolationException') {
        const again = await existing();
        if (again) return again;
      }
      throw e;
    }
  },
  acceptDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'accept', 'ACCEPT', optText(a.note, 'note', 2000), (_d, now) => ({ acceptedAt: now })),
  assignDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, 'assign', 'ASSIGN', optText(a.note, 'note', 2000) ?? `→ ${a.assignee}`, () => ({
      assignee: text(a.assignee, 'assignee', 100),
    })),
  recordMediation: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'mediate', 'MEDIATE', text(a.note, 'note', 2000)),
  resolveDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, 'resolve', 'RESOLVE', optText(a.note, 'note', 2000) ?? a.outcome, async (d, now, db) => {
      const rule = await deadlineRule(db, d.category, d.scale);
      return { outcome: a.outcome, resolvedLevel: 'VILLAGE', resolvedAt: now, replyBy: addMinutes(now, rule.replyHours * 60) };
    }),
  escalateDispute: (_, a, ctx) => {
    const reason = text(a.reason, 'reason', 2000);
    return villageStep(
      ctx,
      a.id,
      a.version,
      'escalate',
      'ESCALATE',
      reason,
      async (d, now, db) => {
        const rule = await deadlineRule(db, d.category, d.scale);
        return { handlingLevel: 'TOWNSHIP', inTransit: true, escalatedToTownshipAt: now, settleBy: addMinutes(now, rule.settleHours * 60) };
      },
      // The township learns of it through the outbox, in the same transaction: never lost, never doubled.
      (db, d, now) =>
        emit(db, 'township', 'case.escalated', {
          disputeId: d.id,
          caseNumber: d.caseNumber,
          countyCode: d.countyCode,
          townshipCode: d.villageCode.slice(0, 9),
          villageCode: d.villageCode,
          category: d.category,
          scale: d.scale,
          summary: d.summary,
          escalatedAt: now.toISOString(),
          settleBy: new Date(d.settleBy).toISOString(),
          reason,
          actor: actorOf(ctx),
        }),
    );
  },
  rateDispute: (_, a, ctx) =>
    villageStep(ctx, a.id, a.version, 'rate', 'RATE', optText(a.note, 'note', 2000) ?? a.rating, (_d, now) => ({ rating: a.rating, ratedAt: now })),
  closeDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'close', 'CLOSE', optText(a.note, 'note', 2000), (_d, now) => ({ closedAt: now })),
  followUpDispute: (_, a, ctx) => villageStep(ctx, a.id, a.version, 'followUp', 'FOLLOW_UP', text(a.note, 'note', 2000), (_d, now) => ({ followedUpAt: now })),
  superviseDispute: async (_, { id, note }, ctx) => {
    if (!hasScope(ctx.caller, 'write') || ctx.caller.jurisdiction.length > 6) {
      throw forbidden('Supervision orders (督办) are issued by county-level callers with the "write" scope.');
    }
    const text_ = text(note, 'note', 2000);
    const row = await ctx.em.transactional(async (em) => {
      const d = await disputes.lock(em, disputeId(id));
      if (!d || !inJurisdiction(ctx.caller, d.villageCode)) throw notFound(`No dispute with id ${id}.`);
      if (!isOverdue(d)) throw transitionError(`Supervision orders are for overdue cases; this ${d.status} case is within its deadlines.`, d);
      const now = new Date();
      const updated = await disputes.supervise(em, d.id, now);
      await disputeSteps.insert(em, d, { at: now, level: 'COUNTY', action: 'SUPERVISE', actor: actorOf(ctx), note: text_, status: d.status });
      if (d.handlingLevel === 'TOWNSHIP') {
        await emit(em, 'township', 'case.supervised', { disputeId: d.id, countyCode: d.countyCode, at: now.toISOString(), note: text_ });
      }
      return updated;
    });
    ctx.relay.nudge();
    return row;
  },
};
