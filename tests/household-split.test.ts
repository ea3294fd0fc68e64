import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postJson, startHub, type TestHub } from './helpers/hub.ts';

/**
 * 分户 (splitHousehold), through the gateway: members leave a household into a new one with its own 户号 and 户主
 * in one transaction, by the rules of the forms they replace; the history, the change feed and the figures follow;
 * a refused split leaves both households as they were. Writes go to a village of 卓尼县 no other test writes to.
 */
const V = '623022101206';
const GRID = `${V}001`;
const GRID2 = `${V}002`;
const RUN = Date.now();
let hub: TestHub;
let writer: string;
let reader: string;
let seq = 610;
const fresh = (birth: string) => makeCitizenId('623022', birth, seq++);

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
const ext = (r: Errors) => r.errors?.[0]?.extensions;

beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: V, scopes: ['read', 'write', 'pii'], subject: `split-${RUN}` });
  reader = await hub.token({ jurisdiction: V, scopes: ['read'], subject: `split-reader-${RUN}` });
}, 180_000);
afterAll(() => hub?.stop());

interface Member {
  id: string;
  name: string;
  relationshipToHead: string | null;
}
interface HouseholdView {
  id: string;
  number: string;
  version: number;
  head: { id: string } | null;
  grid: { code: string };
  address: { id: string } | null;
  members: Member[];
}
const HOUSEHOLD = 'id number version head { id } grid { code } address { id } members { id name relationshipToHead }';

async function household(id: string): Promise<HouseholdView> {
  return (await hub.dataAs<{ household: HouseholdView }>(writer, `query($id: ID!) { household(id: $id) { ${HOUSEHOLD} } }`, { id })).household;
}

/** A household of 户主, 配偶, 子, 儿媳 and 孙子女 (in that order), on GRID at a new address. */
async function family(n: string): Promise<{ id: string; address: string; head: string; spouse: string; son: string; wife: string; grandchild: string }> {
  const a = await hub.dataAs<{ registerAddress: { id: string } }>(writer, `mutation($i: AddressInput!) { registerAddress(input: $i) { id } }`, {
    i: { gridCode: GRID, number: `分户地址${RUN}-${n}`, text: `分户村${n}号` },
  });
  const h = await hub.dataAs<{ registerHousehold: { id: string } }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
    i: { gridCode: GRID, number: `分户${RUN}-${n}`, addressId: a.registerAddress.id },
  });
  const id = h.registerHousehold.id;
  const person = async (name: string, birth: string, relationshipToHead?: string) =>
    (
      await hub.dataAs<{ registerPerson: { id: string } }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: { name, idNumber: fresh(birth), ethnicity: '藏族', residency: 'REGISTERED', gridCode: GRID, householdId: id, relationshipToHead },
      })
    ).registerPerson.id;
  const head = await person('分户父', '1955-03-01');
  const spouse = await person('分户母', '1957-04-02', 'SPOUSE');
  const son = await person('分户子', '1985-05-03', 'SON');
  const wife = await person('分户媳', '1987-06-04', 'CHILD_IN_LAW');
  const grandchild = await person('分户孙', '2012-07-05', 'GRANDCHILD');
  return { id, address: a.registerAddress.id, head, spouse, son, wife, grandchild };
}

const SPLIT = `mutation($id: ID!, $v: Int!, $i: HouseholdSplitInput!, $k: String) {
  splitHousehold(id: $id, version: $v, input: $i, idempotencyKey: $k) { household { ${HOUSEHOLD} } newHousehold { ${HOUSEHOLD} } }
}`;
type Split = { splitHousehold: { household: HouseholdView; newHousehold: HouseholdView } };
async function split(id: string, input: Record<string, unknown>, opts: { version?: number; key?: string } = {}) {
  const version = opts.version ?? (await household(id)).version;
  return hub.queryAs<Split>(writer, SPLIT, { id, v: version, i: input, k: opts.key });
}

interface Population {
  residents: number;
  households: number;
}
async function figures(): Promise<Population> {
  return (await hub.dataAs<{ village: { population: Population } }>(reader, `{ village(code: "${V}") { population { residents households } } }`)).village
    .population;
}

interface Change {
  kind: string;
  op: string;
  recordId: string;
  changedFields: string[] | null;
}
async function changes(after: string | null): Promise<{ got: Change[]; after: string | null }> {
  const got: Change[] = [];
  for (;;) {
    const d = await hub.dataAs<{ changes: { nodes: Change[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      reader,
      `query($a: String) { changes(after: $a, kinds: [HOUSEHOLD, RESIDENT], within: "${V}", first: 1000) { nodes { kind op recordId changedFields } pageInfo { hasNextPage endCursor } } }`,
      { a: after },
    );
    got.push(...d.changes.nodes);
    after = d.changes.pageInfo.endCursor ?? after;
    if (!d.changes.pageInfo.hasNextPage) return { got, after };
  }
}

const byRelationship = (h: HouseholdView) => Object.fromEntries(h.members.map((m) => [m.id, m.relationshipToHead]));

describe('分户 splitHousehold', () => {
  it('moves the members into a new household with its head and their relationships, in one step, with history, feed and figures', async () => {
    const f = await family('a');
    const before = await figures();
    const { after: feedStart } = await changes(null);
    const r = await split(f.id, {
      memberIds: [f.son, f.wife, f.grandchild],
      number: `分户${RUN}-a-1`,
      headId: f.son,
      relationships: [
        { personId: f.wife, relationshipToHead: 'SPOUSE' },
        { personId: f.grandchild, relationshipToHead: 'SON' },
      ],
    });
    expect(r.errors).toBeUndefined();
    const { household: old, newHousehold: created } = r.data!.splitHousehold;
    // The old household keeps its head and those who stay.
    expect(old.id).toBe(f.id);
    expect(old.head?.id).toBe(f.head);
    expect(byRelationship(old)).toEqual({ [f.head]: 'HEAD', [f.spouse]: 'SPOUSE' });
    // The new one: its number, head, members as the register lists them, on the old one's grid and address.
    expect(created.number).toBe(`分户${RUN}-a-1`);
    expect(created.head?.id).toBe(f.son);
    expect(created.grid.code).toBe(GRID);
    expect(created.address?.id).toBe(f.address);
    expect(created.members.map((m) => [m.id, m.relationshipToHead])).toEqual([
      [f.son, 'HEAD'],
      [f.wife, 'SPOUSE'],
      [f.grandchild, 'SON'],
    ]);
    // As read afterwards, too.
    expect(byRelationship(await household(created.id))).toEqual({ [f.son]: 'HEAD', [f.wife]: 'SPOUSE', [f.grandchild]: 'SON' });

    // Figures: one household more, the same residents.
    const after = await figures();
    expect(after.households).toBe(before.households + 1);
    expect(after.residents).toBe(before.residents);

    // Each moved person's history: the household, old to new.
    for (const id of [f.son, f.wife, f.grandchild]) {
      const h = await hub.dataAs<{
        person: {
          history: { nodes: { via: string; changedFields: string[]; before: { householdId: string | null }; after: { householdId: string | null } }[] };
        };
      }>(writer, `{ person(id: "${id}") { history { nodes { via changedFields before { householdId } after { householdId } } } } }`);
      const latest = h.person.history.nodes[0]!;
      expect(latest.via).toBe('API');
      expect(latest.changedFields).toContain('householdId');
      expect(latest.before.householdId).toBe(f.id);
      expect(latest.after.householdId).toBe(created.id);
    }
    // The change feed: the new household CREATED (and UPDATED as its head is named), each member UPDATED.
    const { got } = await changes(feedStart);
    expect(got.some((c) => c.kind === 'HOUSEHOLD' && c.op === 'CREATED' && c.recordId === created.id)).toBe(true);
    for (const id of [f.son, f.wife, f.grandchild]) {
      expect(got.some((c) => c.kind === 'RESIDENT' && c.op === 'UPDATED' && c.recordId === id && c.changedFields?.includes('household'))).toBe(true);
    }
    // Those who stayed are not touched.
    expect(got.some((c) => c.kind === 'RESIDENT' && (c.recordId === f.head || c.recordId === f.spouse))).toBe(false);
  });

  it('lets the old head leave only with a new head named among those who stay', async () => {
    const f = await family('b');
    const before = await household(f.id);
    // The parents leave the household to their son: without a new head for it, headLeaves.
    const refused = await split(f.id, { memberIds: [f.head, f.spouse], number: `分户${RUN}-b-1`, headId: f.head });
    expect(ext(refused)).toMatchObject({ code: 'CONFLICT', rule: 'headLeaves', argument: 'memberIds', personId: f.head });
    expect(await household(f.id)).toEqual(before);

    const { after: feedStart } = await changes(null);
    const r = await split(f.id, {
      memberIds: [f.head, f.spouse],
      number: `分户${RUN}-b-1`,
      headId: f.head,
      gridCode: GRID2,
      addressId: null,
      relationships: [{ personId: f.spouse, relationshipToHead: 'SPOUSE' }],
      oldHouseholdHeadId: f.son,
    });
    expect(r.errors).toBeUndefined();
    const { household: old, newHousehold: created } = r.data!.splitHousehold;
    expect(old.head?.id).toBe(f.son);
    expect(old.version).toBe(before.version + 1);
    // The new head is HEAD; the others keep what they were to the former head until the clerk enters them afresh.
    expect(byRelationship(old)).toEqual({ [f.son]: 'HEAD', [f.wife]: 'CHILD_IN_LAW', [f.grandchild]: 'GRANDCHILD' });
    expect(created.head?.id).toBe(f.head);
    expect(created.grid.code).toBe(GRID2);
    expect(created.address).toBeNull();
    expect(byRelationship(created)).toEqual({ [f.head]: 'HEAD', [f.spouse]: 'SPOUSE' });
    const { got } = await changes(feedStart);
    expect(got.some((c) => c.kind === 'HOUSEHOLD' && c.op === 'UPDATED' && c.recordId === f.id && c.changedFields?.includes('head'))).toBe(true);
    expect(got.some((c) => c.kind === 'HOUSEHOLD' && c.op === 'CREATED' && c.recordId === created.id)).toBe(true);
  });

  it('refuses a bad split with a typed error and leaves both households as they were', async () => {
    const f = await family('c');
    const other = await family('d');
    const before = await household(f.id);
    const figuresBefore = await figures();
    const base = { memberIds: [f.son, f.wife], number: `分户${RUN}-c-1`, headId: f.son };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ memberIds: [] }, { code: 'BAD_USER_INPUT', argument: 'memberIds' }],
      [{ memberIds: [f.son, f.son] }, { code: 'BAD_USER_INPUT', argument: 'memberIds' }],
      [{ memberIds: [f.son, other.son] }, { code: 'BAD_USER_INPUT', argument: 'memberIds', personIds: [other.son] }],
      [
        { memberIds: [f.head, f.spouse, f.son, f.wife, f.grandchild], oldHouseholdHeadId: f.son },
        { code: 'BAD_USER_INPUT', argument: 'memberIds' },
      ],
      [{ headId: f.spouse }, { code: 'BAD_USER_INPUT', argument: 'headId' }],
      [{ relationships: [{ personId: f.spouse, relationshipToHead: 'SON' }] }, { code: 'BAD_USER_INPUT', argument: 'relationships' }],
      [{ oldHouseholdHeadId: f.wife }, { code: 'BAD_USER_INPUT', argument: 'oldHouseholdHeadId' }],
      [{ gridCode: '623022101205001' }, { code: 'BAD_USER_INPUT', argument: 'gridCode' }],
      [{ gridCode: `${V}999` }, { code: 'BAD_USER_INPUT' }],
      // 户号 already used in the village.
      [{ number: `分户${RUN}-d` }, { code: 'CONFLICT' }],
      // A relationship rule of the write path, broken by the last member written: nothing of the split is left.
      [{ relationships: [{ personId: f.wife, relationshipToHead: 'HEAD' }] }, { code: 'CONFLICT', rule: 'headTaken', personId: f.wife }],
      [{ relationships: [{ personId: f.son, relationshipToHead: 'SON' }] }, { code: 'BAD_USER_INPUT', rule: 'headIsHead', personId: f.son }],
      [{ addressId: other.address + '0' }, { code: 'NOT_FOUND' }],
    ];
    for (const [change, expected] of cases) {
      const r = await split(f.id, { ...base, ...change });
      expect(ext(r), JSON.stringify(change)).toMatchObject(expected);
      expect(r.errors![0]!.message).not.toMatch(/internal|sql|syntax|violates|constraint/i);
    }
    // Chinese first for people: a split that takes everyone says it is a move.
    const zh = await postJson<Errors>(
      hub.gatewayUrl,
      {
        query: SPLIT,
        variables: { id: f.id, v: before.version, i: { ...base, memberIds: [f.head, f.spouse, f.son, f.wife, f.grandchild], oldHouseholdHeadId: null } },
      },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh' },
    );
    expect(zh.errors![0]!.message).toMatch(/全部成员.*moveHousehold/);
    // A stale version: CONFLICT.
    const stale = await split(f.id, base, { version: before.version - 1 });
    expect(ext(stale)).toMatchObject({ code: 'CONFLICT' });
    // Nothing of any of them stayed.
    expect(await household(f.id)).toEqual(before);
    expect(await figures()).toEqual(figuresBefore);
    const numbered = await hub.dataAs<{ village: { households: { nodes: unknown[] } } }>(
      writer,
      `{ village(code: "${V}") { households(number: "分户${RUN}-c-1") { nodes { id } } } }`,
    );
    expect(numbered.village.households.nodes).toEqual([]);
  });

  it("names the members who leave as 分出成员 in its Chinese refusals, not as a patrol team's 队员 nor by the English argument", async () => {
    const f = await family('g');
    const before = await household(f.id);
    const zh = async (input: Record<string, unknown>) =>
      (
        await postJson<Errors>(
          hub.gatewayUrl,
          { query: SPLIT, variables: { id: f.id, v: before.version, i: { number: `分户${RUN}-g-1`, headId: f.son, ...input } } },
          { authorization: `Bearer ${writer}`, 'accept-language': 'zh' },
        )
      ).errors![0]!;
    const refusals = [
      await zh({ memberIds: [] }),
      await zh({ memberIds: [f.son, f.son] }),
      await zh({ memberIds: [f.head, f.spouse, f.son, f.wife, f.grandchild] }),
      await zh({ memberIds: [f.head, f.son] }),
      await zh({ memberIds: [f.son], headId: f.wife }),
      await zh({ memberIds: [f.son], relationships: [{ personId: f.wife, relationshipToHead: 'CHILD_IN_LAW' }] }),
    ];
    expect(refusals[0]!.message).toMatch(/^分出成员系统编号 /);
    for (const e of refusals) {
      expect(e.message, e.message).not.toMatch(/队员|memberIds|headId 不|在 oldHouseholdHeadId 中/);
    }
    expect(refusals.map((e) => e.extensions?.argument)).toEqual(['memberIds', 'memberIds', 'memberIds', 'memberIds', 'headId', 'relationships']);
    expect(await household(f.id)).toEqual(before);
  });

  it('refuses a caller without write or outside the jurisdiction', async () => {
    const f = await family('e');
    const input = { memberIds: [f.son], number: `分户${RUN}-e-1`, headId: f.son };
    const version = (await household(f.id)).version;
    const readOnly = await hub.queryAs<Split>(reader, SPLIT, { id: f.id, v: version, i: input });
    expect(ext(readOnly)).toMatchObject({ code: 'FORBIDDEN' });
    const neighbour = await hub.token({ jurisdiction: '623022101205', scopes: ['read', 'write'] });
    const outside = await hub.queryAs<Split>(neighbour, SPLIT, { id: f.id, v: version, i: input });
    expect(ext(outside)).toMatchObject({ code: 'NOT_FOUND' });
    expect((await household(f.id)).members).toHaveLength(5);
  });

  it('answers a retry with the same idempotency key with the split it made, writing nothing', async () => {
    const f = await family('f');
    const input = { memberIds: [f.son, f.wife], number: `分户${RUN}-f-1`, headId: f.son };
    const version = (await household(f.id)).version;
    const first = await split(f.id, input, { version, key: `split-${RUN}` });
    expect(first.errors).toBeUndefined();
    const again = await split(f.id, input, { version, key: `split-${RUN}` });
    expect(again.errors).toBeUndefined();
    expect(again.data!.splitHousehold.newHousehold.id).toBe(first.data!.splitHousehold.newHousehold.id);
    expect(again.data!.splitHousehold.household.members).toHaveLength(3);
    const other = await split(f.id, { ...input, number: `分户${RUN}-f-2` }, { version, key: `split-${RUN}` });
    expect(ext(other)).toMatchObject({ code: 'CONFLICT', rule: 'keyReused', argument: 'idempotencyKey' });
  });
});
