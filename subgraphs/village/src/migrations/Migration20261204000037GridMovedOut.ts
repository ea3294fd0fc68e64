import { Migration } from '@mikro-orm/migrations';
import { BOOKKEEPING_COLUMNS, TRACKED } from './Migration20261201000023LifeCycle.ts';

/**
 * The change feed tells the grid a record left (op MOVED_OUT) whenever the
 * record changes grid, inside its village too, not only when it changes
 * village (…35MovedOut). A change is filed under the grid the record is in
 * after it, so an integration following one grid (`changes(within:)` with a
 * grid code, or a caller whose jurisdiction is that grid) never heard that a
 * resident moved to the next grid of the village and kept them for good. The
 * MOVED_OUT entry comes before the one under the new grid; both carry the
 * same version and changed fields. Whoever sees both (the village and
 * above) reads the move as leaving one grid and arriving in the other.
 */

/** The tables of the feed, the resident's status included (…36ResidentTransition). */
const TABLES = TRACKED.map((t) => (t.table === 'person' ? { ...t, status: true } : t));

/** The update trigger's function of a tracked table (as this migration writes it; later migrations may reuse it). */
export function changesOnUpdate(t: (typeof TRACKED)[number]): string {
  const skip = BOOKKEEPING_COLUMNS.map((c) => `'${c}'`).join(', ');
  const v = (r: string) => (t.version ? `${r}.version` : 'null::integer');
  const s = (r: string) => (t.status ? `${r}.status` : 'null::text');
  return `create or replace function hub_changes_${t.table}_upd() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
          insert into change_log (kind, op, record_id, version, status_from, status_to, village_code, grid_code, changed_fields)
          select '${t.kind}', x.op, n.id::text, ${v('n')}, ${s('o')}, ${s('n')}, x.village_code, x.grid_code, c.fields
            from new_rows n
            join old_rows o on o.id = n.id and n is distinct from o
            cross join lateral (select to_jsonb(n) as nj, to_jsonb(o) as oj) j
            cross join lateral (
              select array_agg(e.key order by e.key) as fields
                from jsonb_each(j.nj) e
               where e.key not in (${skip}) and e.value is distinct from j.oj -> e.key) c
            cross join lateral (
              select 'MOVED_OUT' as op, o.village_code, o.grid_code, 0 as k where o.grid_code <> n.grid_code
              union all
              select case when ${s('o')} is distinct from ${s('n')} then 'TRANSITION' else 'UPDATED' end, n.village_code, n.grid_code, 1) x
           where c.fields is not null
           order by n.id, x.k;
          if found then perform hub_change_tx(); end if;
          return null;
        end $$`;
}

export class Migration20261204000037GridMovedOut extends Migration {
  override async up(): Promise<void> {
    for (const t of TABLES) this.addSql(changesOnUpdate(t));
  }
}
