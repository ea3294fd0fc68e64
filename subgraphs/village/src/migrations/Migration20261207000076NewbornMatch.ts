import { Migration } from '@mikro-orm/migrations';

/**
 * 出生登记: a residents file's row without id or ID number (a newborn's) finds the current resident without a number on
 * its grid with its name, birth date and sex (NEWBORN_MATCH in store/resident-kind.ts), so that a file run again
 * registers no one twice. Only newborns waiting for their number (and overseas residents without one) are in this
 * index, so each row's probe is one small index lookup instead of a scan of the grid's residents. Its columns are
 * compared by plain equality, which row-level security lets an index serve (leakproof); sex is read from the row.
 */
export class Migration20261207000076NewbornMatch extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index person_without_number on person (grid_code, name, birth_date) where id_number is null and status = 'ACTIVE'`);
  }
}
