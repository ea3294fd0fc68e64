import { Migration } from '@mikro-orm/migrations';

/**
 * A division's parties (the `dispute-parties` export and its audit of linked residents) are read by village or grid
 * code, as every exported kind's rows are: without these a grid's export scanned the whole table's parties.
 */
export class Migration20261206000061PartyDivisions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index dispute_party_village on dispute_party (village_code, id)`);
    this.addSql(`create index dispute_party_grid on dispute_party (grid_code, id)`);
  }
}
