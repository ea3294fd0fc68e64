import { Migration } from '@mikro-orm/migrations';
import { JURISDICTION_FUNCTION } from '../../../../platform/rls.ts';

/**
 * Row-level security fails closed: a connection that set no jurisdiction, or
 * an empty one, sees no rows; the whole country is the explicit value `*`
 * (platform/rls.ts). Before, an empty setting matched every code.
 */
export class Migration20261201000019FailClosed extends Migration {
  override async up(): Promise<void> {
    this.addSql(JURISDICTION_FUNCTION);
    // The audit log's read policy had its own test of the setting, and an empty one matched every entry.
    this.addSql(`drop policy audit_log_read on audit_log`);
    this.addSql(
      `create policy audit_log_read on audit_log for select using (
         case coalesce(current_setting('hub.jurisdiction', true), '')
           when '' then false
           when '*' then true
           else caller_jurisdiction like current_setting('hub.jurisdiction', true) || '%'
         end)`,
    );
  }
}
