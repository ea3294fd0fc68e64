import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { postJson, startHub, type GraphQLErrorJson, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

/**
 * A grid worker's and a village desk's walk through the gateway: a deregistration or reinstatement sent again after
 * its answer was lost answers the person as it left them; a hazard voided with its patrol says so rather than "not
 * found"; an ended record's time is China time as every DateTime; a correction of an ID number does not make a
 * 十户联防 group's leader or a patrol member a minor.
 */
let hub: TestHub;
/** The village desk (a township's writer) and a second caller of the same township. */
let desk: string;
let deskTwo: string;
/** A grid worker of GRID, and a writer of another township. */
let gridWorker: string;
let stranger: string;
const TOWNSHIP = '623022107';
let VILLAGE: string;
let GRID: string;
let GRID2: string | null;
const run = Date.now() % 1_000_000;
/** The county of this file's ID numbers: one no demo data is born in and no other test file uses, so no number it makes is held already. */
const ID_COUNTY = '659113';
/** Birth dates of this run's residents, so that a second run registers other ID numbers. */
const ADULT_BORN = `19${50 + (run % 40)}-0${1 + (run % 9)}-1${run % 10}`;
const CHILD_BORN = `2015-0${1 + (run % 9)}-2${run % 8}`;

interface Versioned {
  id: string;
  version: number;
}

beforeAll(async () => {
  hub = await startHub();
  desk = await hub.token({ jurisdiction: TOWNSHIP, scopes: ['read', 'write', 'pii'], subject: `walk-desk-${run}` });
  deskTwo = await hub.token({ jurisdiction: TOWNSHIP, scopes: ['read', 'write', 'pii'], subject: `walk-desk-two-${run}` });
  stranger = await hub.token({ jurisdiction: '623022101', scopes: ['read', 'write'], subject: `walk-stranger-${run}` });
  const r = await hub.queryAs<{ villages: { code: string; grids: { code: string }[] }[] }>(desk, `{ villages(within: "${TOWNSHIP}") { code grids { code } } }`);
  expect(r.errors).toBeUndefined();
  const v = r.data!.villages.filter((x) => x.grids.length > 0).at(-2)!;
  VILLAGE = v.code;
  GRID = v.grids[0]!.code;
  GRID2 = v.grids[1]?.code ?? null;
  gridWorker = await hub.token({ jurisdiction: GRID, scopes: ['read', 'write'], subject: `walk-grid-${run}` });
}, 180_000);
afterAll(() => hub?.stop());

function firstError(r: GraphQLResponse): GraphQLErrorJson {
  expect(r.errors?.length, JSON.stringify(r.data)).toBeGreaterThan(0);
  return r.errors![0]!;
}

let seq = 100;
async function registerPerson(name: string, householdId: string | null = null, birthDate = ADULT_BORN): Promise<Versioned> {
  const d = await hub.dataAs<{ registerPerson: Versioned }>(desk, `mutation($i: PersonInput!) { registerPerson(input: $i) { id version } }`, {
    i: { name, idNumber: makeCitizenId(ID_COUNTY, birthDate, seq++), ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID, householdId },
  });
  return d.registerPerson;
}
async function registerHousehold(number: string): Promise<Versioned> {
  return (
    await hub.dataAs<{ registerHousehold: Versioned }>(desk, `mutation($i: HouseholdInput!) { registerHousehold(input: $i) { id version } }`, {
      i: { gridCode: GRID, number },
    })
  ).registerHousehold;
}

/** A DateTime as the API writes it: China time. */
const CHINA_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/;

describe('a deregistration or reinstatement sent again after its answer was lost', () => {
  const DEREGISTER = `mutation($id: ID!, $v: Int!, $r: DeregistrationReason!, $n: String) {
    deregisterPerson(id: $id, version: $v, reason: $r, note: $n) { id version status deregistrationReason deregistrationNote }
  }`;
  const REINSTATE = `mutation($id: ID!, $v: Int!, $g: String, $n: String) {
    reinstatePerson(id: $id, version: $v, gridCode: $g, note: $n) { id version status grid { code } }
  }`;

  it('answers the person as it left them; another reason, note or caller keeps its refusal', async () => {
    const p = await registerPerson(`重发注销${run}`);
    const vars = { id: p.id, v: p.version, r: 'MOVED_OUT', n: '迁往兰州' };
    const first = await hub.queryAs(desk, DEREGISTER, vars);
    expect(first.errors).toBeUndefined();
    const again = await hub.queryAs(desk, DEREGISTER, vars);
    expect(again.errors, JSON.stringify(again.errors)).toBeUndefined();
    expect(again.data).toEqual(first.data);
    // Not the same deregistration: the stale version it was sent on, as before.
    expect(firstError(await hub.queryAs(desk, DEREGISTER, { ...vars, r: 'DIED' })).extensions?.code).toBe('CONFLICT');
    expect(firstError(await hub.queryAs(desk, DEREGISTER, { ...vars, n: '迁往西宁' })).extensions?.code).toBe('CONFLICT');
    expect(firstError(await hub.queryAs(deskTwo, DEREGISTER, vars)).extensions?.code).toBe('CONFLICT');

    const gone = (first.data as { deregisterPerson: Versioned }).deregisterPerson;
    const grid = GRID2 ?? GRID;
    const back = { id: p.id, v: gone.version, g: grid, n: '2026年12月迁回' };
    const reinstated = await hub.queryAs(desk, REINSTATE, back);
    expect(reinstated.errors, JSON.stringify(reinstated.errors)).toBeUndefined();
    const reinstatedAgain = await hub.queryAs(desk, REINSTATE, back);
    expect(reinstatedAgain.errors, JSON.stringify(reinstatedAgain.errors)).toBeUndefined();
    expect(reinstatedAgain.data).toEqual(reinstated.data);
    expect(firstError(await hub.queryAs(desk, REINSTATE, { ...back, n: '另一说明' })).extensions?.code).toBe('CONFLICT');
    expect(firstError(await hub.queryAs(deskTwo, REINSTATE, back)).extensions?.code).toBe('CONFLICT');

    // Once changed since (deregistered again), the old deregistration sent again is stale.
    const now = (reinstated.data as { reinstatePerson: Versioned }).reinstatePerson;
    await hub.dataAs(desk, DEREGISTER, { id: p.id, v: now.version, r: 'DUPLICATE' });
    expect(firstError(await hub.queryAs(desk, DEREGISTER, vars)).extensions?.code).toBe('CONFLICT');
  });
});

describe('a hazard reported by a patrol since voided', () => {
  it('is told voided with its patrol (when, by whom, why, which patrol) in the jurisdiction, NOT_FOUND elsewhere', async () => {
    const a = await registerPerson(`巡逻甲${run}`);
    const b = await registerPerson(`巡逻乙${run}`);
    const team = await hub.dataAs<{ createPatrolTeam: { id: string } }>(desk, `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: VILLAGE, gridCode: GRID, name: `作废巡逻队${run}`, kind: 'RED_ARMBAND', memberIds: [a.id, b.id] },
    });
    const end = new Date(Date.now() - 3_600_000);
    const start = new Date(end.getTime() - 2 * 3_600_000);
    const patrol = await hub.dataAs<{ recordPatrol: { id: string; hazards: Versioned[] } }>(
      desk,
      `mutation($i: PatrolInput!) { recordPatrol(input: $i) { id hazards { id version } } }`,
      {
        i: {
          teamId: team.createPatrolTeam.id,
          gridCode: GRID,
          startedAt: start.toISOString(),
          endedAt: end.toISOString(),
          participantIds: [a.id, b.id],
          hazards: [{ kind: 'ELECTRICAL', description: '私拉乱接电线' }],
        },
      },
    );
    const hazard = patrol.recordPatrol.hazards[0]!;
    await hub.dataAs(desk, `mutation { voidPatrol(id: "${patrol.recordPatrol.id}", reason: "录错了巡防队") { id } }`);

    const steps = [
      `mutation { startHazardRectification(id: "${hazard.id}", version: ${hazard.version}, note: "通知户主") { id } }`,
      `mutation { rectifyHazard(id: "${hazard.id}", version: ${hazard.version}) { id } }`,
    ];
    for (const step of steps) {
      const e = firstError(await hub.queryAs(gridWorker, step));
      expect(e.extensions, e.message).toMatchObject({
        code: 'INVALID_TRANSITION',
        rule: 'alreadyEnded',
        status: 'ENDED',
        endedBy: expect.stringMatching(/\S/),
        endReason: '录错了巡防队',
        patrolId: patrol.recordPatrol.id,
      });
      expect(e.extensions!.endedAt).toMatch(CHINA_TIME);
      expect(e.message).toContain(`with the voiding of patrol ${patrol.recordPatrol.id}`);
      expect(e.message).toContain('录错了巡防队');
      const zh = firstError(await postJson(hub.gatewayUrl, { query: step }, { authorization: `Bearer ${gridWorker}`, 'accept-language': 'zh' }));
      expect(zh.message).toContain(`随巡逻记录 ${patrol.recordPatrol.id} 作废结束`);
      // Another township's writer learns nothing of it.
      expect(firstError(await hub.queryAs(stranger, step)).extensions?.code).toBe('NOT_FOUND');
    }
  });
});

describe("an ended record's time in extensions", () => {
  it('is China time (+08:00), as the API writes every DateTime, for alreadyEnded and referenceEnded alike', async () => {
    const h = await registerHousehold(`WALK-${run}-1`);
    const dissolved = await hub.dataAs<{ dissolveHousehold: { endedAt: string } }>(
      desk,
      `mutation { dissolveHousehold(id: "${h.id}", version: ${h.version}, reason: NO_MEMBERS) { endedAt } }`,
    );
    expect(dissolved.dissolveHousehold.endedAt).toMatch(CHINA_TIME);
    const ended = firstError(await hub.queryAs(desk, `mutation { dissolveHousehold(id: "${h.id}", version: ${h.version}, reason: DUPLICATE) { recordId } }`));
    expect(ended.extensions).toMatchObject({ code: 'INVALID_TRANSITION', rule: 'alreadyEnded' });
    expect(ended.extensions!.endedAt).toBe(dissolved.dissolveHousehold.endedAt);
    const referenced = firstError(
      await hub.queryAs(desk, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
        i: {
          name: `引用${run}`,
          idNumber: makeCitizenId(ID_COUNTY, ADULT_BORN, seq++),
          ethnicity: '汉族',
          residency: 'REGISTERED',
          gridCode: GRID,
          householdId: h.id,
        },
      }),
    );
    expect(referenced.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'referenceEnded' });
    expect(referenced.extensions!.endedAt).toBe(dissolved.dissolveHousehold.endedAt);
  });
});

describe('a correction of the ID number that makes a minor', () => {
  const CORRECT = `mutation($id: ID!, $v: Int!, $n: String!) { correctIdNumber(id: $id, version: $v, idNumber: $n, reason: "录入错误") { id version } }`;
  const version = async (id: string) => (await hub.dataAs<{ person: Versioned }>(desk, `{ person(id: "${id}") { id version } }`)).person.version;

  it("of a group's leader or a patrol member is refused, naming the group or team; of someone holding neither, accepted", async () => {
    const led = await registerHousehold(`WALK-${run}-2`);
    const leader = await registerPerson(`联户长${run}`, led.id);
    const group = await hub.dataAs<{ createJointDefenseGroup: Versioned }>(
      desk,
      `mutation { createJointDefenseGroup(input: { gridCode: "${GRID}", name: "更正组${run}", householdIds: ["${led.id}"], leaderId: "${leader.id}" }) { id version } }`,
    );
    const toLeader = await hub.queryAs(desk, CORRECT, { id: leader.id, v: await version(leader.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) });
    const l = firstError(toLeader);
    expect(l.extensions, l.message).toMatchObject({
      code: 'CONFLICT',
      argument: 'idNumber',
      rule: 'personUnderage',
      jointDefenseGroupId: group.createJointDefenseGroup.id,
    });
    expect(l.message).toContain(`joint-defense group ${group.createJointDefenseGroup.id} (更正组${run})`);
    expect(l.message).toContain('appoint another leader first');
    const zh = firstError(
      await postJson(
        hub.gatewayUrl,
        { query: CORRECT, variables: { id: leader.id, v: await version(leader.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) } },
        { authorization: `Bearer ${desk}`, 'accept-language': 'zh' },
      ),
    );
    expect(zh.message).toContain(`十户联防组 ${group.createJointDefenseGroup.id}（更正组${run}）的联户长`);
    expect(zh.message).toContain('请先另行指定联户长');

    const member = await registerPerson(`队员${run}`);
    const team = await hub.dataAs<{ createPatrolTeam: { id: string } }>(desk, `mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: VILLAGE, gridCode: GRID, name: `更正队${run}`, kind: 'RED_ARMBAND', memberIds: [member.id] },
    });
    const m = firstError(await hub.queryAs(desk, CORRECT, { id: member.id, v: await version(member.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) }));
    expect(m.extensions, m.message).toMatchObject({ code: 'CONFLICT', argument: 'idNumber', rule: 'personUnderage', patrolTeamId: team.createPatrolTeam.id });
    expect(m.message).toContain(`patrol team ${team.createPatrolTeam.id} (更正队${run})`);
    expect(m.message).toContain('removePatrolTeamMembers');

    // Removed from the team first, the correction goes through.
    await hub.dataAs(desk, `mutation { removePatrolTeamMembers(teamId: "${team.createPatrolTeam.id}", personIds: ["${member.id}"]) { id } }`);
    await hub.dataAs(desk, CORRECT, { id: member.id, v: await version(member.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) });
  });

  it('of grid staff (网格力量) or a mediator (人民调解员) is refused, naming the post to end first', async () => {
    const staffer = await registerPerson(`信息员${run}`);
    const post = await hub.dataAs<{ createGridStaff: { id: string } }>(
      desk,
      `mutation { createGridStaff(input: { gridCode: "${GRID}", role: INFORMANT, personId: "${staffer.id}" }) { id } }`,
    );
    const s = firstError(await hub.queryAs(desk, CORRECT, { id: staffer.id, v: await version(staffer.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) }));
    expect(s.extensions, s.message).toMatchObject({ code: 'CONFLICT', argument: 'idNumber', rule: 'personUnderage', gridStaffId: post.createGridStaff.id });
    expect(s.message).toContain(`grid staff ${post.createGridStaff.id} (INFORMANT)`);
    expect(s.message).toContain('endGridStaff');

    const { village } = await hub.dataAs<{ village: { mediationCommittees: { id: string }[] } }>(
      desk,
      `{ village(code: "${VILLAGE}") { mediationCommittees { id } } }`,
    );
    const mediator = await registerPerson(`调解员${run}`);
    const served = await hub.dataAs<{ createMediator: { id: string } }>(
      desk,
      `mutation { createMediator(input: { committeeId: "${village.mediationCommittees[0]!.id}", personId: "${mediator.id}" }) { id } }`,
    );
    const m = firstError(await hub.queryAs(desk, CORRECT, { id: mediator.id, v: await version(mediator.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) }));
    expect(m.extensions, m.message).toMatchObject({ code: 'CONFLICT', argument: 'idNumber', rule: 'personUnderage', mediatorId: served.createMediator.id });
    expect(m.message).toContain('endMediator');
  });

  it('by a grid worker, of a resident serving another grid, names the post by its kind alone, as a deregistration does', async () => {
    if (!GRID2) return;
    // The village's desk makes a resident of GRID an informant of GRID2, a record the grid worker of GRID does not see.
    const staffer = await registerPerson(`邻格信息员${run}`);
    const post = await hub.dataAs<{ createGridStaff: { id: string } }>(
      desk,
      `mutation { createGridStaff(input: { gridCode: "${GRID2}", role: INFORMANT, personId: "${staffer.id}" }) { id } }`,
    );
    const postId = post.createGridStaff.id;
    // A correction of an ID number needs pii, as every full read of one does.
    const worker = await hub.token({ jurisdiction: GRID, scopes: ['read', 'write', 'pii'], subject: `walk-grid-pii-${run}` });
    const endIt = firstError(await hub.queryAs(worker, `mutation { endGridStaff(id: "${postId}", version: 1) { id } }`));
    expect(endIt.extensions!.code).toBe('NOT_FOUND');

    const refusals = {
      correction: firstError(
        await hub.queryAs(worker, CORRECT, { id: staffer.id, v: await version(staffer.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) }),
      ),
      deregistration: firstError(
        await hub.queryAs(worker, `mutation { deregisterPerson(id: "${staffer.id}", version: ${await version(staffer.id)}, reason: MOVED_OUT) { id } }`),
      ),
    };
    for (const [what, e] of Object.entries(refusals)) {
      expect(e.extensions!.code, `${what}: ${e.message}`).toBe('CONFLICT');
      expect(e.extensions, what).not.toHaveProperty('gridStaffId');
      expect(e.message, what).not.toContain(postId);
      expect(e.message, what).not.toMatch(/信息员|INFORMANT/);
      expect(e.message, what).toMatch(/在您的辖区以外任网格力量|grid staff post outside your jurisdiction/);
    }
    // The desk, whose jurisdiction holds the post, is still told which one to end.
    const told = firstError(await hub.queryAs(desk, CORRECT, { id: staffer.id, v: await version(staffer.id), n: makeCitizenId(ID_COUNTY, CHILD_BORN, seq++) }));
    expect(told.extensions).toMatchObject({ code: 'CONFLICT', gridStaffId: postId });
  });
});

describe('a phone number sent blank (a form’s emptied field)', () => {
  it('is told it is blank and how to leave it out or clear it, not that it is no phone number', async () => {
    const p = await registerPerson(`空号码${run}`);
    for (const phone of ['', '  ']) {
      const r = await postJson(
        hub.gatewayUrl,
        {
          query: `mutation($id: ID!, $v: Int!, $p: String) { updatePerson(id: $id, version: $v, input: { phone: $p }) { id } }`,
          variables: { id: p.id, v: p.version, p: phone },
        },
        { authorization: `Bearer ${desk}`, 'accept-language': 'zh' },
      );
      const e = firstError(r);
      expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'phone', rule: 'required' });
      expect(e.message).toContain('不能为空白');
      expect(e.message).not.toContain('既不是大陆手机号码');
    }
  });
});

describe('a resident registered without an ID number, without sex or birth date', () => {
  it('is told in Chinese words only which to give (性别, 出生日期)', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    // An overseas resident without either, and a newborn (出生登记) without its sex.
    for (const i of [
      { name: `境外${run}`, ethnicity: '汉族', residency: 'OVERSEAS', gridCode: GRID },
      { name: `新生儿${run}`, ethnicity: '汉族', residency: 'REGISTERED', gridCode: GRID, birthDate: today },
    ]) {
      const r = await postJson(
        hub.gatewayUrl,
        { query: `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, variables: { i } },
        { authorization: `Bearer ${desk}`, 'accept-language': 'zh' },
      );
      expect(firstError(r)).toMatchObject({
        message: '没有公民身份号码时，须填写性别和出生日期。',
        extensions: { code: 'BAD_USER_INPUT', argument: 'idNumber' },
      });
    }
  });
});
