import { openingStep, takeStep } from '../../../../domain/case-engine.ts';
import type { HubEvent } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { centreName } from '../../../../domain/divisions.ts';
import { townshipCases } from '../store/township-case.ts';
import { recordStep, townshipStorage, type TownshipStep } from './storage.ts';

/**
 * Events the township applies (once each: the event id is recorded in the
 * same transaction). A case escalated by a village lands in the inbox (its
 * RECEIVE step, next in the case's order after the escalation), with the
 * case's deadline rule; a DISSATISFIED rating of a case the township resolved
 * reopens it (REOPEN); a case the county returned (退回乡镇) is handled here
 * again; a county supervision order marks the case.
 */
export async function applyTownshipEvent(em: Db, event: HubEvent): Promise<void> {
  if (event.type === 'case.escalated') {
    const p = event.payload;
    const { status, fact } = openingStep('TOWNSHIP', 'RECEIVE', p.rule, p.seq + 1);
    const c = await townshipCases.receive(em, {
      disputeId: p.disputeId,
      caseNumber: p.caseNumber,
      townshipCode: p.townshipCode,
      villageCode: p.villageCode,
      countyCode: p.countyCode,
      category: p.category,
      scale: p.scale,
      summary: p.summary,
      status,
      receivedAt: fact.at,
      escalatedAt: new Date(p.escalatedAt),
      // The village's escalation started the township's settle deadline from the case's rule.
      settleBy: new Date(p.settleBy),
      rule: p.rule,
      seq: fact.seq,
      rehandled: p.rehandled,
    });
    if (c) await recordStep(em, c, fact, centreName(c.townshipCode), p.reason ? `上报原因：${p.reason}` : null);
  } else if (event.type === 'case.reopened') {
    const p = event.payload;
    const step: TownshipStep = {
      action: 'REOPEN',
      actor: '',
      lock: async () => {
        const c = await townshipCases.lock(em, p.disputeId);
        if (!c) throw new Error(`No township case for reopened dispute ${p.disputeId}.`);
        step.actor = centreName(c.townshipCode);
        // The township's REOPEN follows the village's in the case's order.
        return { ...c, seq: Math.max(c.seq, p.seq) };
      },
      note: p.note,
      extras: () => ({ rehandled: p.rehandled, outcome: null, resolvedAt: null, replyBy: null }),
    };
    await takeStep(townshipStorage(em, step), 'REOPEN', null);
  } else if (event.type === 'case.returned') {
    // 退回乡镇: the county's RETURN step is the village's to record (its own case.step); here the record handles the
    // case again. Applied once per event id, and once per return: a record already past the step's seq keeps its state.
    const p = event.payload;
    await townshipCases.returned(em, p.disputeId, p.seq, new Date(p.settleBy));
  } else if (event.type === 'case.supervised') {
    await townshipCases.supervise(em, event.payload.disputeId, new Date(event.payload.at));
  } else {
    throw new Error(`The township subgraph does not handle ${event.type} events.`);
  }
}
