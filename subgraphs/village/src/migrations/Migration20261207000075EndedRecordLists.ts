import { Migration } from '@mikro-orm/migrations';

/**
 * A county's and a grid's ended records listed (`County.endedRecords`, `Grid.endedRecords`, newest first) as a
 * village's are: the rows found by their county or grid code in the order of their end, where only a scan of every
 * county's ended records served them. A village's and a township's are found through `registry_ended_village`
 * (…23LifeCycle).
 */
export class Migration20261207000075EndedRecordLists extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index registry_ended_county on registry_ended (county_code, ended_at, no)`);
    this.addSql(`create index registry_ended_grid on registry_ended (grid_code, ended_at, no)`);
  }
}
