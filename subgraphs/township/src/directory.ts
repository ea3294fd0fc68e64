import type { MikroORM } from '@mikro-orm/postgresql';
import { townshipKind } from '../../../domain/codes.ts';
import { readDivisions } from '../../../domain/divisions.ts';
import { nativePool } from '../../../platform/orm.ts';
import { townships } from './store/township.ts';

/** Loads the townships (乡/镇/街道) within the scope; idempotent (upsert by code). */
export async function loadTownshipDirectory(orm: MikroORM, scope: readonly string[]): Promise<{ townships: number }> {
  const rows = readDivisions('streets', scope).filter((r) => r.code.length === 9);
  await townships.upsertDirectory(
    await nativePool(orm),
    rows.map((r) => ({ code: r.code, name: r.name, kind: townshipKind(r.code) })),
  );
  return { townships: rows.length };
}
