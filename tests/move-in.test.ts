import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postJson, startHub, type GraphQLResponse, type Paged, type TestHub } from './helpers/hub.ts';

/**
 * 迁出/迁入 between villages of different townships, each clerk writing only in
 * their own village (migration …71MoveIn): the old village deregisters the
 * resident as moved out, and the new village's registration of the ID number
 * takes up the same record, which the old village no longer sees.
 */
let hub: TestHub;
/** Two villages of 卓尼县 in different townships, that no other test writes in, and their clerks. */
let A: { village: string; grid: string; clerk: string };
let B: { village: string; grid: string; clerk: string };
const run = Date.now() % 1_000_000;
let seq = 300;

beforeAll(async () => {
  hub = await startHub();
  const county = await hub.token({ jurisdiction: '623022', scopes: ['read'] });
  const r = await hub.queryAs<{ villages: { code: string; grids: { code: string }[] }[] }>(county, `{ villages(within: "623022") { code grids { code } } }`);
  expect(r.errors).toBeUndefined();
  // Other tests write in the county's first villages: take the last village of the last township and of another one.
  const vs = r.data!.villages.filter((v) => v.grids.length > 0);
  const a = vs.at(-1)!;
  const b = [...vs].reverse().find((v) => v.code.slice(0, 9) !== a.code.slice(0, 9))!;
  const clerk = (village: string) => hub.token({ jurisdiction: village, scopes: ['read', 'write', 'pii'], subject: `move-in-${village}` });
  A = { village: a.code, grid: a.grids[0]!.code, clerk: await clerk(a.code) };
  B = { village: b.code, grid: b.grids[0]!.code, clerk: await clerk(b.code) };
}, 180_000);
afterAll(() => hub?.stop());

function failed(r: GraphQLResponse) {
  expect(r.errors?.length, JSON.stringify(r.data)).toBeGreaterThan(0);
  return r.errors![0]!;
}

interface Registered {
  id: string;
  version: number;
}
const REGISTER = `mutation($i: PersonInput!, $k: String) { registerPerson(input: $i, idempotencyKey: $k) { id version status grid { code } name phone residency tags } }`;
async function registerInA(name: string, extra: Record<string, unknown> = {}): Promise<Registered & { idNumber: string }> {
  const idNumber = makeCitizenId('623022', '1980-04-05', seq++);
  const d = await hub.dataAs<{ registerPerson: Registered }>(A.clerk, REGISTER, {
    i: { name, idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode: A.grid, phone: '13800000001', tags: ['RELEASED_PRISONER'], ...extra },
  });
  return { ...d.registerPerson, idNumber };
}
const deregister = (p: Registered, reason: string) =>
  hub.dataAs<{ deregisterPerson: Registered }>(
    A.clerk,
    `mutation { deregisterPerson(id: "${p.id}", version: ${p.version}, reason: ${reason}, note: "迁往外乡") { id version } }`,
  );
const residents = async (token: string, village: string, name: string) =>
  (
    await hub.dataAs<{ village: { residents: Paged<{ id: string }> } }>(
      token,
      `{ village(code: "${village}") { residents(filter: { name: "${name}" }) { nodes { id } } } }`,
    )
  ).village.residents.nodes.map((n) => n.id);
const population = async (village: string) => {
  const county = await hub.token({ jurisdiction: '623022', scopes: ['read'] });
  return (await hub.dataAs<{ village: { population: { residents: number } } }>(county, `{ village(code: "${village}") { population { residents } } }`)).village
    .population.residents;
};

describe('迁出 in one village, 迁入 in another', () => {
  it('registering a moved-out resident in the new village takes up the same record: ACTIVE there, gone from the old village, figures moved', async () => {
    const name = `迁入${run}`;
    // Where the feed stands before this test's changes: read from there, the other files' changes in these villages
    // (more than a page of them in a whole run) are not in the way.
    const reader = await hub.token({ jurisdiction: '623022', scopes: ['read'] });
    const since = (
      await hub.dataAs<{ changes: { pageInfo: { endCursor: string } } }>(reader, `{ changes(kinds: [RESIDENT], first: 0) { pageInfo { endCursor } } }`)
    ).changes.pageInfo.endCursor;
    const p = await registerInA(name);
    const other = await registerInA(`留下${run}`);
    // Before the 迁出: refused, saying what to do.
    const early = failed(
      await postJson(
        hub.gatewayUrl,
        { query: REGISTER, variables: { i: { name, idNumber: p.idNumber, ethnicity: '藏族', residency: 'FLOATING', gridCode: B.grid } } },
        { authorization: `Bearer ${B.clerk}`, 'accept-language': 'zh' },
      ),
    );
    expect(early.extensions).toMatchObject({ code: 'CONFLICT', rule: 'idNumberElsewhere' });
    expect(early.message).toContain('请原登记地先办理迁出（注销，原因"迁出"），再在本地以表单逐人登记迁入（registerPerson）');

    await deregister(p, 'MOVED_OUT');
    const [a0, b0] = [await population(A.village), await population(B.village)];
    const input = { name: `${name}新`, idNumber: p.idNumber, ethnicity: '藏族', residency: 'FLOATING', gridCode: B.grid, phone: '13900000002' };
    const key = `move-in-${run}`;
    const moved = (await hub.dataAs<{ registerPerson: Registered & Record<string, unknown> }>(B.clerk, REGISTER, { i: input, k: key })).registerPerson;
    expect(moved).toMatchObject({
      id: p.id,
      status: 'ACTIVE',
      grid: { code: B.grid },
      name: `${name}新`,
      phone: '13900000002',
      residency: 'FLOATING',
      tags: [],
    });
    // The same call again (a lost answer) answers the same record, moving nothing.
    const again = (await hub.dataAs<{ registerPerson: Registered }>(B.clerk, REGISTER, { i: input, k: key })).registerPerson;
    expect(again).toMatchObject({ id: p.id, version: moved.version });

    expect(await residents(B.clerk, B.village, name)).toEqual([p.id]);
    expect(await residents(A.clerk, A.village, name)).toEqual([]);
    expect((await hub.queryAs<{ person: unknown }>(A.clerk, `{ person(id: "${p.id}") { id } }`)).data?.person ?? null).toBeNull();
    expect([await population(A.village), await population(B.village)]).toEqual([a0, b0 + 1]);

    // B sees the move in the history, with the village it came from, and nothing of the old village's other residents.
    const hist = await hub.dataAs<{
      person: {
        history: Paged<{
          changedFields: string[];
          note: string | null;
          before: { status: string; tags: string[] };
          after: { status: string; gridCode: string };
        }>;
      };
    }>(B.clerk, `{ person(id: "${p.id}") { history { nodes { changedFields note before { status tags } after { status gridCode } } } } }`);
    const entry = hist.person.history.nodes.find((e) => e.changedFields.includes('status'))!;
    expect(entry).toMatchObject({ before: { status: 'DEREGISTERED', tags: [] }, after: { status: 'ACTIVE', gridCode: B.grid } });
    expect(entry.note).toMatch(new RegExp(`^迁入：自.+（${A.village}）$`));
    // The old village's entries (its tags, its deregistration) stay under its grid.
    expect(hist.person.history.nodes.every((e) => !e.before.tags.includes('RELEASED_PRISONER'))).toBe(true);
    expect((await hub.queryAs<{ person: unknown }>(B.clerk, `{ person(id: "${other.id}") { id } }`)).data?.person ?? null).toBeNull();
    expect(await residents(B.clerk, B.village, `留下${run}`)).toEqual([]);

    // The change feed: the old village hears the record left, the new one that it arrived as a current resident.
    const feed = async (village: string) =>
      (
        await hub.dataAs<{ changes: Paged<{ recordId: string; op: string; statusFrom: string | null; statusTo: string | null }> }>(
          reader,
          `query($a: String) { changes(after: $a, kinds: [RESIDENT], within: "${village}", first: 1000) { nodes { recordId op statusFrom statusTo } } }`,
          { a: since },
        )
      ).changes.nodes.filter((c) => c.recordId === p.id);
    expect((await feed(A.village)).at(-1)).toMatchObject({ op: 'MOVED_OUT' });
    expect(await feed(B.village)).toContainEqual({ recordId: p.id, op: 'TRANSITION', statusFrom: 'DEREGISTERED', statusTo: 'ACTIVE' });
  }, 300_000);

  it('figures move from the old village to the new', async () => {
    const p = await registerInA(`人口${run}`);
    const [a0, b0] = [await population(A.village), await population(B.village)];
    await deregister(p, 'MOVED_OUT');
    await hub.dataAs(B.clerk, REGISTER, { i: { name: `人口${run}`, idNumber: p.idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode: B.grid } });
    expect([await population(A.village), await population(B.village)]).toEqual([a0 - 1, b0 + 1]);
  }, 300_000);

  it('a resident deregistered as died is not taken up', async () => {
    const p = await registerInA(`死亡${run}`);
    await deregister(p, 'DIED');
    const r = failed(
      await hub.queryAs(B.clerk, REGISTER, { i: { name: `死亡${run}`, idNumber: p.idNumber, ethnicity: '藏族', residency: 'REGISTERED', gridCode: B.grid } }),
    );
    expect(r.extensions).toMatchObject({ code: 'CONFLICT', rule: 'idNumberElsewhere' });
    expect(r.message).toMatch(/deregisters them as moved out \(reason MOVED_OUT\), then register them here/);
    expect(await residents(A.clerk, A.village, `死亡${run}`)).toEqual([]);
    expect(
      (await hub.dataAs<{ person: { status: string; deregistrationReason: string } }>(A.clerk, `{ person(id: "${p.id}") { status deregistrationReason } }`))
        .person,
    ).toEqual({
      status: 'DEREGISTERED',
      deregistrationReason: 'DIED',
    });
  }, 300_000);
});
