import { Migration } from '@mikro-orm/migrations';

/**
 * A county's ended records listed (`County.endedRecords`, newest first) as a village's are: the county's rows found
 * by their county code in the order of their end, where only a scan of every county's ended records served it. A
 * village's and a township's are found through `registry_ended_village` (…23LifeCycle).
 */
export class Migration20261207000075EndedRecordsCounty extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index registry_ended_county on registry_ended (county_code, ended_at, no)`);
  }
}
