import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the list filters that had none the application could use,
 * found by an EXPLAIN pass over every filter in the schema (as `hub_app`,
 * under row-level security, on 甘肃 at province scale; county 临潭县 has
 * 140,400 residents).
 *
 * Under row-level security PostgreSQL lets only leakproof operators drive an
 * index, and array overlap (`&&`) and LIKE are not leakproof. So the tag
 * filter never used the GIN index on `person.tags`: it read all 140,400 of
 * the county's residents (57–107 ms). Worse, with the GIN index made
 * partial (tried while tuning the import), grid-scoped tag lists read all of
 * it for its `tags <> '{}'` condition (54 ms, against 37–40 ms without it).
 * A partial index's condition, though, is still matched under row-level
 * security, so the filters get partial
 * btree indexes over the few rows they can match:
 *
 * - residents with any tag (4% of them), by village and by grid: county tag
 *   list 73–107 → 4–10 ms, 500 grids 59–75 → 3–5 ms;
 * - residents who are not REGISTERED (9%), for the residency filter:
 *   FLOATING 52 → 19 ms, OVERSEAS 28–30 → 0.4 ms at county scope.
 *
 * Rows outside these conditions (most of a registry import) cost nothing to
 * insert. Also:
 * - `dispute (grid_code, no)` for `Grid.disputes`, newest first;
 * - `audit_log (caller_jurisdiction, id)`, used because the audit query now
 *   also states the jurisdiction as a code range (79–107 → 4 ms unfiltered);
 * - `change_log (kind, txid)` for the change feed read by kinds (a feed of
 *   300,000 changes read for one kind from the start: 1,264 → 150 ms).
 */
export class Migration20261121000016FilterIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index person_tags`);
    this.addSql(`create index person_tagged_village_id on person (village_code, id) where tags <> '{}'`);
    this.addSql(`create index person_tagged_grid_id on person (grid_code, id) where tags <> '{}'`);
    this.addSql(`create index person_village_residency_id on person (village_code, residency, id) where residency <> 'REGISTERED'`);
    this.addSql(`create index person_grid_residency_id on person (grid_code, residency, id) where residency <> 'REGISTERED'`);
    this.addSql(`create index dispute_grid_no on dispute (grid_code, no)`);
    this.addSql(`create index audit_log_jurisdiction_id on audit_log (caller_jurisdiction, id)`);
    this.addSql(`create index change_log_kind on change_log (kind, txid)`);
  }
}
