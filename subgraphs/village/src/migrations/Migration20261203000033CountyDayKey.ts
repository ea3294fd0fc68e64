import { Migration } from '@mikro-orm/migrations';
import { FIGURES } from './Migration20261121000007CountyDays.ts';

/**
 * The per-county day roll-up's primary key carries every figure, and is its
 * only index. …32CountyDayFigures gave the figures an index of their own on
 * the same key, but the services' generic plans (store/stats.ts `daySums`),
 * which cannot see the codes or the period, estimate one row and then cost
 * both indexes alike: on 甘肃's full roll-up they took the smaller primary
 * key and fetched each of a province-year's 31,931 day rows from the table
 * again. With one index on (county, day) there is no other to take, and it
 * answers from the index alone; every write of a day row now updates one
 * index, not two.
 */
export class Migration20261203000033CountyDayKey extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table county_day_rollup drop constraint county_day_rollup_pkey`);
    this.addSql(`alter table county_day_rollup add constraint county_day_rollup_pkey primary key (county_code, day) include (${FIGURES.join(', ')})`);
    this.addSql(`drop index county_day_rollup_figures`);
  }
}
