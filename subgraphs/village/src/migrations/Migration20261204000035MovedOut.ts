import { Migration } from '@mikro-orm/migrations';
import { BOOKKEEPING_COLUMNS, TRACKED } from './Migration20261201000023LifeCycle.ts';

/**
 * The change feed tells the village a record left (op MOVED_OUT). A change
 * is filed under the record's village and grid as they are after it, so an
 * integration following the old village (`changes(within:)`, or a caller
 * whose jurisdiction is that village) never heard that a resident or a
 * household moved away and kept its copy for good. An update that changes
 * the village now writes a second entry under the old village and grid,
 * before the one under the new; both carry the same version and changed
 * fields. Whoever sees both (a township or county reader) reads the move
 * as leaving one village and arriving in the other.
 */
/**
 * The update trigger's function of a tracked table (as this migration writes
 * it; later migrations reuse it): MOVED_OUT when the `left` column changes
 * (the village here; the grid from …37GridMovedOut on).
 */
export function changesOnUpdate(t: (typeof TRACKED)[number], left: 'village_code' | 'grid_code' = 'village_code'): string {
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
              select 'MOVED_OUT' as op, o.village_code, o.grid_code, 0 as k where o.${left} <> n.${left}
              union all
              select case when ${s('o')} is distinct from ${s('n')} then 'TRANSITION' else 'UPDATED' end, n.village_code, n.grid_code, 1) x
           where c.fields is not null
           order by n.id, x.k;
          if found then perform hub_change_tx(); end if;
          return null;
        end $$`;
}

export class Migration20261204000035MovedOut extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table change_log drop constraint change_log_op_check`);
    this.addSql(`alter table change_log add constraint change_log_op_check check (op in ('CREATED', 'UPDATED', 'DELETED', 'TRANSITION', 'MOVED_OUT'))`);
    for (const t of TRACKED) this.addSql(changesOnUpdate(t));
  }
}
