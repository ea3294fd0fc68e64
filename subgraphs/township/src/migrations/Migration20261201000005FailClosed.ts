import { Migration } from '@mikro-orm/migrations';
import { JURISDICTION_FUNCTION } from '../../../../platform/rls.ts';

/**
 * Row-level security fails closed: a connection that set no jurisdiction, or
 * an empty one, sees no rows; the whole country is the explicit value `*`
 * (platform/rls.ts). Before, an empty setting matched every code.
 */
export class Migration20261201000005FailClosed extends Migration {
  override async up(): Promise<void> {
    this.addSql(JURISDICTION_FUNCTION);
  }
}
