/**
 * Demo data for each subgraph's database: the seed counties at real scale, or
 * a province at a fraction of it. Seeding writes as the tables' owner with
 * COPY; it is an operator step of `npm start` and the loaders, never a service
 * path. See docs/ARCHITECTURE.md ("Demo data").
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { SubgraphName } from '../platform/settings.ts';
import { seedCountyDemo } from './county/index.ts';
import type { DemoOptions } from './options.ts';
import { seedTownshipDemo } from './township/index.ts';
import { seedVillageDemo } from './village/index.ts';

export type { DemoOptions } from './options.ts';

/** Generates one subgraph's demo data for the scope (deterministic; `refDate` ends the demo year). */
export type Seeder = (orm: MikroORM, scope: readonly string[], refDate: string, options?: DemoOptions) => Promise<Record<string, number>>;

export const SEEDERS: Record<SubgraphName, Seeder> = {
  county: seedCountyDemo,
  township: seedTownshipDemo,
  village: seedVillageDemo,
};
