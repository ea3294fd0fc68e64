import { Migration } from '@mikro-orm/migrations';
import { TRACKED } from './Migration20261201000023LifeCycle.ts';
import { changesOnUpdate } from './Migration20261204000035MovedOut.ts';

/**
 * The change feed tells the grid a record left (op MOVED_OUT) whenever the
 * record changes grid, inside its village too, not only when it changes
 * village (…35MovedOut). A change is filed under the grid the record is in
 * after it, so an integration following one grid (`changes(within:)` with a
 * grid code, or a caller whose jurisdiction is that grid) never heard that a
 * resident moved to the next grid of the village and kept them for good. The
 * MOVED_OUT entry comes before the one under the new grid; both carry the
 * same version and changed fields. Whoever sees both (the village and
 * above) reads the move as leaving one grid and arriving in the other.
 */

/** The tables of the feed, the resident's status included (…36ResidentTransition). */
const TABLES = TRACKED.map((t) => (t.table === 'person' ? { ...t, status: true } : t));

export class Migration20261204000037GridMovedOut extends Migration {
  override async up(): Promise<void> {
    for (const t of TABLES) this.addSql(changesOnUpdate(t, 'grid_code'));
  }
}
