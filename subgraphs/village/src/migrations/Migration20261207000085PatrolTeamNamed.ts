import { Migration } from '@mikro-orm/migrations';

/**
 * The team that walked a patrol, named to whoever sees the patrol (`Patrol.team`): a village may record a patrol on
 * one grid by a team of another of its grids, and row-level security hides that team from a caller of the patrolled
 * grid alone. Of the teams asked for, those with a patrol (recorded or voided) of their own village on a grid inside
 * the caller's jurisdiction (security definer: the team's own row, which holds no personal data; its members stay
 * behind their own policy). The caller's jurisdiction is the transaction's, as for every policy.
 */
export class Migration20261207000085PatrolTeamNamed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_patrol_teams_named(ids integer[])
      returns setof patrol_team
      language sql stable security definer set search_path = public as $$
        select t.* from patrol_team t
         where t.id = any(ids)
           and (exists (select 1 from patrol p where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(p.grid_code))
             or exists (select 1 from patrol_voided p where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(p.grid_code)))
      $$`);
  }
}
