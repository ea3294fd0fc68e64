import type { MikroORM } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { villageKind } from '../../../domain/codes.ts';
import { gridCounts, readDivisions, shortVillageName } from '../../../domain/divisions.ts';
import { nativeTransaction } from '../../../platform/orm.ts';
import { putGrids, putVillages } from './store/directory.ts';

/**
 * Loads the villages (村/社区) within the scope and their demo grids (网格);
 * idempotent. Grids are generated per county (see gridCounts), so a county's
 * grids are the same whatever scope it was loaded with.
 */
export async function loadVillageDirectory(orm: MikroORM, scope: readonly string[]): Promise<{ villages: number; grids: number }> {
  return nativeTransaction(orm, (client) => insertVillageDirectory(client, scope));
}

/** The directory rows of the scope, written with `client` (inside the caller's transaction). */
export async function insertVillageDirectory(client: PoolClient, scope: readonly string[]): Promise<{ villages: number; grids: number }> {
  const villages = readDivisions('villages', scope).filter((r) => r.code.length === 12);
  const byCounty = new Map<string, string[]>();
  for (const v of villages) {
    const c = v.code.slice(0, 6);
    let list = byCounty.get(c);
    if (!list) byCounty.set(c, (list = []));
    list.push(v.code);
  }
  const names = new Map(villages.map((v) => [v.code, shortVillageName(v.name)]));
  const gridCodes: string[] = [];
  const gridNames: string[] = [];
  for (const codes of byCounty.values()) {
    for (const [village, count] of gridCounts(codes)) {
      for (let i = 1; i <= count; i++) {
        gridCodes.push(`${village}${String(i).padStart(3, '0')}`);
        gridNames.push(`${names.get(village)}第${i}网格`);
      }
    }
  }
  await putVillages(
    client,
    villages.map((r) => r.code),
    villages.map((r) => r.name),
    villages.map((r) => villageKind(r.code)),
  );
  await putGrids(client, gridCodes, gridNames);
  return { villages: villages.length, grids: gridCodes.length };
}
