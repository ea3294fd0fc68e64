import { Migration } from '@mikro-orm/migrations';
import { TRACKED } from './Migration20261201000023LifeCycle.ts';
import { changesOnUpdate } from './Migration20261204000035MovedOut.ts';

/**
 * Deregistering a resident (注销) is a change of status, ACTIVE to
 * DEREGISTERED, and the change feed now says so: op TRANSITION with
 * statusFrom and statusTo, as for hazards and disputes. It was an UPDATED
 * entry with no status, which the schema describes as a change that leaves
 * the status alone.
 */
export class Migration20261204000036ResidentTransition extends Migration {
  override async up(): Promise<void> {
    const person = TRACKED.find((t) => t.table === 'person')!;
    this.addSql(changesOnUpdate({ ...person, status: true }));
  }
}
