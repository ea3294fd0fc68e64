import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { villageKind } from '../../../domain/codes.ts';
import { gridCounts, readDivisions, shortVillageName } from '../../../domain/divisions.ts';
import { nativeTransaction } from '../../../platform/orm.ts';
import { notFound } from '../../../domain/errors.ts';
import { publicRows } from '../../../platform/jurisdiction.ts';
import { putGrids, putVillages } from './store/directory.ts';
import { heldParams, villageDirectory } from './store/village-directory.ts';

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

/**
 * A division a caller named (a route's or a field's `within`) that the hub holds, or NOT_FOUND naming it: a mistyped
 * code is told apart from a division with nothing in it. Checked after the jurisdiction, so it tells a caller only of
 * divisions it may read.
 */
export async function requireDivisionHeld(em: EntityManager, code: string, argument = 'within'): Promise<void> {
  const [held] = await publicRows(em, villageDirectory.divisionHeld, heldParams(code));
  if (held?.found) return;
  throw notFound(
    {
      zh: `没有区划 ${code} 的村/社区数据（代码有误，或该区划尚未加载）。`,
      en: `The hub holds no villages under division ${code} (a mistyped code, or a division not loaded).`,
    },
    { argument },
  );
}
