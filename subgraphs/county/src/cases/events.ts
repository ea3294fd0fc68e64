import { openingStep, takeStep } from '../../../../domain/case-engine.ts';
import type { HubEvent } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { centreName } from '../../../../domain/divisions.ts';
import { countyCases } from '../store/county-case.ts';
import { countyStorage, toVillage } from './storage.ts';

/**
 * Events the county applies (once each). A case escalated by a township lands
 * in the inbox with the case's deadline rule and the settle deadline the
 * township's escalation started from it (RECEIVE, next in the case's order);
 * a DISSATISFIED rating of a case the county resolved reopens it (REOPEN).
 */
export async function applyCountyEvent(em: Db, event: HubEvent): Promise<void> {
  if (event.type === 'case.escalated') {
    const p = event.payload;
    const opening = openingStep('COUNTY', 'RECEIVE', p.rule, p.seq + 1);
    const c = await countyCases.receive(em, {
      ...p,
      status: opening.status,
      receivedAt: opening.fact.at,
      escalatedAt: new Date(p.escalatedAt),
      settleBy: new Date(p.settleBy),
      seq: opening.fact.seq,
    });
    if (c) await toVillage(em, c, opening.fact, { actor: centreName(c.countyCode), note: p.reason ? `上报原因：${p.reason}` : null });
  } else if (event.type === 'case.reopened') {
    const p = event.payload;
    const storage = countyStorage(em, {
      action: 'REOPEN',
      actor: centreName(p.countyCode),
      note: p.note,
      // Another round: the resolution is undone; the rounds are the village's count.
      extras: () => ({ rehandled: p.rehandled, outcome: null, resolvedAt: null, replyBy: null }),
      lock: async () => {
        const c = await countyCases.lock(em, p.disputeId);
        if (!c) throw new Error(`No county case for reopened dispute ${p.disputeId}.`);
        // The county's REOPEN comes right after the village's in the case's order.
        return { ...c, seq: Math.max(c.seq, p.seq) };
      },
    });
    await takeStep(storage, 'REOPEN', null);
  } else {
    throw new Error(`The county subgraph does not handle ${event.type} events.`);
  }
}
