import { Migration } from '@mikro-orm/migrations';

/** Township-level divisions (乡/镇/街道). */
export class Migration20261121000001 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table township (
        code text primary key check (code ~ '^[0-9]{9}$'),
        name text not null,
        kind text not null check (kind in ('SUBDISTRICT', 'TOWN', 'TOWNSHIP', 'OTHER')),
        county_code text not null check (county_code = left(code, 6))
      )`);
    this.addSql(`create index township_code_prefix on township (code text_pattern_ops)`);
    this.addSql(`create index township_county on township (county_code)`);
  }
}
