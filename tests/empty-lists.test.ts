/**
 * A list of values to keep given empty (docs/CHANGES.md, *Stricter*): every
 * list argument or filter field of a query (`status`, `tags`, `kinds`) given
 * `[]` is BAD_USER_INPUT naming it, never read as "all" as leaving it out is,
 * so that a desk that deselects every status is not shown every case and its
 * counts. The places are read from the API's schema, so a list filter added
 * later is caught here until it is listed (and refused) too. The Chinese
 * message leads with the argument's label (platform/argument-labels.ts).
 */
import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, getNullableType, isInputObjectType, isListType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentToken } from './helpers/cases.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { WRITE_COUNTY } from './setup/global.ts';

const COUNTY = '623021';
const TOWNSHIP = '623021200';
const VILLAGE = '623021200201';
const GRID = `${VILLAGE}001`;

interface Place {
  /** `Type.field(argument)`, as the schema scan names it. */
  place: string;
  /** The query with the list given empty; `[]` is replaced by a real value for the request that must pass. */
  query: string;
  /** A value the list may hold, for the same request answered. */
  value: string;
  argument: string;
  /** The argument's Chinese label, which leads the message. */
  label: string;
  department?: boolean;
}

const PLACES: Place[] = [
  {
    place: 'County.caseInbox(status)',
    query: `{ county(code: "${COUNTY}") { caseInbox(status: []) { totalCount } } }`,
    value: 'RECEIVED',
    argument: 'status',
    label: '状态',
  },
  {
    place: 'County.dispatches(filter.status)',
    query: `{ county(code: "${COUNTY}") { dispatches(filter: { status: [] }) { totalCount } } }`,
    value: 'DISPATCHED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'County.disputes(filter.status)',
    query: `{ county(code: "${COUNTY}") { disputes(filter: { status: [] }) { totalCount } } }`,
    value: 'REPORTED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'County.residents(filter.tags)',
    query: `{ county(code: "${COUNTY}") { residents(filter: { tags: [] }) { totalCount } } }`,
    value: 'RELEASED_PRISONER',
    argument: 'filter.tags',
    label: '特殊人群标签',
  },
  {
    place: 'Township.disputes(filter.status)',
    query: `{ township(code: "${TOWNSHIP}") { disputes(filter: { status: [] }) { totalCount } } }`,
    value: 'RECEIVED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'Township.villageDisputes(filter.status)',
    query: `{ township(code: "${TOWNSHIP}") { villageDisputes(filter: { status: [] }) { totalCount } } }`,
    value: 'REPORTED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'Township.dispatches(filter.status)',
    query: `{ township(code: "${TOWNSHIP}") { dispatches(filter: { status: [] }) { totalCount } } }`,
    value: 'DISPATCHED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'Township.residents(filter.tags)',
    query: `{ township(code: "${TOWNSHIP}") { residents(filter: { tags: [] }) { totalCount } } }`,
    value: 'RELEASED_PRISONER',
    argument: 'filter.tags',
    label: '特殊人群标签',
  },
  {
    place: 'Village.disputes(filter.status)',
    query: `{ village(code: "${VILLAGE}") { disputes(filter: { status: [] }) { totalCount } } }`,
    value: 'REPORTED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'Village.residents(filter.tags)',
    query: `{ village(code: "${VILLAGE}") { residents(filter: { tags: [] }) { totalCount } } }`,
    value: 'RELEASED_PRISONER',
    argument: 'filter.tags',
    label: '特殊人群标签',
  },
  {
    place: 'Mediator.disputes(filter.status)',
    query: `{ village(code: "${VILLAGE}") { mediationCommittees { mediators { disputes(filter: { status: [] }) { totalCount } } } } }`,
    value: 'ASSIGNED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'Grid.disputes(filter.status)',
    query: `{ grid(code: "${GRID}") { disputes(filter: { status: [] }) { totalCount } } }`,
    value: 'REPORTED',
    argument: 'filter.status',
    label: '状态',
  },
  {
    place: 'Grid.residents(filter.tags)',
    query: `{ grid(code: "${GRID}") { residents(filter: { tags: [] }) { totalCount } } }`,
    value: 'RELEASED_PRISONER',
    argument: 'filter.tags',
    label: '特殊人群标签',
  },
  {
    place: 'Query.departmentInbox(filter.status)',
    query: `{ departmentInbox(filter: { status: [] }) { totalCount } }`,
    value: 'DISPATCHED',
    argument: 'filter.status',
    label: '状态',
    department: true,
  },
  {
    place: 'Query.changes(kinds)',
    query: `{ changes(kinds: [], within: "${VILLAGE}", first: 1) { nodes { cursor } } }`,
    value: 'RESIDENT',
    argument: 'kinds',
    label: '种类',
  },
  {
    place: 'Query.riskSignals(kinds)',
    query: `{ riskSignals(within: "${COUNTY}", period: "2026", kinds: []) { totalCount } }`,
    value: 'REPEATED_DISPUTES',
    argument: 'kinds',
    label: '种类',
  },
];

/**
 * Every list argument of a query field, and every list field of an input a query field takes: lists of values to keep.
 * Mutations' lists are data to write (a dispute's parties, the tags to add), out of this rule.
 */
function listPlaces(): string[] {
  const schema = buildSchema(readFileSync(new URL('../schema/api.graphql', import.meta.url), 'utf8'));
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'Mutation') continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        if (isListType(getNullableType(arg.type))) out.push(`${type.name}.${field.name}(${arg.name})`);
        const input = getNamedType(arg.type);
        if (!isInputObjectType(input)) continue;
        for (const f of Object.values(input.getFields()))
          if (isListType(getNullableType(f.type))) out.push(`${type.name}.${field.name}(${arg.name}.${f.name})`);
      }
    }
  }
  return out.sort();
}

let hub: TestHub;
let reader: string;
let department: string;

beforeAll(async () => {
  hub = await startHub();
  reader = await hub.token({ scopes: ['read', 'report'] });
  department = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
}, 240_000);

afterAll(async () => {
  await hub?.stop();
});

describe('a list of values to keep, given empty', () => {
  it('is every list argument and list filter field of the queries in the schema', () => {
    expect(PLACES.map((p) => p.place).sort()).toEqual(listPlaces());
  });

  it.each(PLACES)('$place: [] is BAD_USER_INPUT naming $argument, its label leading the Chinese message', async (p) => {
    const token = p.department ? department : reader;
    const en = await hub.queryAs(token, p.query);
    expect(JSON.stringify(en.data ?? null)).not.toMatch(/totalCount|cursor/);
    expect(en.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: p.argument });
    expect(en.errors?.[0]?.message).toBe(
      `${p.argument} is empty: an empty list does not mean "all"; name at least one value, or leave ${p.argument} out for all.`,
    );
    const zh = await hub.query(p.query, undefined, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
    expect(zh.errors?.[0]?.message).toBe(`${p.label} 为空：空列表不表示“全部”，请至少选择一项；要读取全部，请不传此项。`);
    // The same request with a value in the list is answered: only the empty list is refused.
    const given = await hub.queryAs(token, p.query.replace('[]', `[${p.value}]`));
    expect(given.errors, JSON.stringify(given.errors)).toBeUndefined();
  });
});
