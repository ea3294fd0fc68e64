import type { EntityManager } from '@mikro-orm/postgresql';
import { emit, type HubEvent } from '../../../../platform/events.ts';
import { query } from '../../../../platform/sql.ts';

/**
 * A case escalated by a village lands in the township's inbox (once: the
 * event id is recorded in the same transaction), and the village hears that
 * it arrived. A county supervision order marks the case.
 */
export async function applyTownshipEvent(em: EntityManager, event: HubEvent): Promise<void> {
  const p = event.payload;
  if (event.type === 'case.escalated') {
    const now = new Date();
    const inserted = await query(em, 
      `insert into township_case (dispute_id, case_number, township_code, village_code, county_code, category, scale, summary, status, received_at, escalated_at, settle_by)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, ?) on conflict (dispute_id) do nothing returning dispute_id`,
      [p.disputeId, p.caseNumber, p.townshipCode, p.villageCode, p.countyCode, p.category, p.scale, p.summary, now, new Date(p.escalatedAt), new Date(p.settleBy)],
    );
    if (inserted.length) {
      await emit(em, 'village', 'case.step', {
        disputeId: p.disputeId, countyCode: p.countyCode, level: 'TOWNSHIP', action: 'RECEIVE', at: now.toISOString(),
        actor: '乡镇综治中心', note: p.reason ? `上报原因: ${p.reason}` : null, status: 'RECEIVED',
      });
    }
  } else if (event.type === 'case.supervised') {
    await query(em, 'update township_case set supervised_at = ?, version = version + 1 where dispute_id = ?', [new Date(p.at), p.disputeId]);
  } else {
    throw new Error(`The township subgraph does not handle ${event.type} events.`);
  }
}
