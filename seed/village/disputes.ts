import type { PoolClient } from 'pg';
import { copyRows } from '../../platform/bulk.ts';
import { planCountyDisputes } from '../shared/disputes.ts';

/** Writes the village's part of the demo disputes of a county: cases, parties (applicants linked to residents), timelines in the case's order. */
export async function seedCountyDisputes(client: PoolClient, county: string, refDate: string, perVillage?: number): Promise<number> {
  const plan = planCountyDisputes(county, refDate, perVillage);
  if (!plan.length) return 0;
  const cols = [
    'id',
    'case_number',
    'idempotency_key',
    'category',
    'scale',
    'source',
    'summary',
    'village_code',
    'grid_code',
    'county_code',
    'occurred_at',
    'reported_at',
    'status',
    'handling_level',
    'in_transit',
    'assignee',
    'outcome',
    'resolved_level',
    'resolved_at',
    'escalated_to_township_at',
    'escalated_to_county_at',
    'accepted_at',
    'rating',
    'rated_at',
    'closed_at',
    'followed_up_at',
    'contact_by',
    'settle_by',
    'reply_by',
    'supervised_at',
    'supervised_by',
    'supervision_note',
    'created_by',
    'seq',
    'rehandled',
  ];
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  await copyRows(
    client,
    'dispute',
    cols,
    plan.map((d) => {
      // The story as the engine derived it from the case's steps (seed/shared/case-run.ts), and the village's own milestones.
      const v = d.village;
      const s = v.story;
      return [
        d.id,
        d.caseNumber,
        `demo-${d.caseNumber}`,
        d.category,
        d.scale,
        d.source,
        d.summary,
        d.villageCode,
        d.gridCode,
        d.countyCode,
        iso(d.occurredAt),
        iso(d.reportedAt),
        s.status,
        s.handlingLevel,
        s.inTransit,
        s.assignee,
        s.outcome,
        s.resolvedLevel,
        iso(v.resolvedAt),
        iso(v.escalatedToTownshipAt),
        iso(v.escalatedToCountyAt),
        iso(v.acceptedAt),
        v.rating,
        iso(v.ratedAt),
        iso(v.closedAt),
        iso(v.followedUpAt),
        iso(s.contactBy),
        iso(s.settleBy),
        iso(s.replyBy),
        iso(v.supervisedAt),
        v.supervisedBy,
        v.supervisionNote,
        'demo',
        s.seq,
        s.rehandled,
      ];
    }),
  );
  await copyRows(
    client,
    'dispute_party',
    ['dispute_id', 'name', 'role', 'village_code', 'grid_code'],
    plan.flatMap((d) => d.parties.map((p) => [d.id, p.name, p.role, d.villageCode, d.gridCode])),
  );
  // Applicants are residents of the village where the dispute arose.
  await client.query(
    `update dispute_party dp set person_id = x.pid, name = p.name
       from (select dp2.id, (select p.id from person p where p.village_code = dp2.village_code order by p.id offset (dp2.id % 97) limit 1) as pid
               from dispute_party dp2 join dispute d on d.id = dp2.dispute_id where d.county_code = $1 and dp2.role = 'APPLICANT') x
       join person p on p.id = x.pid
      where dp.id = x.id`,
    [county],
  );
  await copyRows(
    client,
    'dispute_step',
    [
      'dispute_id',
      'at',
      'level',
      'action',
      'actor',
      'note',
      'status',
      'village_code',
      'grid_code',
      'seq',
      'outcome',
      'assignee',
      'contact_by',
      'settle_by',
      'reply_by',
      'departments',
      'rating',
    ],
    plan.flatMap((d) =>
      d.steps.map((s) => [
        d.id,
        iso(s.at),
        s.level,
        s.action,
        s.actor,
        s.note,
        s.status,
        d.villageCode,
        d.gridCode,
        s.seq,
        s.outcome,
        s.assignee,
        iso(s.deadlines.contactBy ?? null),
        iso(s.deadlines.settleBy ?? null),
        iso(s.deadlines.replyBy ?? null),
        s.departments && `{${s.departments.join(',')}}`,
        s.rating,
      ]),
    ),
  );
  await client.query(
    `insert into dispute_counter (county_code, year, n)
     select county_code, split_part(case_number, '-', 2)::int, max(split_part(case_number, '-', 3)::int) from dispute where county_code = $1 group by 1, 2
     on conflict (county_code, year) do update set n = greatest(dispute_counter.n, excluded.n)`,
    [county],
  );
  return plan.length;
}
