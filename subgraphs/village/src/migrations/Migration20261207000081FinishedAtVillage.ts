import { Migration } from '@mikro-orm/migrations';

/**
 * 办理层级 of a finished case (docs/ARCHITECTURE.md, "The case engine"): once the parties have rated it, or it is
 * closed or visited (回访), a case is the village's whichever level resolved it, as the village's story now sets it
 * (RATE, CLOSE and FOLLOW_UP in domain/case-engine.ts). Cases finished before kept the level that had resolved them, so
 * `disputes(filter: { handlingLevel: VILLAGE })` left them out: they read VILLAGE, as a replay of their steps would
 * give. Only the derived column changes; `resolved_level` keeps who settled the case, and the timeline is untouched.
 */
export class Migration20261207000081FinishedAtVillage extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update dispute set handling_level = 'VILLAGE', in_transit = false
        where status in ('RATED', 'CLOSED', 'FOLLOWED_UP') and (handling_level <> 'VILLAGE' or in_transit)`,
    );
  }
}
