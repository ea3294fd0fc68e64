import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { CryptoKey } from 'jose';
import { hasScope, inJurisdiction, type Caller } from '../../platform/caller.ts';
import { parseDivisionCode } from '../../domain/codes.ts';
import { HttpError, writeChunk } from '../../platform/http.ts';
import { csvCell } from '../../platform/tabular.ts';
import { resolvePeriod } from '../../domain/periods.ts';
import { authenticate, type CallerCheck } from './authenticate.ts';
import type { GatewayContext } from './context.ts';
import { TAGS } from '../../domain/tags.ts';
import { z } from 'zod';

/**
 * CSV reports for provincial tools: GET /reports/<name>.csv?within=<code>&level=<county|township|village>
 * &from=&to= (or &period=2026Q3). One row per division with its code, name,
 * parent codes and figures; UTF-8 with a BOM so spreadsheets read the Chinese
 * names. Rows are fetched and written a batch of parents at a time through the
 * gateway's own schema (same access rules as GraphQL), never built whole.
 */
type Level = 'county' | 'township' | 'village';
type Cell = string | number;
interface ReportDef {
  needsPeriod: boolean;
  selection: string;
  columns: string[];
  /** The report's figures of one division row (as the selection returns it), in column order. */
  values: (row: unknown) => Cell[];
}

/** A report whose rows are checked against the shape its selection returns. */
function report<R>(def: Omit<ReportDef, 'values'> & { row: z.ZodType<R>; values: (row: R) => Cell[] }): ReportDef {
  return { needsPeriod: def.needsPeriod, selection: def.selection, columns: def.columns, values: (row) => def.values(def.row.parse(row)) };
}

const n = z.number();

const REPORTS: Record<string, ReportDef> = {
  population: report({
    needsPeriod: false,
    selection: 'population { residents households floating houses addresses byTag { tag count } }',
    columns: ['residents', 'households', 'floating', 'houses', 'addresses', ...TAGS.map((t) => `tag_${t.toLowerCase()}`)],
    row: z.object({
      population: z.object({ residents: n, households: n, floating: n, houses: n, addresses: n, byTag: z.array(z.object({ tag: z.string(), count: n })) }),
    }),
    values: (r) => {
      const p = r.population;
      const tags = new Map(p.byTag.map((t) => [t.tag, t.count]));
      return [p.residents, p.households, p.floating, p.houses, p.addresses, ...TAGS.map((t) => tags.get(t) ?? 0)];
    },
  }),
  forces: report({
    needsPeriod: false,
    selection: 'forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups householdCoverage patrolTeams patrolMembers }',
    columns: [
      'grids',
      'grid_workers',
      'grids_fully_staffed',
      'joint_defense_groups',
      'households_in_groups',
      'household_coverage',
      'patrol_teams',
      'patrol_members',
    ],
    row: z.object({
      forces: z.object({
        grids: n,
        gridWorkers: n,
        gridsFullyStaffed: n,
        jointDefenseGroups: n,
        householdsInGroups: n,
        householdCoverage: n,
        patrolTeams: n,
        patrolMembers: n,
      }),
    }),
    values: (r) => {
      const f = r.forces;
      return [f.grids, f.gridWorkers, f.gridsFullyStaffed, f.jointDefenseGroups, f.householdsInGroups, f.householdCoverage, f.patrolTeams, f.patrolMembers];
    },
  }),
  patrols: report({
    needsPeriod: true,
    selection: 'patrolStats(from: $from, to: $to) { patrols patrolHours hazardsFound hazardsRectified }',
    columns: ['patrols', 'patrol_hours', 'hazards_found', 'hazards_rectified'],
    row: z.object({ patrolStats: z.object({ patrols: n, patrolHours: n, hazardsFound: n, hazardsRectified: n }) }),
    values: (r) => [r.patrolStats.patrols, r.patrolStats.patrolHours, r.patrolStats.hazardsFound, r.patrolStats.hazardsRectified],
  }),
  disputes: report({
    needsPeriod: true,
    selection:
      'disputeStats(from: $from, to: $to) { reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue onTimeRate satisfactionRate }',
    columns: [
      'reported',
      'resolved',
      'resolution_rate',
      'resolved_at_village',
      'resolved_at_township',
      'resolved_at_county',
      'escalated_to_township',
      'escalated_to_county',
      'open',
      'overdue',
      'on_time_rate',
      'satisfaction_rate',
    ],
    row: z.object({
      disputeStats: z.object({
        reported: n,
        resolved: n,
        resolutionRate: n,
        resolvedAtVillage: n,
        resolvedAtTownship: n,
        resolvedAtCounty: n,
        escalatedToTownship: n,
        escalatedToCounty: n,
        open: n,
        overdue: n,
        onTimeRate: n,
        satisfactionRate: n,
      }),
    }),
    values: (r) => {
      const d = r.disputeStats;
      return [
        d.reported,
        d.resolved,
        d.resolutionRate,
        d.resolvedAtVillage,
        d.resolvedAtTownship,
        d.resolvedAtCounty,
        d.escalatedToTownship,
        d.escalatedToCounty,
        d.open,
        d.overdue,
        d.onTimeRate,
        d.satisfactionRate,
      ];
    },
  }),
};

/** What every listed division row carries besides the report's own selection. */
const DivisionRows = z.array(z.looseObject({ code: z.string(), name: z.string() }));
const Codes = z.array(z.object({ code: z.string() }));
/** The answer of a PARENT list query: one of these fields. */
const ParentList = z.object({ region: z.object({ prefectures: Codes }).nullish(), counties: Codes.optional(), townships: Codes.optional() });

const LIST: Record<Level, string> = { county: 'counties', township: 'townships', village: 'villages' };
const CHILD_LEN: Record<Level, number> = { county: 6, township: 9, village: 12 };
/** Parents are the divisions one level up (prefectures for counties), listed by the query that gives them. */
const PARENT: Record<Level, { len: number; list: (within: string) => string }> = {
  county: { len: 4, list: (w) => `{ region(code: "${w.slice(0, 2)}") { prefectures { code } } }` },
  township: { len: 6, list: (w) => `{ counties(within: "${w}") { code } }` },
  village: { len: 9, list: (w) => `{ townships(within: "${w}") { code } }` },
};
const BATCH = 40;

const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

async function run(
  apollo: ApolloServer<GatewayContext>,
  ctx: GatewayContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await apollo.executeOperation({ query, variables }, { contextValue: ctx });
  if (res.body.kind !== 'single') throw new HttpError(500, 'INTERNAL_SERVER_ERROR', 'Unexpected incremental result.');
  const { data, errors } = res.body.singleResult;
  if (errors?.length) {
    const code = String(errors[0]!.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    const status = code === 'FORBIDDEN' ? 403 : code === 'BAD_USER_INPUT' ? 400 : code === 'SERVICE_UNAVAILABLE' ? 503 : 502;
    throw new HttpError(status, code, errors[0]!.message);
  }
  return data ?? {};
}

export function reportsRoute(apollo: ApolloServer<GatewayContext>, callers: CallerCheck) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const m = /^\/reports\/([a-z]+)\.csv$/.exec(url.pathname);
    if (req.method !== 'GET' || !m)
      throw new HttpError(404, 'NOT_FOUND', `Reports: GET /reports/<${Object.keys(REPORTS).join('|')}>.csv?within=&level=&from=&to=`);
    const caller: Caller = await authenticate(callers, req.headers.authorization);
    if (!hasScope(caller, 'report') && !hasScope(caller, 'read')) throw new HttpError(403, 'FORBIDDEN', 'Reports need the "report" (or "read") scope.');
    const def = REPORTS[m[1]!];
    if (!def) throw new HttpError(404, 'NOT_FOUND', `No report "${m[1]}"; reports: ${Object.keys(REPORTS).join(', ')}.`);
    const q = url.searchParams;
    const level = q.get('level') as Level;
    if (!(level in LIST)) throw new HttpError(400, 'BAD_USER_INPUT', 'level must be county, township or village.');
    let within: string;
    let period: { from: string; to: string } | undefined;
    try {
      within = parseDivisionCode(q.get('within') ?? '', 'within');
      if (def.needsPeriod) period = resolvePeriod({ from: q.get('from'), to: q.get('to'), period: q.get('period') });
    } catch (e) {
      throw new HttpError(400, 'BAD_USER_INPUT', (e as Error).message);
    }
    if (within.length > CHILD_LEN[level]) {
      throw new HttpError(400, 'BAD_USER_INPUT', `within ${within} is below the ${level} level.`);
    }
    if (!inJurisdiction(caller, within)) throw new HttpError(403, 'FORBIDDEN', `Division ${within} is outside your jurisdiction (${caller.jurisdiction}).`);
    const ctx: GatewayContext = { requestId: String(req.headers['x-request-id'] ?? crypto.randomUUID()), caller };

    const parent = PARENT[level];
    let parents: string[];
    if (within.length >= parent.len) parents = [within];
    else {
      const data = ParentList.parse(await run(apollo, ctx, parent.list(within)));
      parents = (data.region?.prefectures ?? data.counties ?? data.townships ?? []).map((x) => x.code).filter((c) => c.startsWith(within));
    }
    const vars = period ? '($from: Date!, $to: Date!)' : '';
    const batchQuery = (codes: string[]) =>
      `query${vars} { ${codes.map((c, i) => `p${i}: ${LIST[level]}(within: "${c}") { code name ${def.selection} }`).join(' ')} }`;
    const filename = `${m[1]}-${level}-${within}${period ? `-${period.from}-${period.to}` : ''}.csv`;
    let started = false;
    for (let i = 0; i < parents.length || (!started && i === 0); i += BATCH) {
      const codes = parents.slice(i, i + BATCH);
      const data = codes.length ? await run(apollo, ctx, batchQuery(codes), period ?? {}) : {};
      if (!started) {
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${filename}"`,
          'cache-control': 'no-store',
        });
        res.write(
          `\uFEFF${csvLine(['level', 'code', 'name', 'province_code', 'prefecture_code', 'county_code', 'township_code', ...(period ? ['from', 'to'] : []), ...def.columns])}`,
        );
        started = true;
      }
      for (const list of Object.values(data)) {
        for (const row of DivisionRows.parse(list)) {
          const c = row.code;
          await writeChunk(
            res,
            csvLine([
              level,
              c,
              row.name,
              c.slice(0, 2),
              c.slice(0, 4),
              c.length >= 6 ? c.slice(0, 6) : '',
              c.length >= 9 ? c.slice(0, 9) : '',
              ...(period ? [period.from, period.to] : []),
              ...def.values(row),
            ]),
          );
        }
      }
    }
    res.end();
  };
}
