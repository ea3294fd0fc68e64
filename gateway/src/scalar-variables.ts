import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNamedType,
  GraphQLNonNull,
  GraphQLScalarType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  TypeNode,
  ValueNode,
} from 'graphql';
import { ENGLISH_EXTENSION, type Said } from '../../domain/errors.ts';
import { SCALARS } from '../../platform/scalars.ts';

// The gateway's schema is built by @apollo/gateway, which loads graphql's CommonJS build, while this module may be
// handed its ESM build (a second realm, whose isScalarType and the like refuse the schema's types). Its types are told
// apart by the tag every graphql type carries (Symbol.toStringTag), which holds in either realm.
const tagOf = (type: unknown) => Object.prototype.toString.call(type);
const isNonNullType = (t: unknown): t is GraphQLNonNull<GraphQLInputType> => tagOf(t) === '[object GraphQLNonNull]';
const isListType = (t: unknown): t is GraphQLList<GraphQLInputType> => tagOf(t) === '[object GraphQLList]';
const isScalarType = (t: unknown): t is GraphQLScalarType => tagOf(t) === '[object GraphQLScalarType]';
const isInputObjectType = (t: unknown): t is GraphQLInputObjectType => tagOf(t) === '[object GraphQLInputObjectType]';

/**
 * Variables of the hub's own scalars (`Date`, `DateTime`), checked at the gateway by the very scalars the subgraphs
 * parse them with (platform/scalars.ts); their literals in arguments too (scalarLiteralProblem, at the end).
 *
 * The supergraph names these scalars but carries no parse rule, so GraphQL's own variable coercion at the gateway let
 * every string through; the subgraph then refused the whole fetch, and the client got HTTP 200 with `data: null` and an
 * error that named no variable, where a variable of another type that does not fit is a 400 BAD_USER_INPUT. Checked
 * here, the refusal is that 400, with the scalar's message and the variable's place (`i.startedAt`) in `argument`.
 *
 * The gateway is on every request's path: which variables can hold such a scalar, and where inside them, is worked
 * out once per parsed operation (Apollo Server hands the same parsed document to every request of one query text),
 * and an operation with no such variable costs one lookup.
 */

/** What is wrong with a variable's value, with its place as GraphQL spells it (`i.hazards[0].startedAt`). */
export interface ScalarProblem {
  said: Said;
  argument: string;
  /** The scalar's rule (`dateReal`, `dateTimeFormat`), as its refusal names it. */
  rule?: string;
}

/** Checks a value of one input type at `at`; made only for types that can hold a hub scalar somewhere. */
type Check = (value: unknown, at: string) => ScalarProblem | null;

const BY_NAME: ReadonlyMap<string, GraphQLScalarType> = new Map(SCALARS.map((s) => [s.name, s]));

/** The checks of an operation's variables, by variable name; null for an operation none of whose variables can hold a hub scalar. */
const checksByOperation = new WeakMap<OperationDefinitionNode, readonly (readonly [string, Check])[] | null>();

/** The first variable value one of the hub's scalars refuses, or null. */
export function scalarVariableProblem(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): ScalarProblem | null {
  let checks = checksByOperation.get(operation);
  if (checks === undefined) checksByOperation.set(operation, (checks = compile(schema, operation)));
  if (checks === null) return null;
  for (const [name, check] of checks) {
    if (!Object.hasOwn(variables, name)) continue;
    const problem = check(variables[name], name);
    if (problem) return problem;
  }
  return null;
}

function compile(schema: GraphQLSchema, operation: OperationDefinitionNode): readonly (readonly [string, Check])[] | null {
  const memo = new Map<GraphQLNamedType, Check | null>();
  const checks: [string, Check][] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const check = declaredCheck(schema, definition.type, memo);
    if (check) checks.push([definition.variable.name.value, check]);
  }
  return checks.length ? checks : null;
}

/**
 * The check of a value of `type`, or null when no hub scalar can be inside it. Only what a hub scalar refuses is
 * looked for: a value of the wrong shape (a string for an input object, a null where one is required) is left to
 * GraphQL's coercion, which runs next and says so itself.
 */
function checkOf(type: GraphQLInputType, memo: Map<GraphQLNamedType, Check | null>): Check | null {
  if (isNonNullType(type)) return checkOf(type.ofType, memo);
  if (isListType(type)) return listOf(checkOf(type.ofType, memo));
  if (isScalarType(type)) {
    const scalar = BY_NAME.get(type.name);
    return scalar ? (value, at) => (value == null ? null : refusal(scalar, value, at)) : null;
  }
  if (!isInputObjectType(type)) return null;
  if (memo.has(type)) return memo.get(type)!;
  // An input type may hold itself (a filter of filters): its fields' checks reach it through this stand-in.
  let own: Check | null = null;
  memo.set(type, (value, at) => own?.(value, at) ?? null);
  const fields: [string, Check][] = [];
  for (const field of Object.values(type.getFields())) {
    const check = checkOf(field.type, memo);
    if (check) fields.push([field.name, check]);
  }
  if (!fields.length) {
    memo.set(type, null);
    return null;
  }
  own = (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    for (const [name, check] of fields) {
      if (!Object.hasOwn(value, name)) continue;
      const problem = check((value as Record<string, unknown>)[name], `${at}.${name}`);
      if (problem) return problem;
    }
    return null;
  };
  memo.set(type, own);
  return own;
}

/** The scalar's own refusal of `value`, in both languages, or null when it takes it. */
function refusal(scalar: GraphQLScalarType, value: unknown, at: string): ScalarProblem | null {
  return refused(() => scalar.parseValue(value), at);
}

/** The refusal `parse` throws, in both languages, or null when it takes its value. */
function refused(parse: () => unknown, at: string): ScalarProblem | null {
  try {
    parse();
    return null;
  } catch (e) {
    const en = (e as { extensions?: Record<string, unknown> }).extensions?.[ENGLISH_EXTENSION];
    // The hub's scalars refuse in both languages; anything else is left for the subgraph, which answers it as before.
    if (!(e instanceof Error) || typeof en !== 'string') return null;
    const rule = (e as { extensions?: Record<string, unknown> }).extensions?.rule;
    return { said: { zh: e.message, en }, argument: at, ...(typeof rule === 'string' ? { rule } : {}) };
  }
}

/** The check of a variable's declared type (`PatrolInput!`, `[Date!]`), read from the operation's text. */
function declaredCheck(schema: GraphQLSchema, node: TypeNode, memo: Map<GraphQLNamedType, Check | null>): Check | null {
  if (node.kind === 'NonNullType') return declaredCheck(schema, node.type, memo);
  if (node.kind === 'ListType') return listOf(declaredCheck(schema, node.type, memo));
  // A type the schema does not have, or one no variable may have, is refused by validation before a variable is read.
  const type = schema.getType(node.name.value);
  return type && (isScalarType(type) || isInputObjectType(type)) ? checkOf(type, memo) : null;
}

/** A list's check from its items': GraphQL takes a single value for a list of one. */
function listOf(item: Check | null): Check | null {
  if (!item) return null;
  return (value, at) => {
    if (!Array.isArray(value)) return item(value, at);
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
}

/**
 * The first argument literal one of the hub's scalars refuses (`disputes(filter: { from: "2026-02-30" })`), with the
 * argument as written (`filter.from`), or null. The gateway's own validation lets every literal of these scalars
 * through (the supergraph carries no parse rule), and the subgraph then refused the whole fetch naming no argument;
 * checked here, a literal is refused as the same value in a variable is. Worked out once per parsed operation.
 */
export function scalarLiteralProblem(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ScalarProblem | null {
  let found = literalsByOperation.get(operation);
  if (found === undefined) literalsByOperation.set(operation, (found = firstScalarLiteral(schema, document, operation)));
  return found;
}

const literalsByOperation = new WeakMap<OperationDefinitionNode, ScalarProblem | null>();

/** A type whose fields a selection may name (an object or interface type; a union has only `__typename`). */
interface WithFields {
  getFields(): Record<string, GraphQLField<unknown, unknown>>;
}
const fieldsOf = (type: unknown): WithFields | undefined =>
  typeof type === 'object' && type !== null && typeof (type as Partial<WithFields>).getFields === 'function' && !isInputObjectType(type)
    ? (type as WithFields)
    : undefined;

function firstScalarLiteral(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ScalarProblem | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === 'FragmentDefinition') fragments.set(d.name.value, d);
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, parent: unknown): ScalarProblem | null => {
    for (const selection of set.selections) {
      let problem: ScalarProblem | null = null;
      if (selection.kind === 'Field') {
        const field = fieldsOf(parent)?.getFields()[selection.name.value];
        if (!field) continue;
        for (const argument of selection.arguments ?? []) {
          const definition = field.args.find((a: GraphQLArgument) => a.name === argument.name.value);
          problem ??= definition ? literalCheck(definition.type, argument.value, argument.name.value) : null;
        }
        if (!problem && selection.selectionSet) {
          let type: unknown = field.type;
          while (isNonNullType(type) || isListType(type)) type = type.ofType;
          problem = walk(selection.selectionSet, type);
        }
      } else if (selection.kind === 'InlineFragment') {
        problem = walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice holds the same literals: it is looked through once.
        if (!fragment || seen.has(fragment.name.value)) continue;
        seen.add(fragment.name.value);
        problem = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      }
      if (problem) return problem;
    }
    return null;
  };
  return root ? walk(operation.selectionSet, root) : null;
}

/** What a hub scalar refuses in a literal of `type` at `at`; variables inside it are checked with the variables. */
function literalCheck(type: GraphQLInputType, node: ValueNode, at: string): ScalarProblem | null {
  if (node.kind === 'Variable' || node.kind === 'NullValue') return null;
  if (isNonNullType(type)) return literalCheck(type.ofType, node, at);
  if (isListType(type)) {
    if (node.kind !== 'ListValue') return literalCheck(type.ofType, node, at);
    for (let i = 0; i < node.values.length; i++) {
      const problem = literalCheck(type.ofType, node.values[i]!, `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (isScalarType(type)) {
    const scalar = BY_NAME.get(type.name);
    return scalar ? refused(() => scalar.parseLiteral(node), at) : null;
  }
  if (!isInputObjectType(type) || node.kind !== 'ObjectValue') return null;
  const fields = type.getFields();
  for (const field of node.fields) {
    const definition = Object.hasOwn(fields, field.name.value) ? fields[field.name.value] : undefined;
    const problem = definition ? literalCheck(definition.type, field.value, `${at}.${field.name.value}`) : null;
    if (problem) return problem;
  }
  return null;
}
