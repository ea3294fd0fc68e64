import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postImport, postJson, startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

/**
 * A write that names a record its caller's jurisdiction ended (a dissolved 户, a deregistered house, a disbanded
 * 十户联防 group, an ended 调委会) is told so (BAD_USER_INPUT, rule referenceEnded, with when and why), by form and
 * by file alike; another jurisdiction's ended record stays NOT_FOUND, as its current ones are.
 */
let hub: TestHub;
let writer: string;
/** A writer of another township, who must learn nothing of this one's records. */
let stranger: string;
const TOWNSHIP = '623022107';
let VILLAGE: string;
let GRID: string;
const run = Date.now() % 1_000_000;

interface Versioned {
  id: string;
  version: number;
}

beforeAll(async () => {
  hub = await startHub();
  writer = await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'], subject: 'ended-ref-writer' });
  stranger = await hub.token({ jurisdiction: '623022101', scopes: ['read', 'write'], subject: 'ended-ref-stranger' });
  const r = await hub.queryAs<{ villages: { code: string; grids: { code: string }[] }[] }>(
    writer,
    `{ villages(within: "${TOWNSHIP}") { code grids { code } } }`,
  );
  expect(r.errors).toBeUndefined();
  const withGrids = r.data!.villages.filter((v) => v.grids.length > 0);
  VILLAGE = withGrids[3]!.code;
  GRID = withGrids[3]!.grids[0]!.code;
}, 180_000);
afterAll(() => hub?.stop());

/** The refusal of a write naming an ended record: which argument, the rule, when it ended and the reason. */
function endedRefusal(r: GraphQLResponse, argument: string, id: string) {
  expect(r.errors?.length, JSON.stringify(r.data)).toBeGreaterThan(0);
  const e = r.errors![0]!;
  expect(e.extensions, e.message).toMatchObject({ code: 'BAD_USER_INPUT', argument, rule: 'referenceEnded', recordId: id });
  expect(e.extensions!.endedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(e.message).toContain(id);
  expect(e.message).toMatch(/ on \d{4}-\d\d-\d\d/);
  return e;
}

function notFound(r: GraphQLResponse) {
  expect(r.errors?.length, JSON.stringify(r.data)).toBeGreaterThan(0);
  expect(r.errors![0]!.extensions?.code, r.errors![0]!.message).toBe('NOT_FOUND');
}

let seq = 700;
async function registerPerson(name: string, householdId: string | null = null): Promise<Versioned & { idNumber: string }> {
  const idNumber = makeCitizenId('623022', '1960-03-02', seq++);
  const d = await hub.dataAs<{ registerPerson: Versioned }>(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
    i: { name, idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID, householdId },
  });
  return { ...d.registerPerson, idNumber };
}
async function registerHousehold(number: string, extra: Record<string, unknown> = {}): Promise<Versioned> {
  return (
    await hub.dataAs<{ registerHousehold: Versioned }>(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
      i: { gridCode: GRID, number, ...extra },
    })
  ).registerHousehold;
}

let dissolved: Versioned;
let demolished: Versioned;
let disbanded: Versioned;
let committee: Versioned;
/** A current household, resident and group to write with. */
let household: Versioned;
let resident: Versioned & { idNumber: string };
let group: Versioned;
/** A household of two, to split one off. */
let pair: Versioned;
let pairMember: Versioned;

describe('a write naming an ended record', () => {
  beforeAll(async () => {
    demolished = (
      await hub.dataAs<{ registerHouse: Versioned }>(writer, `mutation($i: HouseInput!) { registerHouse(input: $i) { id version } }`, {
        i: { gridCode: GRID, number: `ERF-${run}-H`, use: 'VACANT' },
      })
    ).registerHouse;
    dissolved = await registerHousehold(`ERF-${run}-1`);
    household = await registerHousehold(`ERF-${run}-2`);
    const led = await registerHousehold(`ERF-${run}-3`);
    const leader = await registerPerson(`联户长${run}`, led.id);
    resident = await registerPerson(`居民${run}`);
    const g = await registerHousehold(`ERF-${run}-4`);
    const gLeader = await registerPerson(`组长${run}`, g.id);
    disbanded = (
      await hub.dataAs<{ createJointDefenseGroup: Versioned }>(
        writer,
        `mutation { createJointDefenseGroup(input: { gridCode: "${GRID}", name: "撤销组${run}", householdIds: ["${led.id}"], leaderId: "${leader.id}" }) { id version } }`,
      )
    ).createJointDefenseGroup;
    group = (
      await hub.dataAs<{ createJointDefenseGroup: Versioned }>(
        writer,
        `mutation { createJointDefenseGroup(input: { gridCode: "${GRID}", name: "现有组${run}", householdIds: ["${g.id}"], leaderId: "${gLeader.id}" }) { id version } }`,
      )
    ).createJointDefenseGroup;
    pair = await registerHousehold(`ERF-${run}-5`);
    await registerPerson(`户主${run}`, pair.id);
    pairMember = await registerPerson(`成员${run}`, pair.id);
    pair = (await hub.dataAs<{ household: Versioned }>(writer, `{ household(id: "${pair.id}") { id version } }`)).household;
    committee = (
      await hub.dataAs<{ createMediationCommittee: Versioned }>(
        writer,
        `mutation($i: MediationCommitteeInput!) { createMediationCommittee(input: $i) { id version } }`,
        { i: { villageCode: VILLAGE, name: `撤销调委会${run}`, kind: 'ENTERPRISE' } },
      )
    ).createMediationCommittee;
    await hub.dataAs(writer, `mutation { disbandJointDefenseGroup(id: "${disbanded.id}", version: ${disbanded.version}, reason: REORGANISED) { recordId } }`);
    await hub.dataAs(
      writer,
      `mutation { dissolveHousehold(id: "${dissolved.id}", version: ${dissolved.version}, reason: NO_MEMBERS, note: "全户迁出") { recordId } }`,
    );
    await hub.dataAs(writer, `mutation { deregisterHouse(id: "${demolished.id}", version: ${demolished.version}, reason: DEMOLISHED) { recordId } }`);
    await hub.dataAs(writer, `mutation { endMediationCommittee(id: "${committee.id}", version: ${committee.version}, reason: "合作社解散") { id } }`);
  }, 180_000);

  it('a resident joining a dissolved 户, by registerPerson and updatePerson, is told it was dissolved, when and why', async () => {
    const e = endedRefusal(
      await hub.queryAs(writer, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: {
          name: `新成员${run}`,
          idNumber: makeCitizenId('623022', '1980-01-01', seq++),
          ethnicity: '汉族',
          residency: 'REGISTERED',
          gridCode: GRID,
          householdId: dissolved.id,
        },
      }),
      'householdId',
      dissolved.id,
    );
    expect(e.message).toContain('dissolved');
    expect(e.message).toContain('NO_MEMBERS');
    expect(e.extensions!.endReason).toBe('NO_MEMBERS');
    // In Chinese (the default), the message says what ended, when and why.
    const zh = await postJson(
      hub.gatewayUrl,
      {
        query: `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`,
        variables: {
          i: {
            name: `新成员${run}`,
            idNumber: makeCitizenId('623022', '1980-01-02', seq++),
            ethnicity: '汉族',
            residency: 'REGISTERED',
            gridCode: GRID,
            householdId: dissolved.id,
          },
        },
      },
      { authorization: `Bearer ${writer}`, 'accept-language': 'zh' },
    );
    expect(zh.errors![0]!.message).toMatch(new RegExp(`所指的户 ${dissolved.id} 已于 \\d{4}-\\d\\d-\\d\\d 销户（原因：户内无人）：`));
    endedRefusal(
      await hub.queryAs(
        writer,
        `mutation { updatePerson(id: "${resident.id}", version: ${resident.version}, input: { householdId: "${dissolved.id}" }) { id } }`,
      ),
      'householdId',
      dissolved.id,
    );
  });

  it('a household at a deregistered house, registered or moved there', async () => {
    endedRefusal(
      await hub.queryAs(writer, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id } }`, {
        i: { gridCode: GRID, number: `ERF-${run}-9`, houseId: demolished.id },
      }),
      'houseId',
      demolished.id,
    );
    endedRefusal(
      await hub.queryAs(
        writer,
        `mutation { moveHousehold(id: "${household.id}", version: ${household.version}, input: { gridCode: "${GRID}", houseId: "${demolished.id}" }) { id } }`,
      ),
      'houseId',
      demolished.id,
    );
  });

  it('a household split off into a deregistered house', async () => {
    endedRefusal(
      await hub.queryAs(
        writer,
        `mutation { splitHousehold(id: "${pair.id}", version: ${pair.version}, input: { number: "ERF-${run}-S", memberIds: ["${pairMember.id}"], headId: "${pairMember.id}", houseId: "${demolished.id}" }) { newHousehold { id } } }`,
      ),
      'houseId',
      demolished.id,
    );
  });

  it('a dissolved 户 put in a 十户联防 group, new or existing', async () => {
    endedRefusal(
      await hub.queryAs(
        writer,
        `mutation { assignHouseholdsToGroup(groupId: "${group.id}", version: ${group.version}, householdIds: ["${dissolved.id}"]) { id } }`,
      ),
      'householdIds',
      dissolved.id,
    );
    endedRefusal(
      await hub.queryAs(
        writer,
        `mutation { createJointDefenseGroup(input: { gridCode: "${GRID}", name: "新组${run}", householdIds: ["${dissolved.id}"], leaderId: "${resident.id}" }) { id } }`,
      ),
      'householdIds',
      dissolved.id,
    );
  });

  it('a mediator of an ended 调委会', async () => {
    const e = endedRefusal(
      await hub.queryAs(writer, `mutation { createMediator(input: { committeeId: "${committee.id}", personId: "${resident.id}" }) { id } }`),
      'committeeId',
      committee.id,
    );
    expect(e.message).toContain('合作社解散');
  });

  it("a file's row gets the same rule in its reject", async () => {
    const file = await postImport(
      new URL(hub.gatewayUrl).origin,
      writer,
      'residents',
      `id_number,name,ethnicity,residency,grid_code,household_id\n${makeCitizenId('623022', '1981-01-01', seq++)},文件成员${run},汉族,REGISTERED,${GRID},${dissolved.id}\n`,
      `erf-${run}`,
    );
    expect(file.rejects).toHaveLength(1);
    expect(file.rejects[0]).toMatchObject({ field: 'household_id', code: 'BAD_USER_INPUT', rule: 'referenceEnded' });
    expect(file.rejects[0]!.reason).toContain(`household ${dissolved.id}, dissolved on `);
    const houses = await postImport(
      new URL(hub.gatewayUrl).origin,
      writer,
      'households',
      `grid_code,number,house_id\n${GRID},ERF-${run}-F,${demolished.id}\n`,
      `erf-h-${run}`,
    );
    expect(houses.rejects[0]).toMatchObject({ field: 'house_id', code: 'BAD_USER_INPUT', rule: 'referenceEnded' });
    const grouped = await postImport(
      new URL(hub.gatewayUrl).origin,
      writer,
      'households',
      `grid_code,number,joint_defense_group_id\n${GRID},ERF-${run}-G,${disbanded.id}\n`,
      `erf-g-${run}`,
      'zh',
    );
    expect(grouped.rejects[0]).toMatchObject({ field: 'joint_defense_group_id', code: 'BAD_USER_INPUT', rule: 'referenceEnded' });
    expect(grouped.rejects[0]!.reason).toMatch(new RegExp(`所指的十户联防组 ${disbanded.id} 已于 \\d{4}-\\d\\d-\\d\\d 撤销（原因：调整撤并）`));
  });

  it("another jurisdiction's ended record stays NOT_FOUND, as its current ones are", async () => {
    notFound(
      await hub.queryAs(stranger, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: {
          name: `外人${run}`,
          idNumber: makeCitizenId('623022', '1980-01-01', seq++),
          ethnicity: '汉族',
          residency: 'REGISTERED',
          gridCode: '623022101200001',
          householdId: dissolved.id,
        },
      }),
    );
    notFound(await hub.queryAs(stranger, `mutation { createMediator(input: { committeeId: "${committee.id}" , name: "某人" }) { id } }`));
  });
});
