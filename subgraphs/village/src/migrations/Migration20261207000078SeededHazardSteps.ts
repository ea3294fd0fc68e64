import { Migration } from '@mikro-orm/migrations';

/**
 * The demo data's hazards past 已上报 had no 整改 steps and no deadline (`rectify_by`), so the analysis room showed
 * them 整改期限 未设, none was ever overdue, and a verified one had no 整改记录. The seed now writes both
 * (seed/village/registry.ts, `hazardSteps`); this gives them to the demo hazards of a database seeded before, with the
 * same times and deadlines: only hazards of the demo's counties, reported by its reference day, with no step at all.
 * A hazard the API moved has its steps, and one of real data is not demo data (no `demo` seed step names its county).
 */
export class Migration20261207000078SeededHazardSteps extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create temp table demo_hazard on commit drop as
         select h.id, h.rectified_at, h.verified_at, h.village_code, h.grid_code, s.started,
                (s.started at time zone 'Asia/Shanghai')::date + 7 * (1 + h.id % 4) as rectify_by
           from hazard h
           join hub_seed d on d.step = 'demo'
           cross join lateral (select h.reported_at + least(interval '1 day', coalesce((h.rectified_at - h.reported_at) / 2, interval '1 day')) as started) s
          where h.status <> 'REPORTED' and h.rectify_by is null
            and h.county_code in (select jsonb_array_elements_text(d.detail -> 'scope'))
            and h.reported_at <= ((d.detail ->> 'refDate') || 'T23:59:59+08:00')::timestamptz
            and not exists (select 1 from hazard_step x where x.hazard_id = h.id)`,
    );
    this.addSql(`update hazard h set rectify_by = d.rectify_by from demo_hazard d where h.id = d.id`);
    this.addSql(
      `insert into hazard_step (hazard_id, at, action, status_from, status_to, by_subject, by_name, note, rectify_by, village_code, grid_code)
       select id, at, action, status_from, status_to, 'demo-seed', by_name, note, deadline, village_code, grid_code from (
         select id, 1 as n, started as at, 'START' as action, 'REPORTED' as status_from, 'RECTIFYING' as status_to, '村综治中心' as by_name,
                '通知责任人限期整改' as note, rectify_by as deadline, village_code, grid_code from demo_hazard
         union all
         select id, 2, rectified_at, 'RECTIFY', 'RECTIFYING', 'RECTIFIED', '网格员', '已按要求整改', null, village_code, grid_code
           from demo_hazard where rectified_at is not null
         union all
         select id, 3, verified_at, 'VERIFY', 'RECTIFIED', 'VERIFIED', '村综治中心', '验收合格', null, village_code, grid_code
           from demo_hazard where verified_at is not null
       ) steps order by id, n`,
    );
  }
}
