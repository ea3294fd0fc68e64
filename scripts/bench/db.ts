import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../platform/settings.ts';

/** The owner connection of an embedded-database subgraph, for benchmark baselines. */
export function ownerUrl(settings: Settings, db: 'county' | 'township' | 'village'): string {
  if (settings.subgraphs[db].database) return settings.subgraphs[db].database!.migrationUrl;
  const { owner } = JSON.parse(readFileSync(join(settings.dataDir, 'pg-roles.json'), 'utf8')) as { owner: string };
  return `postgresql://hub_owner:${encodeURIComponent(owner)}@127.0.0.1:${settings.embeddedPgPort}/hub_${db}`;
}
