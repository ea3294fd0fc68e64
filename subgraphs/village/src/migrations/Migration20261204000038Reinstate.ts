import { Migration } from '@mikro-orm/migrations';
import { personHistoryFunction } from './Migration20261201000023LifeCycle.ts';

/**
 * 恢复登记: a deregistered person may return to the registry (moved back, or
 * deregistered by mistake; docs/ARCHITECTURE.md, "Life cycle and history").
 * The history entry of a status change carries the deregistration's reason
 * and note; a reinstatement's note comes from the transaction-local setting
 * `hub.status_note` that `reinstatePerson` sets, as the person's own note
 * columns belong to the deregistration and are cleared.
 */
export class Migration20261204000038Reinstate extends Migration {
  override async up(): Promise<void> {
    this.addSql(personHistoryFunction('create or replace', STATUS_NOTE));
  }
}

/** The note of a status change's entry: the deregistration's own, or the reinstatement's from `hub.status_note`. */
export const STATUS_NOTE = `case when n.status = 'DEREGISTERED' then n.deregistration_note else nullif(current_setting('hub.status_note', true), '') end`;
