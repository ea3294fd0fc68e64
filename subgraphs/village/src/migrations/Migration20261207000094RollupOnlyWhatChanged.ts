import { Migration } from '@mikro-orm/migrations';

/**
 * The village roll-up's triggers (…06Rollups) count only what a statement touched.
 *
 * - A statement-level trigger fires even when its statement touched no row: the residents' one write
 *   (store/registry-kinds.ts) updates `person` and `household` in parts that a new registration leaves empty, and each
 *   such empty part recounted no village but still took the county locks and ran the roll-up's statements and their
 *   own triggers. An empty set of villages now does nothing.
 * - A new resident is one more in their village: the residents a statement adds (ACTIVE ones, as the count takes;
 *   FLOATING and tags as it counts them) are added to their villages' rows, under the same county locks a recount
 *   takes, instead of recounting every resident of the village. A village without a row yet is counted in full, as
 *   before. The row's update moves the county's roll-up and the stats versions by its own triggers (…31CountyRollup,
 *   …25StatsVersion), as a recount's delete and insert did.
 */
export class Migration20261207000094RollupOnlyWhatChanged extends Migration {
  override async up(): Promise<void> {
    const from = {
      insert: 'select village_code from new_rows',
      delete: 'select village_code from old_rows',
      update: 'select village_code from new_rows union select village_code from old_rows',
    };
    for (const [op, villages] of Object.entries(from)) {
      this.addSql(`create or replace function refresh_village_rollup_on_${op}() returns trigger language plpgsql as $$
          declare vs text[];
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') = 'on' then return null; end if;
            vs := array(${villages});
            if cardinality(vs) > 0 then perform refresh_village_rollup(vs); end if;
            return null;
          end $$`);
    }
    this.addSql(`create function hub_person_rollup_on_insert() returns trigger language plpgsql security definer set search_path = public as $$
          declare vs text[];
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') = 'on' then return null; end if;
            vs := array(select distinct village_code from new_rows where village_code is not null order by 1);
            if cardinality(vs) = 0 then return null; end if;
            perform hub_lock_counties(vs);
            update village_rollup r
               set residents = r.residents + d.n, floating = r.floating + d.f, tags = hub_tags_add(r.tags, coalesce(d.tags, '{}'))
              from (select p.village_code, count(*) as n, count(*) filter (where p.residency = 'FLOATING') as f,
                           (select jsonb_object_agg(tag, k) from (select tag, count(*) as k from new_rows q, unnest(q.tags) as tag
                                                                    where q.village_code = p.village_code and q.status = 'ACTIVE' group by 1) t) as tags
                      from new_rows p where p.status = 'ACTIVE' group by 1) d
             where r.village_code = d.village_code;
            -- A village not rolled up yet is counted in full.
            vs := array(select v from unnest(vs) as v where not exists (select from village_rollup r where r.village_code = v));
            if cardinality(vs) > 0 then
              perform refresh_village_rollup_unlocked(vs);
              perform hub_bump_stats_version(vs, 'counts');
            end if;
            return null;
          end $$`);
    this.addSql(`drop trigger person_rollup_ins on person`);
    this.addSql(
      `create trigger person_rollup_ins after insert on person referencing new table as new_rows for each statement execute function hub_person_rollup_on_insert()`,
    );
  }
}
