import { Migration } from '@mikro-orm/migrations';

/**
 * The team that walked a patrol, as named to a caller who does not see the team itself (`Patrol.team`, a grid
 * worker of another grid of the village): what names the team (name, kind, grid, whether and why it was disbanded),
 * never its free text or the source system's key. The note given at its disbanding may name people, and the external
 * id, who disbanded it and the members it had then are the team's own village's records: null to such a caller, as
 * the schema says. A caller whose jurisdiction holds the team's grid is given the whole row, as row-level security
 * gives it. The teams named are those of …88HazardPatrolNamed.
 */
export class Migration20261207000091PatrolTeamWithheld extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function hub_patrol_teams_named(ids integer[])
      returns setof patrol_team
      language sql stable security definer set search_path = public as $$
        select shown.* from patrol_team t
          cross join lateral jsonb_populate_record(t, case when hub_in_jurisdiction(t.grid_code) then '{}'::jsonb
            else '{"end_note": null, "external_id": null, "ended_by": null, "ended_by_name": null, "ended_member_ids": null}'::jsonb end) shown
         where t.id = any(ids)
           and (exists (select 1 from patrol p where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(p.grid_code))
             or exists (select 1 from patrol_voided p where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(p.grid_code))
             or exists (select 1 from patrol p join hazard h on h.patrol_id = p.id and h.village_code = p.village_code
                         where p.team_id = t.id and p.village_code = t.village_code and hub_in_jurisdiction(h.grid_code)))
      $$`);
  }
}
