import { Migration } from '@mikro-orm/migrations';
import { replaceInFunctions } from './patch-functions.ts';

/**
 * 不予受理: a report declined at intake (status DECLINED) counts in no
 * dispute figure, not even as reported: it was no dispute the centre took
 * (a duplicate, a request for help, a case already before a court). The two
 * functions that sum a village's disputes per day (…06Rollups' full refresh,
 * now `refresh_village_days_only`, and …08DayPairs' refresh of the days a
 * write touched, `refresh_day_pairs_unlocked`) leave such cases out. The
 * decline itself is an update of the case, which refreshes its day as every
 * step does, so the figures drop it in the same transaction.
 *
 * Each function is patched where it reads the dispute table, as …30DayRefresh
 * patched its join: a definition that no longer reads as expected stops the
 * migration rather than leave the figures counting declined cases.
 */
const PATCHES: [from: string, to: string][] = [
  [`from dispute where village_code = any(vs)) d`, `from dispute where village_code = any(vs) and status <> 'DECLINED') d`],
  [`from dispute) dd`, `from dispute where status <> 'DECLINED') dd`],
];

export class Migration20261205000052DeclinedCases extends Migration {
  override async up(): Promise<void> {
    for (const [from, to] of PATCHES) this.addSql(replaceInFunctions(from, to, 1));
  }
}
