import { Migration } from '@mikro-orm/migrations';
import { replaceInFunctions } from './patch-functions.ts';

/**
 * A patrol team disbanded (解散, docs/ARCHITECTURE.md "Maintaining the forces") stays in `patrol_team` with when, by
 * whom and why: its patrols, kept in every figure of the days they were walked, still name it. Its members leave it,
 * and it leaves the lists and the count of teams: the village roll-up (…06Rollups as …23LifeCycle left it) and the
 * teams by kind (…51PatrolKinds) count only teams not disbanded.
 */
export class Migration20261206000057PatrolTeamEnd extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table patrol_team add column ended_at timestamptz, add column ended_by text, add column ended_by_name text,
                               add column end_reason text check (end_reason in ('REORGANISED', 'MERGED', 'DUPLICATE')), add column end_note text`,
    );
    this.addSql(
      replaceInFunctions(
        'from patrol_team where village_code = any(vs) group by 1',
        'from patrol_team where village_code = any(vs) and ended_at is null group by 1',
        1,
      ),
    );
    this.addSql(
      replaceInFunctions(
        'where t.village_code >= lo and t.village_code < hi and left(t.village_code, len) = any(codes)',
        'where t.village_code >= lo and t.village_code < hi and left(t.village_code, len) = any(codes) and t.ended_at is null',
        1,
      ),
    );
  }
}
