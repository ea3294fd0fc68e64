import { Migration } from '@mikro-orm/migrations';

/**
 * The patrol that found a hazard, told to whoever sees the hazard (`Hazard.patrol`): a patrol on one grid may file a
 * hazard on another grid of its village, and row-level security hides that patrol from a caller of the hazard's grid
 * alone. Of the patrols asked for, those that found a hazard on a grid inside the caller's jurisdiction (security
 * definer: the patrol's own row, its times, route, grid and team; its participants stay behind the people's policy).
 * Such a caller is told the patrol's team too (`Patrol.team`), so `hub_patrol_teams_named` also gives the team of a
 * patrol that found a hazard inside the caller's jurisdiction. The caller's jurisdiction is the transaction's, as for
 * every policy.
 */
export class Migration20261207000088HazardPatrolNamed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_patrols_of_hazards(ids integer[])
      returns setof patrol
      language sql stable security definer set search_path = public as $$
        select p.* from patrol p
         where p.id = any(ids)
           and exists (select 1 from hazard h where h.patrol_id = p.id and h.village_code = p.village_code and hub_in_jurisdiction(h.grid_code))
      $$`);
    this.addSql(`create or replace function hub_patrol_teams_named(ids integer[])
      returns setof patrol_team
      language sql stable security definer set search_path = public as $$
        select t.* from patrol_team t
         where t.id = any(ids)
           and (exists (select 1 from patrol p where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(p.grid_code))
             or exists (select 1 from patrol_voided p where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(p.grid_code))
             or exists (select 1 from patrol p join hazard h on h.patrol_id = p.id and h.village_code = p.village_code
                         where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(h.grid_code)))
      $$`);
  }
}
