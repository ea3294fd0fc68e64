import { Migration } from '@mikro-orm/migrations';

/** Village-level divisions (村/社区) and their grids (网格). */
export class Migration20261121000001 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table village (
        code text primary key check (code ~ '^[0-9]{12}$'),
        name text not null,
        kind text not null check (kind in ('COMMUNITY', 'VILLAGE', 'OTHER')),
        township_code text not null check (township_code = left(code, 9)),
        county_code text not null check (county_code = left(code, 6))
      )`);
    this.addSql(`create index village_code_prefix on village (code text_pattern_ops)`);
    this.addSql(`create index village_township on village (township_code)`);
    this.addSql(`
      create table grid (
        code text primary key check (code ~ '^[0-9]{15}$'),
        name text not null,
        village_code text not null references village (code) check (village_code = left(code, 12)),
        county_code text not null check (county_code = left(code, 6))
      )`);
    this.addSql(`create index grid_code_prefix on grid (code text_pattern_ops)`);
    this.addSql(`create index grid_village on grid (village_code)`);
  }
}
