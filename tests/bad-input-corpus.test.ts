/**
 * A corpus of bad inputs, sent as an attacker or a careless client would
 * (docs/ARCHITECTURE.md, "Trust"): every argument type of the API (IDs, Int,
 * Float, String, Date, DateTime, periods, enums, cursors, division codes, ID
 * numbers, idempotency keys), every route (/graphql, the CSV reports, exports,
 * imports, the change feed) and every import kind, generated from tables of
 * places × values. Each case must get a typed code (`extensions.code`, the
 * JSON `code` of a route, or an import's reject lines for bad rows), an HTTP
 * status below 500, and no internal text (PostgreSQL, driver or JavaScript
 * messages, source locations). Afterwards every service is healthy.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDirectory } from '../scripts/lib/setup.ts';
import { EXPORT_KINDS } from '../subgraphs/village/src/store/export.ts';
import { KINDS as IMPORT_KINDS } from '../subgraphs/village/src/import/kinds.ts';
import { SUBGRAPHS } from '../platform/settings.ts';
import { departmentToken } from './helpers/cases.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { WRITE_COUNTY } from './setup/global.ts';

/** Codes a bad input may get: platform/errors.ts's known codes and the HTTP edge's (platform/http.ts), less those that mean a service is down. */
const TYPED = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONFLICT',
  'INVALID_TRANSITION',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'HEADERS_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
]);

/** Text only an internal error carries: PostgreSQL, the driver, Node and JavaScript, source locations. */
const LEAK =
  /duplicate key|violates|syntax error at|invalid input syntax|out of range for type|ECONNREFUSED|Maximum call stack|TypeError|ReferenceError|RangeError|Cannot read properties|column ".*" does not exist|relation ".*"|invalid message format|invalid byte sequence|date\/time field value|at .*\.ts:\d+|node:internal|stacktrace/;

/** 临潭县, a seed county read by the reading cases; writing cases work in 卓尼县 (WRITE_COUNTY). */
const COUNTY = '623021';
const TOWNSHIP = '623021200';
const VILLAGE = '623021200201';
const W_TOWNSHIP = `${WRITE_COUNTY}101`;
const W_VILLAGE = `${WRITE_COUNTY}101201`;
const W_GRID = `${W_VILLAGE}001`;
/** 舟曲县, next to 卓尼县: only its directory is loaded, for the idempotency key used in two counties. */
const OTHER_COUNTY = '623023';

type Caller = 'reader' | 'writer' | 'department' | 'reporter' | 'readOnly' | 'none' | 'forged';

interface Case {
  name: string;
  /** A typed error (default), or an import whose bad lines each get a reject line and nothing is written. */
  expect?: 'error' | 'rejects';
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  caller: Caller;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

interface Outcome {
  name: string;
  status: number;
  codes: string[];
  typed: boolean;
  leak: string | null;
  problem: string | null;
}

const NUL = '\u0000';
const HUGE = 'x'.repeat(20_000);
const HUGE_ZH = '中'.repeat(20_000);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const json = (v: unknown) => JSON.stringify(v);

let hub: TestHub;
const tokens = {} as Record<Exclude<Caller, 'none'>, string>;
let ids: { person: string; personVersion: number; household: string; dispute: string; disputeVersion: number; team: string };

beforeAll(async () => {
  hub = await startHub();
  tokens.reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'report', 'admin'] });
  tokens.writer = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'write', 'pii', 'admin'] });
  tokens.department = await departmentToken(WRITE_COUNTY, 'NATURAL_RESOURCES');
  tokens.reporter = await hub.token({ jurisdiction: '62', scopes: ['report'] });
  tokens.readOnly = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read'] });
  // A well-formed token this hub never signed: the caller key of another installation.
  const [header, payload] = tokens.reader.split('.');
  tokens.forged = `${header}.${payload}.${b64('not the signature')}`;
  const r = await hub.queryAs<{
    village: {
      residents: { nodes: { id: string; version: number }[] };
      households: { nodes: { id: string }[] };
      patrolTeams: { nodes: { id: string }[] };
    };
    county: { disputes: { nodes: { id: string; version: number }[] } };
  }>(
    tokens.writer,
    `{ village(code: "${W_VILLAGE}") { residents(first: 1) { nodes { id version } } households(first: 1) { nodes { id } } patrolTeams(first: 1) { nodes { id } } }
       county(code: "${WRITE_COUNTY}") { disputes(first: 1) { nodes { id version } } } }`,
  );
  const v = r.data!.village;
  const d = r.data!.county.disputes.nodes[0]!;
  ids = {
    person: v.residents.nodes[0]!.id,
    personVersion: v.residents.nodes[0]!.version,
    household: v.households.nodes[0]!.id,
    dispute: d.id,
    disputeVersion: d.version,
    team: v.patrolTeams.nodes[0]!.id,
  };
}, 300_000);
afterAll(async () => hub?.stop());

// ---------------------------------------------------------------- GraphQL arguments: places × values

/** A place a value of one argument type goes: an operation taking it as `$v` (of `type`), sent as `caller`. */
interface Slot {
  type: string;
  caller: Caller;
  /** The operation's body, using `$v`; `mutation` when it writes. */
  op: string;
  mutation?: boolean;
  /** A value this optional argument reads as "not given" (so not a bad one here). */
  absent?: unknown;
}

const disputeInput = (extra = '') =>
  `{ gridCode: "${W_GRID}", category: NEIGHBOUR, scale: ORDINARY, source: HOTLINE, summary: "坏输入语料", parties: [{ name: "甲", role: APPLICANT }]${extra} }`;

function argumentCases(): Case[] {
  const uuid = '3f1c2b4a-9d8e-4f70-8a6b-1c2d3e4f5a6b';
  /**
   * Values, by argument type, that no field of the type may accept. Full-width digits are read as digits (a Chinese
   * input method types them), so a full-width value is bad here only when its ASCII twin is.
   */
  const VALUES: Record<string, unknown[]> = {
    recordId: ['abc', '-1', '0', '1.5', '99999999999', '', ' 1', '1e3', '１ｅ３', '1 or 1=1', `1${NUL}`, HUGE, 1.5, true, [1], { id: 1 }],
    disputeId: ['abc', '1', `${uuid.slice(0, -1)}g`, `{${uuid}}`, `${uuid} `, `${uuid}${NUL}`, '', HUGE, 12, [uuid]],
    first: [-1, 100_001, 2_147_483_648, -2_147_483_649, 1.5, '10', true, [1]],
    version: [-1, 2_147_483_648, 1.5, '1', true, { v: 1 }],
    int: [-1, 2_147_483_648, 1.5, 'ten', true],
    float: [-1, 1e12, 'x', true, [0.5], { v: 1 }],
    text: ['', '   ', NUL, `abc${NUL}`, HUGE, HUGE_ZH, 12, ['a'], { a: 1 }],
    optionalText: [NUL, `abc${NUL}`, HUGE, HUGE_ZH, 12, ['a'], { a: 1 }],
    code: ['', '6', '62302', '6230211', 'abcdef', '６２３０２', '-62302', '62302l', `623021${NUL}`, '6'.repeat(5000), 623021, ['623021']],
    gridCode: ['', '623022', `${W_GRID.slice(0, -1)}x`, '623021200201001', '999999999999999', `${W_GRID}${NUL}`, HUGE, 623022101201001],
    date: [
      '',
      '2026-02-30',
      '2026-13-01',
      '0000-01-01',
      '0001-01-01',
      '9999-12-31',
      '26-09-30',
      '2026/09/30',
      '2026-09-30T00:00:00Z',
      20260930,
      `2026-09-30${NUL}`,
      HUGE,
    ],
    dateTime: [
      '2026-09-30',
      '2026-09-30T25:00:00+08:00',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '2026-09-30T20:00:00',
      'yesterday',
      '2026-09-30T20:00:00+99:00',
      1_700_000_000,
      '',
      '2026-02-30T00:00:00Z',
      '9999-12-31T23:59:59Z',
      `2026-09-30T20:00:00Z${NUL}`,
    ],
    period: ['2026Q5', '2026Q0', '202613', '202600', '0000', '0001', '99999', '2026-13', '2026H1', `2026${NUL}`, '1899', '2101', 2026, HUGE],
    enum: ['NOPE', 'nope', '', 1, true, { x: 1 }, `A${NUL}`, 'A'.repeat(5000)],
    cursor: [
      'garbage',
      '!!!',
      b64('k:'),
      b64('k:abc'),
      b64('k:-1'),
      b64('k:9999999999999999999'),
      b64('k:9999999999999999999.1'),
      b64('k:1.2.3'),
      b64('k:0000-01-01T00:00:00Z|1'),
      b64('k:2026-02-30T00:00:00Z|1'),
      b64('k:2026-09-30T00:00:00Z|abc'),
      b64('k:2026-09-30T00:00:00Z|99999999999999999999'),
      b64('k:nan'),
      b64(`k:${NUL}`),
      b64('x:1'),
      HUGE,
      123,
    ],
    idNumber: [
      '',
      '123',
      '62302219900101001',
      '623022199001010010',
      '623022199002300011',
      '000000199001010011',
      '６２３０２２１９９００１０１００１Ｘ',
      `62302219900101001X${NUL}`,
      HUGE,
      62302219900101,
    ],
    idempotencyKey: ['', '   ', NUL, `key${NUL}`, HUGE, 'k'.repeat(201), 12345, ['k']],
  };
  const village = (field: string) => `village(code: "${VILLAGE}") { ${field} }`;
  const county = (field: string) => `county(code: "${COUNTY}") { ${field} }`;
  const SLOTS: Record<string, Slot[]> = {
    recordId: [
      ...['person', 'household', 'house', 'address', 'site', 'jointDefenseGroup', 'patrolTeam', 'hazard'].map((f) => ({
        type: 'ID!',
        caller: 'reader' as const,
        op: `${f}(id: $v) { __typename }`,
      })),
      { type: 'ID!', caller: 'writer', op: 'updatePerson(id: $v, version: 1, input: { name: "坏输入" }) { __typename }', mutation: true },
      { type: 'ID!', caller: 'writer', op: 'startHazardRectification(id: $v, version: 1) { __typename }', mutation: true },
      { type: 'ID!', caller: 'writer', op: 'addPatrolTeamMembers(teamId: $v, personIds: []) { __typename }', mutation: true },
    ],
    disputeId: [
      { type: 'ID!', caller: 'reader', op: 'dispute(id: $v) { __typename }' },
      { type: 'ID!', caller: 'writer', op: 'acceptDispute(id: $v, version: 1) { __typename }', mutation: true },
      { type: 'ID!', caller: 'writer', op: 'acceptTownshipCase(disputeId: $v, version: 1) { __typename }', mutation: true },
      { type: 'ID!', caller: 'writer', op: 'acceptCountyCase(disputeId: $v, version: 1) { __typename }', mutation: true },
      { type: 'ID!', caller: 'department', op: 'acknowledgeDispatch(dispatchId: $v) { __typename }', mutation: true },
    ],
    first: [
      { type: 'Int', caller: 'reader', op: village('residents(first: $v) { totalCount }') },
      { type: 'Int', caller: 'reader', op: 'grids(within: "623021", first: $v) { totalCount }' },
      { type: 'Int', caller: 'reader', op: 'changes(first: $v) { pageInfo { endCursor } }' },
      { type: 'Int', caller: 'reader', op: 'auditLog(first: $v) { totalCount }' },
      { type: 'Int', caller: 'reader', op: county('caseInbox(first: $v) { totalCount }') },
      { type: 'Int', caller: 'reader', op: `township(code: "${TOWNSHIP}") { dispatches(first: $v) { totalCount } }` },
      { type: 'Int', caller: 'department', op: 'departmentInbox(first: $v) { totalCount }' },
      { type: 'Int', caller: 'reader', op: county('endedRecords(first: $v) { totalCount }') },
      { type: 'Int', caller: 'reader', op: village('deregisteredResidents(first: $v) { totalCount }') },
    ],
    version: [
      { type: 'Int!', caller: 'writer', op: 'updatePerson(id: "PERSON", version: $v, input: { name: "坏输入" }) { __typename }', mutation: true },
      { type: 'Int!', caller: 'writer', op: 'acceptDispute(id: "DISPUTE", version: $v) { __typename }', mutation: true },
    ],
    int: [
      { type: 'Int', caller: 'reader', op: village('residents(first: 1, filter: { minAge: $v }) { totalCount }') },
      {
        type: 'Int!',
        caller: 'writer',
        op: `setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: "${WRITE_COUNTY}", year: $v, target: 0.9) { __typename }`,
        mutation: true,
      },
    ],
    float: [
      {
        type: 'Float!',
        caller: 'writer',
        op: `setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: "${WRITE_COUNTY}", year: 2026, target: $v) { __typename }`,
        mutation: true,
      },
    ],
    text: [
      { type: 'String!', caller: 'writer', op: 'recordMediation(id: "DISPUTE", version: VERSION, note: $v) { __typename }', mutation: true },
      { type: 'String!', caller: 'writer', op: 'assignDispute(id: "DISPUTE", version: VERSION, assignee: $v) { __typename }', mutation: true },
      { type: 'String!', caller: 'writer', op: 'escalateDispute(id: "DISPUTE", version: VERSION, reason: $v) { __typename }', mutation: true },
      {
        type: 'String!',
        caller: 'writer',
        op: `moveDisputeToGrid(id: "DISPUTE", version: VERSION, gridCode: "${W_GRID}", reason: $v) { __typename }`,
        mutation: true,
      },
      { type: 'String!', caller: 'writer', op: `registerAddress(input: { gridCode: "${W_GRID}", number: $v, text: "坏输入" }) { __typename }`, mutation: true },
      {
        type: 'String!',
        caller: 'writer',
        op: `registerPerson(input: { name: $v, ethnicity: "汉族", residency: REGISTERED, gridCode: "${W_GRID}" }) { __typename }`,
        mutation: true,
      },
    ],
    optionalText: [
      { type: 'String', caller: 'reader', op: village('residents(first: 1, filter: { name: $v }) { totalCount }') },
      { type: 'String', caller: 'reader', op: 'auditLog(subject: $v) { totalCount }' },
      { type: 'String', caller: 'reader', op: village('residents(first: 1, filter: { namePrefix: $v }) { totalCount }') },
      { type: 'String', caller: 'reader', op: village('residents(first: 1, filter: { phone: $v }) { totalCount }') },
      { type: 'String', caller: 'writer', op: 'acceptDispute(id: "DISPUTE", version: VERSION, note: $v) { __typename }', mutation: true },
    ],
    code: [
      { type: 'String!', caller: 'reader', op: 'county(code: $v) { name }' },
      { type: 'String!', caller: 'reader', op: 'township(code: $v) { name }' },
      { type: 'String!', caller: 'reader', op: 'village(code: $v) { name }' },
      { type: 'String!', caller: 'reader', op: 'grid(code: $v) { name }' },
      {
        type: 'String!',
        caller: 'writer',
        op: 'moveDisputeToGrid(id: "DISPUTE", version: VERSION, gridCode: $v, reason: "坏输入") { __typename }',
        mutation: true,
      },
      { type: 'String!', caller: 'reader', op: 'region(code: $v) { name }' },
      { type: 'String!', caller: 'reader', op: 'counties(within: $v) { code }' },
      { type: 'String!', caller: 'reader', op: 'townships(within: $v) { code }' },
      { type: 'String!', caller: 'reader', op: 'villages(within: $v) { code }' },
      { type: 'String!', caller: 'reader', op: 'grids(within: $v) { totalCount }' },
      { type: 'String', caller: 'reader', op: 'changes(within: $v) { pageInfo { endCursor } }', absent: '' },
      { type: 'String!', caller: 'reader', op: 'assessmentTargets(within: $v) { totalCount }' },
    ],
    gridCode: [
      {
        type: 'String!',
        caller: 'writer',
        op: 'registerPerson(input: { name: "坏输入", ethnicity: "汉族", residency: REGISTERED, gridCode: $v }) { __typename }',
        mutation: true,
      },
      {
        type: 'String!',
        caller: 'writer',
        op: 'reportDispute(idempotencyKey: "KEY", input: { gridCode: $v, category: NEIGHBOUR, scale: ORDINARY, source: HOTLINE, summary: "坏输入", parties: [{ name: "甲", role: APPLICANT }] }) { __typename }',
        mutation: true,
      },
    ],
    date: [
      { type: 'Date', caller: 'reader', op: county('patrolStats(from: $v, to: "2026-09-30") { patrols }') },
      { type: 'Date', caller: 'reader', op: county('disputeStats(from: "2025-10-01", to: $v) { reported }') },
      { type: 'Date!', caller: 'reader', op: village('patrols(from: $v, to: "2026-09-30") { totalCount }') },
      { type: 'Date', caller: 'reader', op: 'auditLog(from: $v) { totalCount }' },
      { type: 'Date', caller: 'reader', op: county('endedRecords(from: $v) { totalCount }') },
      { type: 'Date', caller: 'reader', op: village('deregisteredResidents(to: $v) { totalCount }') },
      { type: 'Date', caller: 'reader', op: county('disputes(filter: { from: $v }) { totalCount }') },
      {
        type: 'Date',
        caller: 'writer',
        op: `registerPerson(input: { name: "坏输入", ethnicity: "汉族", residency: REGISTERED, gridCode: "${W_GRID}", birthDate: $v, gender: MALE }) { __typename }`,
        mutation: true,
      },
    ],
    dateTime: [
      {
        type: 'DateTime!',
        caller: 'writer',
        op: 'recordPatrol(input: { teamId: "TEAM", startedAt: $v, endedAt: "2026-09-30T10:00:00+08:00", participantIds: [] }) { __typename }',
        mutation: true,
      },
      {
        type: 'DateTime',
        caller: 'writer',
        op: `reportDispute(idempotencyKey: "KEY", input: ${disputeInput(', occurredAt: $v')}) { __typename }`,
        mutation: true,
      },
    ],
    period: [
      { type: 'String', caller: 'reader', op: county('disputeStats(period: $v) { reported }') },
      { type: 'String', caller: 'reader', op: county('patrolStats(period: $v) { patrols }') },
      { type: 'String', caller: 'reader', op: county('dispatchStats(period: $v) { dispatched }') },
      { type: 'String', caller: 'reader', op: county('assessment(period: $v) { indicator }') },
      { type: 'String', caller: 'reader', op: `township(code: "${TOWNSHIP}") { dispatchStats(period: $v) { dispatched } }` },
      { type: 'String', caller: 'reader', op: village('disputeStats(period: $v) { reported }') },
    ],
    enum: [
      { type: '[PersonTag!]', caller: 'reader', op: village('residents(first: 1, filter: { tags: $v }) { totalCount }') },
      { type: 'Residency', caller: 'reader', op: village('residents(first: 1, filter: { residency: $v }) { totalCount }') },
      { type: '[ChangeKind!]', caller: 'reader', op: 'changes(kinds: $v) { pageInfo { endCursor } }' },
      { type: '[CountyCaseStatus!]', caller: 'reader', op: county('caseInbox(status: $v) { totalCount }') },
      { type: 'HazardStatus', caller: 'reader', op: village('hazards(status: $v) { totalCount }') },
      { type: 'HazardOrder', caller: 'reader', op: county('hazards(orderBy: $v) { totalCount }') },
      { type: 'ChangeKind', caller: 'reader', op: village('endedRecords(kind: $v) { totalCount }') },
      { type: 'DeregistrationReason', caller: 'reader', op: county('deregisteredResidents(reason: $v) { totalCount }') },
      { type: 'DisputeCategory', caller: 'reader', op: county('disputes(filter: { category: $v }) { totalCount }') },
      {
        type: 'AssessmentIndicator!',
        caller: 'writer',
        op: `setAssessmentTarget(indicator: $v, divisionCode: "${WRITE_COUNTY}", year: 2026, target: 0.9) { __typename }`,
        mutation: true,
      },
      { type: '[PersonTag!]!', caller: 'writer', op: 'tagPerson(id: "PERSON", tags: $v) { __typename }', mutation: true },
    ],
    cursor: [
      { type: 'String', caller: 'reader', op: village('residents(first: 1, after: $v) { totalCount }') },
      { type: 'String', caller: 'reader', op: village('households(first: 1, after: $v) { totalCount }') },
      { type: 'String', caller: 'reader', op: 'grids(within: "623021", first: 1, after: $v) { totalCount }' },
      { type: 'String', caller: 'reader', op: 'changes(first: 1, after: $v) { pageInfo { endCursor } }' },
      { type: 'String', caller: 'reader', op: 'auditLog(first: 1, after: $v) { totalCount }' },
      { type: 'String', caller: 'reader', op: county('caseInbox(first: 1, after: $v) { totalCount }') },
      { type: 'String', caller: 'reader', op: county('disputes(first: 1, after: $v) { totalCount }') },
      { type: 'String', caller: 'reader', op: county('hazards(orderBy: DUE_FIRST, first: 1, after: $v) { totalCount }') },
      { type: 'String', caller: 'reader', op: `township(code: "${TOWNSHIP}") { hazards(orderBy: NEWEST_FIRST, first: 1, after: $v) { totalCount } }` },
      { type: 'String', caller: 'reader', op: `township(code: "${TOWNSHIP}") { disputes(first: 1, after: $v) { totalCount } }` },
      { type: 'String', caller: 'reader', op: `township(code: "${TOWNSHIP}") { dispatches(first: 1, after: $v) { totalCount } }` },
      { type: 'String', caller: 'department', op: 'departmentInbox(first: 1, after: $v) { totalCount }' },
      { type: 'String', caller: 'reader', op: 'assessmentTargets(within: "623021", first: 1, after: $v) { totalCount }' },
      { type: 'String', caller: 'reader', op: village('endedRecords(first: 1, after: $v) { totalCount }') },
      { type: 'String', caller: 'reader', op: `township(code: "${TOWNSHIP}") { deregisteredResidents(first: 1, after: $v) { totalCount } }` },
    ],
    idNumber: [
      { type: 'String!', caller: 'reader', op: 'personByIdNumber(idNumber: $v) { __typename }' },
      { type: 'String', caller: 'reader', op: village('residents(first: 1, filter: { idNumber: $v }) { totalCount }'), absent: '' },
      {
        type: 'String',
        caller: 'writer',
        op: `registerPerson(input: { name: "坏输入", idNumber: $v, ethnicity: "汉族", residency: REGISTERED, gridCode: "${W_GRID}" }) { __typename }`,
        mutation: true,
      },
    ],
    idempotencyKey: [{ type: 'String!', caller: 'writer', op: `reportDispute(idempotencyKey: $v, input: ${disputeInput()}) { __typename }`, mutation: true }],
  };
  // The writing places reach a real record of 卓尼县, so what is checked is the bad value, not a missing record.
  const bind = (op: string, i: number) =>
    op
      .replaceAll('"PERSON"', `"${ids.person}"`)
      .replaceAll('"DISPUTE"', `"${ids.dispute}"`)
      .replaceAll('VERSION', String(ids.disputeVersion))
      .replaceAll('"TEAM"', `"${ids.team}"`)
      .replaceAll('"KEY"', `"corpus-${Date.now()}-${i}"`);
  const cases: Case[] = [];
  for (const [kind, slots] of Object.entries(SLOTS)) {
    for (const slot of slots) {
      for (const value of VALUES[kind]!.filter((v) => !('absent' in slot) || v !== slot.absent)) {
        const i = cases.length;
        const query = `${slot.mutation ? 'mutation' : 'query'}($v: ${slot.type}) { ${bind(slot.op, i)} }`;
        const shown = typeof value === 'string' && value.length > 40 ? `${value.slice(0, 12)}…(${value.length})` : json(value);
        cases.push(graphql(`${kind}: ${slot.op.slice(0, 60)} ← ${shown}`, { query, variables: { v: value } }, slot.caller));
      }
    }
  }
  return cases;
}

function graphql(name: string, body: unknown, caller: Caller = 'reader', headers: Record<string, string> = {}): Case {
  return {
    name,
    path: '/graphql',
    caller,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : json(body),
  };
}

// ---------------------------------------------------------------- GraphQL documents and requests

function documentCases(): Case[] {
  const nest = (n: number) => `{${'a{'.repeat(n)}b${'}'.repeat(n)}}`;
  const nestedList = (n: number) => `{ county(code: ${'['.repeat(n)}"623021"${']'.repeat(n)}) { name } }`;
  const nestedObject = (n: number) => `{ county(code: ${'{a:'.repeat(n)}1${'}'.repeat(n)}) { name } }`;
  const fragments = (n: number) =>
    `{ ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1}` : '__typename'} }`).join(' ')}`;
  const deepSelection = (n: number) => `{ county(code: "623021") { ${'townships { county { '.repeat(n)}name${' } }'.repeat(n)} } }`;
  const q = (query: string, extra: Record<string, unknown> = {}) => ({ query, ...extra });
  return [
    graphql('an unclosed brace', q('{ county(code: "623021") { name ')),
    graphql('a NUL in the query text', q(`{ county(code: "623021") { name ${NUL} } }`)),
    graphql('an escaped NUL in a string literal', q('{ county(code: "623021\\u0000") { name } }')),
    graphql('an escaped NUL in a nested input literal', q(`{ village(code: "${VILLAGE}") { residents(filter: { name: "a\\u0000" }) { totalCount } } }`)),
    graphql('a NUL in an object key of a variable', { query: 'query($f: ResidentFilter) { __typename }', variables: { f: { [`name${NUL}`]: 'a' } } }),
    graphql('a NUL in an unused variable', { query: '{ __typename }', variables: { x: `a${NUL}` } }),
    graphql('a NUL in operationName', { query: 'query A { __typename }', operationName: `A${NUL}` }),
    graphql('more than 10,000 tokens', q(`{${' a'.repeat(10_001)} }`)),
    graphql('a 5,000-deep nesting', q(nest(5000))),
    graphql('a 3,000-deep nesting', q(nest(3000))),
    graphql('a 4,900-deep list literal', q(nestedList(4900))),
    graphql('a 2,400-deep object literal', q(nestedObject(2400))),
    graphql('a 100-deep nesting (past any bracket limit, under the token limit)', q(nest(100))),
    graphql('a chain of 1,000 fragments', q(fragments(1000))),
    graphql('a fragment cycle', q('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }')),
    graphql('selections 13 deep', q(deepSelection(6))),
    graphql('51 aliases', q(`{ ${Array.from({ length: 51 }, (_, i) => `a${i}: provinces { code }`).join(' ')} }`)),
    graphql('21 directives', q(`{ __typename ${'@include(if: true) '.repeat(21)}}`)),
    graphql('a fan-out past the cost limit', q('{ grids(within: "62", first: 500) { nodes { code village { residents(first: 500) { nodes { name } } } } } }')),
    graphql('a fan-out past the cost limit, its page sizes in variables', {
      query: 'query($n: Int, $m: Int) { grids(within: "62", first: $n) { nodes { code village { residents(first: $m) { nodes { name } } } } } }',
      variables: { n: 500, m: 500 },
    }),
    graphql('an unknown field', q('{ nope }')),
    graphql('an unknown argument', q('{ county(code: "623021", nope: 1) { name } }')),
    graphql('a missing required argument', q('{ county { name } }')),
    graphql('a literal of the wrong type', q('{ county(code: 623021) { name } }')),
    graphql('an Int literal past 32 bits', q(`{ village(code: "${VILLAGE}") { residents(first: 99999999999) { totalCount } } }`)),
    graphql(
      'a Float literal of 1e309',
      q(`mutation { setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: "${WRITE_COUNTY}", year: 2026, target: 1e309) { target } }`),
      'writer',
    ),
    graphql(
      'a Float literal of -1e309',
      q(`mutation { setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: "${WRITE_COUNTY}", year: 2026, target: -1e309) { target } }`),
      'writer',
    ),
    graphql(
      'a Float variable of 1e309',
      `{"query":"mutation($t: Float!) { setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: \\"${WRITE_COUNTY}\\", year: 2026, target: $t) { target } }","variables":{"t":1e309}}`,
      'writer',
    ),
    graphql('a Float default of 1e309', q(`query($t: Float = 1e309) { county(code: "623021") { name } }`)),
    graphql(
      'an Int variable of 1e309',
      `{"query":"query($n: Int) { village(code: \\"${VILLAGE}\\") { residents(first: $n) { totalCount } } }","variables":{"n":1e309}}`,
    ),
    graphql('an undeclared variable', q('{ county(code: $c) { name } }')),
    graphql('a variable of an unknown type', q('query($c: Nope) { county(code: $c) { name } }')),
    graphql('a required variable left out', q('query($c: String!) { county(code: $c) { name } }')),
    graphql('variables as a string', { query: '{ __typename }', variables: 'x' }),
    graphql('variables as an array', { query: '{ __typename }', variables: [1] }),
    graphql(
      'a variable nested 30,000 deep',
      `{"query":"query($f: ResidentFilter) { __typename }","variables":{"f":{"name":${'['.repeat(30_000)}1${']'.repeat(30_000)}}}}`,
    ),
    graphql('query as a number', { query: 1 }),
    graphql('query as an object', { query: { a: 1 } }),
    graphql('no query', { variables: {} }),
    graphql('an empty query', q('')),
    graphql('an unknown operationName', q('query A { __typename }', { operationName: 'X' })),
    graphql('an operationName of 10 kB', q('query A { __typename }', { operationName: 'A'.repeat(10_000) })),
    graphql('two operations and no operationName', q('query A { __typename } query B { __typename }')),
    graphql('a subscription', q('subscription { county(code: "623021") { name } }')),
    graphql('extensions as a string', { query: '{ __typename }', extensions: 'x' }),
    graphql('a persisted query it does not have', { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    graphql('a persisted query whose hash is not its text’s', { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }),
    graphql('a batch', [{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    graphql('a body that is not JSON', '{ "query": '),
    graphql('an empty body', ''),
    graphql('a body over 100 kB', json({ query: `{ __typename } #${'x'.repeat(110_000)}` })),
    graphql('a JSON body sent as text/plain', q('{ __typename }'), 'reader', { 'content-type': 'text/plain' }),
    graphql('a form body', 'query=%7B__typename%7D', 'reader', { 'content-type': 'application/x-www-form-urlencoded' }),
    // A simple cross-site GET: no token and no header a browser would preflight (with a token, a GET query is answered).
    { name: 'GET without a token or a preflight header', path: `/graphql?query=${encodeURIComponent('{ __typename }')}`, caller: 'none', method: 'GET' },
    {
      name: 'a mutation over GET',
      path: `/graphql?query=${encodeURIComponent('mutation { closeDispute(id: "x", version: 1) { id } }')}`,
      caller: 'writer',
      method: 'GET',
      headers: { 'apollo-require-preflight': 'true' },
    },
    {
      name: 'a NUL in a GET query parameter',
      path: `/graphql?query=${encodeURIComponent(`{ county(code: "623021${NUL}") { name } }`)}`,
      caller: 'reader',
      method: 'GET',
    },
    {
      name: 'a PUT',
      path: '/graphql',
      caller: 'reader',
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: json({ query: '{ __typename }' }),
    },
    { name: 'a DELETE', path: '/graphql', caller: 'reader', method: 'DELETE' },
    // Callers
    graphql('no token', q('{ __typename }'), 'none'),
    graphql('a token signed by another key', q('{ __typename }'), 'forged'),
    graphql('a Basic authorization', q('{ __typename }'), 'none', { authorization: 'Basic dXNlcjpwYXNz' }),
    graphql('a bare Bearer', q('{ __typename }'), 'none', { authorization: 'Bearer' }),
    graphql('a token that is not a JWT', q('{ __typename }'), 'none', { authorization: 'Bearer not.a.jwt' }),
    graphql('a 6 kB token', q('{ __typename }'), 'none', { authorization: `Bearer ${'a'.repeat(6000)}` }),
    graphql('a report-only caller reading records', q(`{ village(code: "${VILLAGE}") { residents(first: 1) { totalCount } } }`), 'reporter'),
    graphql('a reader outside its jurisdiction', q(`{ village(code: "${W_VILLAGE}") { residents(first: 1) { totalCount } } }`), 'reader'),
    graphql('a reader writing', q(`mutation { acceptDispute(id: "${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}", version: 1) { id } }`), 'reader'),
    // Headers
    graphql('headers over the server limit', q('{ __typename }'), 'reader', { 'x-request-id': 'x'.repeat(40_000) }),
  ];
}

// ---------------------------------------------------------------- Routes: reports, exports, the change feed

function routeCases(): Case[] {
  const get = (name: string, path: string, caller: Caller = 'reader', headers: Record<string, string> = {}): Case => ({
    name,
    path,
    caller,
    method: 'GET',
    headers,
  });
  const cases: Case[] = [];
  // CSV reports (gateway/src/reports.ts)
  for (const [report, format] of ['population', 'forces', 'patrols', 'disputes'].flatMap((r) => [r, r].map((x, i) => [x, i ? 'xlsx' : 'csv'] as const))) {
    const base = `/reports/${report}.${format}`;
    const period = report === 'patrols' || report === 'disputes' ? '&period=2026' : '';
    for (const [what, query] of [
      ['no level', `within=${COUNTY}${period}`],
      ['an unknown level', `within=${COUNTY}&level=province${period}`],
      ['an upper-case level', `within=${COUNTY}&level=VILLAGE${period}`],
      ['no within', `level=village${period}`],
      ['within not a code', `within=abc&level=village${period}`],
      ['within of one digit', `within=6&level=village${period}`],
      ['within of 16 digits', `within=${'6'.repeat(16)}&level=village${period}`],
      ['within below the level', `within=${VILLAGE}&level=county${period}`],
      ['within outside the jurisdiction', `within=${WRITE_COUNTY}&level=village${period}`],
      ['a NUL in within', `within=${COUNTY}%00&level=village${period}`],
      ['a 20 kB within', `within=${'6'.repeat(20_000)}&level=village${period}`],
    ] as const) {
      cases.push(get(`report ${report}.${format}: ${what}`, `${base}?${query}`));
    }
    if (period) {
      for (const [what, query] of [
        ['no period', ''],
        ['period 2026Q5', '&period=2026Q5'],
        ['period 0000', '&period=0000'],
        ['period 2101', '&period=2101'],
        ['a 30 February', '&from=2026-02-30&to=2026-03-01'],
        ['from after to', '&from=2026-09-30&to=2026-01-01'],
        ['from alone', '&from=2026-01-01'],
        ['from of year 1', '&from=0001-01-01&to=0001-12-31'],
        ['a NUL in period', '&period=2026%00'],
      ] as const) {
        cases.push(get(`report ${report}.${format}: ${what}`, `${base}?within=${COUNTY}&level=village${query}`));
      }
    }
  }
  cases.push(
    get('report: an unknown report', `/reports/secrets.csv?within=${COUNTY}&level=village`),
    get('report: a PDF report', `/reports/population.pdf?within=${COUNTY}&level=village`),
    { name: 'report: a POST', path: `/reports/population.csv?within=${COUNTY}&level=village`, caller: 'reader', method: 'POST', body: 'x' },
    get('report: no token', `/reports/population.csv?within=${COUNTY}&level=village`, 'none'),
    get('report: a forged token', `/reports/population.csv?within=${COUNTY}&level=village`, 'forged'),
    // Every route refuses a parameter it does not read, or one given twice, rather than answering without it.
    get('report: a misspelt parameter', `/reports/population.csv?within=${COUNTY}&level=village&levle=county`),
    get('report: level twice', `/reports/population.csv?within=${COUNTY}&level=village&level=county`),
    get('report: a period for a report of none', `/reports/population.csv?within=${COUNTY}&level=village&period=2026`),
  );
  // Exports (subgraphs/village/src/export.ts through gateway/src/proxy.ts)
  for (const kind of EXPORT_KINDS) {
    for (const [what, query] of [
      ['no within', ''],
      ['within not a code', '?within=abc'],
      ['within of 16 digits', `?within=${'6'.repeat(16)}`],
      ['within outside the jurisdiction', `?within=${WRITE_COUNTY}`],
      ['a NUL in within', `?within=${COUNTY}%00`],
    ] as const) {
      cases.push(get(`export ${kind}: ${what}`, `/export/${kind}.csv${query}`));
    }
  }
  cases.push(
    get('export: an unknown kind', `/export/secrets.csv?within=${COUNTY}`),
    { name: 'export: a POST', path: `/export/residents.csv?within=${COUNTY}`, caller: 'reader', method: 'POST', body: 'x' },
    get('export: an unknown format', `/export/residents.xml?within=${COUNTY}`),
    get('export: a report-only caller', `/export/residents.ndjson?within=${COUNTY}`, 'reporter'),
    get('export: no token', `/export/residents.csv?within=${COUNTY}`, 'none'),
    get('export: a forged token', `/export/residents.csv?within=${COUNTY}`, 'forged'),
    get('export: headers over the server limit', `/export/residents.csv?within=${COUNTY}`, 'reader', { 'x-request-id': 'x'.repeat(40_000) }),
    get('export: a misspelt parameter', `/export/residents.csv?within=${COUNTY}&header=zh`),
    get('export: within twice', `/export/residents.csv?within=${COUNTY}&within=${WRITE_COUNTY}`),
  );
  // The change feed (subgraphs/village/src/feed.ts)
  for (const [what, query] of [
    ['a cursor that is not base64', 'after=!!!'],
    ['a cursor of another list', `after=${b64('k:2026-09-30T00:00:00Z|1')}`],
    ['a cursor past bigint', `after=${b64('k:9999999999999999999.1')}`],
    ['a cursor with a negative position', `after=${b64('k:-1.1')}`],
    ['a cursor of 20 kB', `after=${'x'.repeat(20_000)}`],
    ['an unknown kind', 'kinds=NOPE'],
    ['a lower-case kind', 'kinds=resident'],
    ['a NUL in kinds', 'kinds=RESIDENT%00'],
    ['within not a code', 'within=abc'],
    ['within outside the jurisdiction', `within=${WRITE_COUNTY}`],
    ['limit 0', 'limit=0'],
    ['limit -1', 'limit=-1'],
    ['limit abc', 'limit=abc'],
    ['limit past the maximum', 'limit=1000001'],
    ['limit 1.5', 'limit=1.5'],
    ['limit 1e309', 'limit=1e309'],
    ['an empty limit', 'limit='],
    ['limit 1e3', 'limit=1e3'],
    ['limit with a leading space', 'limit=%201'],
    ['an empty item in kinds', 'kinds=DISPUTE,,RESIDENT'],
    ['kinds twice', 'kinds=DISPUTE&kinds=RESIDENT'],
    ['a misspelt parameter', 'kind=DISPUTE'],
  ] as const) {
    cases.push(get(`changes: ${what}`, `/changes.ndjson?${query}`));
  }
  cases.push(
    get('changes: a report-only caller', '/changes.ndjson', 'reporter'),
    get('changes: no token', '/changes.ndjson', 'none'),
    get('an unknown path', '/nope'),
    get('a NUL in the path', '/export/residents%00.csv'),
    get('a path of 8 kB', `/${'a'.repeat(8000)}`),
  );
  return cases;
}

// ---------------------------------------------------------------- Imports: every kind × bad files

function importCases(): Case[] {
  const post = (name: string, path: string, body: string | Uint8Array, opts: Partial<Case> = {}): Case => ({
    name,
    path,
    caller: 'writer',
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=utf-8', ...opts.headers },
    body,
    ...(opts.expect ? { expect: opts.expect } : {}),
    ...(opts.caller ? { caller: opts.caller } : {}),
  });
  const cases: Case[] = [];
  for (const [kind, def] of Object.entries(IMPORT_KINDS)) {
    const path = `/import/${kind}?job=corpus-${kind}-${Date.now()}`;
    const header = def.columns.join(',');
    const row = (value: (column: string, i: number) => string) => def.columns.map(value).join(',');
    const rejects = { expect: 'rejects' as const };
    cases.push(
      post(`import ${kind}: an empty file`, path, ''),
      post(`import ${kind}: an unknown column`, path, `${header},shoe_size\n`),
      // A column that names no record alone (an id does: a row changing a record by id needs no other column).
      post(`import ${kind}: required columns missing`, path, `${def.columns.find((c) => c !== 'id')}\n${'x'}\n`),
      post(`import ${kind}: a NUL in the header`, path, `${def.columns[0]}${NUL},${def.columns.slice(1).join(',')}\n`),
      post(`import ${kind}: a row of garbage`, path, `${header}\n${row(() => 'x')}\n`, rejects),
      post(`import ${kind}: a row with too many fields`, path, `${header}\n${row(() => 'x')},extra,extra\n`, rejects),
      post(`import ${kind}: a NUL in the key field`, path, `${header}\n${row((c, i) => (i === 0 ? `${W_GRID}${NUL}` : 'x'))}\n`, rejects),
      post(`import ${kind}: a NUL in every field`, path, `${header}\n${row(() => `a${NUL}b`)}\n`, rejects),
      post(`import ${kind}: an unclosed quote`, path, `${header}\n"${row(() => 'x')}\n`),
      post(`import ${kind}: a field of 200 kB`, path, `${header}\n${row((c, i) => (i === 1 ? 'x'.repeat(200_000) : 'x'))}\n`, rejects),
      post(`import ${kind}: GB18030 bytes sent as UTF-8`, `${path}&encoding=utf-8`, iconv.encode(`${header}\n${row(() => '张三')}\n`, 'gb18030')),
      post(`import ${kind}: UTF-16 with a BOM`, path, iconv.encode(`${header}\n${row(() => 'x')}\n`, 'utf-16le', { addBOM: true })),
      post(`import ${kind}: Latin-1 bytes`, `${path}&encoding=utf-8`, iconv.encode(`${header}\n${row(() => 'café')}\n`, 'latin1')),
      post(`import ${kind}: NDJSON that is not JSON`, `${path}&format=ndjson`, '{"a":\n', {
        headers: { 'content-type': 'application/x-ndjson' },
        expect: 'rejects',
      }),
      post(`import ${kind}: NDJSON with a NUL`, `${path}&format=ndjson`, `${json(Object.fromEntries(def.columns.map((c) => [c, `a${NUL}`])))}\n`, {
        headers: { 'content-type': 'application/x-ndjson' },
        expect: 'rejects',
      }),
    );
  }
  const path = '/import/residents';
  cases.push(
    post('import: an unknown kind', '/import/spaceships', 'a\n'),
    post('import: format xml', `${path}?format=xml`, 'a\n'),
    post('import: encoding latin1', `${path}?encoding=latin1`, 'a\n'),
    post('import: batch 0', `${path}?batch=0`, 'a\n'),
    post('import: batch abc', `${path}?batch=abc`, 'a\n'),
    post('import: a job id with spaces', `${path}?job=bad%20job!`, 'a\n'),
    post('import: a job id of 200 characters', `${path}?job=${'j'.repeat(200)}`, 'a\n'),
    post('import: a NUL in the job id', `${path}?job=a%00`, 'a\n'),
    // A file that would be written: a misspelt dry run must not write it.
    post('import: a misspelt dryRun', `${path}?dryrun=true`, 'id,phone\n'),
    post('import: job twice', `${path}?job=a&job=b`, 'id,phone\n'),
    post('import: a read-only caller', path, 'id_number\n', { caller: 'readOnly' }),
    post('import: no token', path, 'id_number\n', { caller: 'none' }),
    post('import: an x-hub-format header of 7 kB', path, 'id_number\n', { headers: { 'x-hub-format': 'x'.repeat(7000) } }),
    { name: 'import: a GET', path, caller: 'writer', method: 'GET' },
  );
  return cases;
}

// ---------------------------------------------------------------- Running a case

async function run(c: Case): Promise<Outcome> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.caller !== 'none' && headers.authorization === undefined) headers.authorization = `Bearer ${tokens[c.caller]}`;
  let status: number;
  let text: string;
  try {
    const body = c.body === undefined || typeof c.body === 'string' ? c.body : new Uint8Array(c.body);
    const res = await fetch(new URL(c.path, hub.gatewayUrl), { method: c.method ?? 'GET', headers, body, signal: AbortSignal.timeout(120_000) });
    status = res.status;
    text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  } catch (e) {
    return { name: c.name, status: 0, codes: [], typed: false, leak: null, problem: `no answer: ${e instanceof Error ? e.message : String(e)}` };
  }
  const leak = LEAK.exec(text)?.[0] ?? null;
  const codes: string[] = [];
  const lines: { type?: string; inserted?: number; updated?: number; code?: string }[] = [];
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
    for (const e of body.errors ?? []) codes.push(String(e.extensions?.code ?? 'NONE'));
  } catch {
    for (const line of text.split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as (typeof lines)[number]);
      } catch {
        /* not NDJSON either: judged by its status */
      }
    }
    for (const l of lines) if (l.type === 'reject') codes.push('REJECTED');
    for (const l of lines) if (l.type === 'error') codes.push(String(l.code));
  }
  const problems: string[] = [];
  if (status >= 500 || status === 0) problems.push(`HTTP ${status}`);
  if (leak) problems.push(`leaks "${leak}"`);
  let typed: boolean;
  if (c.expect === 'rejects' && status === 200) {
    const done = lines.at(-1);
    typed = codes.length > 0 && codes.every((x) => x === 'REJECTED') && done?.type === 'done' && done.inserted === 0 && done.updated === 0;
    if (!typed) problems.push(`import answer ${text.slice(0, 300)}`);
  } else {
    typed = codes.length > 0 && codes.every((x) => TYPED.has(x)) && (status >= 400 || c.path.startsWith('/graphql'));
    if (!typed) problems.push(`untyped: HTTP ${status}, codes [${codes.join(', ')}], ${text.slice(0, 300)}`);
  }
  return { name: c.name, status, codes, typed, leak, problem: problems.length ? problems.join('; ') : null };
}

async function runAll(cases: Case[], width: number): Promise<Outcome[]> {
  const out: Outcome[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < cases.length; i = next++) out[i] = await run(cases[i]!);
    }),
  );
  return out;
}

const tally = { cases: 0, typed: 0, fiveXX: 0, leaks: 0 };
const count = (outcomes: Outcome[]) => {
  tally.cases += outcomes.length;
  tally.typed += outcomes.filter((o) => o.typed).length;
  tally.fiveXX += outcomes.filter((o) => o.status >= 500).length;
  tally.leaks += outcomes.filter((o) => o.leak).length;
};
const failures = (outcomes: Outcome[]) => outcomes.filter((o) => o.problem).map((o) => `${o.name}: ${o.problem}`);

describe('the bad-input corpus', () => {
  it('every GraphQL argument type gets a typed error, no 5xx and no internal text', async () => {
    const cases = argumentCases();
    // Each place is valid against the API schema, so what is refused is the value sent, not the query around it.
    const api = buildSchema(readFileSync(new URL('../schema/api.graphql', import.meta.url), 'utf8'));
    const invalid = [...new Set(cases.map((c) => (JSON.parse(String(c.body)) as { query: string }).query))].flatMap((q) =>
      validate(api, parse(q)).map((e) => `${q}: ${e.message}`),
    );
    expect(invalid).toEqual([]);
    const outcomes = await runAll(cases, 4);
    count(outcomes);
    expect(outcomes.length).toBeGreaterThan(300);
    expect(failures(outcomes)).toEqual([]);
  }, 600_000);

  it('every malformed GraphQL document or request gets a typed error', async () => {
    const outcomes = await runAll(documentCases(), 2);
    count(outcomes);
    expect(failures(outcomes)).toEqual([]);
  }, 300_000);

  it('every route (reports, exports, the change feed) answers bad parameters with a typed 4xx', async () => {
    const outcomes = await runAll(routeCases(), 4);
    count(outcomes);
    expect(failures(outcomes)).toEqual([]);
  }, 300_000);

  it('every import kind refuses bad files with a typed 4xx, and bad rows line by line without writing them', async () => {
    const outcomes = await runAll(importCases(), 1);
    count(outcomes);
    expect(failures(outcomes)).toEqual([]);
  }, 600_000);
});

describe('the probes of issue 17', () => {
  it('an x-request-id of 7 kB is replaced by a fresh id: GraphQL and /export answer as usual', async () => {
    const headers = { authorization: `Bearer ${tokens.reader}`, 'x-request-id': 'x'.repeat(7000) };
    const r = await fetch(hub.gatewayUrl, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: json({ query: `{ county(code: "${COUNTY}") { name } village(code: "${VILLAGE}") { residents(first: 1) { totalCount } } }` }),
    });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: { county: { name: string }; village: { residents: { totalCount: number } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.county.name).toBe('临潭县');
    const csv = await fetch(new URL(`/export/addresses.csv?within=${VILLAGE}`, hub.gatewayUrl), { headers });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n').length).toBeGreaterThan(1);
    tally.cases += 2;
  });

  it('the documented maximum of the change feed, changes(first: 1000) with every field of every record kind, fits the cost limit', async () => {
    interface TypeRef {
      kind: string;
      name: string | null;
      ofType: TypeRef | null;
    }
    const schema = await hub.query<{ __type: { possibleTypes: { name: string; fields: { name: string; args: unknown[]; type: TypeRef }[] }[] } }>(
      '{ __type(name: "ChangedRecord") { possibleTypes { name fields { name args { name } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }',
    );
    const leaf = (t: TypeRef): boolean => (t.ofType ? leaf(t.ofType) : t.kind === 'SCALAR' || t.kind === 'ENUM');
    const typeName = (t: TypeRef): string => (t.ofType ? `${t.kind}(${typeName(t.ofType)})` : String(t.name));
    const members = schema.data!.__type.possibleTypes.map((p) => ({ name: p.name, fields: p.fields.filter((f) => f.args.length === 0 && leaf(f.type)) }));
    // A field name with different types in two kinds (a hazard's and a dispute's `status`) needs an alias in one selection.
    const types = new Map<string, Set<string>>();
    for (const m of members) for (const f of m.fields) types.set(f.name, (types.get(f.name) ?? new Set()).add(typeName(f.type)));
    const record = members
      .map((m) => `... on ${m.name} { ${m.fields.map((f) => (types.get(f.name)!.size > 1 ? `${m.name}_${f.name}: ${f.name}` : f.name)).join(' ')} }`)
      .join(' ');
    const query = `{ changes(first: 1000) { pageInfo { endCursor hasNextPage } nodes { cursor kind op recordId version statusFrom statusTo at village { code name } grid { code name } record { __typename ${record} } } } }`;
    const r = await hub.queryAs(tokens.reader, query);
    expect(r.errors).toBeUndefined();
    expect(r.data).toHaveProperty('changes');
    // And it is the documented maximum: one more is refused, as bad input rather than by the cost limit.
    const over = await hub.queryAs(tokens.reader, query.replace('first: 1000', 'first: 1001'));
    expect(over.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    tally.cases += 2;
    tally.typed += 1;
  });

  it('reportDispute with an idempotency key used in another county reports a separate case there; one used elsewhere in the same county is a CONFLICT that reveals nothing', async () => {
    await loadDirectory(inject('dbs'), [OTHER_COUNTY]);
    const prefecture = await hub.token({ jurisdiction: '6230', scopes: ['read', 'write'] });
    const report = (token: string, grid: string, key: string) =>
      hub.queryAs<{ reportDispute: { id: string; caseNumber: string } }>(
        token,
        `mutation($k: String!, $g: String!) { reportDispute(idempotencyKey: $k, input: { gridCode: $g, category: NEIGHBOUR, scale: ORDINARY, source: HOTLINE,
           summary: "同一幂等键", parties: [{ name: "甲", role: APPLICANT }] }) { id caseNumber } }`,
        { k: key, g: grid },
      );
    const key = `corpus-shared-${Date.now()}`;
    const first = await report(prefecture, W_GRID, key);
    expect(first.errors).toBeUndefined();
    const other = await hub.query<{ county: { townships: { villages: { grids: { code: string }[] }[] }[] } }>(
      `{ county(code: "${OTHER_COUNTY}") { townships { villages { grids { code } } } } }`,
    );
    const otherGrid = other.data!.county.townships[0]!.villages[0]!.grids[0]!.code;
    const second = await report(prefecture, otherGrid, key);
    expect(second.errors).toBeUndefined();
    expect(second.data!.reportDispute.id).not.toBe(first.data!.reportDispute.id);
    expect(second.data!.reportDispute.caseNumber.startsWith(`${OTHER_COUNTY}-`)).toBe(true);
    // The same request again is the same case (idempotent) in each county.
    expect((await report(prefecture, otherGrid, key)).data!.reportDispute.id).toBe(second.data!.reportDispute.id);
    // Two village centres of one county: the second cannot see the first's case, so it cannot be answered with it.
    const [a, b] = [`${W_TOWNSHIP}201`, `${W_TOWNSHIP}202`];
    const villageA = await hub.token({ jurisdiction: a, scopes: ['read', 'write'], subject: 'corpus-a' });
    const villageB = await hub.token({ jurisdiction: b, scopes: ['read', 'write'], subject: 'corpus-b' });
    const local = `corpus-local-${Date.now()}`;
    expect((await report(villageA, `${a}001`, local)).errors).toBeUndefined();
    const clash = await report(villageB, `${b}001`, local);
    expect(clash.errors?.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
    expect(JSON.stringify(clash)).not.toMatch(new RegExp(`${a}|${LEAK.source}`));
    tally.cases += 2;
    tally.typed += 1;
  });
});

describe('after the corpus', () => {
  it('every service is healthy and a normal query works', async () => {
    for (const name of SUBGRAPHS) {
      const res = await fetch(new URL('/health', hub.subgraphs[name].url));
      expect(res.status, name).toBe(200);
    }
    expect((await fetch(new URL('/health', hub.gatewayUrl))).status).toBe(200);
    const r = await hub.queryAs<{ county: { name: string; townships: { code: string }[] } }>(
      tokens.reader,
      `{ county(code: "${COUNTY}") { name townships { code } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.county.name).toBe('临潭县');
    expect(r.data!.county.townships.length).toBe(16);
    console.log(`bad-input corpus: ${tally.cases} cases, ${tally.typed} typed, ${tally.fiveXX} with HTTP 5xx, ${tally.leaks} leaking internal text`);
    expect(tally.fiveXX).toBe(0);
    expect(tally.leaks).toBe(0);
  }, 60_000);
});
