import { Migration } from '@mikro-orm/migrations';

/** The division directory above townships: provinces, prefectures, counties. */
export class Migration20261121000001 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table region (
        code text primary key check (code ~ '^[0-9]{2}([0-9]{2})?$'),
        name text not null,
        level text not null check (level in ('PROVINCE', 'PREFECTURE')),
        parent_code text references region (code)
      )`);
    this.addSql(`create index region_code_prefix on region (code text_pattern_ops)`);
    this.addSql(`create index region_parent on region (parent_code)`);
    this.addSql(`
      create table county (
        code text primary key check (code ~ '^[0-9]{6}$'),
        name text not null,
        prefecture_code text not null references region (code),
        province_code text not null references region (code)
      )`);
    this.addSql(`create index county_code_prefix on county (code text_pattern_ops)`);
    this.addSql(`create index county_prefecture on county (prefecture_code)`);
    this.addSql(`create index county_province on county (province_code)`);
  }
}
