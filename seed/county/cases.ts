import type { PoolClient } from 'pg';
import { copyRows } from '../../platform/bulk.ts';
import { planCountyDisputes } from '../shared/disputes.ts';

/** Writes the county's part of the demo disputes: the cases escalated to it. */
export async function seedCountyCases(client: PoolClient, county: string, refDate: string, perVillage?: number): Promise<number> {
  const cases = planCountyDisputes(county, refDate, perVillage).filter((d) => d.county);
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
        c.receivedAt.toISOString(),
        c.escalatedAt.toISOString(),
        c.settleBy.toISOString(),
        c.assignee,
        c.outcome,
        c.resolvedAt?.toISOString() ?? null,
      ];
    }),
  );
  return cases.length;
}
