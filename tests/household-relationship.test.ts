import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, postJson, startHub, type TestHub } from './helpers/hub.ts';

/**
 * 与户主关系 (Person.relationshipToHead), through the gateway on both write paths: HEAD is the household head's
 * alone, a relationship needs a household, a head change moves HEAD and clears the former head's, the export
 * writes it, the household lists its members as the register does, and another village's caller neither sees nor
 * sets it. Writes go to a village of 卓尼县 no other test writes to.
 */
const V = '623022101202';
const GRID = `${V}001`;
const RUN = Date.now();
let hub: TestHub;
let writer: string;
let seq = 930;
const fresh = (birth: string) => makeCitizenId('623022', birth, seq++);

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
const ext = (r: Errors) => r.errors?.[0]?.extensions;

beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: V, scopes: ['read', 'write', 'pii'], subject: `relationship-${RUN}` });
}, 180_000);
afterAll(() => hub?.stop());

async function household(n: string): Promise<string> {
  const r = await hub.queryAs<{ registerHousehold: { id: string } }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
    i: { gridCode: GRID, number: `关系${RUN}-${n}` },
  });
  expect(r.errors).toBeUndefined();
  return r.data!.registerHousehold.id;
}

const PERSON = 'id version relationshipToHead household { id }';
async function register(input: Record<string, unknown>) {
  return hub.queryAs<{ registerPerson: { id: string; version: number; relationshipToHead: string | null } }>(
    writer,
    `mutation($i: PersonInput!) { registerPerson(input: $i) { ${PERSON} } }`,
    { i: { name: '关系测试', ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID, ...input } },
  );
}
async function person(id: string, token = writer) {
  return hub.queryAs<{ person: { id: string; version: number; relationshipToHead: string | null; household: { id: string } | null } | null }>(
    token,
    `query($id: ID!) { person(id: $id) { ${PERSON} } }`,
    { id },
  );
}
async function update(id: string, input: Record<string, unknown>, token = writer) {
  const p = (await person(id)).data!.person!;
  return hub.queryAs<{ updatePerson: { relationshipToHead: string | null } }>(
    token,
    `mutation($id: ID!, $v: Int!, $i: PersonUpdate!) { updatePerson(id: $id, version: $v, input: $i) { relationshipToHead } }`,
    { id, v: p.version, i: input },
  );
}

describe('与户主关系', () => {
  let h1: string;
  let head: string;
  let spouse: string;

  it('is HEAD for the first to join a household and no one else; a form is refused by the rules a file row is', async () => {
    h1 = await household('1');
    // The first member of a household without a head becomes its head, and HEAD, whether or not the form says so.
    const a = await register({ idNumber: fresh('1961-11-11'), householdId: h1 });
    expect(a.errors).toBeUndefined();
    head = a.data!.registerPerson.id;
    expect(a.data!.registerPerson.relationshipToHead).toBe('HEAD');
    const b = await register({ idNumber: fresh('1963-02-02'), householdId: h1, relationshipToHead: 'SPOUSE' });
    expect(b.errors).toBeUndefined();
    spouse = b.data!.registerPerson.id;
    expect(b.data!.registerPerson.relationshipToHead).toBe('SPOUSE');
    // Not a second 户主.
    const c = await register({ idNumber: fresh('1990-03-03'), householdId: h1, relationshipToHead: 'HEAD' });
    expect(ext(c)).toMatchObject({ code: 'CONFLICT', rule: 'headTaken', argument: 'relationshipToHead' });
    // Chinese first for people: the argument by its label (the residents file's header) and the rule's reason.
    const zh = await postJson<Errors>(
      hub.gatewayUrl,
      {
        query: `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`,
        variables: {
          i: {
            name: '关系测试',
            ethnicity: '汉族',
            residency: 'REGISTERED',
            gridCode: GRID,
            householdId: h1,
            relationshipToHead: 'HEAD',
            idNumber: fresh('1990-03-13'),
          },
        },
      },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh' },
    );
    expect(zh.errors![0]!.message).toMatch(/不能为“户主”：所在的户已由他人任户主/);
    // Not without a household.
    const d = await register({ idNumber: fresh('1990-04-04'), relationshipToHead: 'SON' });
    expect(ext(d)).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'relationshipWithoutHousehold' });
    // The head is HEAD: another relationship is refused (the head changes with updateHousehold).
    const e = await update(head, { relationshipToHead: 'SON' });
    expect(ext(e)).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'headIsHead' });
    const f = await update(spouse, { relationshipToHead: 'HEAD' });
    expect(ext(f)).toMatchObject({ code: 'CONFLICT', rule: 'headTaken' });
    expect((await person(head)).data!.person!.relationshipToHead).toBe('HEAD');
  });

  it('reads a residents file’s 与户主关系 by Chinese name or code, and refuses its rows by the same rules', async () => {
    const son = fresh('1988-05-05');
    const daughter = fresh('1992-06-06');
    const csv = [
      '身份证号,姓名,民族,人口类别,网格代码,户系统编号,与户主关系',
      `${son},关系子,汉族,REGISTERED,${GRID},${h1},子`,
      `${daughter},关系女,汉族,REGISTERED,${GRID},${h1},DAUGHTER`,
      `${fresh('1991-07-07')},关系二,汉族,REGISTERED,${GRID},${h1},户主`,
      `${fresh('1991-08-08')},关系三,汉族,REGISTERED,${GRID},,女`,
      `${fresh('1991-09-09')},关系四,汉族,REGISTERED,${GRID},${h1},朋友`,
    ].join('\n');
    const r = await postImport(hub.gatewayUrl, writer, 'residents', `${csv}\n`, `relationship-${RUN}-1`);
    expect(r.status).toBe(200);
    const by = new Map(r.rejects.map((x) => [x.line, x]));
    expect(by.get(4)).toMatchObject({ field: 'relationship_to_head', code: 'CONFLICT' });
    expect(by.get(4)!.reason).toContain('another head');
    expect(by.get(5)).toMatchObject({ field: 'relationship_to_head', code: 'BAD_USER_INPUT' });
    expect(by.get(5)!.reason).toContain('needs a household');
    expect(by.get(6)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(r.rejects).toHaveLength(3);
    const members = await hub.queryAs<{ household: { members: { name: string; relationshipToHead: string | null }[] } }>(
      writer,
      `query($id: ID!) { household(id: $id) { members { name relationshipToHead } } }`,
      { id: h1 },
    );
    // As the register lists them: 户主, 配偶, 子, 女.
    expect(members.data!.household.members.map((m) => m.relationshipToHead)).toEqual(['HEAD', 'SPOUSE', 'SON', 'DAUGHTER']);
  });

  it('moves HEAD with the household’s head and clears the former head’s, in the history and the export', async () => {
    const h = (await hub.queryAs<{ household: { version: number } }>(writer, `query($id: ID!) { household(id: $id) { version } }`, { id: h1 })).data!.household;
    const u = await hub.queryAs<{ updateHousehold: { head: { id: string; relationshipToHead: string } } }>(
      writer,
      `mutation($id: ID!, $v: Int!) { updateHousehold(id: $id, version: $v, input: { headId: "${spouse}" }) { head { id relationshipToHead } } }`,
      { id: h1, v: h.version },
    );
    expect(u.errors).toBeUndefined();
    expect(u.data!.updateHousehold.head).toEqual({ id: spouse, relationshipToHead: 'HEAD' });
    expect((await person(head)).data!.person!.relationshipToHead).toBeNull();
    const history = await hub.queryAs<{
      person: {
        history: { nodes: { changedFields: string[]; before: { relationshipToHead: string | null }; after: { relationshipToHead: string | null } }[] };
      };
    }>(
      writer,
      `query($id: ID!) { person(id: $id) { history(first: 1) { nodes { changedFields before { relationshipToHead } after { relationshipToHead } } } } }`,
      {
        id: head,
      },
    );
    expect(history.data!.person.history.nodes[0]).toEqual({
      changedFields: ['relationshipToHead'],
      before: { relationshipToHead: 'HEAD' },
      after: { relationshipToHead: null },
    });
    // The former head, not entered, is listed last; the clerk enters what they are to the new head.
    expect((await update(head, { relationshipToHead: 'SPOUSE' })).errors).toBeUndefined();
    const res = await fetch(new URL(`/export/residents.csv?within=${V}`, new URL(hub.gatewayUrl).origin), { headers: { authorization: `Bearer ${writer}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const columns = lines[0]!.split(',');
    const at = columns.indexOf('relationship_to_head');
    expect(at).toBeGreaterThan(0);
    const of = (id: string) => lines.find((l) => l.startsWith(`${id},`))!.split(',')[at];
    expect(of(spouse)).toBe('HEAD');
    expect(of(head)).toBe('SPOUSE');
  });

  it('is cleared when the person leaves the household', async () => {
    const h2 = await household('2');
    const a = await register({ idNumber: fresh('1970-01-21'), householdId: h2 });
    const b = await register({ idNumber: fresh('1999-01-22'), householdId: h2, relationshipToHead: 'GRANDCHILD' });
    expect(a.data!.registerPerson.relationshipToHead).toBe('HEAD');
    const left = await update(b.data!.registerPerson.id, { householdId: null });
    expect(left.errors).toBeUndefined();
    expect(left.data!.updatePerson.relationshipToHead).toBeNull();
    // Back in, with no relationship given: not entered (it was relative to the head it had).
    const back = await update(b.data!.registerPerson.id, { householdId: h2 });
    expect(back.data!.updatePerson.relationshipToHead).toBeNull();
    expect((await update(b.data!.registerPerson.id, { relationshipToHead: 'GRANDCHILD' })).data!.updatePerson.relationshipToHead).toBe('GRANDCHILD');
    const p = (await person(b.data!.registerPerson.id)).data!.person!;
    const gone = await hub.queryAs<{ deregisterPerson: { relationshipToHead: string | null; household: null } }>(
      writer,
      `mutation($id: ID!, $v: Int!) { deregisterPerson(id: $id, version: $v, reason: MOVED_OUT) { relationshipToHead household { id } } }`,
      { id: p.id, v: p.version },
    );
    expect(gone.errors).toBeUndefined();
    expect(gone.data!.deregisterPerson).toEqual({ relationshipToHead: null, household: null });
  });

  it('is neither shown to nor set by another village’s caller', async () => {
    const other = await hub.token({ jurisdiction: '623022101205', scopes: ['read', 'write', 'pii'] });
    const seen = await person(spouse, other);
    expect(seen.data?.person ?? null).toBeNull();
    const p = (await person(head)).data!.person!;
    const set = await hub.queryAs(
      other,
      `mutation($id: ID!, $v: Int!) { updatePerson(id: $id, version: $v, input: { relationshipToHead: SON }) { relationshipToHead } }`,
      { id: head, v: p.version },
    );
    expect(ext(set)?.code).toBe('NOT_FOUND');
    expect((await person(head)).data!.person!.relationshipToHead).toBe('SPOUSE');
    const res = await fetch(new URL(`/export/residents.csv?within=${V}`, new URL(hub.gatewayUrl).origin), { headers: { authorization: `Bearer ${other}` } });
    expect(res.status).toBe(403);
  });
});
