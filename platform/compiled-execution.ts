import type { GatewayInterface, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { createRequire } from 'node:module';
import type { DocumentNode, ExecutionResult, GraphQLSchema, OperationDefinitionNode, ValueNode, VariableDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { DEFAULT_COMPILE_AFTER } from './settings.ts';

// From the same (CommonJS) graphql build that @apollo/subgraph builds the schema with, as graphql-jit loads it.
const { execute, getLocation, getVariableValues, GraphQLError, isObjectType, Kind, parseType, print, TypeInfo, valueFromASTUntyped, visit, visitWithTypeInfo } =
  createRequire(import.meta.url)('graphql') as typeof import('graphql');

/**
 * A subgraph's queries run by graphql-jit once their shape repeats
 * (docs/ARCHITECTURE.md §8, "Compiled execution"); graphql-js runs a shape
 * until it has been seen `compileAfter` times (HUB_COMPILE_AFTER, 16 by
 * default). A shape is a query with its literal arguments taken out
 * (`hoist`), so the texts asking the same for another village or period are
 * one. Compiling a drill-down's query costs about as much as 15 runs of it
 * save, so only a shape that keeps coming back is compiled.
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
/** Most query shapes kept compiled per process, the least recently used going first: a drill-down's compiled query holds a few MB. */
const MAX_COMPILED = 100;
/** Most query shapes whose sights are counted, the first counted going first. */
const MAX_COUNTED = 2_000;

/** One query with its field arguments' literals taken out (see `hoist`): the unit that is counted and compiled. */
interface Shape {
  /** The document with those literals as variables; its nodes keep the locations of the first text seen. */
  document: DocumentNode;
  operationName: string | null;
  seen: number;
  /** The compiled query; null when graphql-jit cannot compile it (graphql-js keeps running it). */
  compiled?: CompiledQuery | null;
}

/** One query text (one parsed document and operation name), as seen by this process. */
interface Text {
  shape: Shape;
  /** The literals taken out of this text, by the variable names that replace them. */
  literals: Record<string, unknown>;
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
function lazyTotals(schema: GraphQLSchema): void {
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

/** The prefix of the variables that stand for literals; a text that names its own variables so is not reshaped. */
const LITERAL = 'hubLiteral';

const hasVariable = (v: ValueNode): boolean =>
  v.kind === Kind.VARIABLE || (v.kind === Kind.LIST && v.values.some(hasVariable)) || (v.kind === Kind.OBJECT && v.fields.some((f) => hasVariable(f.value)));

/**
 * The shape of a one-operation document: every field argument written as a
 * literal (a village code, a period's start, a list size) becomes a variable
 * of the argument's own type, so that texts differing only in such literals
 * are one compiled query. Routers copy a client's literals into the texts
 * they send, so a dashboard asked for each of a county's 147 villages was 147
 * texts, each compiled on its own, or never. The literals' values are the
 * literals as a client would send them in variables (an enum by its name, a
 * date as its string), which the executor coerces as it coerced the literals;
 * validation has already refused any that do not fit. Directive arguments
 * stay literals: they decide what is selected. Null for documents with more
 * than one operation.
 */
export function hoist(schema: GraphQLSchema, document: DocumentNode): { key: string; document: DocumentNode; literals: Record<string, unknown> } | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || !operation || operation.variableDefinitions?.some((v) => v.variable.name.value.startsWith(LITERAL))) return null;
  const literals: Record<string, unknown> = {};
  const added: VariableDefinitionNode[] = [];
  const typeInfo = new TypeInfo(schema);
  const taken = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (!argument || typeInfo.getDirective() || hasVariable(node.value)) return undefined;
        const variable = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: `${LITERAL}${added.length}` } } as const;
        literals[variable.name.value] = valueFromASTUntyped(node.value);
        added.push({ kind: Kind.VARIABLE_DEFINITION, variable, type: parseType(String(argument.type)) });
        return { ...node, value: variable };
      },
    }),
  );
  const reshaped: DocumentNode = {
    ...taken,
    definitions: taken.definitions.map((d) =>
      d.kind === Kind.OPERATION_DEFINITION ? { ...d, variableDefinitions: [...(d.variableDefinitions ?? []), ...added] } : d,
    ),
  };
  return { key: print(reshaped), document: reshaped, literals };
}

/**
 * A compiled query reports the locations of the text it was compiled from;
 * another text of its shape has its fields elsewhere (a longer literal, other
 * spacing). The fields of two texts of one shape come in the same order.
 */
function relocate(errors: readonly import('graphql').GraphQLError[], from: DocumentNode, to: DocumentNode): void {
  const places = (d: DocumentNode) => {
    const out: string[] = [];
    visit(d, {
      Field(n) {
        const at = n.loc ? getLocation(n.loc.source, n.loc.start) : undefined;
        out.push(at ? `${at.line}:${at.column}` : '');
      },
    });
    return out;
  };
  const [before, after] = [places(from), places(to)];
  const moved = new Map(before.map((p, i) => [p, after[i]!]));
  for (const e of errors) {
    if (!e.locations) continue;
    const locations = e.locations.map((l) => {
      const [line, column] = (moved.get(`${l.line}:${l.column}`) ?? `${l.line}:${l.column}`).split(':').map(Number);
      return { line: line!, column: column! };
    });
    Object.assign(e, { locations });
  }
}

export function compiledExecution(schema: GraphQLSchema, compileAfter = DEFAULT_COMPILE_AFTER): CompiledExecution {
  lazyTotals(schema);
  // Apollo Server hands the same parsed document to every request of one query text.
  const byDocument = new WeakMap<DocumentNode, Map<string, Text>>();
  // Shapes being counted, by their printed reshaped document (oldest first).
  const shapes = new Map<string, Shape>();
  // The compiled shapes, least recently used first (a Set keeps insertion order; a use moves its shape to the end).
  const recent = new Set<Shape>();
  let compiledCount = 0;
  const textOf = (document: DocumentNode, operationName: string | null): Text => {
    let byName = byDocument.get(document);
    if (!byName) byDocument.set(document, (byName = new Map()));
    let text = byName.get(operationName ?? '');
    if (text) return text;
    const reshaped = hoist(schema, document);
    let shape = reshaped && shapes.get(reshaped.key);
    if (!shape) {
      shape = { document: reshaped?.document ?? document, operationName, seen: 0 };
      if (reshaped) shapes.set(reshaped.key, shape);
      if (shapes.size > MAX_COUNTED) shapes.delete(shapes.keys().next().value!);
    }
    byName.set(operationName ?? '', (text = { shape, literals: reshaped?.literals ?? {} }));
    return text;
  };
  const compiledFor = (shape: Shape): CompiledQuery | null => {
    if (shape.compiled !== undefined) {
      recent.delete(shape);
      recent.add(shape);
      return shape.compiled;
    }
    if (++shape.seen < compileAfter) return null;
    const result = compileQuery(schema, shape.document, shape.operationName ?? undefined);
    shape.compiled = isCompiledQuery(result) ? result : null;
    compiledCount++;
    recent.add(shape);
    if (recent.size > MAX_COMPILED) {
      const oldest = recent.values().next().value!;
      recent.delete(oldest);
      oldest.compiled = undefined;
      oldest.seen = 0;
    }
    return shape.compiled;
  };
  const run = async (ctx: GatewayGraphQLRequestContext): Promise<ExecutionResult> => {
    const variables = ctx.request.variables ?? {};
    const text = textOf(ctx.document, ctx.operationName);
    const compiled = compiledFor(text.shape);
    const asWritten = () => execute({ schema, document: ctx.document, contextValue: ctx.context, variableValues: variables, operationName: ctx.operationName });
    if (!compiled) return asWritten();
    const result = (await compiled.query(undefined, ctx.context, { ...variables, ...text.literals })) as ExecutionResult;
    // No data at all: graphql-jit refused the variables. They are refused with graphql-js's errors instead (above).
    // When the client's own variables pass, it refused a literal taken out of the text: a literal may coerce where
    // the same value as a variable does not (a Float literal too large for a double is Infinity as a literal, and
    // refused as a variable), so graphql-js runs the text as written.
    if (!('data' in result)) {
      const checked = getVariableValues(schema, ctx.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
      if (checked.errors) return { errors: checked.errors };
      return asWritten();
    }
    if (!result.errors) return result;
    const errors = result.errors.map(asGraphQLError);
    if (ctx.document !== text.shape.document) relocate(errors, text.shape.document, ctx.document);
    return { ...result, errors };
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
