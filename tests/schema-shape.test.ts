/**
 * The client-facing schema (schema/api.graphql) pages every list alike, so a frontend writes one pager: each
 * `…Connection` has `edges` (each an `…Edge` of `cursor` and `node`), `nodes` of the same type, and `pageInfo`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schema = buildSchema(readFileSync(join(ROOT, 'schema', 'api.graphql'), 'utf8'));

/** `[T!]!`: a non-null list of non-null items. */
const nonNullListOf = (f: GraphQLField<unknown, unknown> | undefined): string | undefined => {
  if (!f || !isNonNullType(f.type) || !isListType(f.type.ofType) || !isNonNullType(f.type.ofType.ofType)) return undefined;
  return getNamedType(f.type).name;
};

describe('connections', () => {
  const connections = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && t.name.endsWith('Connection'));

  it('the schema has connections', () => {
    expect(connections.length).toBeGreaterThan(10);
  });

  it('every connection has edges of cursor and node, nodes of the same type, and pageInfo', () => {
    const odd = connections.flatMap((c) => {
      const fields = c.getFields();
      const node = nonNullListOf(fields.nodes);
      const edge = nonNullListOf(fields.edges);
      const edgeFields = edge ? (schema.getType(edge) as GraphQLObjectType).getFields() : {};
      const problems = [
        !node && 'no nodes: [T!]!',
        !edge && 'no edges: [E!]!',
        edge && getNamedType(edgeFields.node?.type ?? schema.getType('String')!).name !== node && `edges' node is not ${node}`,
        edge && !edgeFields.cursor && 'edges without cursor',
        getNamedType(fields.pageInfo?.type ?? schema.getType('String')!).name !== 'PageInfo' && 'no pageInfo',
      ].filter(Boolean);
      return problems.length ? [`${c.name}: ${problems.join(', ')}`] : [];
    });
    expect(odd).toEqual([]);
  });
});

describe('descriptions', () => {
  it('say every type, field, argument and enum value in Chinese first, for the desks whose frontends read them', () => {
    const han = /\p{Script=Han}/u;
    const english: string[] = [];
    const check = (where: string, d: string | null | undefined) => {
      if (d != null && !han.test(d)) english.push(where);
    };
    for (const t of Object.values(schema.getTypeMap())) {
      // GraphQL's own (__Schema, String, …) are described by graphql-js.
      if (t.name.startsWith('__') || isSpecifiedScalarType(t)) continue;
      check(t.name, t.description);
      if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) {
        for (const f of Object.values(t.getFields())) {
          check(`${t.name}.${f.name}`, f.description);
          for (const a of 'args' in f ? f.args : []) check(`${t.name}.${f.name}(${a.name})`, a.description);
        }
      }
      if (isEnumType(t)) for (const v of t.getValues()) check(`${t.name}.${v.name}`, v.description);
    }
    expect(english).toEqual([]);
  });
});
