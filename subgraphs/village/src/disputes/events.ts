import type { EntityManager } from '@mikro-orm/postgresql';
import type { HubEvent } from '../../../../platform/events.ts';
import { query, queryOne } from '../../../../platform/sql.ts';
import type { DisputeRow } from '../rows.ts';
import { addMinutes, deadlineRule } from './deadlines.ts';

/**
 * Steps taken at the township or county come back to the village record as
 * `case.step` events: appended to the timeline, and where they change the
 * case (received, escalated further, resolved), reflected in it.
 */
export async function applyVillageEvent(em: EntityManager, event: HubEvent): Promise<void> {
  if (event.type === 'target.set') {
    const t = event.payload;
    await query(em, 
      `insert into assessment_target (indicator, level, target, updated_at, updated_by) values (?, ?, ?, now(), ?)
       on conflict (indicator, level) do update set target = excluded.target, updated_at = now(), updated_by = excluded.updated_by`,
      [t.indicator, t.level, t.target, t.by],
    );
    return;
  }
  if (event.type !== 'case.step') throw new Error(`The village subgraph does not handle ${event.type} events.`);
  const p = event.payload;
  const d = await queryOne<DisputeRow>(em, 'select * from dispute where id = ? for update', [p.disputeId]);
  if (!d) throw new Error(`case.step for unknown dispute ${p.disputeId}`);
  const at = new Date(p.at);
  await query(em, 
    `insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [d.id, at, p.level, p.action, p.actor, p.note ?? null, p.status ?? null, d.villageCode, d.gridCode],
  );
  if (p.action === 'RECEIVE') {
    await query(em, 'update dispute set in_transit = false, version = version + 1 where id = ?', [d.id]);
  } else if (p.action === 'ESCALATE' && p.level === 'TOWNSHIP') {
    await query(em, 
      `update dispute set handling_level = 'COUNTY', in_transit = true, escalated_to_county_at = ?, settle_by = ?, version = version + 1 where id = ?`,
      [at, new Date(p.settleBy), d.id],
    );
  } else if (p.action === 'RESOLVE') {
    const rule = await deadlineRule(em, d.category, d.scale);
    await query(em, 
      `update dispute set status = 'RESOLVED', outcome = ?, resolved_level = ?, resolved_at = ?, reply_by = ?, version = version + 1 where id = ?`,
      [p.outcome, p.level, at, addMinutes(at, rule.replyHours * 60), d.id],
    );
  } else if (p.action === 'ASSIGN' || p.action === 'DISPATCH') {
    if (p.assignee) await query(em, 'update dispute set assignee = ?, version = version + 1 where id = ?', [p.assignee, d.id]);
  }
}
