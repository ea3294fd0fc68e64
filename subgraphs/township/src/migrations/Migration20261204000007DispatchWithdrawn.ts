import { Migration } from '@mikro-orm/migrations';

/**
 * 撤回吹哨: a township may take back a dispatch its department has not
 * reported on (docs/ARCHITECTURE.md, "The case engine"). A withdrawn
 * dispatch is no longer open, so the department may be called on again: the
 * key on open dispatches leaves withdrawn ones out, as it does reported ones.
 */
export class Migration20261204000007DispatchWithdrawn extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispatch add column withdrawn_at timestamptz, add column withdrawal_reason text`);
    this.addSql(`alter table dispatch drop constraint if exists dispatch_status_check`);
    this.addSql(`alter table dispatch add constraint dispatch_status_check check (status in ('DISPATCHED', 'ACKNOWLEDGED', 'REPORTED', 'WITHDRAWN'))`);
    this.addSql(`drop index if exists dispatch_open_once`);
    this.addSql(`create unique index dispatch_open_once on dispatch (dispute_id, department_kind) where status in ('DISPATCHED', 'ACKNOWLEDGED')`);
  }
}
