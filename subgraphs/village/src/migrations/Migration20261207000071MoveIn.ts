import { Migration } from '@mikro-orm/migrations';

/**
 * 迁入 (docs/ARCHITECTURE.md, "Life cycle and history"): a resident whom
 * another village deregistered as moved out (注销, reason MOVED_OUT) is
 * registered where they now live by the clerk there, who cannot see the old
 * village's rows. `hub_move_in` sees past row-level security for exactly one
 * record: the person holding the ID number, deregistered as MOVED_OUT,
 * outside the caller's jurisdiction (inside it the caller reinstates the
 * record itself). The grid they move into must be a grid the hub knows inside
 * the caller's jurisdiction (`hub.jurisdiction`, read by
 * hub_in_jurisdiction; no setting, no grid). A record deregistered as DIED or
 * DUPLICATE is never taken up.
 *
 * What the new village learns of the old, as a 迁移证 tells it: the village
 * it came from (its name and code, in the history entry's note, and its grid
 * on the entry's before side), and the name, 民族, residency, sex and birth
 * date on record, which the new village's registration then replaces. The
 * old village's tags (special populations) and phone are cleared first,
 * without a history entry or a change of its own, so that the entry the new
 * village reads does not show them; the old village's history of the person
 * stays under its grids, out of the new village's sight.
 *
 * The move itself is one update: status ACTIVE again in the new grid, with a
 * history entry (note `迁入：自<村>（<code>）`) and the change feed's MOVED_OUT
 * entry under the old village and TRANSITION under the new; the person
 * triggers move the population figures from one village to the other.
 */
export class Migration20261207000071MoveIn extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_move_in(id_no text, into_grid text) returns table (id integer, version integer)
      language plpgsql security definer set search_path = public as $$
      declare
        p person%rowtype;
        from_name text;
        skipping text := coalesce(current_setting('hub.skip_changes', true), '');
      begin
        if into_grid is null or not hub_in_jurisdiction(into_grid) then return; end if;
        if not exists (select 1 from grid g where g.code = into_grid) then return; end if;
        select * into p from person x
         where x.id_number = id_no and x.status = 'DEREGISTERED' and x.deregistration_reason = 'MOVED_OUT'
           and not hub_in_jurisdiction(x.grid_code)
         for update;
        if not found then return; end if;
        select v.name into from_name from village v where v.code = p.village_code;
        perform set_config('hub.skip_changes', 'on', true);
        update person x set tags = '{}', phone = null where x.id = p.id;
        perform set_config('hub.skip_changes', skipping, true);
        perform set_config('hub.status_note', '迁入：自' || coalesce(from_name, p.village_code) || '（' || p.village_code || '）', true);
        return query
          update person x set status = 'ACTIVE', deregistered_at = null, deregistration_reason = null, deregistration_note = null,
                 grid_code = into_grid, village_code = left(into_grid, 12), county_code = left(into_grid, 6), version = x.version + 1
           where x.id = p.id
          returning x.id, x.version;
        perform set_config('hub.status_note', '', true);
      end $$`);
  }
}
