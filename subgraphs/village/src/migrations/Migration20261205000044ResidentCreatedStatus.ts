import { Migration } from '@mikro-orm/migrations';
import { logged } from './Migration20261205000042GridStaffChanges.ts';

/**
 * A resident's CREATED entry in the change feed carries the status it was
 * registered with (`statusTo`, ACTIVE), as a hazard's and a dispute's do and
 * as the schema says of records with a status. Since residents gained a
 * status, their updates carried it but their creation still wrote null, so
 * an integration keeping residents by status had to read each new one back.
 * Entries written before say so too: every resident was registered ACTIVE
 * (deregistering is an update), so an integration reading the feed from its
 * start finds one answer throughout.
 */
export class Migration20261205000044ResidentCreatedStatus extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      logged(
        'ins',
        `select 'RESIDENT', 'CREATED', n.id::text, n.version, null, n.status, n.village_code, n.grid_code from new_rows n order by n.id`,
        'person',
        true,
      ),
    );
    this.addSql(`update change_log set status_to = 'ACTIVE' where kind = 'RESIDENT' and op = 'CREATED' and status_to is null`);
  }
}
