import { createRequire } from 'node:module';
import {
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  Variable,
  type CompositeType,
  type Directive,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';

/**
 * Result shaping for @apollo/gateway, compiled once per operation
 * (docs/ARCHITECTURE.md §2, "Result shaping at the gateway").
 *
 * After its fetches the gateway walks the operation over the merged answer
 * (`computeResponse`): it keeps the fields asked for under their response
 * names, fills `__typename`, applies `@skip`/`@include` and checks every leaf
 * value against its type. Its walk looks up each field's definition,
 * directives and type wrappers again for every object of the answer: a
 * county drill-down (163 divisions) spent a fifth of the gateway's CPU there.
 * And the gateway builds the operation from the document again for every
 * request (`operationFromDocument`), so nothing could be kept between them.
 *
 * Here the operation is kept per parsed operation (Apollo Server hands the
 * same parsed document to every request of one query text), and each
 * selection set is compiled once into plain entries. The compiled walk
 * produces exactly what the library's walk does when the answer is well
 * formed. Anything else (a null where the type forbids one, a leaf value of
 * the wrong type, an unknown `__typename`, an introspection field) is left to
 * the library's own walk, which writes the errors and nulls as it always
 * did. tests/shaping.test.ts compares the two on the same answers.
 */

interface ComputeArgs {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: unknown) => unknown;
}
type ComputeResponse = (args: ComputeArgs) => { data: unknown; errors: unknown[] };
type OperationFromDocument = (schema: Schema, document: DocumentNode, options?: { operationName?: string; validate?: boolean }) => Operation;

/** Thrown when an answer needs the library's walk (see above); never leaves this module. */
const IRREGULAR = Symbol('irregular');

/** How a value of one type (with its list and non-null wrappers) is shaped. */
interface ValueShape {
  nonNull: boolean;
  /** Whether the field has selections (under any list wrappers): a leaf value already written is kept as it is. */
  selections: boolean;
  list?: ValueShape;
  /** A composite value: its declared type and the selections under it. */
  composite?: { type: CompositeType; selections: Compiled };
  /** A leaf value: whether it is valid for the type (as @apollo/federation-internals' isValidLeafValue decides). */
  leaf?: (value: unknown) => boolean;
}

/** `@skip(if:)` / `@include(if:)` of a selection: a constant or a variable's name. */
interface Conditions {
  skip?: boolean | string;
  include?: boolean | string;
}

type Entry =
  | ({ kind: 'field'; responseName: string; shape: ValueShape } & Conditions)
  | ({ kind: 'typename'; responseName: string } & Conditions)
  | ({ kind: 'fragment'; condition?: CompositeType; selections: Compiled; applies: Map<string, boolean> } & Conditions);

/** A compiled selection set; `entries` is filled on first use, so recursive fragments compile lazily. */
interface Compiled {
  set: SelectionSet;
  entries?: Entry[];
}

/**
 * A number the library takes for an Int or ID: one whose text (`String(v)`) is digits alone, with an optional minus.
 * That is an integer below 1e21 in size, from which on JavaScript writes numbers with an exponent (`1e+21`); told so
 * without building the text for each of an answer's numbers.
 */
const integerText = (v: unknown): boolean => Number.isInteger(v) && Math.abs(v as number) < 1e21;

function leafCheck(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  if (type === schema.booleanType()) return (v) => typeof v === 'boolean';
  if (type === schema.floatType()) return (v) => typeof v === 'number' && Number.isFinite(v);
  if (type === schema.intType()) return integerText;
  if (type === schema.idType()) return (v) => typeof v === 'string' || integerText(v);
  if (isEnumType(type)) {
    const names = new Set(type.values.map((v) => v.name));
    return (v) => typeof v === 'string' && names.has(v);
  }
  return (v) => typeof v === 'string';
}

function shapeOf(schema: Schema, type: Type, set: SelectionSet | undefined, compiled: WeakMap<SelectionSet, Compiled>): ValueShape {
  let nonNull = false;
  let t = type;
  if (isNonNullType(t)) {
    nonNull = true;
    t = t.ofType;
  }
  if (isListType(t)) return { nonNull, selections: set !== undefined, list: shapeOf(schema, t.ofType, set, compiled) };
  if (isCompositeType(t)) {
    if (!set) throw IRREGULAR;
    return { nonNull, selections: true, composite: { type: t, selections: compiledOf(set, compiled) } };
  }
  return { nonNull, selections: set !== undefined, leaf: leafCheck(schema, t as NamedType) };
}

function compiledOf(set: SelectionSet, compiled: WeakMap<SelectionSet, Compiled>): Compiled {
  let c = compiled.get(set);
  if (!c) compiled.set(set, (c = { set }));
  return c;
}

interface Directed {
  appliedDirectivesOf(definition: unknown): readonly Directive<never, { if: unknown }>[];
}

function conditionsOf(schema: Schema, element: Directed): Conditions {
  const value = (d: Directive<never, { if: unknown }> | undefined) => {
    if (!d) return undefined;
    const v = d.arguments().if;
    return v instanceof Variable ? v.name : Boolean(v);
  };
  return { skip: value(element.appliedDirectivesOf(schema.skipDirective())[0]), include: value(element.appliedDirectivesOf(schema.includeDirective())[0]) };
}

function entriesOf(schema: Schema, c: Compiled, compiled: WeakMap<SelectionSet, Compiled>): Entry[] {
  if (c.entries) return c.entries;
  const entries: Entry[] = [];
  for (const selection of c.set.selections()) {
    const conditions = conditionsOf(schema, selection.element as unknown as Directed);
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      // Introspection is answered by the library's walk, which runs it against the API schema.
      if (field.definition.isSchemaIntrospectionField()) throw IRREGULAR;
      const responseName = field.responseName();
      // Answers are built as plain objects (fast to build and to serialize, unlike objects without a prototype):
      // a response name that every object already has (`constructor`, `__proto__`) is left to the library's walk.
      if (responseName in Object.prototype) throw IRREGULAR;
      if (field.name === typenameFieldName) entries.push({ kind: 'typename', responseName, ...conditions });
      else entries.push({ kind: 'field', responseName, shape: shapeOf(schema, field.definition.type!, selection.selectionSet, compiled), ...conditions });
    } else {
      entries.push({
        kind: 'fragment',
        condition: selection.element.typeCondition,
        selections: compiledOf(selection.selectionSet, compiled),
        applies: new Map(),
        ...conditions,
      });
    }
  }
  return (c.entries = entries);
}

/** One compiled operation and what its walk needs per request. */
class Shaper {
  private readonly compiled = new WeakMap<SelectionSet, Compiled>();
  private readonly root: Compiled;
  private readonly rootType: CompositeType;
  private readonly defaults: Record<string, unknown>;
  private readonly schema: Schema;
  constructor(operation: Operation) {
    const schema = (this.schema = operation.schema());
    this.root = compiledOf(operation.selectionSet, this.compiled);
    this.rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
    this.defaults = operation.collectDefaultedVariableValues();
    entriesOf(schema, this.root, this.compiled);
  }

  shape(input: Record<string, unknown>, variables: Record<string, unknown> | undefined): Record<string, unknown> {
    const vars = { __proto__: null, ...this.defaults, ...variables } as Record<string, unknown>;
    const data: Record<string, unknown> = {};
    this.applySet(this.root, input, data, this.rootType, vars);
    return data;
  }

  private skipped(e: Conditions, vars: Record<string, unknown>): boolean {
    const value = (c: boolean | string) => {
      if (typeof c === 'boolean') return c;
      const v = vars[c];
      if (typeof v !== 'boolean') throw IRREGULAR;
      return v;
    };
    return (e.skip !== undefined && value(e.skip)) || (e.include !== undefined && !value(e.include));
  }

  private applySet(
    c: Compiled,
    input: Record<string, unknown>,
    output: Record<string, unknown>,
    parentType: CompositeType,
    vars: Record<string, unknown>,
  ): void {
    const schema = this.schema;
    for (const e of entriesOf(schema, c, this.compiled)) {
      if ((e.skip !== undefined || e.include !== undefined) && this.skipped(e, vars)) continue;
      if (e.kind === 'field') {
        // One read: no response name is one of Object.prototype's (entriesOf leaves those to the library's walk).
        const inputValue = input[e.responseName] ?? null;
        output[e.responseName] = this.value(e.shape, output[e.responseName], inputValue, vars);
      } else if (e.kind === 'typename') {
        if (output[e.responseName] !== undefined) continue;
        let named = Object.hasOwn(input, e.responseName) ? (input[e.responseName] ?? null) : null;
        if (named === null && e.responseName !== typenameFieldName) named = input[typenameFieldName] ?? null;
        const type = typeof named === 'string' ? (schema.type(named) ?? parentType) : parentType;
        if (!isObjectType(type)) throw IRREGULAR;
        output[e.responseName] = type.name;
      } else {
        const typename = input[typenameFieldName];
        if (typename !== undefined && typeof typename !== 'string') throw IRREGULAR;
        if (this.applies(e, typename || undefined, parentType)) this.applySet(e.selections, input, output, e.condition ?? parentType, vars);
      }
    }
  }

  /** Whether a fragment's type condition holds for an object of `typename` (or, without one, of `parentType`). */
  private applies(e: Extract<Entry, { kind: 'fragment' }>, typename: string | undefined, parentType: CompositeType): boolean {
    if (!e.condition) return true;
    const key = typename ?? `\u0000${parentType.name}`;
    let applies = e.applies.get(key);
    if (applies === undefined) {
      const type = typename ? this.schema.type(typename) : parentType;
      applies = !!type && isSubtype(e.condition, type);
      e.applies.set(key, applies);
    }
    return applies;
  }

  private value(shape: ValueShape, outputValue: unknown, inputValue: unknown, vars: Record<string, unknown>): unknown {
    if (outputValue === null || (outputValue !== undefined && !shape.selections)) return outputValue;
    if (inputValue === null) {
      if (shape.nonNull) throw IRREGULAR;
      return null;
    }
    if (shape.list) {
      if (!Array.isArray(inputValue)) throw IRREGULAR;
      if (outputValue !== undefined && (!Array.isArray(outputValue) || outputValue.length !== inputValue.length)) throw IRREGULAR;
      const out = new Array<unknown>(inputValue.length);
      for (let i = 0; i < inputValue.length; i++) {
        const element: unknown = inputValue[i];
        if (element === undefined) throw IRREGULAR;
        out[i] = this.value(shape.list, (outputValue as unknown[] | undefined)?.[i], element, vars);
      }
      return out;
    }
    if (shape.composite) {
      if (typeof inputValue !== 'object' || Array.isArray(inputValue)) throw IRREGULAR;
      if (outputValue !== undefined && typeof outputValue !== 'object') throw IRREGULAR;
      const obj = inputValue as Record<string, unknown>;
      const typename = obj[typenameFieldName];
      let type = shape.composite.type;
      if (typename !== undefined) {
        if (typeof typename !== 'string') throw IRREGULAR;
        if (typename) {
          const named = this.schema.type(typename);
          if (!named || !isCompositeType(named)) throw IRREGULAR;
          type = named;
        }
      }
      const out = (outputValue ?? {}) as Record<string, unknown>;
      this.applySet(shape.composite.selections, obj, out, type, vars);
      return out;
    }
    if (outputValue !== undefined || !shape.leaf!(inputValue)) throw IRREGULAR;
    return inputValue;
  }
}

const shapers = new WeakMap<Operation, Shaper | null>();

/** The compiled walk of `operation`, or null when it has something only the library's walk answers. */
function shaperOf(operation: Operation): Shaper | null {
  let s = shapers.get(operation);
  if (s === undefined) {
    try {
      s = new Shaper(operation);
    } catch (e) {
      if (e !== IRREGULAR) throw e;
      s = null;
    }
    shapers.set(operation, s);
  }
  return s;
}

/** computeResponse with the compiled walk, falling back to the library's own (`original`) for anything irregular. */
export function compiledComputeResponse(original: ComputeResponse): ComputeResponse {
  return (args) => {
    if (!args.input) return original(args);
    const shaper = shaperOf(args.operation);
    if (shaper) {
      try {
        return { data: shaper.shape(args.input, args.variables), errors: [] };
      } catch (e) {
        if (e !== IRREGULAR) throw e;
      }
    }
    return original(args);
  };
}

/**
 * operationFromDocument kept per parsed operation, for the call @apollo/gateway
 * makes on every request before it executes a plan (no validation, the
 * operation's definition followed by its fragments). Other calls go through.
 */
export function keptOperationFromDocument(original: OperationFromDocument): OperationFromDocument {
  const kept = new WeakMap<OperationDefinitionNode, { schema: Schema; fragments: readonly unknown[]; operation: Operation }>();
  return (schema, document, options) => {
    const [first, ...fragments] = document.definitions;
    if (options?.validate !== false || options.operationName !== undefined || first?.kind !== 'OperationDefinition') {
      return original(schema, document, options);
    }
    const k = kept.get(first);
    if (k && k.schema === schema && k.fragments.length === fragments.length && k.fragments.every((f, i) => f === fragments[i])) return k.operation;
    const operation = original(schema, document, options);
    kept.set(first, { schema, fragments, operation });
    return operation;
  };
}

let installed = false;

/**
 * Puts both into the copies of @apollo/gateway and @apollo/federation-internals
 * the gateway runs. Both modules read these exports at call time. If a
 * release renames them, the gateway keeps the library's own and says so.
 */
export function installCompiledShaping(warn: (message: string) => void = console.warn): boolean {
  if (installed) return true;
  const require = createRequire(import.meta.url);
  const gatewayRequire = createRequire(require.resolve('@apollo/gateway'));
  const shaping = require('@apollo/gateway/dist/resultShaping.js') as { computeResponse?: ComputeResponse };
  const operations = gatewayRequire('@apollo/federation-internals/dist/operations.js') as { operationFromDocument?: OperationFromDocument };
  if (typeof shaping.computeResponse !== 'function' || typeof operations.operationFromDocument !== 'function') {
    warn('gateway: @apollo/gateway no longer exports computeResponse or operationFromDocument where expected; results are shaped by the library (slower).');
    return false;
  }
  shaping.computeResponse = compiledComputeResponse(shaping.computeResponse);
  operations.operationFromDocument = keptOperationFromDocument(operations.operationFromDocument);
  installed = true;
  return true;
}
