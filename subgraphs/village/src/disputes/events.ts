import type { EntityManager } from '@mikro-orm/postgresql';
import type { HubEvent } from '../../../../platform/events.ts';
import { disputes } from '../store/dispute.ts';
import { disputeSteps } from '../store/dispute-step.ts';
import { targetReplica } from '../store/target-replica.ts';
import { addMinutes, deadlineRule } from './deadlines.ts';

/**
 * Steps taken at the township or county come back to the village record as
 * `case.step` events: appended to the timeline, and where they change the
 * case (received, escalated further, resolved), reflected in it.
 */
export async function applyVillageEvent(em: EntityManager, event: HubEvent): Promise<void> {
  if (event.type === 'target.set') {
    const t = event.payload;
    await targetReplica.upsert(em, { indicator: t.indicator, level: t.level, target: t.target, by: t.by });
    return;
  }
  if (event.type !== 'case.step') throw new Error(`The village subgraph does not handle ${event.type} events.`);
  const p = event.payload;
  const d = await disputes.lock(em, p.disputeId);
  if (!d) throw new Error(`case.step for unknown dispute ${p.disputeId}`);
  const at = new Date(p.at);
  await disputeSteps.insert(em, d, { at, level: p.level, action: p.action, actor: p.actor, note: p.note ?? null, status: p.status ?? null });
  if (p.action === 'RECEIVE') {
    await disputes.received(em, d.id);
  } else if (p.action === 'ESCALATE' && p.level === 'TOWNSHIP') {
    await disputes.escalatedToCounty(em, d.id, at, new Date(p.settleBy));
  } else if (p.action === 'RESOLVE') {
    const rule = await deadlineRule(em, d.category, d.scale);
    await disputes.resolvedAbove(em, d.id, p.outcome, p.level, at, addMinutes(at, rule.replyHours * 60));
  } else if (p.action === 'ASSIGN' || p.action === 'DISPATCH') {
    if (p.assignee) await disputes.assigned(em, d.id, p.assignee);
  }
}
