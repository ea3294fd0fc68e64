import { Migration } from '@mikro-orm/migrations';

/**
 * A county's hazards listed (`County.hazards`) as a village's are: the county's rows found by their county code and
 * taken in id order, where nothing but a scan of every county's hazards served it. A township's are found by the
 * range of village codes it spans, through `hazard_village_id`.
 */
export class Migration20261207000072HazardCounty extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index hazard_county_id on hazard (county_code, id)`);
  }
}
