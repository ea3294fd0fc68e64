import type { PoolClient } from 'pg';
import { copyRows } from '../../platform/bulk.ts';
import { planCountyDisputes } from '../shared/disputes.ts';

/**
 * Writes the county's part of the demo disputes: the cases it received, as
 * the engine left its record (status, place in the case's order, the case's
 * deadline rule and deadlines, re-handling rounds).
 */
export async function seedCountyCases(client: PoolClient, county: string, refDate: string, perVillage?: number): Promise<number> {
  const cases = planCountyDisputes(county, refDate, perVillage).filter((d) => d.county);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  await copyRows(
    client,
    'county_case',
    [
      'dispute_id',
      'case_number',
      'county_code',
      'township_code',
      'village_code',
      'category',
      'scale',
      'summary',
      'status',
      'received_at',
      'escalated_at',
      'settle_by',
      'assignee',
      'outcome',
      'resolved_at',
      'accepted_at',
      'seq',
      'contact_minutes',
      'settle_hours',
      'reply_hours',
      'reply_by',
      'rehandled',
    ],
    cases.map((d) => {
      const c = d.county!;
      return [
        d.id,
        d.caseNumber,
        county,
        d.villageCode.slice(0, 9),
        d.villageCode,
        d.category,
        d.scale,
        d.summary,
        c.status,
        iso(c.receivedAt),
        iso(c.escalatedAt),
        iso(c.settleBy),
        c.assignee,
        c.outcome,
        iso(c.resolvedAt),
        iso(c.acceptedAt),
        c.seq,
        d.rule.contactMinutes,
        d.rule.settleHours,
        d.rule.replyHours,
        iso(c.replyBy),
        c.rehandled,
      ];
    }),
  );
  return cases.length;
}
