import type { MikroORM } from '@mikro-orm/postgresql';
import { readDivisions } from '../../../domain/divisions.ts';
import { nativeTransaction } from '../../../platform/orm.ts';
import { counties as countyStore } from './store/county.ts';
import { departments as departmentStore } from './store/department.ts';
import { regions as regionStore } from './store/region.ts';

/**
 * Loads provinces, prefectures and counties within the scope from the NBS
 * directory; idempotent (upsert by code). Counties directly under a province
 * (省直辖县级行政区划) get their 4-digit grouping code as prefecture. Each
 * county gets the departments its townships' 吹哨 can call on.
 */
export async function loadCountyDirectory(orm: MikroORM, scope: readonly string[]): Promise<{ regions: number; counties: number }> {
  const provinces = readDivisions('provinces', scope);
  const cities = readDivisions('cities', scope);
  const counties = readDivisions('areas', scope).filter((c) => c.code.length === 6);
  const known = new Set(cities.map((c) => c.code));
  for (const c of counties) {
    const pref = c.code.slice(0, 4);
    if (!known.has(pref)) {
      known.add(pref);
      cities.push({ code: pref, name: '省直辖县级行政区划' });
    }
  }
  const regions = [
    ...provinces.map((p) => ({ ...p, level: 'PROVINCE', parent: null as string | null })),
    ...cities.map((c) => ({ ...c, level: 'PREFECTURE', parent: c.code.slice(0, 2) })),
  ];
  await nativeTransaction(orm, async (client) => {
    await regionStore.upsertDirectory(client, regions);
    await countyStore.upsertDirectory(client, counties);
    await departmentStore.addDirectory(client, counties);
  });
  return { regions: regions.length, counties: counties.length };
}
