import { generateKeyPairSync } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildSchema, execute, Kind, parse, type DocumentNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { contentCoding, gzipOptions } from '../platform/http.ts';
import { selectsAny } from '../platform/selection.ts';
import { ancestorCode, levelOf, parseDivisionCode, townshipKind, villageKind } from '../domain/codes.ts';
import { parseSettings, SettingsError } from '../platform/settings.ts';
import { ENGLISH_EXTENSION } from '../domain/errors.ts';
import { gridCounts, shortVillageName } from '../domain/divisions.ts';
import { DateScalar, DateTimeScalar, parseFileDay, parseFileInstant, parseId } from '../platform/scalars.ts';
import { ETHNIC_GROUPS, parseEthnicity } from '../domain/ethnicity.ts';
import { rateOf } from '../app/src/format.ts';
import * as APP_QUERIES from '../app/src/queries.ts';
import { MAX_COST, queryCost } from '../gateway/src/limits.ts';
import { noteZh, stepName } from '../app/src/labels.ts';

/** The hub error `fn` throws. */
function thrownBy(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphQLError) return e;
    throw e;
  }
  throw new Error('nothing was thrown');
}
/** The English text of the hub error `fn` throws; its message is the Chinese one (domain/errors.ts). */
function english(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const en = (e as { extensions?: Record<string, unknown> }).extensions?.[ENGLISH_EXTENSION];
    if (typeof en === 'string') return en;
    throw e;
  }
  throw new Error('expected an error');
}

describe('division codes', () => {
  it('knows the level of each code length', () => {
    expect(['62', '6230', '623021', '623021200', '623021200201', '623021200201001'].map(levelOf)).toEqual([
      'PROVINCE',
      'PREFECTURE',
      'COUNTY',
      'TOWNSHIP',
      'VILLAGE',
      'GRID',
    ]);
    expect(levelOf('6230211')).toBeUndefined();
    expect(levelOf('62a021')).toBeUndefined();
    expect(ancestorCode('623021200201', 'COUNTY')).toBe('623021');
    expect(ancestorCode('62', 'COUNTY')).toBeUndefined();
  });

  it('reads township and village kinds from the code segments', () => {
    expect(['623021001', '623021100', '623021200', '623021399', '623021400'].map(townshipKind)).toEqual([
      'SUBDISTRICT',
      'TOWN',
      'TOWNSHIP',
      'TOWNSHIP',
      'OTHER',
    ]);
    expect(['623021100001', '623021100199', '623021200201', '623021200400'].map(villageKind)).toEqual(['COMMUNITY', 'COMMUNITY', 'VILLAGE', 'OTHER']);
  });

  it('explains the format when a code is malformed, in Chinese (the message) and English', () => {
    // Full-width digits (a Chinese input method's) are the digits they stand for, in a code and a record id alike.
    expect(parseDivisionCode('６２３０２１', 'within')).toBe('623021');
    expect(parseId('１８４０６６')).toBe(184066);
    expect(disputeId('１ＡＦ５７ｅ７３－０ｂ１ｃ－４ｄ２ｅ－８ｆ３ａ－４ｂ５ｃ６ｄ７ｅ８ｆ９０')).toBe('1af57e73-0b1c-4d2e-8f3a-4b5c6d7e8f90');
    expect(() => parseDivisionCode('12345', 'within')).toThrow(/区划代码只含数字/);
    expect(english(() => parseDivisionCode('12345', 'within'))).toMatch(/digits only/);
    try {
      parseDivisionCode('abc', 'code', ['COUNTY']);
    } catch (e) {
      expect((e as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    }
    // The levels a field takes, listed as Chinese lists them.
    expect(() => parseDivisionCode('6230221', 'divisionCode', ['PROVINCE', 'PREFECTURE', 'COUNTY'])).toThrow(
      /^divisionCode 应为 2 位省级代码、4 位市（州）级代码或 6 位县级代码，收到的是“6230221”/,
    );
    // A well-formed code of another level is named as one, without the help on what a code looks like.
    expect(() => parseDivisionCode('62', 'code', ['COUNTY'])).toThrow(/^code 应为 6 位县级代码，收到的是 2 位省级代码“62”。$/);
    expect(english(() => parseDivisionCode('623021104204001', 'within', ['COUNTY', 'TOWNSHIP', 'VILLAGE']))).toBe(
      'within must be a 6-digit county or 9-digit township or 12-digit village code; got the 15-digit grid code "623021104204001".',
    );
  });
});

describe('demo grids', () => {
  it('gives 临潭县 770 grids over its 147 villages, deterministically', () => {
    const villages = Array.from({ length: 147 }, (_, i) => `623021${String(100 + (i % 16)).padStart(3, '0')}${String(i).padStart(3, '0')}`);
    const a = gridCounts(villages);
    const b = gridCounts([...villages].reverse());
    expect([...a.values()].reduce((s, n) => s + n, 0)).toBe(770);
    expect(a).toEqual(b);
    for (const n of a.values()) expect([5, 6]).toContain(n);
  });

  it('shortens committee names for grid labels', () => {
    expect(shortVillageName('鹿儿台村村民委员会')).toBe('鹿儿台村');
    expect(shortVillageName('东环路社区居民委员会')).toBe('东环路社区');
    // The village's own 村 merged into its committee's name.
    expect(shortVillageName('秦关村民委员会')).toBe('秦关村');
    expect(shortVillageName('口子下村民委员会')).toBe('口子下村');
    expect(shortVillageName('城关居民委员会')).toBe('城关社区');
    expect(shortVillageName('某某牧场')).toBe('某某牧场');
  });
});

describe('Date and DateTime say why a value is refused (platform/scalars.ts)', () => {
  it('tells a day that does not exist from a year out of range and from a value of the wrong form', () => {
    expect(english(() => DateScalar.parseValue('2026-02-30'))).toBe('"2026-02-30" is not a real date (there is no such month or day).');
    expect(english(() => DateScalar.parseValue('2999-01-01'))).toBe('"2999-01-01": the year is outside 1900–2100.');
    expect(english(() => DateScalar.parseValue('2026-1-1'))).toBe('"2026-1-1" is not a date in the form YYYY-MM-DD; write e.g. "2026-09-30".');
    expect(english(() => DateTimeScalar.parseValue('2026-02-30T08:00:00+08:00'))).toContain('is not a real date');
    expect(english(() => DateTimeScalar.parseValue('2026-11-29T08:00:00'))).toContain('is not an ISO 8601 date-time with an offset');
    expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
  });

  it('reads a file’s times as spreadsheets and PostgreSQL write them, a time without an offset in China time', () => {
    const at = (v: string) => parseFileInstant(v, 'occurred_at').toISOString();
    expect(at('2026-01-21 10:11:13.596+08')).toBe('2026-01-21T02:11:13.596Z');
    expect(at('2026-01-21T10:11:13+08:00')).toBe('2026-01-21T02:11:13.000Z');
    expect(at('2026-01-21 10:11')).toBe('2026-01-21T02:11:00.000Z');
    expect(at('2026/1/21 10:11:00')).toBe('2026-01-21T02:11:00.000Z');
    expect(at('2026-01-21')).toBe('2026-01-20T16:00:00.000Z');
    expect(at('2026-01-21T02:11:13Z')).toBe('2026-01-21T02:11:13.000Z');
    expect(english(() => parseFileInstant('21/01/2026', 'occurred_at'))).toMatch(/^occurred_at "21\/01\/2026" is not a date-time/);
    expect(english(() => parseFileInstant('2026-02-30 08:00', 'occurred_at'))).toBe(
      'occurred_at "2026-02-30 08:00" is not a real date (there is no such month or day).',
    );
    expect(english(() => parseFileDay('1880-03-07', 'birth_date'))).toBe('birth_date "1880-03-07": the year is outside 1900–2100.');
    expect(parseFileDay('1980/3/7', 'birth_date')).toBe('1980-03-07');
    // A Chinese spreadsheet's long date and the dotted form, as people type them.
    expect(parseFileDay('2001年3月5日', 'birth_date')).toBe('2001-03-05');
    expect(parseFileDay(' 2001 年 03 月 05 日 ', 'birth_date')).toBe('2001-03-05');
    expect(parseFileDay('2001.3.5', 'birth_date')).toBe('2001-03-05');
    expect(english(() => parseFileDay('2001年2月30日', 'birth_date'))).toMatch(/is not a real date/);
    expect(english(() => parseFileDay('2001年3月', 'birth_date'))).toMatch(/is not a date/);
    expect(english(() => parseFileDay('19800307', 'birth_date'))).toMatch(/^birth_date "19800307" is not a date/);
  });
});

describe('民族 (GB/T 3304)', () => {
  it('keeps the 56 groups and the two other entries, takes a name without its 族, and refuses anything else', () => {
    expect(ETHNIC_GROUPS).toHaveLength(58);
    expect(new Set(ETHNIC_GROUPS).size).toBe(58);
    expect(parseEthnicity(' 藏族 ', 'ethnicity')).toBe('藏族');
    expect(parseEthnicity('汉', 'ethnicity')).toBe('汉族');
    expect(parseEthnicity('蒙古', 'ethnicity')).toBe('蒙古族');
    expect(parseEthnicity('其他', 'ethnicity')).toBe('其他');
    for (const bad of ['火星族', 'Han', '姹夋棌', '']) {
      expect(english(() => parseEthnicity(bad, 'ethnicity'))).toMatch(/^ethnicity ".*" is not an ethnic group named in GB\/T 3304/);
    }
  });
});

describe('the analysis room’s wording (app/src)', () => {
  it('shows a rate with nothing to count it over as a dash, and step notes by their Chinese names', () => {
    expect(rateOf(0, 0)).toBe('—');
    expect(rateOf(0, 3)).toBe('0.0%');
    expect(rateOf(0.975, 40)).toBe('97.5%');
    expect(noteZh('GRID_INSPECTION: 两户因草场边界围栏发生争执')).toBe('网格巡查：两户因草场边界围栏发生争执');
    expect(noteZh('DISSATISFIED')).toBe('不满意');
    expect(noteZh('BASICALLY_SATISFIED')).toBe('基本满意');
    expect(noteZh('UNKNOWN_CODE: 原文')).toBe('UNKNOWN_CODE: 原文');
    expect(noteZh('请派员核实')).toBe('请派员核实');
  });

  it('names a return by the level the case goes back to, other steps by their own names', () => {
    expect(stepName('TOWNSHIP', 'RETURN')).toBe('退回村级');
    expect(stepName('COUNTY', 'RETURN')).toBe('退回乡镇');
    expect(stepName('COUNTY', 'ACCEPT')).toBe('受理');
  });
});

describe('query cost (gateway/src/limits.ts)', () => {
  const costOf = (doc: DocumentNode, variables: Record<string, unknown> = {}) => {
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return queryCost(op, doc, variables);
  };
  it('keeps every query of the analysis room inside the limit, and refuses pages fanned out under whole lists of divisions', () => {
    // The client preset writes each document as its text (a String object).
    const docs = Object.entries(APP_QUERIES).map(([name, d]) => [name, parse(String(d))] as const);
    const operations = docs.filter(([, d]) => d.definitions.some((x) => x.kind === Kind.OPERATION_DEFINITION));
    expect(operations.length).toBeGreaterThan(8);
    for (const [name, d] of operations) expect(costOf(d, { code: '623021200', from: '2026-01-01', to: '2026-12-01' }), name).toBeLessThan(MAX_COST / 2);
    const fan = parse('{ county(code: "623021") { townships { villages { residents(first: 500) { nodes { name household { members { name } } } } } } } }');
    expect(costOf(fan)).toBeGreaterThan(MAX_COST);
    // Statistics under whole lists are counted once each, as before: a county drill-down stays small.
    const drill = parse(
      '{ county(code: "623021") { townships { code population { residents } villages { code disputeStats(period: "2026") { reported } } } } }',
    );
    expect(costOf(drill)).toBeLessThan(200);
    // A county's villages listed by code pay for the county's villages, not ten: each with a page of residents is refused.
    const within = parse('query($c: String!) { villages(within: $c) { code residents(first: 500) { totalCount nodes { id name idNumber phone } } } }');
    expect(costOf(within, { c: '623021' })).toBeGreaterThan(MAX_COST);
    expect(costOf(within, { c: '623021200' })).toBeLessThan(MAX_COST);
    // A village's own code lists the village alone: its page of residents costs what one page does.
    expect(costOf(within, { c: '623021200201' })).toBe(
      costOf(parse('{ v: village(code: "623021200201") { code residents(first: 500) { totalCount nodes { id name idNumber phone } } } }')),
    );
    expect(costOf(parse('{ villages(within: "62") { code disputeStats(period: "2026") { reported } } }'))).toBeLessThan(200);
  });
  it('counts a page size passed as a variable once it could be one: a value no Int holds is left to the variables’ own check', () => {
    const page = parse('query($f: Int) { changes(first: $f) { nodes { cursor } } }');
    expect(costOf(page, { f: 1000 })).toBeGreaterThan(costOf(page, { f: 10 }));
    // 2^31 is no Int: execution refuses it (BAD_USER_INPUT), which a cost of billions must not pre-empt.
    expect(costOf(page, { f: 2_147_483_648 })).toBe(costOf(page, { f: 1 }));
  });
});

describe('settings', () => {
  it('uses the embedded database and default ports when nothing is set', () => {
    const s = parseSettings({});
    expect(s.embedded).toBe(true);
    expect(s.demoData).toBe(true);
    expect(s.gatewayPort).toBe(4000);
    expect(s.subgraphs.village.url).toBe('http://127.0.0.1:4003/graphql');
  });

  it('uses external databases when all three are set', () => {
    const s = parseSettings({
      COUNTY_DATABASE_URL: 'postgres://a/c',
      TOWNSHIP_DATABASE_URL: 'postgres://a/t',
      VILLAGE_DATABASE_URL: 'postgres://a/v',
      VILLAGE_MIGRATION_DATABASE_URL: 'postgres://owner@a/v',
    });
    expect(s.embedded).toBe(false);
    // Each owner's URL with the setting it came from, for a refusal to name.
    expect(s.subgraphs.county.database).toEqual({ url: 'postgres://a/c', migrationUrl: 'postgres://a/c', migrationSetting: 'COUNTY_DATABASE_URL' });
    expect(s.subgraphs.village.database!.migrationUrl).toBe('postgres://owner@a/v');
    expect(s.subgraphs.village.database!.migrationSetting).toBe('VILLAGE_MIGRATION_DATABASE_URL');
    // A server of real registers gets no demo counties from `npm start`, nor does production, unless asked.
    expect(s.demoData).toBe(false);
    expect(parseSettings({ NODE_ENV: 'production' }).demoData).toBe(false);
    expect(
      parseSettings({
        COUNTY_DATABASE_URL: 'postgres://a/c',
        TOWNSHIP_DATABASE_URL: 'postgres://a/t',
        VILLAGE_DATABASE_URL: 'postgres://a/v',
        HUB_DEMO_DATA: 'on',
      }).demoData,
    ).toBe(true);
    expect(parseSettings({ HUB_DEMO_DATA: 'off' }).demoData).toBe(false);
    // A smaller demo: some of the five seed counties, each once; anything else is refused at boot, naming the five.
    expect(parseSettings({}).demoCounties).toEqual(['623021', '632223', '510311', '440514', '513328']);
    expect(parseSettings({ HUB_DEMO_DATA: '623021, 510311,623021' })).toMatchObject({ demoData: true, demoCounties: ['623021', '510311'] });
    expect(() => parseSettings({ HUB_DEMO_DATA: '110101' })).toThrow(/HUB_DEMO_DATA: must be on, off, or some of the seed counties' codes.*623021, 632223/);
    expect(() => parseSettings({ HUB_DEMO_DATA: 'yes' })).toThrow(/HUB_DEMO_DATA/);
  });

  it('refuses at boot an OTLP endpoint that is not a URL, and a statement timeout out of range', () => {
    expect(() => parseSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(() => parseSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
    expect(() => parseSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).not.toThrow();
    expect(parseSettings({}).statementTimeoutSeconds).toBe(30);
    expect(parseSettings({ HUB_STATEMENT_TIMEOUT_SECONDS: '0' }).statementTimeoutSeconds).toBe(0);
    expect(() => parseSettings({ HUB_STATEMENT_TIMEOUT_SECONDS: '-1' })).toThrow(/HUB_STATEMENT_TIMEOUT_SECONDS/);
  });

  it('refuses a JWKS file that is not there at boot, with the other problems', () => {
    expect(() => parseSettings({ HUB_CALLER_JWKS_FILE: '/nonexistent/callers.jwks.json' })).toThrow(/HUB_CALLER_JWKS_FILE: must name a JWKS file that exists/);
  });

  it('refuses a migration URL without the database URLs beside it, which would migrate the embedded database instead', () => {
    expect(() => parseSettings({ VILLAGE_MIGRATION_DATABASE_URL: 'postgres://owner@a/v' })).toThrow(SettingsError);
    try {
      parseSettings({ VILLAGE_MIGRATION_DATABASE_URL: 'postgres://owner@a/v' });
    } catch (e) {
      expect((e as SettingsError).problems.join('\n')).toContain('VILLAGE_MIGRATION_DATABASE_URL is set without VILLAGE_DATABASE_URL');
    }
  });

  it('takes browser origins for CORS as Origin headers write them, none by default, and refuses * and paths', () => {
    expect(parseSettings({}).corsOrigins).toEqual([]);
    expect(parseSettings({ HUB_CORS_ORIGINS: 'http://localhost:5173, https://App.example.cn' }).corsOrigins).toEqual([
      'http://localhost:5173',
      'https://app.example.cn',
    ]);
    for (const bad of ['*', 'http://localhost:5173/', 'https://app.example.cn/path', 'localhost:5173', 'https://app.example.cn:443']) {
      expect(() => parseSettings({ HUB_CORS_ORIGINS: bad }), bad).toThrow(/HUB_CORS_ORIGINS/);
    }
  });

  it('names a rejected secret without quoting it, and a database URL without its password', () => {
    const secret = 'ThisIsMyRealProductionSecret123';
    try {
      parseSettings({
        HUB_EVENTS_SECRET: secret,
        HUB_METRICS_TOKEN: secret,
        HUB_ROUTER_SECRETS: secret,
        HUB_CALLER_PRIVATE_KEY: 'MC4CAQAwBQYDK2VwBCIEISECRET',
        COUNTY_DATABASE_URL: 'mysql://hub_app:S3cretPassw0rd@db/hub',
        HUB_DEMO_DATE: '2026-02-30',
      });
      expect.unreachable();
    } catch (e) {
      const problems = (e as SettingsError).problems.join('\n');
      for (const key of ['HUB_EVENTS_SECRET', 'HUB_METRICS_TOKEN', 'HUB_ROUTER_SECRETS', 'HUB_CALLER_PRIVATE_KEY', 'COUNTY_DATABASE_URL']) {
        expect(problems).toContain(key);
      }
      expect(problems).not.toMatch(/ThisIsMy|MC4CAQ|S3cretPassw0rd/);
      expect(problems).toContain('HUB_EVENTS_SECRET: must be at least 32 characters (got 31 characters, not shown)');
      expect(problems).toContain('HUB_ROUTER_SECRETS: every secret must be at least 32 characters (got 31 characters, not shown)');
      try {
        parseSettings({ HUB_ROUTER_SECRETS: `${'r'.repeat(40)},short` });
        expect.unreachable();
      } catch (e2) {
        // Each secret of the list by its own length, the short one told apart.
        expect((e2 as SettingsError).problems.join('\n')).toContain('(got 40, 5 characters, not shown)');
      }
      expect(problems).toContain('"mysql://hub_app:***@db/hub"');
      // 30 February is no date (Date.parse rolled it over to 2 March).
      expect(problems).toContain('HUB_DEMO_DATE: must be a real date');
    }
  });

  it('lists every problem at once, under a lead line in Chinese, then English', () => {
    try {
      parseSettings({ GATEWAY_PORT: '99999', COUNTY_PORT: '4000', VILLAGE_DATABASE_URL: 'http://x', NODE_ENV: 'prod' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsError);
      const problems = (e as SettingsError).problems.join('\n');
      expect(problems).toContain('GATEWAY_PORT');
      expect(problems).toContain('VILLAGE_DATABASE_URL');
      expect(problems).toContain('NODE_ENV');
      expect(problems).toContain('COUNTY_DATABASE_URL');
      expect((e as SettingsError).message).toMatch(/^设置有误（4 项）[^\n]*\nInvalid settings \(4 problems\)[^\n]*\n {2}- /);
    }
  });

  it('says each bad setting in Chinese first, then English, worded from the schema’s own constraints', () => {
    const lines = (env: Record<string, string>) => {
      try {
        parseSettings(env);
      } catch (e) {
        return (e as SettingsError).message.split('\n');
      }
      throw new Error('no SettingsError');
    };
    const said = lines({ GATEWAY_PORT: 'abc', HUB_LOG_LEVEL: 'loud', HUB_GATEWAY_WORKERS: '0', HUB_EVENTS_SECRET: 'short', COUNTY_URL: 'x' });
    // Each problem is a Chinese line naming the setting, what it takes and what came, then its English.
    const pair = (zh: string, en: string) => {
      const i = said.indexOf(`  - ${zh}`);
      expect(i, said.join('\n')).toBeGreaterThan(1);
      expect(said[i + 1]).toBe(`    ${en}`);
    };
    pair('GATEWAY_PORT 应为 0–65535 的端口号，收到“abc”', 'GATEWAY_PORT: must be a port number from 0 to 65535 (got "abc")');
    pair('HUB_LOG_LEVEL 应为 debug、info、warn、error 之一，收到“loud”', 'HUB_LOG_LEVEL: must be one of debug, info, warn, error (got "loud")');
    pair('HUB_GATEWAY_WORKERS 应为 1–64 的整数，收到“0”', 'HUB_GATEWAY_WORKERS: must be an integer from 1 to 64 (got "0")');
    pair('HUB_EVENTS_SECRET 应至少 32 个字符，收到 5 个字符，不显示', 'HUB_EVENTS_SECRET: must be at least 32 characters (got 5 characters, not shown)');
    pair('COUNTY_URL 应为以 http:// 或 https:// 开头的地址，收到“x”', 'COUNTY_URL: must be an http:// or https:// URL (got "x")');
    // Every problem of every setting: none is left in zod's English alone, the warnings' and the lookup quota's included.
    const every = lines({
      ...Object.fromEntries(
        Object.keys(process.env)
          .filter((k) => /^(HUB|GATEWAY|COUNTY|TOWNSHIP|VILLAGE)_/.test(k))
          .map((k) => [k, '']),
      ),
      HUB_RISK_SURGE_FACTOR: 'x',
      HUB_LOOKUPS_PER_DAY: '0',
      HUB_COUNTY_WORKERS: '1.5',
      NODE_ENV: 'prod',
      HUB_DEMO_DATE: '2026-02-30',
      HUB_ROUTER_SECRETS: 'short',
      HUB_CORS_ORIGINS: '*',
      VILLAGE_DATABASE_URL: 'mysql://x',
      HUB_CALLER_JWKS_FILE: '/nonexistent.json',
    });
    const problems = every.filter((l) => l.startsWith('  - '));
    expect(problems.length).toBeGreaterThanOrEqual(10);
    for (const p of problems) expect(p, every.join('\n')).toMatch(/[\u4e00-\u9fff]/);
    expect(every.join('\n')).not.toMatch(/Invalid input|Too small|Too big|Invalid option/);
    expect(lines({ HUB_RISK_REPEAT_DAYS: '0' })).toContain('  - HUB_RISK_REPEAT_DAYS 应为 1–366 的整数，收到“0”');
  });

  it('refuses HUB_PG_PORT on a service’s port, which the embedded PostgreSQL would hold first', () => {
    for (const key of ['GATEWAY_PORT', 'COUNTY_PORT', 'TOWNSHIP_PORT', 'VILLAGE_PORT']) {
      expect(() => parseSettings({ HUB_PG_PORT: '4100', [key]: '4100' }), key).toThrow(
        `HUB_PG_PORT must differ from GATEWAY_PORT, COUNTY_PORT, TOWNSHIP_PORT and VILLAGE_PORT (it is ${key}'s 4100)`,
      );
    }
    // The defaults' 4001, as the probe set it.
    expect(() => parseSettings({ HUB_PG_PORT: '4001' })).toThrow(/HUB_PG_PORT must differ/);
    // External databases leave HUB_PG_PORT unused; port 0 is any free port, never a clash.
    const external = { COUNTY_DATABASE_URL: 'postgres://a/c', TOWNSHIP_DATABASE_URL: 'postgres://a/t', VILLAGE_DATABASE_URL: 'postgres://a/v' };
    expect(parseSettings({ ...external, HUB_PG_PORT: '4001' }).embeddedPgPort).toBe(4001);
    expect(parseSettings({ HUB_PG_PORT: '0', GATEWAY_PORT: '0' }).embeddedPgPort).toBe(0);
  });

  it('refuses caller keys in settings that are no Ed25519 keys, naming the setting', () => {
    const damaged = (kind: string) => `-----BEGIN ${kind} KEY-----\ngarbage\n-----END ${kind} KEY-----\n`;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    for (const [env, said] of [
      [{ HUB_CALLER_PUBLIC_KEY: damaged('PUBLIC') }, 'HUB_CALLER_PUBLIC_KEY: cannot be read as a public key'],
      [{ HUB_CALLER_PRIVATE_KEY: damaged('PRIVATE') }, 'HUB_CALLER_PRIVATE_KEY: cannot be read as a private key'],
      [
        { HUB_CALLER_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
        'HUB_CALLER_PUBLIC_KEY: is not an Ed25519 key (its type: rsa)',
      ],
    ] as const) {
      expect(() => parseSettings(env)).toThrow(said);
    }
    const ed = generateKeyPairSync('ed25519');
    const good = parseSettings({
      HUB_CALLER_PUBLIC_KEY: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      HUB_CALLER_PRIVATE_KEY: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    expect(good.keys.callerPublicKey).toContain('BEGIN PUBLIC KEY');
  });
});

import { makeCitizenId, maskIdNumber, maskPhone, nthCitizenId, parseCitizenId, parsePhone } from '../domain/citizen-id.ts';
import { chinaDay } from '../domain/china-day.ts';

describe('citizen ID numbers (GB 11643)', () => {
  it('accepts a valid number and reads sex and birth date from it', () => {
    // Check character of 11010519491231002: weights give sum mod 11 = 10 → X.
    expect(parseCitizenId('11010519491231002X')).toEqual({ idNumber: '11010519491231002X', addressCode: '110105', birthDate: '1949-12-31', gender: 'FEMALE' });
    expect(parseCitizenId('11010519491231002x').idNumber).toBe('11010519491231002X');
    // Typed full-width by a Chinese input method, it is the same number.
    expect(parseCitizenId('１１０１０５１９４９１２３１００２Ｘ').idNumber).toBe('11010519491231002X');
    expect(parseCitizenId(' １１０１０５１９４９１２３１００２ｘ ').idNumber).toBe('11010519491231002X');
    // Written in groups, or kept as text in a spreadsheet by a leading apostrophe or as a formula (a CSV saved for Excel).
    for (const written of [
      '110105 19491231 002X',
      '110105　19491231　002x',
      "'11010519491231002X",
      '="11010519491231002X"',
      ' = "11010519491231002x" ',
      '＝＂１１０１０５１９４９１２３１００２Ｘ＂',
    ])
      expect(parseCitizenId(written).idNumber, written).toBe('11010519491231002X');
  });

  it.each([
    ['110105194912310021', 'check character', 'idNumberCheckCharacter'],
    ['11010519900230002X', 'not a real date', 'idNumberBirthDate'],
    ['1101051949123100', '18 characters', 'idNumberLength'],
    ['11010519491231A02X', 'digits', 'idNumberCharacters'],
    ['000000194912310021', 'address code', 'idNumberAddressCode'],
    ['990105194912310021', 'no province', 'idNumberProvince'],
    ['1.10105E+17', 'scientific notation', 'idNumberAsNumber'],
    ['6.23021E17', 'scientific notation', 'idNumberAsNumber'],
    ['110105********002X', 'masked', 'maskedValue'],
  ])('refuses %s (%s), naming the rule by a stable key', (id, words, rule) => {
    expect(english(() => parseCitizenId(id))).toContain(words);
    expect(thrownBy(() => parseCitizenId(id)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'idNumber', rule });
  });

  it('quotes back at most 40 characters of what was typed', () => {
    const e = thrownBy(() => parseCitizenId('1'.repeat(2_000_000)));
    expect(e.message.length).toBeLessThan(120);
    expect(e.message).toContain(`“${'1'.repeat(40)}…”`);
  });

  it('bounds the birth date by the day in China: a baby born just after midnight there is not born in the future', () => {
    const born = makeCitizenId('623021', '2026-12-05', 12);
    // 00:30 on 5 December in China is still 4 December in UTC.
    expect(parseCitizenId(born, new Date('2026-12-04T16:30:00Z')).birthDate).toBe('2026-12-05');
    expect(english(() => parseCitizenId(born, new Date('2026-12-04T15:30:00Z')))).toContain('out of range');
    expect(chinaDay(new Date('2026-12-04T16:30:00Z'))).toBe('2026-12-05');
    expect(chinaDay(Date.UTC(2026, 11, 4, 15, 59, 59))).toBe('2026-12-04');
    expect(chinaDay(Date.UTC(2026, 11, 4, 16))).toBe('2026-12-05');
  });

  it('takes mainland mobiles and landlines with their area code, and nothing shaped like neither', () => {
    for (const [raw, want] of [
      ['138 1234 5678', '13812345678'],
      ['010-6512-3456', '01065123456'],
      ['0931-8123456', '09318123456'],
      ['020 81234567', '02081234567'],
      ["'15012345678", '15012345678'],
      ['="15012345678"', '15012345678'],
      ['="0931-8123456"', '09318123456'],
    ])
      expect(parsePhone(raw!)).toBe(want);
    // An export taken without pii shows phones masked: said so, not "not a mobile".
    expect(english(() => parsePhone('185****5284'))).toContain('is masked (as shown without the pii scope), not a whole number');
    expect(english(() => parsePhone('1.54231E+10'))).toContain('was turned into a number (scientific notation)');
    // An ID number a spreadsheet rounded to 15 significant digits ends in 000: the refusal says what probably happened.
    expect(english(() => parseCitizenId('623021197308102000'))).toMatch(/check character .*rounded by a spreadsheet/);
    for (const raw of ['0000-0000000', '0931-1234567', '0123456789', '12345678901', '0931-812345'])
      expect(english(() => parsePhone(raw))).toContain('is not a mainland mobile');
    // What a spreadsheet does to a landline typed as a number: the 0 is gone, and the refusal says which number it was.
    expect(english(() => parsePhone('9412037872'))).toContain('is it 09412037872?');
    expect(english(() => parsePhone('09411989091'))).toContain('The local number after the area code starts with 2–9');
    expect(english(() => parsePhone('0931-812345'))).not.toContain('local number');
  });

  it('numbers a run of generated residents with distinct valid ID numbers whose sex and birth date agree (nthCitizenId)', () => {
    const seen = new Set<string>();
    // Around the turn of the 80 years of birth days, where the sequence moves on to its next pair.
    const days = 80 * 365;
    for (const n of [0, 1, 2, days - 2, days - 1, days, days + 1, 2 * days, 499 * days + days - 1]) {
      for (const male of [true, false]) {
        const { idNumber, birthDate } = nthCitizenId('659202', n, male);
        const parsed = parseCitizenId(idNumber);
        expect(parsed).toMatchObject({ addressCode: '659202', birthDate, gender: male ? 'MALE' : 'FEMALE' });
        seen.add(idNumber);
      }
    }
    expect(seen.size).toBe(18);
    expect(nthCitizenId('659202', 0, true)).toEqual({ idNumber: makeCitizenId('659202', '1940-01-01', 1), birthDate: '1940-01-01' });
  });

  it('masks ID numbers and phones', () => {
    expect(maskIdNumber('62302119900517123X')).toBe('623021************');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskIdNumber(null)).toBeNull();
  });
});

import { GraphQLError } from 'graphql';
import { configureLogs } from '../platform/log.ts';
import { makeFormatError } from '../platform/errors.ts';

import { disputeId, keyText, optStepNote, optText, personName, stepNote, text } from '../platform/validate.ts';
import { decodeCursor } from '../platform/pagination.ts';

describe('names and free text (platform/validate.ts)', () => {
  it('quotes a refused value cut between whole characters, never half an emoji (a strict UTF-8 client cannot read a lone surrogate)', () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const said = (fn: () => unknown): string[] => {
      try {
        fn();
      } catch (e) {
        const g = e as GraphQLError;
        return [g.message, String(g.extensions[ENGLISH_EXTENSION])];
      }
      throw new Error('not refused');
    };
    for (const message of [...said(() => personName(`=${'😀'.repeat(30)}`, 'parties.name')), ...said(() => decodeCursor(`a${'😀'.repeat(40)}`, 'dispute'))]) {
      expect(message).not.toMatch(lone);
      expect(message).toContain('😀');
    }
  });

  it('takes names as people write them, counting a rare character as one', () => {
    for (const n of ['王芳', '阿卜杜·热合曼', '买买提·艾力', 'Zhang San', "O'Neil", '李〇', '𠀀'.repeat(26)]) expect(personName(n, 'name')).toBe(n);
    expect(personName('  李四 ', 'name')).toBe('李四');
    // The look-alikes of the middle dot an input method may type are the register's ·.
    for (const dot of ['・', '•', '‧', '･', '﹒', '．', '⋅', '∙']) expect(personName(`阿卜杜${dot}热合曼`, 'name')).toBe('阿卜杜·热合曼');
  });

  it.each([
    ['a zero-width space alone', '\u200b'],
    ['a line break', '张\n三'],
    ['a direction override', '张\u202e三'],
    ['no letter at all', '123'],
    ['a spreadsheet formula', '=HYPERLINK("http://x","y")'],
    ['a leading minus', '-张三'],
    ['51 characters', '张'.repeat(51)],
    ['an emoji', '张😀'],
    ['an emoji of several code points', '张👨‍👩‍👧'],
    ['a symbol', '★李四'],
    ['a circled number', '赵①'],
  ])('refuses as a name %s', (_, n) => {
    expect(english(() => personName(n, 'name'))).toMatch(/^name /);
  });

  it('refuses free text of only spaces or invisible characters as blank, and keeps them within visible text', () => {
    for (const t of ['', '   ', '\u200b\u200b', '\u3000\u200d\n', '\ufeff', '\u00ad\u2060', '\u3164', '\u2800', '\u202e'])
      for (const check of [text, stepNote, keyText, personName])
        expect(
          english(() => check(t, 'summary')),
          JSON.stringify(t),
        ).toBe('summary must not be blank.');
    // An optional one is left out, as an empty box is.
    for (const t of ['\u200b', ' \u200b\t']) {
      expect(optText(t, 'note')).toBeNull();
      expect(optStepNote(t, 'note')).toBeNull();
    }
    for (const t of ['两户\u200b争执', '\u200b两户争执', '👨\u200d👩', '李\ufe0f']) expect(text(t, 'summary')).toBe(t);
  });

  it('keeps line breaks in free text but no direction override', () => {
    expect(text('第一行\n第二行', 'summary')).toBe('第一行\n第二行');
    expect(english(() => text('正常\u202e常正', 'summary'))).toContain('text-direction override');
  });

  it('refuses free text that a spreadsheet would run as a formula, but not a client’s own key', () => {
    for (const t of ['=HYPERLINK("http://x","y")两户争执', '+1 户', '-张三来访', '@SUM(1)'])
      expect(english(() => text(t, 'summary'))).toMatch(/^summary ".*" must not start with = \+ - @/);
    // Trimmed first: a tab or line break before the formula does not hide it.
    expect(english(() => text('\t=1+1', 'summary'))).toMatch(/must not start with/);
    expect(text('两户因草场边界争执 -1', 'summary')).toBe('两户因草场边界争执 -1');
    expect(keyText('-k7f3+9', 'idempotencyKey')).toBe('-k7f3+9');
  });

  it('takes a case step’s note written as a list, which no file carries, but no control character in it', () => {
    for (const t of ['- 已电话联系双方\n- 约定周三调解', '+1 补充：当事人已到场', '=见附件']) expect(stepNote(t, 'note')).toBe(t);
    expect(optStepNote('  ', 'note')).toBeNull();
    expect(english(() => stepNote('- 控制\u001b[31m红', 'note'))).toBe('note holds a control character (a bell, an escape, …), which is not stored.');
    expect(english(() => stepNote('x'.repeat(2001), 'note'))).toMatch(/^note must be 1–2000 characters/);
  });

  it('refuses control characters in free text but keeps tabs and line breaks', () => {
    for (const t of ['响铃\u0007测试', '控制\u001b[31m红', '删除\u007f', 'C1\u0085字符'])
      expect(
        english(() => text(t, 'summary')),
        JSON.stringify(t),
      ).toBe('summary holds a control character (a bell, an escape, …), which is not stored.');
    expect(text('第一行\r\n第二行\t列', 'summary')).toBe('第一行\n第二行\t列');
  });

  it('counts free text as people count it: an emoji or a rare character is one character', () => {
    expect(text('👍'.repeat(200), 'note', 200)).toHaveLength(400);
    expect(text('𠀀'.repeat(200), 'note', 200)).toHaveLength(400);
    expect(english(() => text('👍'.repeat(201), 'note', 200))).toBe('note must be 1–200 characters.');
    expect(english(() => text('张'.repeat(201), 'note', 200))).toBe('note must be 1–200 characters.');
  });
});

describe('error formatting', () => {
  it('masks internal errors in every mode with a correlation id that is logged', () => {
    const logged: string[] = [];
    configureLogs({ level: 'warn', destination: { write: (line: string) => logged.push(line) } });
    try {
      const format = makeFormatError('test');
      const out = format(
        { message: 'relation "secret_table" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
        new Error('boom'),
      );
      expect(out.message).not.toContain('secret_table');
      const id = out.extensions!.correlationId;
      expect(out.message).toContain(id);
      expect(JSON.stringify(out)).not.toContain('stacktrace');
      // One JSON line naming the id, with the error's text for the operator.
      expect(JSON.parse(logged[0]!)).toMatchObject({ level: 'error', msg: 'internal error', correlationId: id, err: { message: 'boom' } });
      const typed = format({ message: 'bad code', extensions: { code: 'BAD_USER_INPUT', stacktrace: ['at x'] } }, new GraphQLError('bad code'));
      expect(typed).toEqual({ message: 'bad code', extensions: { code: 'BAD_USER_INPUT' } });
    } finally {
      configureLogs({ level: 'warn' });
    }
  });
});

import { parsePeriodShorthand, periodBounds, previousPeriod, resolvePeriod, yearAgo } from '../domain/periods.ts';

describe('reporting periods', () => {
  it('reads year, quarter and month shorthands', () => {
    expect(parsePeriodShorthand('2026')).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
    expect(parsePeriodShorthand('2026Q3')).toMatchObject({ from: '2026-07-01', to: '2026-09-30' });
    expect(parsePeriodShorthand('202602')).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(parsePeriodShorthand('2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(english(() => parsePeriodShorthand('2026Q5'))).toMatch(/quarter/);
    expect(english(() => resolvePeriod({ from: '2026-01-01' }))).toMatch(/from and to/);
    expect(english(() => resolvePeriod({ period: '2026', from: '2026-01-01', to: '2026-02-01' }))).toMatch(/not both/);
  });

  it('refuses years no fact can have (0000, 0001, 9999) as bad input, before any date computation', () => {
    for (const period of ['0000', '0001Q1', '999912']) expect(english(() => parsePeriodShorthand(period))).toMatch(/outside 1900–2100/);
    // Not a period's shape at all: said so, not misquoted as the year 9999.
    expect(english(() => parsePeriodShorthand('99999'))).toMatch(/"99999" is not a year \(2026\), quarter/);
    expect(english(() => resolvePeriod({ from: '0001-01-01', to: '0001-12-31' }))).toMatch(/from: the year 0001/);
    expect(english(() => resolvePeriod({ from: '2026-01-01', to: '9999-12-31' }))).toMatch(/to: the year 9999/);
    expect(english(() => periodBounds('0000-01-01', '2026-01-01'))).toMatch(/outside/);
    expect(() => periodBounds('0000-01-01', '2026-01-01')).toThrow('年份 0000 不在 1900–2100 之间');
    expect(periodBounds('1900-01-01', '2100-12-31')).toEqual(['1899-12-31T16:00:00.000Z', '2100-12-31T16:00:00.000Z']);
    // A period of 1900 is asked for; the one before it, which early warnings compare with, lies in 1899.
    for (const period of ['1900', '1900Q1', '190001']) {
      const before = previousPeriod(resolvePeriod({ period }));
      expect(before.from.slice(0, 4)).toBe('1899');
      expect(periodBounds(before.from, before.to)[1]).toBe('1899-12-31T16:00:00.000Z');
    }
  });

  it('keeps a checked period for the same arguments, and checks any other shape every time', () => {
    const a = resolvePeriod({ from: '2026-01-01', to: '2026-03-31' });
    expect(resolvePeriod({ from: '2026-01-01', to: '2026-03-31' })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(resolvePeriod({ period: '2026Q1' })).toBe(resolvePeriod({ period: '2026Q1' }));
    expect(resolvePeriod({ period: '2026Q1' })).not.toBe(a);
    expect(english(() => resolvePeriod({ period: '', from: '2026-01-01', to: '2026-03-31' }))).toMatch(/not both/);
    expect(english(() => resolvePeriod({ from: '2026-03-31', to: '2026-01-01' }))).toMatch(/must not be after/);
    expect(english(() => resolvePeriod({ from: '2026-03-31', to: '2026-01-01' }))).toMatch(/must not be after/);
    // Ten years to the day, and the refusal names the latest day the period may end on.
    expect(resolvePeriod({ from: '2016-01-01', to: '2025-12-31' }).to).toBe('2025-12-31');
    expect(resolvePeriod({ from: '2016-12-07', to: '2026-12-06' }).from).toBe('2016-12-07');
    expect(english(() => resolvePeriod({ from: '2016-12-06', to: '2026-12-06' }))).toMatch(/at most ten years: from 2016-12-06, to may be 2026-12-05/);
    expect(() => resolvePeriod({ from: '2016-01-01', to: '2026-01-01' })).toThrow('统计期间最长为十年：from 为 2016-01-01 时，to 最晚为 2025-12-31。');
    expect(english(() => resolvePeriod({ from: '2016-02-29', to: '2026-03-01' }))).toMatch(/to may be 2026-02-28/);
    expect(resolvePeriod({ from: '2016-02-29', to: '2026-02-28' }).to).toBe('2026-02-28');
    // A period that has not begun has nothing to count: refused, not answered with zeros.
    const next = String(Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)) + 1);
    expect(english(() => resolvePeriod({ period: next }))).toMatch(/^The period .* has not begun \(today is \d{4}-\d{2}-\d{2}, Beijing time\)/);
    expect(() => resolvePeriod({ from: `${next}-01-01`, to: `${next}-01-31` })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ argument: 'from' }) }),
    );
    // A route's parameters come as typed: a day that does not exist, or another shape, names its argument.
    expect(() => resolvePeriod({ from: '2026-02-30', to: '2026-03-01' })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ argument: 'from' }) }),
    );
    expect(english(() => resolvePeriod({ from: '2026-02-01', to: '2026/03/01' }))).toMatch(/^to "2026\/03\/01" is not a real date/);
  });

  it('steps back to the previous period and to a year ago', () => {
    expect(previousPeriod(parsePeriodShorthand('2026Q1'))).toMatchObject({ from: '2025-10-01', to: '2025-12-31' });
    expect(previousPeriod(parsePeriodShorthand('202603'))).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriod({ from: '2026-03-10', to: '2026-03-19' })).toEqual({ from: '2026-02-28', to: '2026-03-09' });
    // Dates spanning whole months are those months: the month, quarter or year before, as the shorthand gives.
    expect(previousPeriod(resolvePeriod({ from: '2026-02-01', to: '2026-02-28' }))).toMatchObject({ from: '2026-01-01', to: '2026-01-31' });
    expect(previousPeriod(resolvePeriod({ from: '2025-01-01', to: '2025-12-31' }))).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    expect(previousPeriod(resolvePeriod({ from: '2026-04-01', to: '2026-06-30' }))).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    // A window from a month's first day (month-, quarter- or year-to-date) is compared with the same days of the
    // months before it touches, as the analysis room's running month is; a day the earlier month lacks is its last.
    expect(previousPeriod(resolvePeriod({ from: '2026-02-01', to: '2026-02-27' }))).toEqual({ from: '2026-01-01', to: '2026-01-27' });
    expect(previousPeriod(resolvePeriod({ from: '2026-12-01', to: '2026-12-05' }))).toEqual({ from: '2026-11-01', to: '2026-11-05' });
    expect(previousPeriod(resolvePeriod({ from: '2026-10-01', to: '2026-12-05' }))).toEqual({ from: '2026-07-01', to: '2026-09-05' });
    expect(previousPeriod(resolvePeriod({ from: '2026-01-01', to: '2026-12-05' }))).toEqual({ from: '2025-01-01', to: '2025-12-05' });
    expect(previousPeriod(resolvePeriod({ from: '2026-03-01', to: '2026-03-30' }))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriod(resolvePeriod({ from: '2024-03-01', to: '2024-03-30' }))).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    // A window from any other day keeps stepping back by its length.
    expect(previousPeriod(resolvePeriod({ from: '2026-02-02', to: '2026-02-28' }))).toEqual({ from: '2026-01-06', to: '2026-02-01' });
    expect(yearAgo(parsePeriodShorthand('2026Q3'))).toMatchObject({ from: '2025-07-01', to: '2025-09-30' });
    expect(yearAgo({ from: '2024-02-29', to: '2024-03-31' })).toEqual({ from: '2023-02-28', to: '2023-03-31' });
  });
});

import { decodeJwt } from 'jose';
import { authenticate } from '../gateway/src/authenticate.ts';
import { callerVerifier, generateKeyPairPem, importPrivateKey, importPublicKey, mintCallerToken } from '../platform/auth.ts';

describe('gateway authentication (verified tokens are remembered until they expire)', () => {
  it('accepts a token again from memory, refuses it once expired, and never under another key', async () => {
    const [a, b] = [await generateKeyPairPem(), await generateKeyPairPem()];
    const token = await mintCallerToken(await importPrivateKey(a.privateKey), { subject: 's', name: 'n', jurisdiction: '623021', scopes: ['read'], ttl: 3 });
    // exp is whole seconds: a ttl of 1 expires as soon as the clock ticks into the next second, which a busy machine does mid-test.
    const pubA = callerVerifier(await importPublicKey(a.publicKey), new Set<string>());
    const first = await authenticate(pubA, `Bearer ${token}`);
    expect(first.jurisdiction).toBe('623021');
    expect(await authenticate(pubA, `Bearer ${token}`)).toBe(first);
    await expect(authenticate(callerVerifier(await importPublicKey(b.publicKey), new Set<string>()), `Bearer ${token}`)).rejects.toMatchObject({
      status: 401,
      message: '令牌被拒绝：令牌不是本枢纽签发的。',
      said: { en: expect.stringContaining('not signed by this hub') },
    });
    await new Promise((r) => setTimeout(r, Number(decodeJwt(token).exp) * 1000 + 50 - Date.now()));
    await expect(authenticate(pubA, `Bearer ${token}`)).rejects.toMatchObject({ status: 401, said: { en: expect.stringContaining('expired') } });
  });

  it('honours a whole-country token (*) only for a subject the operator listed in HUB_NATIONAL_SUBJECTS; an empty jurisdiction is no token', async () => {
    const pair = await generateKeyPairPem();
    const signer = await importPrivateKey(pair.privateKey);
    const key = await importPublicKey(pair.publicKey);
    const national = (subject: string) => mintCallerToken(signer, { subject, name: 'n', jurisdiction: '*', scopes: ['read'], ttl: 60 });
    const granted = await authenticate(callerVerifier(key, new Set(['province-office'])), `Bearer ${await national('province-office')}`);
    expect(granted.jurisdiction).toBe('*');
    await expect(authenticate(callerVerifier(key, new Set(['province-office'])), `Bearer ${await national('someone-else')}`)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('HUB_NATIONAL_SUBJECTS'),
    });
    await expect(authenticate(callerVerifier(key, new Set()), `Bearer ${await national('province-office')}`)).rejects.toMatchObject({ status: 401 });
    await expect(mintCallerToken(signer, { subject: 's', name: 'n', jurisdiction: '', scopes: ['read'], ttl: 60 })).rejects.toThrow(/jurisdiction/);
  });
});

import { localizeError, localizeErrorBody, preferredLanguage } from '../platform/language.ts';

describe('message language (platform/language.ts)', () => {
  it('is English only when the language ranked highest is English, Chinese otherwise', () => {
    for (const h of ['en', 'EN', 'en-US', 'en-GB,en;q=0.9', 'zh;q=0.8, en', 'en;q=1.0, zh;q=1', 'fr;q=0.1, en-AU;q=0.2'])
      expect(preferredLanguage(h), h).toBe('en');
    for (const h of [
      undefined,
      null,
      '',
      '*',
      'zh',
      'zh-CN,zh;q=0.9,en;q=0.8',
      'zh-Hans-CN',
      'fr',
      'de, en;q=0.5',
      'en;q=0',
      'en;q=0.000, zh',
      'en;q=2',
      'english',
      ';;,,',
    ])
      expect(preferredLanguage(h), String(h)).toBe('zh');
  });

  it('picks one text of an error and drops the English copy', () => {
    const error = {
      message: '区划 623022 不在您的辖区内。',
      extensions: { code: 'FORBIDDEN', en: 'Division 623022 is outside your jurisdiction.', jurisdiction: '623021' },
    };
    expect(localizeError(error, 'zh')).toEqual({ message: '区划 623022 不在您的辖区内。', extensions: { code: 'FORBIDDEN', jurisdiction: '623021' } });
    expect(localizeError(error, 'en')).toEqual({
      message: 'Division 623022 is outside your jurisdiction.',
      extensions: { code: 'FORBIDDEN', jurisdiction: '623021' },
    });
  });

  it("puts a Chinese lead-in by code before GraphQL's own English, once, and leaves a subgraph's answer as it came", () => {
    const parse = { message: 'Syntax Error: Unexpected <EOF>.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    const zh = localizeError(parse, 'zh');
    expect(zh.message).toBe('查询语法错误：不应出现 <EOF>。Syntax Error: Unexpected <EOF>.');
    expect(localizeError(zh, 'zh')).toEqual(zh);
    expect(localizeError(parse, 'en')).toEqual(parse);
    expect(localizeError({ message: 'Something odd.', extensions: { code: 'SOMETHING_ELSE' } }, 'zh').message).toBe('请求出错：Something odd.');
    const fromSubgraph = { message: 'code 应为 12 位村（社区）级代码。', extensions: { code: 'BAD_USER_INPUT', serviceName: 'village' } };
    expect(localizeError(fromSubgraph, 'zh')).toEqual(fromSubgraph);
    expect(localizeErrorBody('{"errors":[{"message":"POST body missing.","extensions":{"code":"BAD_REQUEST"}}]}', 'zh')).toBe(
      '{"errors":[{"message":"请求无效：POST body missing.","extensions":{"code":"BAD_REQUEST"}}]}',
    );
    expect(localizeErrorBody('not json', 'zh')).toBe('not json');
  });

  it("says graphql-js refusals in Chinese before their English, with production's hidden suggestions too, and leaves others as they were", () => {
    const zh = (message: string, code = 'GRAPHQL_VALIDATION_FAILED') => localizeError({ message, extensions: { code } }, 'zh').message;
    expect(zh('Cannot query field "nmae" on type "County". [Suggestion hidden]')).toBe(
      '查询不符合接口定义：类型 County 没有字段“nmae”。Cannot query field "nmae" on type "County". [Suggestion hidden]',
    );
    expect(zh('Field "county" of type "County" must have a selection of subfields. [Suggestion hidden]')).toMatch(
      /^查询不符合接口定义：字段“county”的类型 County 是对象/,
    );
    expect(zh('Cannot query field "x" on type "Record". Did you mean to use an inline fragment on "Dispute" or "Hazard"?')).toBe(
      '查询不符合接口定义：类型 Record 没有字段“x”。是否要改用内联片段“... on Dispute”或“... on Hazard”？Cannot query field "x" on type "Record". Did you mean to use an inline fragment on "Dispute" or "Hazard"?',
    );
    expect(zh('Unknown argument "fist" on field "Village.residents". Did you mean "first", "after", or "filter"?')).toBe(
      '查询不符合接口定义：字段 Village.residents 没有参数“fist”。是否想写“first”、“after”或“filter”？Unknown argument "fist" on field "Village.residents". Did you mean "first", "after", or "filter"?',
    );
    expect(zh('Variable "$f" of non-null type "Date!" must not be null.', 'BAD_USER_INPUT')).toBe(
      '参数无效：变量 $f（类型 Date!）不能为 null。Variable "$f" of non-null type "Date!" must not be null.',
    );
    // A message the table does not know keeps its English alone behind the lead-in.
    expect(zh('There can be only one operation named "Q".')).toBe('查询不符合接口定义：There can be only one operation named "Q".');
    expect(
      localizeError({ message: 'Syntax Error: Unexpected "}".', locations: [{ line: 2, column: 7 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, 'zh')
        .message,
    ).toBe('查询语法错误：第 2 行第 7 列：不应出现 "}"。Syntax Error: Unexpected "}".');
  });
});

import { z } from 'zod';
import { col, numberedText, PARSED_BY_CALLER, parseRows, sql } from '../platform/sql.ts';

describe('prepared statement texts (platform/sql.ts)', () => {
  it('numbers ? in order, and passes lists whole so the text does not depend on their length', () => {
    expect(numberedText(`select * from t where a in (?) and b = ? and c && array[?]::text[] and d < ?`)).toEqual({
      text: 'select * from t where a = any($1) and b = $2 and c && $3::text[] and d < $4',
      lists: [true, false, true, false],
    });
    // Only "in (?)" as a whole is a list: a name that ends in "in" is not.
    expect(numberedText('select ? as origin, join_(?)').text).toBe('select $1 as origin, join_($2)');
  });
});

describe('rows of a declared statement (platform/sql.ts)', () => {
  const raw = () => [{ case_number: 'A-1', n__: '3', rn__: '1' }];
  it('parses each row into its declared type with camelCase keys, dropping columns it does not declare', () => {
    const st = sql('t.typed', z.object({ caseNumber: col.text, n: col.num.optional() }), 'select 1');
    expect(parseRows(st, raw())).toEqual([{ caseNumber: 'A-1' }]);
    expect(() => parseRows(st, [{ case_number: 7 }])).toThrow(/t\.typed: a row does not match its declared shape/);
  });
  it('hands rows a caller parses itself back as they came, with camelCase keys', () => {
    const st = sql('t.later', PARSED_BY_CALLER, 'select 1');
    expect(parseRows(st, raw())).toEqual([{ caseNumber: 'A-1', n__: '3', rn__: '1' }]);
  });
});

describe('gzip of answers (platform/http.ts)', () => {
  it('fits the window to the answer: small answers take little memory and compress as well as the defaults', () => {
    expect(gzipOptions(1_400)).toMatchObject({ level: 1, windowBits: 11 });
    expect(gzipOptions(10)).toMatchObject({ windowBits: 9 });
    expect(gzipOptions(5_000_000)).toMatchObject({ windowBits: 15, memLevel: 8 });
    for (const n of [1, 10, 100, 1_000, 20_000]) {
      const answer = Buffer.from(
        JSON.stringify(Array.from({ length: n }, (_, i) => ({ code: `62302120${i % 997}`, name: `第${i % 31}村`, n: (i * 37) % 900 }))),
      );
      const fitted = gzipSync(answer, gzipOptions(answer.length));
      expect(gunzipSync(fitted).equals(answer)).toBe(true);
      expect(fitted.length, `${answer.length} bytes`).toBeLessThanOrEqual(gzipSync(answer, { level: 1 }).length);
    }
  });
});

import { HeaderMap } from '@apollo/server';
import { reportCache } from '../gateway/src/report-cache.ts';
import type { Caller } from '../platform/caller.ts';

describe('report cache bounds (gateway/src/report-cache.ts)', () => {
  const caller: Caller = { subject: 'tool', name: 'tool', jurisdiction: '62', scopes: new Set(['report']) };
  // One request through the plugin's hooks, as Apollo Server calls them: whether its answer came from the cache.
  type Hooks = {
    responseForOperation(r: unknown): Promise<unknown>;
    willSendResponse(r: unknown): Promise<void>;
  };
  const ask = async (plugin: ReturnType<typeof reportCache>, query: string, data: Record<string, unknown>) => {
    const hooks = (await plugin.requestDidStart!({ contextValue: { caller } } as never)) as unknown as Hooks;
    const request = { query, http: { method: 'POST', headers: new HeaderMap(), search: '', body: undefined } };
    const kept = await hooks.responseForOperation({ request, operation: { operation: 'query' } });
    if (kept) return 'kept';
    await hooks.willSendResponse({ response: { body: { kind: 'single', singleResult: { data } } } });
    return 'computed';
  };
  const answer = (n: number) => ({ text: 'x'.repeat(n) });

  it('keeps answers up to a total size, dropping the least recently used first', async () => {
    const plugin = reportCache<{ caller: Caller }>({ seconds: 60, maxTotalBytes: 250 });
    expect(await ask(plugin, '{ a }', answer(100))).toBe('computed');
    expect(await ask(plugin, '{ b }', answer(100))).toBe('computed');
    expect(await ask(plugin, '{ a }', answer(100))).toBe('kept'); // a is now the most recently used
    expect(await ask(plugin, '{ c }', answer(100))).toBe('computed'); // over 250 bytes together: b goes
    expect(await ask(plugin, '{ a }', answer(100))).toBe('kept');
    expect(await ask(plugin, '{ c }', answer(100))).toBe('kept');
    expect(await ask(plugin, '{ b }', answer(100))).toBe('computed');
  });

  it('does not keep an answer larger than the limit for one, nor more answers than the count allows', async () => {
    const plugin = reportCache<{ caller: Caller }>({ seconds: 60, maxBytes: 150, maxEntries: 2 });
    expect(await ask(plugin, '{ big }', answer(200))).toBe('computed');
    expect(await ask(plugin, '{ big }', answer(200))).toBe('computed');
    for (const q of ['{ a }', '{ b }', '{ c }']) await ask(plugin, q, answer(10));
    expect(await ask(plugin, '{ a }', answer(10))).toBe('computed');
    expect(await ask(plugin, '{ c }', answer(10))).toBe('kept');
  });
});

describe('selected fields (platform/selection.ts)', () => {
  const schema = buildSchema(`type Query { s: S } type S { a: Int b: Int t: S }`);
  /** What `selectsAny(info, {b})` answered for each `s` the query resolved. */
  async function seen(query: string): Promise<boolean[]> {
    const answers: boolean[] = [];
    const result = await execute({
      schema,
      document: parse(query),
      rootValue: {
        s: (_: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
          answers.push(selectsAny(info, new Set(['b'])));
          return {};
        },
      },
    });
    expect(result.errors).toBeUndefined();
    return answers;
  }

  it('finds a field asked directly, in an inline fragment or in a named fragment, and only directly below', async () => {
    expect(await seen('{ s { a b } }')).toEqual([true]);
    expect(await seen('{ s { a ... on S { b } } }')).toEqual([true]);
    expect(await seen('{ s { ...F } } fragment F on S { a ...G } fragment G on S { b }')).toEqual([true]);
    expect(await seen('{ s { a t { b } } }')).toEqual([false]);
    expect(await seen('{ s { a ...F } } fragment F on S { a }')).toEqual([false]);
    expect(await seen('{ x: s { a } y: s { b } }')).toEqual([false, true]);
  });
});

describe('content coding of answers (platform/http.ts)', () => {
  it('prefers zstd, then gzip, honours q=0 and *, and sends nothing compressed when neither is acceptable', () => {
    expect(contentCoding('gzip, deflate, br, zstd')).toBe('zstd');
    expect(contentCoding('gzip')).toBe('gzip');
    expect(contentCoding('ZSTD;q=0.5, gzip;q=1')).toBe('zstd');
    expect(contentCoding('zstd;q=0, gzip')).toBe('gzip');
    expect(contentCoding('zstd; q=0 , gzip;q=0')).toBeUndefined();
    expect(contentCoding('*')).toBe('zstd');
    expect(contentCoding('*;q=0, gzip')).toBe('gzip');
    expect(contentCoding('br, deflate')).toBeUndefined();
    expect(contentCoding('identity')).toBeUndefined();
    expect(contentCoding(undefined)).toBeUndefined();
    expect(contentCoding('')).toBeUndefined();
  });
});

import { byPeriod, lazyLoaders } from '../platform/loaders.ts';

describe('loaders made when first used (platform/loaders.ts)', () => {
  it('makes a loader on its first use, once per request, with that request’s own value', () => {
    const made: string[] = [];
    const createLoaders = lazyLoaders<string>()({
      upper: (env) => (made.push(`upper:${env}`), env.toUpperCase()),
      length: (env) => (made.push(`length:${env}`), env.length),
    });
    const a = createLoaders('ab');
    const b = createLoaders('xyz');
    expect(made).toEqual([]);
    expect(a.upper).toBe('AB');
    expect(a.upper).toBe('AB');
    expect(b.length).toBe(3);
    expect(made).toEqual(['upper:ab', 'length:xyz']);
    expect(Object.keys(Object.getPrototypeOf(a))).toEqual(['upper', 'length']);
  });

  it('keeps one loader per period', () => {
    let n = 0;
    const of = byPeriod((from, to, key) => ({ from, to, key, n: n++ }) as never);
    expect(of('2026-01-01', '2026-01-31')).toBe(of('2026-01-01', '2026-01-31'));
    expect(of('2026-02-01', '2026-02-28')).toMatchObject({ key: '2026-02-01|2026-02-28', n: 1 });
  });
});

import { schemaEnum } from '../subgraphs/village/src/enums.ts';

describe('enum names in spreadsheets', () => {
  it('names COMMUNITY_CORRECTION as the law does, and reads the former name of older exports back', () => {
    const tags = schemaEnum('PersonTag');
    expect(tags.names.get('COMMUNITY_CORRECTION')).toBe('社区矫正对象');
    expect(tags.codeOf('社区矫正对象')).toBe('COMMUNITY_CORRECTION');
    expect(tags.codeOf('社区矫正人员')).toBe('COMMUNITY_CORRECTION');
    expect(schemaEnum('Gender').codeOf('社区矫正人员')).toBeUndefined();
    // The armband's other names are the red-armband kind.
    for (const n of ['红袖标', '红袖套', '红袖章']) expect(schemaEnum('PatrolTeamKind').codeOf(n), n).toBe('RED_ARMBAND');
    expect([...schemaEnum('GovernanceLevel').names.values()]).toEqual(['村（社区）', '乡镇（街道）', '县（市、区）']);
  });
});

import { readFileSync } from 'node:fs';
import { argumentLabel, fieldOf, namedInChinese, type ArgumentLabel } from '../platform/argument-labels.ts';
import { villageArgumentLabel } from '../subgraphs/village/src/labels.ts';
import * as RULES from '../subgraphs/village/src/registry/rules.ts';

describe('Chinese labels of arguments (platform/argument-labels.ts)', () => {
  /** Every argument of every field of a subgraph's schema, inside its input types too, with the field that takes it. */
  function argumentsOf(subgraph: string): [field: string, argument: string][] {
    const doc = parse(readFileSync(new URL(`../schema/${subgraph}.graphql`, import.meta.url), 'utf8'));
    const inputs = new Map<string, readonly { name: { value: string }; type: import('graphql').TypeNode }[]>();
    for (const d of doc.definitions) if (d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) inputs.set(d.name.value, d.fields ?? []);
    const named = (t: import('graphql').TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
    const out: [string, string][] = [];
    const walk = (field: string, args: readonly { name: { value: string }; type: import('graphql').TypeNode }[], seen: Set<string>) => {
      for (const a of args) {
        out.push([field, a.name.value]);
        const input = named(a.type);
        if (inputs.has(input) && !seen.has(input)) walk(field, inputs.get(input)!, new Set([...seen, input]));
      }
    };
    for (const d of doc.definitions) {
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      for (const f of d.fields ?? []) walk(f.name.value, f.arguments ?? [], new Set());
    }
    return out;
  }
  const LABELS: Record<string, ArgumentLabel> = { village: villageArgumentLabel, township: argumentLabel, county: argumentLabel };

  it('has a label for every argument of every subgraph: an argument added without one fails here, not silently in English', () => {
    for (const [subgraph, label] of Object.entries(LABELS)) {
      const missing = argumentsOf(subgraph).filter(([field, argument]) => !label(field, argument));
      expect(missing, subgraph).toEqual([]);
    }
  });

  it('has a label for the argument of every registry rule', () => {
    const rules = Object.values(RULES).filter((r): r is RULES.Rule => typeof r === 'object' && r !== null && 'argument' in r);
    expect(rules.length).toBeGreaterThan(20);
    for (const r of rules) expect(villageArgumentLabel(undefined, r.argument), r.name).toBeTruthy();
  });

  it('names a form’s field by the header its file column has, by kind where kinds differ', () => {
    expect(villageArgumentLabel('registerPerson', 'idNumber')).toBe('身份证号');
    expect(villageArgumentLabel('registerPerson', 'gridCode')).toBe('网格代码');
    expect(villageArgumentLabel('registerHousehold', 'number')).toBe('户号');
    expect(villageArgumentLabel('updateHouse', 'number')).toBe('房屋号');
    expect(villageArgumentLabel('registerAddress', 'number')).toBe('地址号');
    expect(villageArgumentLabel('registerPerson', 'name')).toBe('姓名');
    expect(villageArgumentLabel('registerSite', 'name')).toBe('名称');
    // The field of an error without a node (a compiled query's) is the last of its path: a list's own field.
    expect(fieldOf(new Error('x'), { message: 'x', path: ['village', 'households', 3] })).toBe('households');
    // A column only a file gives, from the import's own headers.
    expect(villageArgumentLabel(undefined, 'householdNumber')).toBe('户号');
  });

  it('puts the label in place of the name in the Chinese message only; the English and extensions.argument stay', () => {
    const error = (message: string, argument: string) => ({ message, extensions: { code: 'CONFLICT', argument, rule: 'x', en: `${argument} is taken` } });
    const named = namedInChinese(error('idNumber 已有人员登记，不能重复登记', 'idNumber'), 'registerPerson', villageArgumentLabel);
    expect(named).toEqual({
      message: '身份证号 已有人员登记，不能重复登记',
      extensions: { code: 'CONFLICT', argument: 'idNumber', rule: 'x', en: 'idNumber is taken' },
    });
    // A gloss after the name is the label's word already.
    expect(namedInChinese(error('birthDate（出生日期）不能晚于今天。', 'birthDate'), 'registerPerson', villageArgumentLabel).message).toBe(
      '出生日期不能晚于今天。',
    );
    expect(namedInChinese(error('gender（性别）“男”与…', 'gender'), 'registerPerson', villageArgumentLabel).message).toBe('性别“男”与…');
    // A place inside an argument by its last name's label.
    expect(namedInChinese(error('filter.namePrefix 应为 1–50 个字符。', 'filter.namePrefix'), 'residents', villageArgumentLabel).message).toBe(
      '姓名开头 应为 1–50 个字符。',
    );
    // A name that only starts the message's first word, or an error already in the caller's language, is left alone.
    expect(namedInChinese(error('idNumber 不对', 'id'), 'person', villageArgumentLabel).message).toBe('idNumber 不对');
    const chosen = { message: 'idNumber is already registered', extensions: { code: 'CONFLICT', argument: 'idNumber' } };
    expect(namedInChinese(chosen, 'registerPerson', villageArgumentLabel)).toBe(chosen);
  });
});

import { typechecksFor } from './helpers/typecheck.ts';

describe('the type-checks the suite starts beside its tests (tests/helpers/typecheck.ts)', () => {
  it('starts both for the whole suite, and for a run of some files those their tests assert', () => {
    const vitest = ['/usr/bin/node', 'node_modules/vitest/vitest.mjs', 'run'];
    expect(typechecksFor(vitest)).toEqual(['project', 'app']);
    expect(typechecksFor([...vitest, '-t', 'village'])).toEqual(['project', 'app']);
    expect(typechecksFor([...vitest, 'tests/disputes.test.ts'])).toEqual([]);
    expect(typechecksFor([...vitest, 'tests/app.test.ts', '--reporter', 'dot'])).toEqual(['app']);
    expect(typechecksFor([...vitest, 'tests/examples.test.ts', 'tests/app.test.ts'])).toEqual(['project', 'app']);
  });
});

import { createRequire } from 'node:module';
import { HubDataSource, plainHeaders } from '../gateway/src/datasource.ts';

describe("the gateway's fetches to subgraphs (gateway/src/datasource.ts)", () => {
  // The Headers class @apollo/gateway builds every fetch's headers with (its own node-fetch).
  const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
  const { Headers } = gatewayRequire('node-fetch') as { Headers: new () => Parameters<typeof plainHeaders>[0] };

  it('sends the headers a fetch was given, as a plain object: names lower-cased, repeated values joined', () => {
    const headers = new Headers();
    headers.set('Content-Type', 'application/json');
    headers.set('X-Hub-Router', 'secret');
    headers.append('Accept', 'application/json');
    headers.append('accept', 'text/plain');
    headers.set('authorization', 'Bearer t');
    expect(plainHeaders(headers)).toStrictEqual(Object.fromEntries(headers as unknown as Iterable<[string, string]>));
    expect(plainHeaders(headers)).toStrictEqual({
      'content-type': 'application/json',
      'x-hub-router': 'secret',
      accept: 'application/json, text/plain',
      authorization: 'Bearer t',
    });
  });

  it('reads no cache hints from subgraphs: the gateway neither sets nor sends any (its cache-control plugin is off)', () => {
    expect(new HubDataSource('county', 'http://127.0.0.1:9/graphql', 'r'.repeat(32)).honorSubgraphCacheControlHeader).toBe(false);
  });
});

describe('message language, read once per header (platform/language.ts)', () => {
  it('answers as reading the header afresh would: its first 1,000 characters only, however many headers came before', () => {
    expect(preferredLanguage(`${'x,'.repeat(600)}en`)).toBe('zh');
    expect(preferredLanguage(`en,${'x'.repeat(2000)}`)).toBe('en');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) {
        expect(preferredLanguage(`fr;q=0.5, en;q=0.${(i % 9) + 1}, x-${i};q=0.3`), String(i)).toBe(i % 9 >= 5 ? 'en' : 'zh');
      }
    }
  });
});
