import type { GatewayInterface, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { createRequire } from 'node:module';
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { DEFAULT_COMPILE_AFTER } from './settings.ts';

// From the same (CommonJS) graphql build that @apollo/subgraph builds the schema with, as graphql-jit loads it.
const { execute, getVariableValues, GraphQLError, isObjectType } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * A subgraph's queries run by graphql-jit once their text repeats
 * (docs/ARCHITECTURE.md §8, "Compiled execution"); graphql-js runs a text
 * until it has been seen `compileAfter` times (HUB_COMPILE_AFTER, 16 by
 * default). Compiling a drill-down's query cost about as much as 15 runs
 * of it save (the bench's 181 drill-down texts, each compiled at its second
 * sight, made the village subgraph 30% dearer), so only a text that keeps
 * coming back is compiled: a client's query with variables is one text.
 *
 * graphql-js works out every field of every object anew: its arguments, its
 * resolve info, its path. A county drill-down asks the village subgraph for
 * about 2,000 fields of 163 divisions, and that bookkeeping was most of the
 * subgraph's allocations. graphql-jit turns a query into a function once.
 *
 * It plugs into Apollo Server through Apollo's gateway interface, the one
 * way Apollo Server takes another executor. The schema is the subgraph's
 * own, and Apollo Server still parses, validates and runs every plugin hook
 * (executionDidStart included); only the execution is swapped.
 */
/** Most query texts kept compiled per process, the least recently used going first: a drill-down's compiled query holds a few MB. */
const MAX_COMPILED = 100;

interface Entry {
  seen: number;
  /** The compiled query; null when graphql-jit cannot compile it (graphql-js keeps running it). */
  compiled?: CompiledQuery | null;
}

export interface CompiledExecution extends GatewayInterface {
  /** Query texts compiled so far. */
  compiled(): number;
}

/**
 * Where the two executors differ, the subgraphs follow graphql-js:
 * - graphql-js awaits a promise it finds in a field with no resolver;
 *   graphql-jit does not. The one such field is a connection's
 *   `totalCount`, a getter that counts only when read
 *   (platform/pagination.ts), so every `*Connection.totalCount` gets a
 *   resolver that reads it;
 * - variables graphql-jit refuses are checked again by graphql-js (below),
 *   so a bad one is refused with graphql-js's message and the scalar's own
 *   error, and good ones are coerced once;
 * - graphql-jit's errors are graphql-js errors again (`asGraphQLError`).
 */
export function lazyTotals(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.name.endsWith('Connection')) continue;
    const total = type.getFields().totalCount;
    if (total && !total.resolve) total.resolve = (c: { totalCount: unknown }) => c.totalCount;
  }
}

/**
 * graphql-jit builds its errors with its own constructor, which leaves
 * `extensions` undefined when the error thrown had none (a driver's error
 * while the database is down); the error formatting reads `extensions` as
 * graphql-js always sets it. The same error as graphql-js's, with its path,
 * locations and cause.
 */
function asGraphQLError(e: import('graphql').GraphQLError): import('graphql').GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? undefined });
  return Object.assign(error, { locations: e.locations });
}

export function compiledExecution(schema: GraphQLSchema, compileAfter = DEFAULT_COMPILE_AFTER): CompiledExecution {
  lazyTotals(schema);
  // Apollo Server hands the same parsed document to every request of one query text.
  const byDocument = new WeakMap<DocumentNode, Map<string, Entry>>();
  // The compiled texts, least recently used first (a Map keeps insertion order; a use moves its text to the end).
  const recent = new Map<Entry, { document: DocumentNode; name: string }>();
  let compiledCount = 0;
  const compiledFor = (document: DocumentNode, operationName: string | null): CompiledQuery | null => {
    let byName = byDocument.get(document);
    if (!byName) byDocument.set(document, (byName = new Map()));
    const name = operationName ?? '';
    let e = byName.get(name);
    if (!e) byName.set(name, (e = { seen: 0 }));
    if (e.compiled !== undefined) {
      const at = recent.get(e)!;
      recent.delete(e);
      recent.set(e, at);
      return e.compiled;
    }
    if (++e.seen < compileAfter) return null;
    const result = compileQuery(schema, document, operationName ?? undefined);
    e.compiled = isCompiledQuery(result) ? result : null;
    compiledCount++;
    recent.set(e, { document, name });
    if (recent.size > MAX_COMPILED) {
      const [oldest, at] = recent.entries().next().value!;
      recent.delete(oldest);
      byDocument.get(at.document)?.delete(at.name);
    }
    return e.compiled;
  };
  const run = async (ctx: GatewayGraphQLRequestContext): Promise<ExecutionResult> => {
    const variables = ctx.request.variables ?? {};
    const compiled = compiledFor(ctx.document, ctx.operationName);
    if (!compiled) return execute({ schema, document: ctx.document, contextValue: ctx.context, variableValues: variables, operationName: ctx.operationName });
    const result = (await compiled.query(undefined, ctx.context, variables)) as ExecutionResult;
    // No data at all: graphql-jit refused the variables. They are refused with graphql-js's errors instead (above).
    if (!('data' in result)) {
      const checked = getVariableValues(schema, ctx.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
      if (checked.errors) return { errors: checked.errors };
    }
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: async () => ({ executor: run }),
    stop: async () => {},
    compiled: () => compiledCount,
  };
}
