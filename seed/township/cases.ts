import type { PoolClient } from 'pg';
import { copyRows } from '../../platform/bulk.ts';
import { planCountyDisputes } from '../shared/disputes.ts';

/**
 * Writes the township's part of the demo disputes of a county: the cases its
 * townships received (their record as the engine left it: status, place in the
 * case's order, the case's deadline rule and deadlines, re-handling rounds)
 * and their 吹哨 dispatches with their 报到 and 反馈 deadlines.
 */
export async function seedTownshipCases(client: PoolClient, county: string, refDate: string, perVillage?: number): Promise<number> {
  const cases = planCountyDisputes(county, refDate, perVillage).filter((d) => d.township);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
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
      'accepted_at',
      'supervised_at',
      'seq',
      'contact_minutes',
      'settle_hours',
      'reply_hours',
      'reply_by',
      'rehandled',
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
        iso(t.receivedAt),
        iso(t.escalatedAt),
        iso(t.settleBy),
        t.assignee,
        t.outcome,
        iso(t.resolvedAt),
        iso(t.acceptedAt),
        iso(t.supervisedAt),
        t.seq,
        d.rule.contactMinutes,
        d.rule.settleHours,
        d.rule.replyHours,
        iso(t.replyBy),
        t.rehandled,
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
      'acknowledge_by',
      'report_by',
      'withdrawn_at',
      'withdrawal_reason',
    ],
    cases.flatMap((d) =>
      d.dispatches.map((x) => [
        d.id,
        d.villageCode.slice(0, 9),
        d.villageCode,
        x.kind,
        x.name,
        x.withdrawnAt ? 'WITHDRAWN' : x.reportedAt ? 'REPORTED' : x.acknowledgedAt ? 'ACKNOWLEDGED' : 'DISPATCHED',
        iso(x.dispatchedAt),
        iso(x.acknowledgedAt),
        iso(x.reportedAt),
        x.report,
        iso(x.acknowledgeBy),
        iso(x.reportBy),
        iso(x.withdrawnAt),
        x.withdrawalReason,
      ]),
    ),
  );
  return cases.length;
}
