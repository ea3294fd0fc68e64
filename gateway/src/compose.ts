import { readFileSync, writeFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { createRequire } from 'node:module';
import { Supergraph } from '@apollo/federation-internals';
import { parse } from 'graphql';

// printSchema from the same (CommonJS) graphql build that @apollo/federation-internals uses.
const { printSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');
import { SUBGRAPHS, type SubgraphName } from '../../platform/settings.ts';

/**
 * Composes schema/{county,township,village}.graphql into the supergraph the
 * gateway runs. The URLs baked in are the defaults; the gateway overrides
 * them from its settings, so one checked-in file serves every deployment.
 */
export const SUPERGRAPH_PATH = new URL('../../schema/supergraph.graphql', import.meta.url);
const DEFAULT_PORTS = { county: 4001, township: 4002, village: 4003 } as const;

/** `overrides` replaces a subgraph's SDL (schema checks compose hypothetical changes). */
export function composeSupergraph(overrides: Partial<Record<SubgraphName, string>> = {}): string {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({
      name,
      url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
      typeDefs: parse(overrides[name] ?? readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

export function readSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}

export function writeSupergraph(): string {
  const sdl = composeSupergraph();
  writeFileSync(SUPERGRAPH_PATH, sdl);
  writeFileSync(API_SCHEMA_PATH, printApiSchema(sdl));
  return sdl;
}

/** The client-facing schema (no federation machinery), for typed clients: schema/api.graphql. */
export const API_SCHEMA_PATH = new URL('../../schema/api.graphql', import.meta.url);

export function printApiSchema(supergraphSdl: string): string {
  return `${printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema()).trimEnd()}\n`;
}
