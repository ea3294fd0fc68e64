import { emit, type HubEvent } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { townshipCases } from '../store/township-case.ts';

/**
 * A case escalated by a village lands in the township's inbox (once: the
 * event id is recorded in the same transaction), and the village hears that
 * it arrived. A county supervision order marks the case.
 */
export async function applyTownshipEvent(em: Db, event: HubEvent): Promise<void> {
  if (event.type === 'case.escalated') {
    const p = event.payload;
    const now = new Date();
    const inserted = await townshipCases.receive(em, {
      disputeId: p.disputeId,
      caseNumber: p.caseNumber,
      townshipCode: p.townshipCode,
      villageCode: p.villageCode,
      countyCode: p.countyCode,
      category: p.category,
      scale: p.scale,
      summary: p.summary,
      receivedAt: now,
      escalatedAt: new Date(p.escalatedAt),
      settleBy: new Date(p.settleBy),
    });
    if (inserted) {
      await emit(em, 'village', 'case.step', {
        disputeId: p.disputeId,
        countyCode: p.countyCode,
        level: 'TOWNSHIP',
        action: 'RECEIVE',
        at: now.toISOString(),
        actor: '乡镇综治中心',
        note: p.reason ? `上报原因: ${p.reason}` : null,
        status: 'RECEIVED',
      });
    }
  } else if (event.type === 'case.supervised') {
    await townshipCases.supervise(em, event.payload.disputeId, new Date(event.payload.at));
  } else {
    throw new Error(`The township subgraph does not handle ${event.type} events.`);
  }
}
