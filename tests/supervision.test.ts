/**
 * 督办 as a county leader gives it: an order with a reply deadline on a case still being handled (overdue, or MAJOR /
 * MASS whatever its deadlines), seen on every level's view of the case (Dispute, TownshipCase, CountyCase), answered
 * once by the desk of the level holding the case, on the timeline, and found by the county when the reply is overdue.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';
import { callersOf, countyCaseOf, escalateToTownship, mutate, ok, reportCase, townshipCaseOf, villagesOf, waitFor, type Callers } from './helpers/cases.ts';

let hub: TestHub;
let callers: Callers;
let village: { code: string; grids: string[] };
let otherTownship: string;
beforeAll(async () => {
  hub = await startHub();
  village = (await villagesOf(hub, '623021200')).at(-1)!;
  callers = await callersOf(hub, village.code);
  const others = ok(await hub.queryAs<{ townships: { code: string }[] }>(callers.county, `{ townships(within: "623022") { code } }`));
  otherTownship = await hub.token({ jurisdiction: others.townships[0]!.code, scopes: ['read', 'write'], subject: 'supervision-other-county' });
});
afterAll(() => hub?.stop());

const SUPERVISION = `supervision { issuedAt issuedBy note replyBy reply repliedAt repliedBy repliedLevel replyOverdue }`;
interface Supervision {
  issuedAt: string;
  issuedBy: string | null;
  note: string | null;
  replyBy: string | null;
  reply: string | null;
  repliedAt: string | null;
  repliedBy: string | null;
  repliedLevel: string | null;
  replyOverdue: boolean;
}
interface Viewed {
  underSupervision: boolean;
  supervision: Supervision | null;
  version: number;
  timeline: { level: string; action: string; note: string | null }[];
  townshipCase: { underSupervision: boolean; supervision: Supervision | null; version: number } | null;
  countyCase: { underSupervision: boolean; supervision: Supervision | null; version: number } | null;
}
const VIEW = `underSupervision version ${SUPERVISION} timeline { level action note }
  townshipCase { underSupervision version ${SUPERVISION} } countyCase { underSupervision version ${SUPERVISION} }`;

const view = async (token: string, id: string): Promise<Viewed> =>
  ok(await hub.queryAs<{ dispute: Viewed }>(token, `{ dispute(id: "${id}") { ${VIEW} } }`)).dispute;

/** People read the refusals in Chinese: the requests ask for it. */
const asked = <T>(token: string, query: string) => hub.query<T>(query, undefined, { authorization: `Bearer ${token}`, 'accept-language': 'zh' });
const supervise = (id: string, note: string, extra = '') =>
  asked<{ superviseDispute: Viewed }>(callers.county, `mutation { superviseDispute(id: "${id}", note: "${note}"${extra}) { ${VIEW} } }`);
const reply = (token: string, id: string, text: string) =>
  asked<{ replySupervision: Viewed }>(token, `mutation { replySupervision(id: "${id}", reply: "${text}") { ${VIEW} } }`);

describe('督办: an order with a reply deadline, answered by the level holding the case', () => {
  it('is given on a MAJOR case within its deadlines, not on an ORDINARY one, and keeps its deadline within 1–30 days', async () => {
    const ordinary = await reportCase(hub, callers.village, { gridCode: village.grids[0]! });
    const refused = await supervise(ordinary.id, '请加快办理');
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', scale: 'ORDINARY' });
    expect(refused.errors![0]!.message).toMatch(/^督办只针对超期案件或重大、群体性案件/);

    const major = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, scale: 'MAJOR' });
    for (const days of [0, 31]) {
      const bad = await supervise(major.id, '请加快办理', `, replyWithinDays: ${days}`);
      expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'replyWithinDays' });
      expect(bad.errors![0]!.message).toBe(`回复时限（天） 须为 1–30 天（收到 ${days}）。`);
    }
    const before = Date.now();
    const given = ok(await supervise(major.id, '重大纠纷，请三日内报告进展')).superviseDispute;
    expect(given.underSupervision).toBe(true);
    expect(given.supervision).toMatchObject({
      issuedBy: expect.any(String),
      note: '重大纠纷，请三日内报告进展',
      reply: null,
      replyOverdue: false,
    });
    // The default deadline: three days from the order.
    const due = Date.parse(given.supervision!.replyBy!) - Date.parse(given.supervision!.issuedAt);
    expect(due).toBe(3 * 86_400_000);
    expect(Date.parse(given.supervision!.issuedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('shows at the village and the township, is answered once by the township’s desk, and refuses every other caller', async () => {
    const { id } = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, scale: 'MASS' });
    ok(await supervise(id, '群体性纠纷，请乡镇即报进展', ', replyWithinDays: 2'));

    for (const token of [callers.village, callers.township]) {
      const seen = await view(token, id);
      expect(seen.underSupervision).toBe(true);
      expect(seen.supervision).toMatchObject({ note: '群体性纠纷，请乡镇即报进展', reply: null, replyOverdue: false });
      expect(seen.townshipCase!.supervision).toEqual(seen.supervision);
    }

    // The village and the county can read the case, but the township holds it: FORBIDDEN, saying whose it is.
    for (const token of [callers.village, callers.county]) {
      const wrong = await reply(token, id, '已处理');
      expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', handlingLevel: 'TOWNSHIP' });
      expect(wrong.errors![0]!.message).toMatch(/^督办由案件当前的承办层级回复：这件案件由乡镇级（623021200）办理/);
    }
    // Another county's township cannot see the case at all.
    expect((await reply(otherTownship, id, '已处理')).errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });

    const answered = ok(await reply(callers.township, id, '已约谈双方，明日组织联合调解')).replySupervision;
    expect(answered.supervision).toMatchObject({
      reply: '已约谈双方，明日组织联合调解',
      repliedBy: expect.any(String),
      repliedLevel: 'TOWNSHIP',
      replyOverdue: false,
    });
    expect(answered.timeline.slice(-2).map((s) => `${s.level}:${s.action}:${s.note}`)).toEqual([
      'COUNTY:SUPERVISE:群体性纠纷，请乡镇即报进展',
      'TOWNSHIP:SUPERVISION_REPLY:已约谈双方，明日组织联合调解',
    ]);
    // The same reply again (a lost answer) answers the case; another reply to the same order is refused.
    expect(ok(await reply(callers.township, id, '已约谈双方，明日组织联合调解')).replySupervision.version).toBe(answered.version);
    const twice = await reply(callers.township, id, '补充：已通知司法所');
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(twice.errors![0]!.message).toMatch(/^本次督办已于 .* 回复，每次督办只回复一次/);
    // A case without an order has nothing to answer.
    const plain = await reportCase(hub, callers.village, { gridCode: village.grids[0]! });
    expect((await reply(callers.village, plain.id, '无')).errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('is answered by the township that settled the case after the village has rated and closed it', async () => {
    const { id } = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, scale: 'MAJOR' });
    ok(await supervise(id, '重大纠纷，请乡镇报告化解情况'));
    const township = await townshipCaseOf(hub, callers.township, id);
    let t = await mutate<{ version: number }>(hub, callers.township, `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version }`);
    t = await mutate(hub, callers.township, `assignTownshipCase(disputeId: "${id}", version: ${t.version}, assignee: "乡司法所") { version }`);
    await mutate(hub, callers.township, `resolveTownshipCase(disputeId: "${id}", version: ${t.version}, outcome: AGREEMENT) { status }`);
    const resolved = await waitFor(async () => {
      const d = ok(await hub.queryAs<{ dispute: { status: string; version: number } }>(callers.village, `{ dispute(id: "${id}") { status version } }`)).dispute;
      return d.status === 'RESOLVED' ? d : null;
    });
    const rated = await mutate<{ version: number }>(
      hub,
      callers.village,
      `rateDispute(id: "${id}", version: ${resolved.version}, rating: SATISFIED) { version }`,
    );
    await mutate(hub, callers.village, `closeDispute(id: "${id}", version: ${rated.version}) { status }`);

    // The village holds the closed case now, but the order asked how the township handled it.
    const wrong = await reply(callers.village, id, '已办结');
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', handlingLevel: 'TOWNSHIP' });
    expect(wrong.errors![0]!.message).toMatch(/^督办由案件当前的承办层级回复：这件案件由乡镇级（623021200）办理/);
    const answered = ok(await reply(callers.township, id, '已组织联合调解，双方达成协议')).replySupervision;
    expect(answered.supervision).toMatchObject({ reply: '已组织联合调解，双方达成协议', repliedLevel: 'TOWNSHIP' });
    expect(answered.timeline.at(-1)).toMatchObject({ level: 'TOWNSHIP', action: 'SUPERVISION_REPLY' });
  });

  it('shows on the county’s own record (CountyCase), where a new order is answered by the county’s desk', async () => {
    const { id, township } = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, scale: 'MAJOR' });
    const accepted = await mutate<{ version: number }>(
      hub,
      callers.township,
      `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version }`,
    );
    await mutate(hub, callers.township, `escalateTownshipCase(disputeId: "${id}", version: ${accepted.version}, reason: "需县级协调") { version }`);
    await countyCaseOf(hub, callers.county, id);
    ok(await supervise(id, '县里亲自督办'));
    const seen = await view(callers.county, id);
    expect(seen.countyCase).toMatchObject({ underSupervision: true, supervision: { note: '县里亲自督办', reply: null } });
    expect((await reply(callers.township, id, '乡镇已上报')).errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', handlingLevel: 'COUNTY' });
    const answered = ok(await reply(callers.county, id, '县综治中心已受理，正在协调')).replySupervision;
    expect(answered.countyCase!.supervision).toMatchObject({ reply: '县综治中心已受理，正在协调', repliedLevel: 'COUNTY' });
  });

  it("names the issuer and the note of the demo data's orders, as their timeline step does", async () => {
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    let seeded: string[];
    try {
      seeded = (
        await db.query<{ id: string }>(
          `select id from dispute where created_by = 'demo' and supervised_at is not null and county_code = '623021' order by id limit 20`,
        )
      ).rows.map((r) => r.id);
    } finally {
      await db.end();
    }
    expect(seeded.length).toBeGreaterThan(0);
    type Seeded = { supervision: Supervision | null; timeline: { action: string; actor: string; note: string | null }[] };
    for (const id of seeded) {
      const c = ok(
        await hub.queryAs<{ dispute: Seeded }>(callers.county, `{ dispute(id: "${id}") { ${SUPERVISION} timeline { action actor note } } }`),
      ).dispute;
      const order = c.timeline.filter((s) => s.action === 'SUPERVISE').at(-1)!;
      expect({ issuedBy: c.supervision!.issuedBy, note: c.supervision!.note }, id).toEqual({ issuedBy: order.actor, note: order.note });
      expect(c.supervision!.issuedBy, id).toBeTruthy();
    }
  });

  it('lets the county list the cases whose reply is overdue', async () => {
    const late = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, scale: 'MAJOR' });
    const onTime = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, scale: 'MAJOR' });
    ok(await supervise(late.id, '请即回复'));
    ok(await supervise(onTime.id, '请即回复'));
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    try {
      await db.query(`update dispute set supervision_reply_by = now() - interval '1 hour' where id = $1`, [late.id]);
    } finally {
      await db.end();
    }
    expect((await view(callers.village, late.id)).supervision!.replyOverdue).toBe(true);
    const listed = async (overdue: boolean) =>
      ok(
        await hub.queryAs<{ county: { disputes: { nodes: { id: string }[] } } }>(
          callers.county,
          `{ county(code: "${village.code.slice(0, 6)}") { disputes(filter: { supervisionReplyOverdue: ${overdue}, underSupervision: true }, first: 500) { nodes { id } } } }`,
        ),
      ).county.disputes.nodes.map((n) => n.id);
    const overdue = await listed(true);
    expect(overdue).toContain(late.id);
    expect(overdue).not.toContain(onTime.id);
    const notOverdue = await listed(false);
    expect(notOverdue).toContain(onTime.id);
    expect(notOverdue).not.toContain(late.id);
  });
});
