import { emit, type HubEvent } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { countyCases } from '../store/county-case.ts';

/** A case escalated by a township lands in the county's inbox once; the village hears it arrived. */
export async function applyCountyEvent(em: Db, event: HubEvent): Promise<void> {
  if (event.type !== 'case.escalated') throw new Error(`The county subgraph does not handle ${event.type} events.`);
  const p = event.payload;
  const now = new Date();
  const c = await countyCases.receive(em, {
    disputeId: p.disputeId,
    caseNumber: p.caseNumber,
    countyCode: p.countyCode,
    townshipCode: p.townshipCode,
    villageCode: p.villageCode,
    category: p.category,
    scale: p.scale,
    summary: p.summary,
    receivedAt: now,
    escalatedAt: new Date(p.escalatedAt),
    settleBy: new Date(p.settleBy),
  });
  if (c) {
    await emit(em, 'village', 'case.step', {
      disputeId: c.disputeId,
      countyCode: c.countyCode,
      level: 'COUNTY',
      action: 'RECEIVE',
      at: new Date().toISOString(),
      actor: '县综治中心',
      note: p.reason ? `上报原因: ${p.reason}` : null,
      status: c.status,
    });
  }
}
