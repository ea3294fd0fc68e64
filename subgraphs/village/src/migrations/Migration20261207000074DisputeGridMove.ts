import { Migration } from '@mikro-orm/migrations';

/**
 * 改派网格 (`moveDisputeToGrid`): a case filed under the wrong grid of its village moves to the right one. Its timeline
 * and parties are kept where the case is (their `grid_code` is what row-level security reads), so they move with it:
 * the new grid's worker reads the whole story, the old grid's no longer reads any of it.
 *
 * - The timeline stays append-only for everything else: a step's row may change its grid alone, to one of its own
 *   village, and only through `hub_dispute_steps_follow`, which sets the steps of a case the caller's jurisdiction
 *   holds to the case's grid (the application's role has no update right on the table).
 *   A later migration that rewrites steps lifts both guards (`dispute_step_append_only`, `dispute_step_moves_only`).
 * - The move's step (MOVE_GRID, outside the case's order as 更正 is) keeps the grid it replaced in `changes`, as a
 *   correction keeps its fields, so the case as first reported stays readable (a report sent again after its answer
 *   was lost names the first grid).
 */
export class Migration20261207000074DisputeGridMove extends Migration {
  override async up(): Promise<void> {
    const sql = [
      // The check was declared with the column (…54CorrectionChanges), under a name PostgreSQL chose.
      `do $$ declare c text; begin
         for c in select conname from pg_constraint
                   where conrelid = 'dispute_step'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%changes%CORRECT%'
         loop execute format('alter table dispute_step drop constraint %I', c); end loop;
       end $$`,
      `alter table dispute_step add constraint dispute_step_changes_check
         check (changes is null or (action in ('CORRECT', 'MOVE_GRID') and jsonb_typeof(changes) = 'array'))`,
      `drop trigger dispute_step_append_only on dispute_step`,
      `create trigger dispute_step_append_only before delete or truncate on dispute_step for each statement execute function hub_append_only()`,
      `create function hub_dispute_step_moves_only() returns trigger language plpgsql as $$
        begin
          if (to_jsonb(new) - 'grid_code') is distinct from (to_jsonb(old) - 'grid_code') or left(new.grid_code, 12) <> old.village_code then
            raise exception 'dispute_step is append-only: entries are never changed or removed (a step follows its case to another grid of its village, nothing else)';
          end if;
          return new;
        end $$`,
      `create trigger dispute_step_moves_only before update on dispute_step for each row execute function hub_dispute_step_moves_only()`,
      `create function hub_dispute_steps_follow(case_id uuid) returns void language plpgsql security definer set search_path = public as $$
        begin
          update dispute_step s set grid_code = d.grid_code
            from dispute d
           where d.id = case_id and s.dispute_id = d.id and s.grid_code <> d.grid_code and hub_in_jurisdiction(d.grid_code);
        end $$`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
