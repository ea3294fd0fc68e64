import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Settings, SubgraphName } from '../../platform/settings.ts';

/** The owner connection of an embedded-database subgraph, for benchmark baselines. */
export function ownerUrl(settings: Settings, db: SubgraphName): string {
  if (settings.subgraphs[db].database) return settings.subgraphs[db].database!.migrationUrl;
  return embeddedOwnerUrl(settings.dataDir, settings.embeddedPgPort, db);
}

/** The owner connection of a subgraph's database on the embedded server with data in `dataDir`. */
export function embeddedOwnerUrl(dataDir: string, port: number, db: SubgraphName): string {
  const { owner } = JSON.parse(readFileSync(join(dataDir, 'pg-roles.json'), 'utf8')) as { owner: string };
  return `postgresql://hub_owner:${encodeURIComponent(owner)}@127.0.0.1:${port}/hub_${db}`;
}

/**
 * What a hub's village database holds, printed with every run: the reads the scenarios time grow with it. Alike
 * counts are not alike folders, though: two folders that earlier runs had written to, with counts within 1% of each
 * other, differed by 18% in unique dashboards for the same code (bench/results-2026-12-02.md, Runs AC and AD), so
 * two hubs compared in one run (`--against`) each get a freshly seeded folder.
 */
export async function dataVolume(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ people: number; disputes: number; patrols: number; steps: number }>(
      `select (select count(*) from person)::int as people, (select count(*) from dispute)::int as disputes,
              (select count(*) from dispute_step)::int as steps, (select count(*) from patrol)::int as patrols`,
    );
    const r = rows[0]!;
    return `${r.people.toLocaleString('en')} people, ${r.disputes.toLocaleString('en')} disputes (${r.steps.toLocaleString('en')} steps), ${r.patrols.toLocaleString('en')} patrols`;
  } finally {
    await c.end();
  }
}
