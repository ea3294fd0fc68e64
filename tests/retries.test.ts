import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaMinute } from '../platform/scalars.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

/**
 * Creates sent again after a lost answer (the grid-worker probe: a hazard, a team, a site and an overseas resident
 * reported twice became two of each). With an idempotencyKey a retry answers the record the first call wrote; the
 * same key with other input is CONFLICT; keys are the caller's own. Through the gateway, on village 623022102203
 * of 卓尼县, which no other test writes to.
 */
const VILLAGE = '623022102203';
const GRID = `${VILLAGE}001`;
const RUN = Date.now();
let hub: TestHub;
let db: pg.Client;
let worker: string;
let other: string;

beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
  worker = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject: `retry-a-${RUN}` });
  other = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject: `retry-b-${RUN}` });
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

type Errors = { errors?: { message: string; extensions?: Record<string, unknown> }[] };
const HAZARD = `mutation($i: HazardInput!, $k: String) { reportHazard(input: $i, idempotencyKey: $k) { id status } }`;
const hazard = (description: string) => ({
  gridCode: GRID,
  kind: 'ELECTRICAL',
  description,
  location: '村小学东侧',
  source: 'GRID_WORKER',
  reportedBy: '卓玛',
});
const count = async (table: string, where: string, params: unknown[]) =>
  (await db.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params)).rows[0]!.n;

describe('a create sent again with its idempotencyKey', () => {
  it('answers the hazard the first call reported, and writes no second one', async () => {
    const text = `电线老化裸露 ${RUN}`;
    const first = await hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: hazard(text), k: `hz-${RUN}` });
    expect(first.errors).toBeUndefined();
    // The same fields in another order are the same input.
    const { reportedBy, ...rest } = hazard(text);
    const again = await hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: { reportedBy, ...rest }, k: `hz-${RUN}` });
    expect(again.errors).toBeUndefined();
    expect(again.data!.reportHazard.id).toBe(first.data!.reportHazard.id);
    expect(await count('hazard', 'description = $1', [text])).toBe(1);

    // The key names one write: other input under it is refused, and nothing is written.
    const changed = await hub.queryAs<Errors>(worker, HAZARD, { i: hazard(`${text}（另一处）`), k: `hz-${RUN}` });
    expect(changed.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'keyReused',
      argument: 'idempotencyKey',
      mutation: 'reportHazard',
      recordId: first.data!.reportHazard.id,
    });
    expect(changed.errors![0]!.message).toMatch(/was used for another write \(reportHazard/);
    expect(await count('hazard', 'description = $1', [`${text}（另一处）`])).toBe(0);

    // Another caller's key is its own; a keyed write is judged by its key alone, so the same input without one writes.
    const theirs = await hub.queryAs<{ reportHazard: { id: string } }>(other, HAZARD, { i: hazard(text), k: `hz-${RUN}` });
    expect(theirs.data!.reportHazard.id).not.toBe(first.data!.reportHazard.id);
    await hub.queryAs(worker, HAZARD, { i: hazard(text) });
    expect(await count('hazard', 'description = $1', [text])).toBe(3);
  });

  it('answers a hazard’s move sent again from the same version with the hazard as it is, not CONFLICT, nor a move its status does not allow', async () => {
    const h = (await hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: hazard(`整改重发 ${RUN}`) })).data!.reportHazard;
    const move = `mutation { startHazardRectification(id: "${h.id}", version: 1) { status version } }`;
    const first = await hub.queryAs<{ startHazardRectification: { status: string; version: number } }>(worker, move);
    expect(first.data!.startHazardRectification).toEqual({ status: 'RECTIFYING', version: 2 });
    const again = await hub.queryAs<{ startHazardRectification: { status: string; version: number } }>(worker, move);
    expect(again.errors).toBeUndefined();
    expect(again.data!.startHazardRectification).toEqual({ status: 'RECTIFYING', version: 2 });
    // Another move from that old version is a stale read, as before, when the hazard's status allows it.
    const other = await hub.queryAs<Errors>(worker, `mutation { rectifyHazard(id: "${h.id}", version: 1) { status } }`);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    // One the status does not allow is refused as such whatever version was sent: re-reading would not allow it.
    const skipped = await hub.queryAs<Errors>(worker, `mutation { verifyHazard(id: "${h.id}", version: 1) { status } }`);
    expect(skipped.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'RECTIFYING', to: 'VERIFIED', allowed: ['RECTIFIED'] });
  });

  it('writes one hazard when the retry races the first call', async () => {
    const text = `同时重发 ${RUN}`;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: hazard(text), k: `race-${RUN}` })),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data!.reportHazard.id)).size).toBe(1);
    expect(await count('hazard', 'description = $1', [text])).toBe(1);
  });

  it('answers the team, the site and the overseas resident of the first call, as they stand now', async () => {
    const team = `mutation($k: String) { createPatrolTeam(idempotencyKey: $k, input: { villageCode: "${VILLAGE}", gridCode: "${GRID}", name: "红袖标队 ${RUN}", kind: RED_ARMBAND }) { id name version } }`;
    const t1 = await hub.queryAs<{ createPatrolTeam: { id: string } }>(worker, team, { k: `team-${RUN}` });
    const t2 = await hub.queryAs<{ createPatrolTeam: { id: string } }>(worker, team, { k: `team-${RUN}` });
    expect(t1.errors).toBeUndefined();
    expect(t2.data!.createPatrolTeam.id).toBe(t1.data!.createPatrolTeam.id);
    expect(await count('patrol_team', 'name = $1', [`红袖标队 ${RUN}`])).toBe(1);

    const site = `mutation($k: String) { registerSite(idempotencyKey: $k, input: { gridCode: "${GRID}", name: "村小学 ${RUN}", kind: SCHOOL }) { id name version } }`;
    const s1 = await hub.queryAs<{ registerSite: { id: string; version: number } }>(worker, site, { k: `site-${RUN}` });
    expect(s1.errors).toBeUndefined();
    // Changed between the first call and its retry: the retry answers the site as it is now.
    const renamed = await hub.queryAs(
      worker,
      `mutation { updateSite(id: "${s1.data!.registerSite.id}", version: 1, input: { name: "村完全小学 ${RUN}" }) { version } }`,
    );
    expect(renamed.errors).toBeUndefined();
    const s2 = await hub.queryAs<{ registerSite: { id: string; name: string; version: number } }>(worker, site, { k: `site-${RUN}` });
    expect(s2.data!.registerSite).toEqual({ id: s1.data!.registerSite.id, name: `村完全小学 ${RUN}`, version: 2 });

    const person = `mutation($k: String) { registerPerson(idempotencyKey: $k, input: { name: "海外 ${RUN}", ethnicity: "汉族", residency: OVERSEAS, gender: MALE, birthDate: "2026-11-01", gridCode: "${GRID}" }) { id } }`;
    const p1 = await hub.queryAs<{ registerPerson: { id: string } }>(worker, person, { k: `person-${RUN}` });
    const p2 = await hub.queryAs<{ registerPerson: { id: string } }>(worker, person, { k: `person-${RUN}` });
    expect(p1.errors).toBeUndefined();
    expect(p2.data!.registerPerson.id).toBe(p1.data!.registerPerson.id);
    expect(await count('person', 'name = $1', [`海外 ${RUN}`])).toBe(1);

    // Removing a member twice is a retry; an id that names no one is a mistake, told as adding one is.
    const people = await hub.queryAs<{ village: { residents: { nodes: { id: string }[] } } }>(
      worker,
      `{ village(code: "${VILLAGE}") { residents(first: 2) { nodes { id } } } }`,
    );
    const [m] = people.data!.village.residents.nodes;
    const teamId = t1.data!.createPatrolTeam.id;
    expect((await hub.queryAs(worker, `mutation { addPatrolTeamMembers(teamId: "${teamId}", personIds: ["${m!.id}"]) { id } }`)).errors).toBeUndefined();
    const remove = `mutation($p: [ID!]!) { removePatrolTeamMembers(teamId: "${teamId}", personIds: $p) { members { id } } }`;
    for (let i = 0; i < 2; i++) {
      const r = await hub.queryAs<{ removePatrolTeamMembers: { members: unknown[] } }>(worker, remove, { p: [m!.id] });
      expect(r.errors).toBeUndefined();
      expect(r.data!.removePatrolTeamMembers.members).toEqual([]);
    }
    const unknown = await hub.queryAs<Errors>(worker, remove, { p: [m!.id, '999999999'] });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'personIds', personId: '999999999' });

    // A key used for one mutation is not another's.
    const crossed = await hub.queryAs<Errors>(worker, HAZARD, { i: hazard(`交叉 ${RUN}`), k: `person-${RUN}` });
    expect(crossed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', mutation: 'registerPerson' });
    const blank = await hub.queryAs<Errors>(worker, HAZARD, { i: hazard(`空键 ${RUN}`), k: '  ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idempotencyKey' });
  });
});

describe('a key whose record is gone, or a dispute key another centre of the county used', () => {
  /** The refusal as a Chinese client reads it, which names no table, index or statement of the database. */
  const inChinese = (token: string, query: string, variables: Record<string, unknown>) =>
    hub.query<Errors>(query, variables, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
  const noInternals = (answer: unknown) => expect(JSON.stringify(answer)).not.toMatch(/write_key|_key\b|constraint|duplicate|Key \(|unique|sql/i);

  it('refuses a retry whose site has ended since (keyRecordGone), naming the record and writing nothing', async () => {
    const name = `已关停场所 ${RUN}`;
    const site = `mutation($k: String) { registerSite(idempotencyKey: $k, input: { gridCode: "${GRID}", name: "${name}", kind: SCHOOL }) { id version } }`;
    const first = await hub.queryAs<{ registerSite: { id: string; version: number } }>(worker, site, { k: `gone-site-${RUN}` });
    expect(first.errors).toBeUndefined();
    const { id, version } = first.data!.registerSite;
    const ended = await hub.queryAs(worker, `mutation { deregisterSite(id: "${id}", version: ${version}, reason: CLOSED) { recordId } }`);
    expect(ended.errors).toBeUndefined();
    const again = await inChinese(worker, site, { k: `gone-site-${RUN}` });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'keyRecordGone',
      argument: 'idempotencyKey',
      mutation: 'registerSite',
      recordId: id,
    });
    expect(again.errors![0]!.message).toBe(`用此 idempotencyKey 写入的记录（编号 ${id}）已不在您的辖区内或已结束；新的写入请换一个键。`);
    noInternals(again);
    expect(await count('site', 'name = $1', [name])).toBe(0);
  });

  it('refuses a grid worker’s retry whose household the village moved to another grid (keyRecordGone), writing nothing', async () => {
    const [gridA, gridB] = (await db.query<{ code: string }>(`select code from grid where village_code = $1 order by code limit 2`, [VILLAGE])).rows.map(
      (r) => r.code,
    );
    const onA = await hub.token({ jurisdiction: gridA!, scopes: ['read', 'write'], subject: `retry-gone-${RUN}` });
    const number = `GONE${RUN}`;
    const register = `mutation($k: String) { registerHousehold(idempotencyKey: $k, input: { gridCode: "${gridA}", number: "${number}" }) { id version } }`;
    const first = await hub.queryAs<{ registerHousehold: { id: string; version: number } }>(onA, register, { k: `gone-household-${RUN}` });
    expect(first.errors).toBeUndefined();
    const { id, version } = first.data!.registerHousehold;
    const moved = await hub.queryAs(worker, `mutation { moveHousehold(id: "${id}", version: ${version}, input: { gridCode: "${gridB}" }) { id } }`);
    expect(moved.errors).toBeUndefined();
    const again = await inChinese(onA, register, { k: `gone-household-${RUN}` });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyRecordGone', argument: 'idempotencyKey', recordId: id });
    expect(again.errors![0]!.message).toMatch(/^用此 idempotencyKey 写入的记录（编号 \d+）已不在您的辖区内或已结束/);
    noInternals(again);
    expect(await count('household', 'number = $1', [number])).toBe(1);
  });

  it('refuses reportDispute’s key another village’s centre of the county used (keyUsedElsewhere), naming none of its case', async () => {
    const there = (
      await db.query<{ code: string; village_code: string }>(
        `select code, village_code from grid where county_code = $1 and village_code <> $2 order by code desc limit 1`,
        [VILLAGE.slice(0, 6), VILLAGE],
      )
    ).rows[0]!;
    const neighbour = await hub.token({ jurisdiction: there.village_code, scopes: ['read', 'write'], subject: `retry-dispute-b-${RUN}` });
    const m = `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id caseNumber } }`;
    const dispute = (gridCode: string) => ({
      gridCode,
      category: 'FOREST_GRASSLAND',
      scale: 'ORDINARY',
      source: 'GRID_INSPECTION',
      summary: `草场边界争执 ${RUN}`,
      parties: [{ name: '牧户甲', role: 'APPLICANT' }],
    });
    const key = `dispute-${RUN}`;
    const first = await hub.queryAs<{ reportDispute: { id: string; caseNumber: string } }>(worker, m, { i: dispute(GRID), k: key });
    expect(first.errors).toBeUndefined();
    const theirs = await inChinese(neighbour, m, { i: dispute(there.code), k: key });
    expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyUsedElsewhere', argument: 'idempotencyKey' });
    expect(theirs.errors![0]!.message).toBe('这个幂等键已在本县用于另一件纠纷，请换一个键再上报。');
    expect(JSON.stringify(theirs)).not.toContain(first.data!.reportDispute.caseNumber);
    expect(JSON.stringify(theirs)).not.toContain(first.data!.reportDispute.id);
    noInternals(theirs);
    expect(await count('dispute', 'idempotency_key = $1', [key])).toBe(1);
    // The first centre's retry still answers its case.
    const again = await hub.queryAs<{ reportDispute: { id: string } }>(worker, m, { i: dispute(GRID), k: key });
    expect(again.data?.reportDispute.id).toBe(first.data!.reportDispute.id);
  });
});

describe('a create sent again without an idempotencyKey', () => {
  it('is refused as sent twice (CONFLICT, rule sameWrite, naming the first record) within minutes, for the same caller and input', async () => {
    const text = `无键重发 ${RUN}`;
    const first = await hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: hazard(text) });
    expect(first.errors).toBeUndefined();
    const again = await hub.queryAs<Errors>(worker, HAZARD, { i: hazard(text) });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'sameWrite',
      mutation: 'reportHazard',
      recordId: first.data!.reportHazard.id,
    });
    expect(again.errors![0]!.message).toMatch(/^This is the very same write you made within 10 minutes \(reportHazard/);
    // When the first call was made, as every DateTime is written (China time, +08:00), and said in the message as a
    // clock in China reads it, to the minute: not a UTC instant a desk in China reads eight hours off.
    const firstAt = String(again.errors![0]!.extensions!.firstAt);
    expect(firstAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(Math.abs(Date.parse(firstAt) - Date.now())).toBeLessThan(10 * 60_000);
    expect(again.errors![0]!.message).toContain(`at ${chinaMinute(firstAt)} China time)`);
    expect(await count('hazard', 'description = $1', [text])).toBe(1);

    // Another caller, other input, or a new key of the caller's own is another write.
    expect((await hub.queryAs(other, HAZARD, { i: hazard(text) })).errors).toBeUndefined();
    expect((await hub.queryAs(worker, HAZARD, { i: { ...hazard(text), location: '村小学西侧' } })).errors).toBeUndefined();
    expect((await hub.queryAs(worker, HAZARD, { i: hazard(text), k: `second-${RUN}` })).errors).toBeUndefined();
    expect(await count('hazard', 'description = $1', [text])).toBe(4);

    // Once the first record has changed (here its rectification began), a call alike in every field is a new entry.
    const changed = `有变化后再报 ${RUN}`;
    const h = (await hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: hazard(changed) })).data!.reportHazard;
    expect((await hub.queryAs(worker, `mutation { startHazardRectification(id: "${h.id}", version: 1) { id } }`)).errors).toBeUndefined();
    expect((await hub.queryAs(worker, HAZARD, { i: hazard(changed) })).errors).toBeUndefined();
    expect(await count('hazard', 'description = $1', [changed])).toBe(2);
  });

  it('writes one record when a keyless retry races the first call, and answers the other with the typed refusal, never a 5xx', async () => {
    const text = `无键同时 ${RUN}`;
    const answers = await Promise.all([0, 1].map(() => hub.queryAs<{ reportHazard: { id: string } }>(worker, HAZARD, { i: hazard(text) })));
    const written = answers.filter((a) => !a.errors);
    expect(written).toHaveLength(1);
    expect(answers.find((a) => a.errors)!.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      rule: 'sameWrite',
      recordId: written[0]!.data!.reportHazard.id,
    });
    expect(await count('hazard', 'description = $1', [text])).toBe(1);

    // A household's number is unique: the racing retry names the first household instead of a bare duplicate.
    const household = `mutation { registerHousehold(input: { gridCode: "${GRID}", number: "R${RUN}" }) { id } }`;
    const both = await Promise.all([0, 1].map(() => hub.queryAs<{ registerHousehold: { id: string } }>(worker, household)));
    const made = both.find((a) => !a.errors)!.data!.registerHousehold.id;
    expect(both.find((a) => a.errors)!.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', rule: 'sameWrite', recordId: made });

    // The same for every create: a resident, a site and a team sent twice.
    const creates = [
      `mutation { registerPerson(input: { name: "无键 ${RUN}", ethnicity: "汉族", residency: OVERSEAS, gender: FEMALE, birthDate: "1990-01-01", gridCode: "${GRID}" }) { id } }`,
      `mutation { registerSite(input: { gridCode: "${GRID}", name: "无键场所 ${RUN}", kind: SCHOOL }) { id } }`,
      `mutation { createPatrolTeam(input: { villageCode: "${VILLAGE}", gridCode: "${GRID}", name: "无键队 ${RUN}", kind: RED_ARMBAND }) { id } }`,
    ];
    for (const m of creates) {
      expect((await hub.queryAs(worker, m)).errors).toBeUndefined();
      expect((await hub.queryAs<Errors>(worker, m)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'sameWrite' });
    }
  });

  it('takes the caller as the subject within its jurisdiction: two grids’ workers sharing a subject each file their own report, never a 5xx', async () => {
    const [gridA, gridB] = (await db.query<{ code: string }>(`select code from grid where village_code = $1 order by code limit 2`, [VILLAGE])).rows.map(
      (r) => r.code,
    );
    const shared = `retry-shared-${RUN}`;
    const onA = await hub.token({ jurisdiction: gridA!, scopes: ['read', 'write'], subject: shared });
    const onB = await hub.token({ jurisdiction: gridB!, scopes: ['read', 'write'], subject: shared });
    // The phone's form leaves the grid out: the report is filed on the token's grid, so the input is the same on both.
    const text = `共用账号 ${RUN}`;
    const form = { kind: 'ELECTRICAL', description: text, source: 'GRID_WORKER', reportedBy: '卓玛' };
    const read = `mutation($i: HazardInput!) { reportHazard(input: $i) { id grid { code } } }`;
    const a = await hub.queryAs<{ reportHazard: { id: string; grid: { code: string } } }>(onA, read, { i: form });
    expect(a.errors).toBeUndefined();
    const b = await hub.queryAs<{ reportHazard: { id: string; grid: { code: string } } }>(onB, read, { i: form });
    expect(b.errors).toBeUndefined();
    expect(b.data!.reportHazard.grid.code).toBe(gridB);
    // Each grid's retry is still its own: refused, naming that grid's record only.
    for (const [token, first] of [
      [onA, a],
      [onB, b],
    ] as const) {
      const again = await hub.queryAs<Errors>(token, read, { i: form });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'sameWrite', recordId: first.data!.reportHazard.id });
    }
    expect(await count('hazard', 'description = $1', [text])).toBe(2);
  });

  it('takes a key as the subject’s in every jurisdiction: the same key from another grid of a shared subject is refused by rule, never a second record or a bare duplicate', async () => {
    const [gridA, gridB] = (await db.query<{ code: string }>(`select code from grid where village_code = $1 order by code limit 2`, [VILLAGE])).rows.map(
      (r) => r.code,
    );
    const shared = `retry-shared-key-${RUN}`;
    const onA = await hub.token({ jurisdiction: gridA!, scopes: ['read', 'write'], subject: shared });
    const onB = await hub.token({ jurisdiction: gridB!, scopes: ['read', 'write'], subject: shared });
    const text = `共用账号带键 ${RUN}`;
    const form = { kind: 'ELECTRICAL', description: text, source: 'GRID_WORKER', reportedBy: '卓玛' };
    const m = `mutation($i: HazardInput!, $k: String) { reportHazard(input: $i, idempotencyKey: $k) { id grid { code } } }`;
    const key = `shared-key-${RUN}`;
    const a = await hub.queryAs<{ reportHazard: { id: string; grid: { code: string } } }>(onA, m, { i: form, k: key });
    expect(a.errors).toBeUndefined();
    // From grid B the key's record is out of sight: refused, saying where the key went, naming no record of grid A.
    const b = await hub.query<Errors>(m, { i: form, k: key }, { authorization: `Bearer ${onB}`, 'accept-language': 'zh' });
    expect(b.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', rule: 'keyUsedElsewhere', argument: 'idempotencyKey' });
    expect(b.errors?.[0]?.extensions).not.toHaveProperty('recordId');
    expect(b.errors?.[0]?.message).toMatch(/^此 idempotencyKey 已由同一账号在另一辖区/);
    expect(JSON.stringify(b)).not.toContain(a.data!.reportHazard.id);
    expect(await count('hazard', 'description = $1', [text])).toBe(1);
    // Grid A's retry still answers its record; a new key from grid B is a new write.
    const again = await hub.queryAs<{ reportHazard: { id: string } }>(onA, m, { i: form, k: key });
    expect(again.errors).toBeUndefined();
    expect(again.data!.reportHazard.id).toBe(a.data!.reportHazard.id);
    const fresh = await hub.queryAs<{ reportHazard: { id: string; grid: { code: string } } }>(onB, m, { i: form, k: `${key}-b` });
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data!.reportHazard.grid.code).toBe(gridB);
    // Past the days a key is kept, grid A's key is no longer the subject's: grid B's call with it writes.
    await db.query(`update write_key set created_at = created_at - interval '31 days' where owner = $1 and key = $2`, [shared, key]);
    const later = await hub.queryAs<{ reportHazard: { id: string; grid: { code: string } } }>(onB, m, { i: form, k: key });
    expect(later.errors).toBeUndefined();
    expect(later.data!.reportHazard.grid.code).toBe(gridB);
  });

  it('keeps a caller’s keyless creates no longer than the minutes they count as a retry', async () => {
    const subject = `retry-sweep-${RUN}`;
    const sweeper = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject });
    expect((await hub.queryAs(sweeper, HAZARD, { i: hazard(`旧的无键 ${RUN}`) })).errors).toBeUndefined();
    expect(await count('write_key', 'owner = $1', [subject])).toBe(1);
    // Eleven minutes on, that create is no retry's any more: the caller's next create removes it.
    await db.query(`update write_key set created_at = created_at - interval '11 minutes' where owner = $1`, [subject]);
    expect((await hub.queryAs(sweeper, HAZARD, { i: hazard(`新的无键 ${RUN}`) })).errors).toBeUndefined();
    expect(await count('write_key', 'owner = $1', [subject])).toBe(1);
    // And the older create sent again is written anew, as it is no retry.
    expect((await hub.queryAs(sweeper, HAZARD, { i: hazard(`旧的无键 ${RUN}`) })).errors).toBeUndefined();
    expect(await count('hazard', 'description = $1', [`旧的无键 ${RUN}`])).toBe(2);
  });

  it('answers a retry only to a token that may write: the same subject’s read or report token is refused as any write is', async () => {
    const subject = `retry-scopes-${RUN}`;
    const writer = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject });
    const text = `只读令牌重发 ${RUN}`;
    const read = `mutation($i: HazardInput!, $k: String) { reportHazard(input: $i, idempotencyKey: $k) { id description } }`;
    expect((await hub.queryAs(writer, read, { i: hazard(text) })).errors).toBeUndefined();
    expect((await hub.queryAs(writer, read, { i: hazard(`${text}（带键）`), k: `scopes-${RUN}` })).errors).toBeUndefined();
    for (const scopes of [['read'], ['report']] as const) {
      const token = await hub.token({ jurisdiction: VILLAGE, scopes: [...scopes], subject });
      for (const sent of [{ i: hazard(text) }, { i: hazard(`${text}（带键）`), k: `scopes-${RUN}` }]) {
        const answer = await hub.queryAs<Errors & { data?: unknown }>(token, read, sent);
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'write' });
        expect(JSON.stringify(answer)).not.toContain(text);
      }
    }
  });
});
