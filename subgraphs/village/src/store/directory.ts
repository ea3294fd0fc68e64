import type { PoolClient } from 'pg';
import { command } from '../../../../platform/sql.ts';
import { nativeExec } from '../../../../platform/bulk.ts';

/** The statements that load the village directory (../directory.ts): villages and grids, upserted by code. */

const upsertVillages = command(
  'village.upsertMany',
  `insert into village (code, name, kind, township_code, county_code)
   select code, name, kind, left(code, 9), left(code, 6) from unnest($1::text[], $2::text[], $3::text[]) as t(code, name, kind)
   on conflict (code) do update set name = excluded.name, kind = excluded.kind`,
);

/** Upserts villages (parallel arrays of code, name and kind); townships and counties come from the codes. */
export async function putVillages(client: PoolClient, codes: readonly string[], names: readonly string[], kinds: readonly string[]): Promise<void> {
  await nativeExec(client, upsertVillages, [codes, names, kinds]);
}

const upsertGrids = command(
  'grid.upsertMany',
  `insert into grid (code, name, village_code, county_code)
   select code, name, left(code, 12), left(code, 6) from unnest($1::text[], $2::text[]) as t(code, name)
   on conflict (code) do update set name = excluded.name`,
);

/** Upserts grids (parallel arrays of code and name); villages and counties come from the codes. */
export async function putGrids(client: PoolClient, codes: readonly string[], names: readonly string[]): Promise<void> {
  await nativeExec(client, upsertGrids, [codes, names]);
}
