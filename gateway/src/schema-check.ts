import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { composeServices as guildCompose } from '@theguild/federation-composition';
import { createRequire } from 'node:module';
import { parse, type GraphQLSchema } from 'graphql';
import { SUBGRAPHS } from '../../platform/settings.ts';
import { composeSupergraph } from './compose.ts';

/**
 * Schema checks for integrators: the composed API schema compared with the
 * last released one (schema/released/supergraph.graphql), so removed fields
 * or narrowed types are never shipped silently; and composition by a second,
 * independent composer (The Guild's), so the subgraphs follow the Federation
 * spec rather than one library's quirks.
 */
// The schemas come from @apollo/federation-internals, which loads graphql's CommonJS build; compare
// them with that same build (a bundler may hand this module graphql's ESM build, a second realm).
const { findBreakingChanges, findDangerousChanges } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

export const RELEASED_PATH = new URL('../../schema/released/supergraph.graphql', import.meta.url);

/** The client-facing schema of a supergraph (federation machinery removed). */
export function apiSchema(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

export interface SchemaReport {
  breaking: { type: string; description: string }[];
  dangerous: { type: string; description: string }[];
}

export function compareWithReleased(current = composeSupergraph(), released = readFileSync(RELEASED_PATH, 'utf8')): SchemaReport {
  const before = apiSchema(released);
  const after = apiSchema(current);
  return { breaking: findBreakingChanges(before, after), dangerous: findDangerousChanges(before, after) };
}

/** Errors from composing the subgraphs with @theguild/federation-composition (empty when it composes). */
export function composeWithGuild(): string[] {
  const result = guildCompose(
    SUBGRAPHS.map((name) => ({
      name,
      url: `http://127.0.0.1/${name}`,
      typeDefs: parse(readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8')),
    })),
  );
  return result.errors ? result.errors.map((e) => e.message) : [];
}
