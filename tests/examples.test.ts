import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { main as countyReport } from '../examples/county-report.ts';
import { main as gridWorkerCases } from '../examples/grid-worker-cases.ts';
import { main as register } from '../examples/registration-form.ts';
import { main as caseDesk } from '../examples/township-case-desk.ts';
import { main as dashboard } from '../examples/village-dashboard.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { typecheck } from './helpers/typecheck.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

describe('examples for frontend teams run against the hub', () => {
  it('village dashboard', async () => {
    const r = await dashboard(hub.gatewayUrl, await hub.token({ jurisdiction: '623021200201', scopes: ['read'] }));
    expect(r.title).toBe('鹿儿台村村民委员会 (术布乡)');
    expect(r.residents).toBeGreaterThan(100);
    expect(r.grids).toBeGreaterThanOrEqual(5);
  });

  it('registration form (卓尼县)', async () => {
    const id = makeCitizenId('623022', '1992-04-18', 880);
    const r = await register(hub.gatewayUrl, await hub.token({ jurisdiction: '623022', scopes: ['read', 'write', 'pii'] }), '623022100001001', id, '卓玛');
    expect(r).toMatchObject({ idNumber: id, version: 1 });
    expect(r.summary).toMatch(/^卓玛, 女, \d+ 岁, 城东社区居民委员会 城东社区第1网格$/);
  });

  it('township case desk', async () => {
    const r = await caseDesk(hub.gatewayUrl, await hub.token({ jurisdiction: '623021200', scopes: ['read'] }), '623021200');
    expect(r.township).toBe('术布乡');
    expect(r.cases).toBeGreaterThan(0);
    expect(r.open).toBeLessThanOrEqual(r.cases);
    expect(r.overdue).toBeLessThanOrEqual(r.open);
    expect(r.statuses.every((s) => ['RECEIVED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING'].includes(s))).toBe(true);
    expect(r.settleBy).toEqual([...r.settleBy].sort((a, b) => Date.parse(String(a)) - Date.parse(String(b))));
  });

  it('a grid worker’s own open cases, by deadline, with the statuses’ Chinese names', async () => {
    // The worker's own token holds the grid only, as npm run token -- --jurisdiction <grid code> mints it.
    const worker = await hub.token({ jurisdiction: '623021200201001', scopes: ['read', 'write'], subject: `example-worker-${Date.now()}` });
    const reported = await hub.queryAs<{ reportDispute: { caseNumber: string } }>(
      worker,
      `mutation { reportDispute(idempotencyKey: "example-${Date.now()}", input: { gridCode: "623021200201001", category: NEIGHBOUR, scale: ORDINARY,
         source: GRID_INSPECTION, summary: "巡查发现两户因柴垛占道争执", parties: [{ name: "马福", role: APPLICANT }] }) { caseNumber } }`,
    );
    expect(reported.errors).toBeUndefined();
    const r = await gridWorkerCases(hub.gatewayUrl, worker, '623021200201001');
    expect(r.grid).toBe('鹿儿台村第1网格 (鹿儿台村村民委员会)');
    expect(r.open).toBe(1);
    expect(r.cases).toEqual([`${reported.data!.reportDispute.caseNumber} 已登记: 巡查发现两户因柴垛占道争执`]);
  });

  it('county report', async () => {
    const r = await countyReport(hub.gatewayUrl, await hub.token({ jurisdiction: '62', scopes: ['report'] }), '623021', '2026');
    expect(r.county).toBe('临潭县 (甘南藏族自治州)');
    expect(r.rows).toHaveLength(16);
  });

  it('runs as the README and each example’s header write the command, on the Node the project pins', async () => {
    const root = join(import.meta.dirname, '..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Typed client and examples[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    const commands = block.split('\n').filter((l) => /examples\/[\w-]+\.ts/.test(l));
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
    // One command per example, each through `npx node`: a system `node` before 22.18 refuses a .ts file.
    expect(commands.map((c) => /examples\/([\w-]+\.ts)/.exec(c)![1]).sort()).toEqual(examples.sort());
    for (const c of commands) expect(c).toMatch(/^npx node examples\//);
    for (const f of examples) expect(readFileSync(join(root, 'examples', f), 'utf8')).toMatch(/^ \* {3}HUB_TOKEN=.* npx node examples\//m);
    // The dashboard's command as written, in a shell whose PATH is the system's (no node_modules/.bin, as in a
    // terminal opened in the project), against this hub: its port as GATEWAY_PORT, as `npm start` is given it.
    const line = commands.find((c) => c.includes('village-dashboard'))!;
    const path = process.env
      .PATH!.split(delimiter)
      .filter((d) => !d.includes('node_modules'))
      .join(delimiter);
    const token = await hub.token({ jurisdiction: '623021200201', scopes: ['read'] });
    const run = await promisify(execFile)('sh', ['-c', line], {
      cwd: root,
      env: { PATH: path, ...(process.env.HOME ? { HOME: process.env.HOME } : {}), HUB_TOKEN: token, GATEWAY_PORT: new URL(hub.gatewayUrl).port },
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ title: '鹿儿台村村民委员会 (术布乡)' });
  }, 120_000);

  it('type-check against the generated client', async () => {
    const r = await typecheck('project');
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 600_000);
});
