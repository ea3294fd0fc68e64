import { Migration } from '@mikro-orm/migrations';

/**
 * Patrol teams and their members by kind (红袖标 RED_ARMBAND, 摩托车志愿巡逻队
 * …) under each division: `Forces.patrolByKind`, a figure a report-only tool
 * reads as it reads the other forces. Counted from the teams themselves for
 * the whole division whatever the caller's jurisdiction (security definer:
 * counts only, never a record), as a range scan on the teams' village codes;
 * the figures are cached with the other forces and follow their version,
 * which every change of a team or its members moves (…25StatsVersion).
 */
export class Migration20261205000051PatrolKinds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_patrol_kinds(codes text[], len integer, lo text, hi text)
      returns table (k text, kind text, teams bigint, members bigint)
      language sql stable security definer set search_path = public as $$
        select left(t.village_code, len), t.kind, count(distinct t.id), count(distinct m.person_id)
          from patrol_team t left join patrol_team_member m on m.team_id = t.id
         where t.village_code >= lo and t.village_code < hi and left(t.village_code, len) = any(codes)
         group by 1, 2
      $$`);
  }
}
