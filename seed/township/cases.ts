import type { PoolClient } from 'pg';
import { copyRows } from '../../platform/bulk.ts';
import { planCountyDisputes } from '../shared/disputes.ts';

/** Writes the township's part of the demo disputes of a county: the cases escalated to its townships and their dispatches. */
export async function seedTownshipCases(client: PoolClient, county: string, refDate: string, perVillage?: number): Promise<number> {
  const cases = planCountyDisputes(county, refDate, perVillage).filter((d) => d.township);
  await copyRows(
    client,
    'township_case',
    [
      'dispute_id',
      'case_number',
      'township_code',
      'village_code',
      'county_code',
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
      'supervised_at',
    ],
    cases.map((d) => {
      const t = d.township!;
      return [
        d.id,
        d.caseNumber,
        d.villageCode.slice(0, 9),
        d.villageCode,
        county,
        d.category,
        d.scale,
        d.summary,
        t.status,
        t.receivedAt.toISOString(),
        t.escalatedAt.toISOString(),
        t.settleBy.toISOString(),
        t.assignee,
        t.outcome,
        t.resolvedAt?.toISOString() ?? null,
        t.supervisedAt?.toISOString() ?? null,
      ];
    }),
  );
  await copyRows(
    client,
    'dispatch',
    [
      'dispute_id',
      'township_code',
      'village_code',
      'department_kind',
      'department_name',
      'status',
      'dispatched_at',
      'acknowledged_at',
      'reported_at',
      'report',
    ],
    cases.flatMap((d) =>
      d.dispatches.map((x) => [
        d.id,
        d.villageCode.slice(0, 9),
        d.villageCode,
        x.kind,
        x.name,
        x.reportedAt ? 'REPORTED' : x.acknowledgedAt ? 'ACKNOWLEDGED' : 'DISPATCHED',
        x.dispatchedAt.toISOString(),
        x.acknowledgedAt?.toISOString() ?? null,
        x.reportedAt?.toISOString() ?? null,
        x.report,
      ]),
    ),
  );
  return cases.length;
}
