/**
 * N+1 stays out: the SQL statements a request causes must not grow with the
 * number of items it returns. All three subgraphs run in this process, so
 * the process-wide statement counter sees every statement a request causes.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHub, type GraphQLResponse, type Nodes, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
  // Warm up: first requests pay for MikroORM metadata and connection set-up.
  await hub.query(`{ county(code: "440514") { townships { villages { grids { code } township { code } } } } }`);
  await hub.query(`{ villages(within: "440514") { code township { name county { name } } grids { code } } }`);
});
afterAll(() => hub?.stop());

const DRILL_DOWN = `query($code: String!) {
  county(code: $code) {
    name region { name counties { code } } province { name }
    townships { code name kind county { name region { name } }
      villages { code name kind township { name } grids { code village { name township { name } } } } }
  }
}`;

async function statementsFor<T>(query: string, variables?: Record<string, unknown>) {
  let result: GraphQLResponse<T> | undefined;
  const statements = await hub.countStatements(async () => {
    result = await hub.query<T>(query, variables);
  });
  expect(result!.errors).toBeUndefined();
  return { statements, data: result!.data! };
}

interface DrillDown {
  county: { townships: { villages: unknown[] }[] };
}

/** One division of each service's directory, read by none of the requests measured here. */
const PROBES = [`{ county(code: "623021") { name } }`, `{ township(code: "623021200") { name } }`, `{ village(code: "623021200201") { name } }`];

/**
 * Every service drops the directory rows it keeps (platform/directory-cache.ts), as when the directory is loaded
 * again: a change to each directory table (of no row; its statement trigger reports it all the same), then a wait
 * until each service reads a probe it had kept from the database again.
 */
async function forgetDirectory(): Promise<void> {
  for (const p of PROBES) {
    await hub.query(p);
    expect(await hub.countStatements(() => hub.query(p))).toBe(0);
  }
  const dbs = inject('dbs');
  for (const [service, table] of [
    ['county', 'county'],
    ['township', 'township'],
    ['village', 'village'],
  ] as const) {
    const owner = new pg.Client({ connectionString: dbs[service].migrationUrl });
    await owner.connect();
    await owner.query(`update ${table} set name = name where false`);
    await owner.end();
  }
  for (const p of PROBES) await expect.poll(() => hub.countStatements(() => hub.query(p)), { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);
}

describe('SQL statements per request do not grow with the items returned', () => {
  it('county drill-down: 海晏县 (6 townships, 36 villages) costs the same as 潮南区 (11 townships, 232 villages)', async () => {
    // Both with the directory read from the database, as after a start.
    await forgetDirectory();
    const small = await statementsFor<DrillDown>(DRILL_DOWN, { code: '632223' });
    await forgetDirectory();
    const large = await statementsFor<DrillDown>(DRILL_DOWN, { code: '440514' });
    expect(small.data.county.townships).toHaveLength(6);
    expect(large.data.county.townships.flatMap((t) => t.villages)).toHaveLength(232);
    console.log(`county drill-down: ${small.statements} SQL statements for 海晏县, ${large.statements} for 潮南区`);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeGreaterThan(0);
    // One read per list level and subgraph; a transaction's begin and jurisdiction travel with its first statement
    // (platform/orm.ts), and directory reads share one (platform/jurisdiction.ts): 7 whatever the county (README).
    expect(small.statements).toBeLessThanOrEqual(9);
    // Asked again, the directory comes from memory: only the statistics are read.
    const again = await statementsFor<DrillDown>(DRILL_DOWN, { code: '440514' });
    expect(again.data).toEqual(large.data);
    expect(again.statements).toBeLessThan(large.statements);
  });

  it('flat lists cost the same for 36 villages as for 232, with their townships and grids', async () => {
    const q = `query($w: String!) { villages(within: $w) { code township { name county { name } } grids { code } } }`;
    await forgetDirectory();
    const small = await statementsFor<{ villages: unknown[] }>(q, { w: '632223' });
    await forgetDirectory();
    const large = await statementsFor<{ villages: unknown[] }>(q, { w: '440514' });
    expect(small.data.villages).toHaveLength(36);
    expect(large.data.villages).toHaveLength(232);
    expect(large.statements).toBe(small.statements);
  });

  it('a page of grids with their villages costs the same for 10 as for 500', async () => {
    const q = `query($n: Int!) { grids(within: "440514", first: $n) { totalCount nodes { code village { name township { name } } } } }`;
    await forgetDirectory();
    const small = await statementsFor<{ grids: Nodes<unknown> }>(q, { n: 10 });
    await forgetDirectory();
    const large = await statementsFor<{ grids: Nodes<unknown> }>(q, { n: 500 });
    expect(large.data.grids.nodes).toHaveLength(500);
    expect(large.statements).toBe(small.statements);
  });

  it.each(['Village', 'Grid', 'Township'])('_entities for %s: 1 and 700 representations cost the same', async (type) => {
    const pick = await hub.query<{ villages: { code: string; township: { code: string }; grids: { code: string }[] }[] }>(
      `{ villages(within: "440514") { code township { code } grids { code } } }`,
    );
    const villages = pick.data!.villages;
    const keys =
      type === 'Village'
        ? villages.map((v) => v.code)
        : type === 'Grid'
          ? villages.flatMap((v) => v.grids.map((g) => g.code))
          : [...new Set(villages.map((v) => v.township.code))];
    const sub = type === 'Township' ? 'township' : 'village';
    const field = type === 'Township' ? 'name' : type === 'Village' ? 'name grids { code }' : 'name village { name }';
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { code ${field} } } }`;
    const run = async (n: number) => {
      await forgetDirectory();
      const reps = keys.slice(0, n).map((code) => ({ __typename: type, code }));
      let res: GraphQLResponse<{ _entities: unknown[] }> | undefined;
      const statements = await hub.countStatements(async () => {
        res = await hub.querySubgraph(sub, q, { r: reps });
      });
      expect(res!.errors).toBeUndefined();
      expect(res!.data!._entities).toHaveLength(reps.length);
      return statements;
    };
    const one = await run(1);
    const many = await run(700);
    expect(many).toBe(one);
  });
});
