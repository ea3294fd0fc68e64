import { Migration } from '@mikro-orm/migrations';

/**
 * A department may be called on again once it has reported back (a case
 * reopened after an unsatisfied rating needs it again); while its dispatch
 * is open it is not called twice. The key on (dispute, department) becomes
 * one on the open dispatches only, and a plain index serves a case's
 * dispatches.
 */
export class Migration20261204000006DispatchAgain extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index if not exists dispatch_dispute on dispatch (dispute_id)`);
    this.addSql(`alter table dispatch drop constraint if exists dispatch_dispute_id_department_kind_key`);
    this.addSql(`create unique index if not exists dispatch_open_once on dispatch (dispute_id, department_kind) where status <> 'REPORTED'`);
  }
}
