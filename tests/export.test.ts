import pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';
import { chinaDay } from '../domain/china-day.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const get = (path: string, token?: string) =>
  fetch(new URL(path, new URL(hub.gatewayUrl).origin), { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Each request (a route and a query string) is refused 400 BAD_USER_INPUT naming the parameter at fault. */
async function refusedParameters(token: string, origin: string, cases: readonly (readonly ['GET' | 'POST', string, string])[]): Promise<void> {
  for (const [method, path, argument] of cases) {
    const res = await fetch(new URL(path, origin), {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(method === 'POST' ? { body: 'id_number\n' } : {}),
    });
    expect(res.status, path).toBe(400);
    expect(((await res.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions, path).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument,
    });
  }
}

describe('export', () => {
  it('streams residents of a village as CSV with a BOM, masked without pii', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read'] });
    const res = await get('/export/residents.csv?within=623021200201', t);
    expect(res.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\n');
    expect(lines[0]).toMatch(/^id,name,gender,birth_date,ethnicity,id_number,phone,residency/);
    const count = await hub.queryAs<{ village: { residents: { totalCount: number } } }>(t, `{ village(code: "623021200201") { residents { totalCount } } }`);
    expect(lines.length - 1).toBe(count.data!.village.residents.totalCount);
    for (const l of lines.slice(1, 20)) expect(l).toMatch(/,\d{6}\*{12},/);
  });

  it('streams NDJSON in full with pii, writes an audit row, and stays inside the jurisdiction', async () => {
    const subject = `exporter-${Date.now()}`;
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'pii'], subject });
    const res = await get('/export/residents.ndjson?within=623021200', t);
    expect(res.headers.get('content-type')).toContain('ndjson');
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(1000);
    for (const r of rows) {
      expect(r.village_code.startsWith('623021200')).toBe(true);
      if (r.id_number) expect(r.id_number).toMatch(/^\d{17}[\dX]$/);
    }
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const audit = await c.query('select operation, record_type, record_ids, fields from audit_log where subject = $1', [subject]);
    await c.end();
    // Named as the API's reads name the record type, with the personal fields the export holds and every record it wrote.
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(audit.rows).toEqual([{ operation: 'export residents within 623021200', record_type: 'Person', record_ids: ids, fields: ['idNumber', 'phone'] }]);
    // Who saw this resident in full: the county's administrator finds the export by the record.
    const admin = await hub.token({ jurisdiction: '623021', scopes: ['read', 'admin'] });
    const readers = async (id: number) => {
      const r = await hub.queryAs<{ auditLog: { nodes: { subject: string; operation: string }[] } }>(
        admin,
        `{ auditLog(recordType: "Person", recordId: "${id}", first: 100) { nodes { subject operation } } }`,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.auditLog.nodes.filter((n) => n.subject === subject);
    };
    expect(await readers(ids[Math.floor(ids.length / 2)]!)).toEqual([{ subject, operation: 'export residents within 623021200' }]);
    // The entry says how many it names, and gives its ids a page at a time (1,000 unless asked for more).
    const entry = await hub.queryAs<{
      auditLog: { nodes: { recordCount: number; some: string[]; three: string[] }[]; edges: { cursor: string }[]; pageInfo: { endCursor: string } };
    }>(
      admin,
      `{ auditLog(subject: "${subject}") { nodes { recordCount some: recordIds three: recordIds(first: 3) } edges { cursor } pageInfo { endCursor } } }`,
    );
    expect(entry.data!.auditLog.nodes).toEqual([{ recordCount: ids.length, some: ids.slice(0, 1000).map(String), three: ids.slice(0, 3).map(String) }]);
    expect(entry.data!.auditLog.edges).toEqual([{ cursor: entry.data!.auditLog.pageInfo.endCursor }]);
    const tooMany = await hub.queryAs(admin, `{ auditLog(subject: "${subject}") { nodes { recordIds(first: 100001) } } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    // A resident of another township was not in it.
    const other = await hub.queryAs<{ township: { villages: { residents: { nodes: { id: string }[] } }[] } }>(
      admin,
      `{ township(code: "623021100") { villages { residents(first: 1) { nodes { id } } } } }`,
    );
    const outside = Number(other.data!.township.villages.find((v) => v.residents.nodes.length)!.residents.nodes[0]!.id);
    expect(await readers(outside)).toEqual([]);
    expect((await get('/export/residents.csv?within=623021100', t)).status).toBe(403);
  });

  it('audits an unmasked grid-staff export as a read of the residents it links too, and serves audited exports side by side', async () => {
    const subject = `staff-exporter-${Date.now()}`;
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'pii'], subject });
    const res = await get('/export/grid-staff.ndjson?within=623021200', t);
    expect(res.status).toBe(200);
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; person_id: number | null; id_number: string | null });
    const linked = [...new Set(rows.flatMap((r) => (r.person_id == null ? [] : [Number(r.person_id)])))].sort((a, b) => a - b);
    expect(linked.length).toBeGreaterThan(0);
    for (const r of rows) if (r.person_id != null) expect(r.id_number).toMatch(/^\d{17}[\dX]$/);
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const audit = await c.query<{ record_type: string; record_ids: number[]; fields: string[] }>(
      'select record_type, record_ids, fields from audit_log where subject = $1 order by record_type',
      [subject],
    );
    await c.end();
    expect(audit.rows.map((a) => [a.record_type, a.fields])).toEqual([
      ['GridStaff', ['idNumber', 'phone']],
      ['Person', ['idNumber']],
    ]);
    expect(audit.rows[0]!.record_ids).toEqual(rows.map((r) => Number(r.id)).sort((a, b) => a - b));
    expect([...audit.rows[1]!.record_ids].sort((a, b) => a - b)).toEqual(linked);
    const admin = await hub.token({ jurisdiction: '623021', scopes: ['read', 'admin'] });
    const found = await hub.queryAs<{ auditLog: { nodes: { operation: string }[] } }>(
      admin,
      `{ auditLog(subject: "${subject}", recordType: "Person", recordId: "${linked[0]}") { nodes { operation } } }`,
    );
    expect(found.data!.auditLog.nodes).toEqual([{ operation: 'export grid-staff within 623021200' }]);

    // More audited exports at once than the test hub's pool has connections: each holds one while its entry is
    // written on another, which must not wait for ever on the first ones.
    const villages = ['623021200201', '623021200202', '623021200203', '623021200204', '623021200205', '623021200206'];
    const answers = await Promise.all(villages.map(async (v) => (await get(`/export/residents.csv?within=${v}`, t)).status));
    expect(answers).toEqual(villages.map(() => 200));
  }, 120_000);

  it('writes a case’s times in CSV and NDJSON as the GraphQL API does (ISO 8601, China time, milliseconds)', async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const newest = await hub.queryAs<{ county: { disputes: { nodes: { village: { code: string } }[] } } }>(
      t,
      `{ county(code: "623021") { disputes(first: 1) { nodes { village { code } } } } }`,
    );
    const within = newest.data!.county.disputes.nodes[0]!.village.code;
    // A summary may hold a line break inside its quotes: a record starts with the case's id (a UUID).
    const csv = (await (await get(`/export/disputes.csv?within=${within}`, t)).text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\n(?=[0-9a-f]{8}-[0-9a-f]{4}-)/);
    const keys = csv[0]!.split(',');
    // The summary is free text (commas, quotes): read the columns up to it only.
    const [caseAt, reportedAt] = [keys.indexOf('case_number'), keys.indexOf('reported_at')];
    expect(caseAt).toBeLessThan(keys.indexOf('summary'));
    const ndjson = (await (await get(`/export/disputes.ndjson?within=${within}`, t)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { case_number: string; reported_at: string; occurred_at: string | null });
    const api = await hub.queryAs<{ village: { disputes: { nodes: { caseNumber: string; reportedAt: string }[] } } }>(
      t,
      `{ village(code: "${within}") { disputes(first: 500) { nodes { caseNumber reportedAt } } } }`,
    );
    const apiTimes = new Map(api.data!.village.disputes.nodes.map((d) => [d.caseNumber, d.reportedAt]));
    expect(ndjson.length).toBeGreaterThan(0);
    expect(ndjson.length).toBe(apiTimes.size);
    for (const d of ndjson) {
      expect(d.reported_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
      expect(d.reported_at, d.case_number).toBe(apiTimes.get(d.case_number));
    }
    // The reported time sits after the summary; a CSV line's own case number finds its NDJSON twin.
    const byCase = new Map(ndjson.map((d) => [d.case_number, d.reported_at]));
    for (const line of csv.slice(1)) {
      const caseNumber = line.split(',')[caseAt]!;
      expect(line, caseNumber).toContain(`,${byCase.get(caseNumber)},`);
    }
    expect(reportedAt).toBeGreaterThan(0);
  });

  it('refuses without a token, without read, or for an unknown kind', async () => {
    expect((await get('/export/residents.csv?within=623021200201')).status).toBe(401);
    const reportOnly = await get('/export/residents.csv?within=623021200201', await hub.token({ jurisdiction: '62', scopes: ['report'] }));
    expect(reportOnly.status).toBe(403);
    // The scope it lacks, as the change feed and GraphQL name it.
    expect(((await reportOnly.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions).toEqual({
      code: 'FORBIDDEN',
      scope: 'read',
    });
    expect((await get('/export/secrets.csv?within=623021', await hub.token({ jurisdiction: '623021', scopes: ['read'] }))).status).toBe(404);
    expect((await get('/export/disputes.ndjson?within=6230x', await hub.token({ jurisdiction: '623021', scopes: ['read'] }))).status).toBe(400);
    // No within at all: said so, with an example from the caller's own jurisdiction.
    const none = await get('/export/residents.csv', await hub.token({ jurisdiction: '623021', scopes: ['read'] }));
    expect(none.status).toBe(400);
    const body = (await none.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0]!.message).toMatch(/^请用 within 给出导出范围.*\?within=623021。$/);
    // A report without within is told the same way, not that "" is no division code.
    const report = await get('/reports/population.csv?level=village', await hub.token({ jurisdiction: '623021', scopes: ['report'] }));
    expect(report.status).toBe(400);
    const said = ((await report.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(said.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'within' });
    expect(said.message).toMatch(/^请用 within 给出报表范围：一个区划代码.*\?within=623021。$/);
  });

  it('answers every download, the change feed and GraphQL with cache-control: no-store: they carry personal data', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'pii', 'report'] });
    const origin = new URL(hub.gatewayUrl).origin;
    const noStore = async (res: Response, what: string, status = 200) => {
      expect(res.status, what).toBe(status);
      expect(res.headers.get('cache-control'), what).toBe('no-store');
      await res.arrayBuffer();
    };
    for (const path of [
      '/export/residents.csv?within=623021200201',
      '/export/residents.xlsx?within=623021200201',
      '/export/households.ndjson?within=623021200201',
      '/changes.ndjson?within=623021200201&limit=5',
      '/reports/population.csv?within=623021200&level=village',
    ])
      await noStore(await get(path, t), path);
    // Refusals too: they quote what was asked for.
    await noStore(await get('/export/residents.csv?within=623021100', t), 'export outside', 403);
    await noStore(await get('/changes.ndjson?limit=0', t), 'feed limit', 400);
    // GraphQL answers at the gateway: POST and GET, data and errors, and a request refused before GraphQL runs.
    const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${t}` }) =>
      fetch(hub.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await noStore(await post({ query: '{ village(code: "623021200201") { residents(first: 2) { nodes { idNumber phone } } } }' }), 'POST');
    await noStore(await post({ query: '{ village(code: "623021100001") { name } }' }), 'POST forbidden');
    await noStore(await post({ query: '{ nope }' }), 'POST invalid', 400);
    await noStore(await post({ query: '{ __typename }' }, {}), 'POST without a token', 401);
    const query = encodeURIComponent('{ village(code: "623021200201") { residents(first: 2) { nodes { idNumber } } } }');
    await noStore(await fetch(`${hub.gatewayUrl}?query=${query}`, { headers: { authorization: `Bearer ${t}` } }), 'GET');
    await noStore(await fetch(hub.gatewayUrl, { headers: { authorization: `Bearer ${t}` } }), 'GET without a query', 400);
    // What is the same for every caller keeps its own caching.
    expect((await get('/labels.json', t)).headers.get('cache-control')).toBe('private, max-age=3600');
    expect((await fetch(new URL('/app', origin))).headers.get('cache-control')).toBe('no-cache');
  });

  it('exports a grid for a grid’s own caller, and says why mediation bodies are not kept by grid', async () => {
    const grid = '623021200201001';
    const t = await hub.token({ jurisdiction: grid, scopes: ['read'] });
    const res = await get(`/export/residents.ndjson?within=${grid}`, t);
    expect(res.status).toBe(200);
    const rows = (await res.text())
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { grid_code: string });
    const count = await hub.queryAs<{ grid: { residents: { totalCount: number } } }>(t, `{ grid(code: "${grid}") { residents { totalCount } } }`);
    expect(count.errors).toBeUndefined();
    expect(rows.length).toBe(count.data!.grid.residents.totalCount);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.grid_code === grid)).toBe(true);
    const mediators = await get(`/export/mediators.csv?within=${grid}`, t);
    expect(mediators.status).toBe(400);
    // A grid's caller is not told to use the village's code, which lies outside its jurisdiction; a village's is.
    const refused = ((await mediators.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(refused.message).toMatch(/按村（社区）登记.*村（社区）或以上的调用方/);
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'within' });
    // CSV has no Chinese headers: asked for them, the refusal says where they are, not that zh is one of the choices.
    const zh = await get(`/export/residents.csv?within=${grid}&headers=zh`, t);
    expect(zh.status).toBe(400);
    const zhError = ((await zh.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(zhError.message).toMatch(/^CSV 只用机器列名，没有中文表头：中文表头请导出 XLSX/);
    expect(zhError.extensions).toMatchObject({ argument: 'headers' });
    const village = await hub.token({ jurisdiction: '623021200201', scopes: ['read'] });
    const advised = await get(`/export/mediators.csv?within=${grid}`, village);
    expect(((await advised.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/\?within=623021200201。$/);
  });

  it('exports patrols and hazards for reading, as the API reads them, and says they are not imported', async () => {
    const village = '623021200201';
    const grid = `${village}001`;
    const people = await hub.query<{ village: { residents: { nodes: { id: string }[] } } }>(
      `{ village(code: "${village}") { residents(first: 3, filter: { minAge: 20, maxAge: 60 }) { nodes { id } } } }`,
    );
    const ids = people.data!.village.residents.nodes.map((p) => p.id);
    const teamName = `导出测试队${Date.now() % 100000}`;
    const team = await hub.query<{ createPatrolTeam: { id: string } }>(`mutation($i: PatrolTeamInput!) { createPatrolTeam(input: $i) { id } }`, {
      i: { villageCode: village, gridCode: grid, name: teamName, kind: 'RED_ARMBAND', memberIds: ids },
    });
    expect(team.errors).toBeUndefined();
    const teamId = team.data!.createPatrolTeam.id;
    const patrol = await hub.query<{ recordPatrol: { id: string; hazards: { id: string }[] } }>(
      `mutation($i: PatrolInput!) { recordPatrol(input: $i) { id hazards { id } } }`,
      {
        i: {
          teamId,
          gridCode: grid,
          startedAt: '2026-03-02T19:00:00+08:00',
          endedAt: '2026-03-02T21:15:00+08:00',
          route: '村委会—河边, "老桥"',
          participantIds: ids.slice(0, 2),
          hazards: [{ kind: 'ELECTRICAL', description: '私拉乱接电线', gridCode: grid }],
        },
      },
    );
    expect(patrol.errors).toBeUndefined();
    const { id: patrolId, hazards } = patrol.data!.recordPatrol;
    // A patrol that has just ended: from 16:00 UTC its day in China is the day after the UTC date, and the list below must
    // still hold it, as the export does.
    const recent = await hub.query<{ recordPatrol: { id: string } }>(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: {
        teamId,
        gridCode: grid,
        startedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
        endedAt: new Date(Date.now() - 60_000).toISOString(),
        route: '村委会—河边',
        participantIds: ids.slice(0, 2),
      },
    });
    expect(recent.errors).toBeUndefined();
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read'] });
    const ndjson = async (path: string) => {
      const res = await get(path, t);
      expect(res.status, path).toBe(200);
      return (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };

    // CSV: one row per patrol, its team named, times as the API writes them, participants as a list, hazards counted.
    const csv = await get(`/export/patrols.csv?within=${village}`, t);
    expect(csv.status).toBe(200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('id,team_id,team_name,village_code,grid_code,started_at,ended_at,hours,route,participant_ids,hazard_count');
    expect(lines.find((l) => l.startsWith(`${patrolId},`))).toBe(
      `${patrolId},${teamId},${teamName},${village},${grid},2026-03-02T19:00:00.000+08:00,2026-03-02T21:15:00.000+08:00,2.25,"村委会—河边, ""老桥""",${ids.slice(0, 2).join(';')},1`,
    );
    // NDJSON: every patrol the village's list holds over the longest period it takes (the demo's patrols span the last year), and no other.
    const listed = await hub.queryAs<{ village: { patrols: { totalCount: number } } }>(
      t,
      `{ village(code: "${village}") { patrols(from: "${Number(chinaDay().slice(0, 4)) - 9}-01-01", to: "${chinaDay()}") { totalCount } } }`,
    );
    expect(listed.errors).toBeUndefined();
    const rows = await ndjson(`/export/patrols.ndjson?within=${village}`);
    expect(rows).toHaveLength(listed.data!.village.patrols.totalCount);
    expect(rows.map((r) => r.id)).toContain(Number(recent.data!.recordPatrol.id));
    expect(rows.find((r) => r.id === Number(patrolId))).toMatchObject({ hours: 2.25, participant_ids: ids.slice(0, 2).join(';'), hazard_count: 1 });

    // Hazards: the one found on the patrol names it; the village's list counts as many as the export writes.
    const found = await hub.queryAs<{ village: { hazards: { totalCount: number } } }>(
      t,
      `{ village(code: "${village}") { hazards(first: 1) { totalCount } } }`,
    );
    const hazardRows = await ndjson(`/export/hazards.ndjson?within=${village}`);
    expect(hazardRows).toHaveLength(found.data!.village.hazards.totalCount);
    expect(hazardRows.find((r) => r.id === Number(hazards[0]!.id))).toMatchObject({
      kind: 'ELECTRICAL',
      description: '私拉乱接电线',
      source: 'PATROL',
      patrol_id: Number(patrolId),
      grid_code: grid,
      status: 'REPORTED',
      rectified_at: null,
      rectify_by: null,
      version: 1,
    });
    // Another township's caller is refused the village, as for every kind.
    expect((await get(`/export/hazards.csv?within=${village}`, await hub.token({ jurisdiction: '623021100', scopes: ['read'] }))).status).toBe(403);

    // No import: told how they are written instead of being sent the list of import kinds.
    const write = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'write'] });
    for (const [kind, mutation] of [
      ['patrols', 'recordPatrol'],
      ['hazards', 'reportHazard'],
      ['dispute-parties', 'reportDispute'],
    ]) {
      const res = await fetch(new URL(`/import/${kind}?job=x`, new URL(hub.gatewayUrl).origin), {
        method: 'POST',
        headers: { authorization: `Bearer ${write}`, 'content-type': 'text/csv' },
        body: lines.join('\n'),
      });
      expect(res.status).toBe(404);
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('NOT_FOUND');
      expect(body.errors[0]!.message).toMatch(new RegExp(`只能导出，不能导入：.*${mutation}`));
    }
  });

  it('exports a case’s parties one row each, masked without pii, audited as reads of the residents with it', async () => {
    const village = '623021200202';
    const people = await hub.query<{ village: { residents: { nodes: { id: string; name: string; idNumber: string }[] } } }>(
      `{ village(code: "${village}") { residents(first: 1, filter: { minAge: 20 }) { nodes { id name idNumber } } } }`,
    );
    const resident = people.data!.village.residents.nodes[0]!;
    const reported = await hub.query<{ reportDispute: { id: string; caseNumber: string } }>(
      `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id caseNumber } }`,
      {
        k: `party-export-${Date.now()}`,
        i: {
          gridCode: `${village}001`,
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'GRID_INSPECTION',
          summary: '院墙排水引起邻里争执',
          parties: [
            { personId: resident.id, role: 'APPLICANT' },
            { name: '外村务工人员', role: 'RESPONDENT' },
          ],
        },
      },
    );
    expect(reported.errors).toBeUndefined();
    const { id: caseId, caseNumber } = reported.data!.reportDispute;
    const parse = async (res: Response) => {
      expect(res.status).toBe(200);
      return (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    };

    const masked = await parse(await get(`/export/dispute-parties.ndjson?within=${village}`, await hub.token({ jurisdiction: village, scopes: ['read'] })));
    expect(masked.filter((r) => r.dispute_id === caseId)).toEqual([
      expect.objectContaining({
        case_number: caseNumber,
        role: 'APPLICANT',
        name: resident.name,
        person_id: Number(resident.id),
        id_number: `${resident.idNumber.slice(0, 6)}************`,
        village_code: village,
      }),
      expect.objectContaining({ case_number: caseNumber, role: 'RESPONDENT', name: '外村务工人员', person_id: null, id_number: null }),
    ]);
    // As many rows as the cases' own lists of parties hold.
    const cases = await hub.query<{ village: { disputes: { totalCount: number; nodes: { parties: unknown[] }[] } } }>(
      `{ village(code: "${village}") { disputes(first: 500) { totalCount nodes { parties { name } } } } }`,
    );
    expect(cases.data!.village.disputes.totalCount).toBeLessThanOrEqual(500);
    expect(masked).toHaveLength(cases.data!.village.disputes.nodes.reduce((n, c) => n + c.parties.length, 0));

    // With pii the ID number in full, and the export is a read of every linked resident, as a grid-staff export is.
    const subject = `party-exporter-${Date.now()}`;
    const full = await parse(
      await get(`/export/dispute-parties.ndjson?within=${village}`, await hub.token({ jurisdiction: village, scopes: ['read', 'pii'], subject })),
    );
    expect(full.find((r) => r.dispute_id === caseId && r.role === 'APPLICANT')!.id_number).toBe(resident.idNumber);
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const audit = await c.query<{ record_type: string; record_ids: number[]; fields: string[] }>(
      'select record_type, record_ids, fields from audit_log where subject = $1',
      [subject],
    );
    await c.end();
    const linked = [...new Set(full.flatMap((r) => (r.person_id == null ? [] : [Number(r.person_id)])))].sort((a, b) => a - b);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ record_type: 'Person', fields: ['idNumber'] });
    expect([...audit.rows[0]!.record_ids].sort((a, b) => a - b)).toEqual(linked);
    expect(linked).toContain(Number(resident.id));
  });

  it('exports only the records changed since a feed cursor (changedAfter), so a copy is kept without exporting the county again', async () => {
    const subject = `changed-after-${Date.now()}`;
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'pii'], subject });
    const within = '623021101203';
    const ndjson = async (res: Response) =>
      (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const full = await get(`/export/residents.ndjson?within=${within}`, t);
    expect(full.status).toBe(200);
    const cursor = full.headers.get('x-change-cursor')!;
    const all = await ndjson(full);
    expect(all.length).toBeGreaterThan(50);
    const [one, two] = all as [Record<string, unknown>, Record<string, unknown>];
    const phone = `139${String(Date.now()).slice(-8)}`;
    const updated = await hub.queryAs(t, `mutation($id: ID!, $v: Int!, $p: String) { updatePerson(id: $id, version: $v, input: { phone: $p }) { version } }`, {
      id: String(one.id),
      v: one.version,
      p: phone,
    });
    expect(updated.errors).toBeUndefined();
    const gone = await hub.queryAs(t, `mutation($id: ID!, $v: Int!) { deregisterPerson(id: $id, version: $v, reason: DIED) { status } }`, {
      id: String(two.id),
      v: two.version,
    });
    expect(gone.errors).toBeUndefined();

    // The changed resident as a full export now writes it; the deregistered one is no longer exported (the feed names it).
    const since = await get(`/export/residents.ndjson?within=${within}&changedAfter=${cursor}`, t);
    expect(since.status).toBe(200);
    const next = since.headers.get('x-change-cursor');
    expect(next).toBeTruthy();
    expect(next).not.toBe(cursor);
    const rows = await ndjson(since);
    const now = await ndjson(await get(`/export/residents.ndjson?within=${within}`, t));
    expect(rows).toContainEqual(now.find((r) => r.id === one.id));
    expect(rows.find((r) => r.id === one.id)).toMatchObject({ phone, version: Number(one.version) + 1 });
    expect(rows.some((r) => r.id === two.id)).toBe(false);
    expect(rows.length).toBeLessThan(10);
    // CSV alike (its header, then the rows); from the new cursor, nothing of this village changed.
    const csv = (await (await get(`/export/residents.csv?within=${within}&changedAfter=${cursor}`, t)).text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(csv[0]).toMatch(/^id,name,/);
    expect(csv.some((l) => l.startsWith(`${String(one.id)},`))).toBe(true);
    // A case's parties follow the case's entries: none changed here.
    expect(await ndjson(await get(`/export/dispute-parties.ndjson?within=${within}&changedAfter=${next}`, t))).toEqual([]);

    // The unmasked export is audited as a read of exactly the records it wrote.
    const c = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await c.connect();
    const audit = await c.query('select record_ids, operation, path from audit_log where subject = $1 and operation like $2 order by at', [
      subject,
      `export residents within ${within}%`,
    ]);
    await c.end();
    expect(audit.rows[1]).toEqual({
      record_ids: rows.map((r) => Number(r.id)).sort((a, b) => a - b),
      operation: `export residents within ${within} changedAfter ${cursor}`,
      path: '/export/residents',
    });

    // Refused naming changedAfter: empty, not a cursor, a cursor this feed never wrote, a kind the feed does not follow.
    const forged = Buffer.from('changes:999999999.999999999').toString('base64url');
    await refusedParameters(t, new URL(hub.gatewayUrl).origin, [
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=`, 'changedAfter'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=yesterday`, 'changedAfter'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${forged}`, 'changedAfter'],
      ['GET', `/export/mediators.ndjson?within=${within}&changedAfter=${cursor}`, 'changedAfter'],
    ]);
  });

  it('exports exactly the changes of a feed page read (changedAfter, changedUntil], and says which in X-Changed-After and X-Changed-Until', async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'], subject: `changed-until-${Date.now()}` });
    const within = '623021101203';
    const ndjson = async (res: Response) =>
      (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const full = await get(`/export/residents.ndjson?within=${within}`, t);
    expect(full.status).toBe(200);
    const from = full.headers.get('x-change-cursor')!;
    expect(full.headers.get('x-changed-after')).toBeNull();
    const [, , one, two] = (await ndjson(full)) as Record<string, unknown>[];
    const update = async (r: Record<string, unknown>, phone: string) => {
      const done = await hub.queryAs(t, `mutation($id: ID!, $v: Int!, $p: String) { updatePerson(id: $id, version: $v, input: { phone: $p }) { version } }`, {
        id: String(r!.id),
        v: r!.version,
        p: phone,
      });
      expect(done.errors).toBeUndefined();
    };
    await update(one!, `138${String(Date.now()).slice(-8)}`);
    // The round's feed page: the engineer reads the feed from the last cursor and keeps where it reached.
    const page = await get(`/changes.ndjson?after=${from}&kinds=RESIDENT&within=${within}`, t);
    expect(page.status).toBe(200);
    const until = page.headers.get('x-change-cursor')!;
    const lines = await ndjson(page);
    expect(lines.map((l) => l.recordId)).toContain(String(one!.id));
    // A change after the page: not this round's.
    await update(two!, `137${String(Date.now()).slice(-8)}`);

    const round = await get(`/export/residents.ndjson?within=${within}&changedAfter=${from}&changedUntil=${until}`, t);
    expect(round.status).toBe(200);
    expect(round.headers.get('x-changed-after')).toBe(from);
    expect(round.headers.get('x-changed-until')).toBe(until);
    const rows = await ndjson(round);
    expect(rows.map((r) => r.id)).toEqual([one!.id]);
    // The next round starts where this one ended and holds the later change only; without changedUntil it reaches
    // as far as its own X-Change-Cursor, and says so.
    const next = await get(`/export/residents.ndjson?within=${within}&changedAfter=${until}`, t);
    expect(next.status).toBe(200);
    expect(next.headers.get('x-changed-after')).toBe(until);
    expect(next.headers.get('x-changed-until')).toBe(next.headers.get('x-change-cursor'));
    expect((await ndjson(next)).map((r) => r.id)).toEqual([two!.id]);
    // An empty range (a page that read nothing new) exports nothing.
    expect(await ndjson(await get(`/export/residents.ndjson?within=${within}&changedAfter=${until}&changedUntil=${until}`, t))).toEqual([]);

    // Refused naming changedUntil: empty, not a cursor, a cursor this feed never wrote, a cursor of another list,
    // one before changedAfter, and one without changedAfter.
    const forged = Buffer.from('changes:999999999.999999999').toString('base64url');
    const list = await hub.queryAs<{ village: { residents: { pageInfo: { endCursor: string } } } }>(
      t,
      `{ village(code: "${within}") { residents(first: 1) { pageInfo { endCursor } } } }`,
    );
    const other = list.data!.village.residents.pageInfo.endCursor;
    expect(other).toBeTruthy();
    await refusedParameters(t, new URL(hub.gatewayUrl).origin, [
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${from}&changedUntil=`, 'changedUntil'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${from}&changedUntil=tomorrow`, 'changedUntil'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${from}&changedUntil=${forged}`, 'changedUntil'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${from}&changedUntil=${encodeURIComponent(other)}`, 'changedUntil'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${until}&changedUntil=${from}`, 'changedUntil'],
      ['GET', `/export/residents.ndjson?within=${within}&changedUntil=${until}`, 'changedUntil'],
      ['GET', `/export/residents.ndjson?within=${within}&changedAfter=${encodeURIComponent(other)}&changedUntil=${until}`, 'changedAfter'],
    ]);
  });

  it('takes a cursor of another jurisdiction only where the feed ends a transaction, so no cursor probe counts what a transaction changed there', async () => {
    const origin = new URL(hub.gatewayUrl).origin;
    const county = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write', 'pii'], subject: `cursor-probe-${Date.now()}` });
    const village = await hub.token({ jurisdiction: '623021101203', scopes: ['read'] });
    // Two residents of another village updated by one import: one transaction with two entries, outside the village.
    const before = await get(`/export/residents.csv?within=623021100`, county);
    expect(before.status).toBe(200);
    const from = before.headers.get('x-change-cursor')!;
    const [header, ...rows] = (await before.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const phone = header!.split(',').indexOf('phone');
    const stamp = String(Date.now()).slice(-8);
    const changed = rows.slice(0, 2).map((r, i) => {
      const cells = r.split(',');
      expect(cells).toHaveLength(header!.split(',').length);
      cells[phone] = `13${i}${stamp}`;
      return cells.join(',');
    });
    const imported = await fetch(new URL('/import/residents', origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${county}`, 'content-type': 'text/csv' },
      body: [header, ...changed].join('\n') + '\n',
    });
    expect(imported.status).toBe(200);
    expect(JSON.parse((await imported.text()).trim().split('\n').at(-1)!)).toMatchObject({ type: 'done', updated: 2 });
    const ids = changed.map((r) => r.split(',')[0]);
    const feed = (await (await get(`/changes.ndjson?after=${from}&kinds=RESIDENT&within=623021100`, county)).text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { cursor: string; recordId: string });
    const entries = feed.filter((l) => ids.includes(l.recordId));
    expect(entries.map((l) => l.recordId)).toEqual(ids);
    const [first, last] = entries.map((l) => l.cursor) as [string, string];

    // The village's caller: the transaction's first entry is no cursor it may hold (as a forged one is not), its last
    // is where the feed's position may have stood, and reads.
    await refusedParameters(village, origin, [
      ['GET', `/export/residents.ndjson?within=623021101203&changedAfter=${first}`, 'changedAfter'],
      ['GET', `/export/residents.ndjson?within=623021101203&changedAfter=${last}&changedUntil=${first}`, 'changedUntil'],
      ['GET', `/changes.ndjson?after=${first}`, 'after'],
    ]);
    expect((await get(`/export/residents.ndjson?within=623021101203&changedAfter=${last}`, village)).status).toBe(200);
    expect((await get(`/changes.ndjson?after=${last}`, village)).status).toBe(200);
    // The county's caller holds both entries: each is a cursor it may resume from.
    expect((await get(`/export/residents.ndjson?within=623021100&changedAfter=${first}&changedUntil=${last}`, county)).status).toBe(200);
    expect((await get(`/changes.ndjson?after=${first}`, county)).status).toBe(200);
  });

  it('answers a HEAD with 405 rather than making the file for its headers', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read'] });
    const res = await fetch(new URL('/export/residents.csv?within=623021200201', new URL(hub.gatewayUrl).origin), {
      method: 'HEAD',
      headers: { authorization: `Bearer ${t}` },
    });
    expect(res.status).toBe(405);
  });

  it('takes one method per route: a POST to the feed, an export or a report is 405, a GET to an import too', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'write', 'report'] });
    const origin = new URL(hub.gatewayUrl).origin;
    for (const [method, path] of [
      ['POST', '/changes.ndjson'],
      ['POST', '/export/residents.csv?within=623021200201'],
      ['POST', '/reports/population.csv?within=623021200&level=village'],
      ['GET', '/import/residents'],
    ] as const) {
      const res = await fetch(new URL(path, origin), { method, headers: { authorization: `Bearer ${t}` }, ...(method === 'POST' ? { body: 'x' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), path).toBe(method === 'POST' ? 'GET' : 'POST');
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('answers a division the hub does not hold with 404 NOT_FOUND naming within, not an empty file', async () => {
    const t = await hub.token({ jurisdiction: '623021', scopes: ['read', 'report'] });
    const origin = new URL(hub.gatewayUrl).origin;
    const status = async (path: string) => {
      const res = await fetch(new URL(path, origin), { headers: { authorization: `Bearer ${t}` } });
      const body = res.status === 200 ? undefined : ((await res.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]!.extensions;
      if (res.status === 200) await res.arrayBuffer();
      return [res.status, body?.code, body?.argument];
    };
    for (const path of [
      '/export/residents.csv?within=623021999',
      '/export/sites.ndjson?within=623021200201999',
      '/changes.ndjson?within=623021999',
      '/reports/population.csv?within=623021999&level=village',
      '/reports/disputes.csv?within=623021200999&level=village&from=2026-01-01&to=2026-01-31',
    ])
      expect(await status(path), path).toEqual([404, 'NOT_FOUND', 'within']);
    for (const path of [
      '/export/residents.csv?within=623021200201001',
      '/changes.ndjson?within=623021200201&limit=1',
      '/reports/population.csv?within=623021200&level=village',
    ])
      expect((await status(path))[0], path).toBe(200);
    const field = await hub.queryAs(t, `{ changes(within: "623021999", first: 1) { nodes { recordId } } }`);
    expect(field.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'within' });
  });

  it('names the query parameter at fault on every route, as GraphQL names the argument', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'write', 'report'] });
    const origin = new URL(hub.gatewayUrl).origin;
    await refusedParameters(t, origin, [
      ['POST', '/import/residents?format=xml', 'format'],
      ['POST', '/import/residents?encoding=latin1', 'encoding'],
      ['POST', '/import/residents?batch=0', 'batch'],
      ['POST', '/import/residents?job=bad%20job', 'job'],
      ['POST', '/import/residents?dryRun=yes', 'dryRun'],
      ['GET', '/export/residents.csv?within=6230212', 'within'],
      ['GET', '/export/residents.xlsx?within=623021200&headers=fr', 'headers'],
      ['GET', '/reports/population.csv?within=623021200&level=hamlet', 'level'],
      ['GET', '/reports/population.csv?within=62302120&level=village', 'within'],
      ['GET', '/reports/disputes.csv?within=623021200&level=village&from=2026-02-30', 'from'],
      ['GET', '/reports/population.csv?within=623021200201&level=township', 'within'],
      ['GET', '/export/residents.csv', 'within'],
      ['GET', '/changes.ndjson?limit=0', 'limit'],
    ]);
    // An NDJSON file sent as such but with format=csv: the two contradict, and the answer says so (not "send it as NDJSON").
    const both = await fetch(new URL('/import/residents?format=csv', origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/x-ndjson', 'accept-language': 'en' },
      body: '{"id_number":"623021198001010011"}\n',
    });
    expect(both.status).toBe(400);
    const error = ((await both.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'format' });
    expect(error.message).toMatch(/^format=csv contradicts content-type "application\/x-ndjson"/);
    // A form's upload (curl -F): refused as such, not read with its part boundary as the header row.
    const form = new FormData();
    form.append('file', new Blob(['id_number,phone\n623021198001010011,13900001111\n'], { type: 'text/csv' }), 'residents.csv');
    const upload = await fetch(new URL('/import/residents?dryRun=true', origin), { method: 'POST', headers: { authorization: `Bearer ${t}` }, body: form });
    expect(upload.status).toBe(415);
    const refused = ((await upload.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(refused.extensions.code).toBe('BAD_REQUEST');
    expect(refused.message).toMatch(/^请把文件本身作为请求体发送.*不要用表单上传/);
  });

  it('reads integer and list parameters strictly: digits only, no empty item', async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'write', 'report'] });
    const origin = new URL(hub.gatewayUrl).origin;
    await refusedParameters(t, origin, [
      ['GET', '/changes.ndjson?limit=1e3', 'limit'],
      ['GET', '/changes.ndjson?limit=%201', 'limit'],
      ['GET', '/changes.ndjson?limit=1%20', 'limit'],
      ['GET', '/changes.ndjson?limit=%2B1', 'limit'],
      ['GET', '/changes.ndjson?limit=0x10', 'limit'],
      ['GET', '/changes.ndjson?kinds=DISPUTE,,RESIDENT', 'kinds'],
      ['GET', '/changes.ndjson?kinds=DISPUTE,', 'kinds'],
      ['GET', '/changes.ndjson?kinds=', 'kinds'],
      ['POST', '/import/residents?batch=1e3', 'batch'],
      ['POST', '/import/residents?batch=%20100', 'batch'],
      ['POST', '/import/residents?ignore=%E5%BA%8F%E5%8F%B7,,%E5%A4%87%E6%B3%A8', 'ignore'],
    ]);
    // Written plainly, the same values are read.
    expect((await fetch(new URL('/changes.ndjson?limit=1000&kinds=DISPUTE,RESIDENT', origin), { headers: { authorization: `Bearer ${t}` } })).status).toBe(200);
  });

  it("refuses a division outside the jurisdiction alike on every route, naming the caller's jurisdiction", async () => {
    const t = await hub.token({ jurisdiction: '623021200', scopes: ['read', 'report'] });
    const origin = new URL(hub.gatewayUrl).origin;
    for (const path of [
      '/changes.ndjson?within=623021100',
      '/export/residents.csv?within=623021100',
      '/reports/population.csv?within=623021100&level=village',
    ]) {
      const res = await fetch(new URL(path, origin), { headers: { authorization: `Bearer ${t}`, 'accept-language': 'en' } });
      expect(res.status, path).toBe(403);
      const error = ((await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
      expect(error.extensions, path).toMatchObject({ code: 'FORBIDDEN', jurisdiction: '623021200' });
      expect(error.message, path).toBe('Division 623021100 is outside your jurisdiction (623021200).');
    }
  });
});
