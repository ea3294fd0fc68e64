import { Migration } from '@mikro-orm/migrations';

/**
 * The division codes a statistic is asked for, as rows (store/stats.ts). Its
 * statements run as prepared statements with one generic plan per connection
 * (platform/sql.ts `preparedRows`, `publicRows`), where `unnest` of an array
 * parameter counts as 10 rows whatever the array holds: PostgreSQL then
 * matched a county's 147 villages to their day rows by nested loops (4.7 ms
 * against 1.0 with the codes known). This function declares 200 rows, so the
 * generic plans join the codes by hashing (1.0 ms); it is PL/pgSQL so that it
 * is not inlined into an `unnest` again.
 */
export class Migration20261202000028DivisionCodes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_codes(codes text[]) returns setof text language plpgsql immutable strict parallel safe rows 200
      as $$ begin return query select unnest(codes); end $$`);
  }
}
