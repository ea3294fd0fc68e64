import { Migration } from '@mikro-orm/migrations';

/**
 * Finding people at county scale under row-level security
 * (docs/ARCHITECTURE.md, "Finding people"). Under RLS only leakproof
 * conditions may drive an index; `=` and `^@` (starts_with) are leakproof
 * on text, LIKE is not, so the searches are written with them.
 *
 * - By ID number: the unique key on `id_number` already serves it.
 * - By phone: `person (phone)`, for the residents who have one.
 * - By name prefix under a township or county: `(county_code, name
 *   text_pattern_ops)`, which turns `name ^@ '马'` into an index range in any
 *   collation. It includes `grid_code` and `id`, so the search answers from
 *   the index alone: the township condition (`grid_code ^@ …`) and the
 *   policy's own test of `grid_code` need no table row, and only the page's
 *   rows are read.
 */
export class Migration20261201000021PersonSearch extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index person_phone on person (phone) where phone is not null`);
    this.addSql(`create index person_county_name on person (county_code, name text_pattern_ops) include (grid_code, id)`);
  }
}
