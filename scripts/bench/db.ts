import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../platform/settings.ts';
import { embeddedUrl } from '../lib/embedded-url.ts';

/** The owner connection of an embedded-database subgraph, for benchmark baselines. */
export function ownerUrl(settings: Settings, db: 'county' | 'township' | 'village'): string {
  if (settings.subgraphs[db].database) return settings.subgraphs[db].database!.migrationUrl;
  const { owner } = JSON.parse(readFileSync(join(settings.dataDir, 'pg-roles.json'), 'utf8')) as { owner: string };
  // Through the server's socket, as the services connect (scripts/lib/embedded-url.ts).
  return embeddedUrl(owner, settings.embeddedPgPort, join(settings.dataDir, 'pg'), 'hub_owner', `hub_${db}`);
}
