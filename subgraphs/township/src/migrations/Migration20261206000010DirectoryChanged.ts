import { Migration } from '@mikro-orm/migrations';
import { directoryTriggers } from '../../../../platform/directory-cache.ts';

/**
 * Any change to the division directory notifies the services, which keep the rows they read in memory and drop them
 * on the news (platform/directory-cache.ts; docs/ARCHITECTURE.md, "The directory in memory").
 */
export class Migration20261206000010DirectoryChanged extends Migration {
  override async up(): Promise<void> {
    for (const s of directoryTriggers(['township'])) this.addSql(s);
  }
}
