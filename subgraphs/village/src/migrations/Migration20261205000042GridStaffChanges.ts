import { Migration } from '@mikro-orm/migrations';
import { changesOnUpdate } from './Migration20261204000035MovedOut.ts';

/**
 * Grid staff (网格员 and the 1+3+N linked cadres) join the change feed as
 * GRID_STAFF: integrations that keep a grid's roster (a hotline's dispatch
 * list, a county's duty roster) followed only the other forces and had to
 * re-read the staff export. Entries are written as for every other tracked
 * table: CREATED, UPDATED with its changed fields, MOVED_OUT when an
 * assignment moves to another grid of its village, and DELETED when it ends
 * (it leaves `grid_staff` for `grid_staff_ended`). Mediators and mediation
 * committees stay out: they belong to a village, not a grid, and every entry
 * of the feed is filed under a grid.
 */
export const GRID_STAFF_FEED = { table: 'grid_staff', kind: 'GRID_STAFF', version: true, status: false } as const;

const t = GRID_STAFF_FEED;
const ENTRY = `insert into change_log (kind, op, record_id, version, status_from, status_to, village_code, grid_code)`;
const INSERTED = `select '${t.kind}', 'CREATED', n.id::text, n.version, null, null, n.village_code, n.grid_code from new_rows n order by n.id`;
const DELETED = `select '${t.kind}', 'DELETED', o.id::text, o.version, null, null, o.village_code, o.grid_code from old_rows o order by o.id`;

/** The feed's trigger function of `table` for an insert or a delete, writing the entries `select` gives. */
export function logged(op: 'ins' | 'del', select: string, table: string = t.table, replace = false): string {
  return `create ${replace ? 'or replace ' : ''}function hub_changes_${table}_${op}() returns trigger language plpgsql security definer set search_path = public as $$
    begin
      -- Demo seeding and province loads are not changes an integration should replay.
      if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
      ${ENTRY} ${select};
      if found then perform hub_change_tx(); end if;
      return null;
    end $$`;
}

/** Each trigger: the statement it follows and the transition tables its function reads. */
const TRIGGERS = {
  ins: 'insert on grid_staff referencing new table as new_rows',
  upd: 'update on grid_staff referencing old table as old_rows new table as new_rows',
  del: 'delete on grid_staff referencing old table as old_rows',
} as const;

export class Migration20261205000042GridStaffChanges extends Migration {
  override async up(): Promise<void> {
    this.addSql(logged('ins', INSERTED));
    this.addSql(changesOnUpdate(t, 'grid_code'));
    this.addSql(logged('del', DELETED));
    for (const [op, on] of Object.entries(TRIGGERS)) {
      this.addSql(`create trigger grid_staff_changes_${op} after ${on} for each statement execute function hub_changes_grid_staff_${op}()`);
    }
  }
}
