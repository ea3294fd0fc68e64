import { Migration } from '@mikro-orm/migrations';
import type { MikroORM } from '@mikro-orm/postgresql';
import { nativePool } from './orm.ts';
import { command } from './sql.ts';

const seedDoneQuery = command('seed.done', 'select 1 from hub_seed where step = $1');
const seedMark = command(
  'seed.mark',
  'insert into hub_seed (step, detail) values ($1, $2) on conflict (step) do update set done_at = now(), detail = excluded.detail',
);

/** Every subgraph database records which seed steps ran, so a second start skips them. */
export class Migration20261121000000SeedLog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table hub_seed (step text primary key, done_at timestamptz not null default now(), detail jsonb)`);
  }
}

export async function seedDone(orm: MikroORM, step: string): Promise<boolean> {
  const pool = await nativePool(orm);
  return ((await pool.query(seedDoneQuery.text, [step])).rowCount ?? 0) > 0;
}

export async function markSeeded(orm: MikroORM, step: string, detail: unknown): Promise<void> {
  const pool = await nativePool(orm);
  await pool.query(seedMark.text, [step, JSON.stringify(detail)]);
}
