/**
 * Messages in the caller's language (docs/ARCHITECTURE.md, Conventions): Chinese
 * by default, English for `Accept-Language: en`, the same code either way, and
 * never `extensions.en` on the wire. Through the gateway, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizenId, parseCitizenId } from '../domain/citizen-id.ts';
import { postJson, startHub, type GraphQLErrorJson, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startHub();
  token = await hub.token({ jurisdiction: '623021', scopes: ['read', 'write'] });
}, 180_000);
afterAll(async () => hub?.stop());

/** No header at all (Chinese), or the given Accept-Language. */
type Asked = 'none' | string;

async function ask(query: string, language: Asked, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  // postJson asks for English by default; an empty header is what a client without a preference sends.
  return postJson(hub.gatewayUrl, { query, variables }, { authorization: `Bearer ${token}`, 'accept-language': language === 'none' ? '' : language });
}

const firstError = (r: { errors?: GraphQLErrorJson[] }): GraphQLErrorJson => {
  expect(r.errors?.length, JSON.stringify(r)).toBeGreaterThan(0);
  return r.errors![0]!;
};

/** No error of a response carries the English copy the services pass along internally. */
function expectNoEnglishCopy(r: { errors?: GraphQLErrorJson[] }): void {
  for (const e of r.errors ?? []) expect(e.extensions ?? {}, JSON.stringify(e)).not.toHaveProperty('en');
}

const HAN = /\p{Script=Han}/u;

/** Each case: a query, its code, what the Chinese and the English messages say. */
/** `argument`, when given: the place in the arguments extensions.argument names, the same in both languages. */
const CASES: { name: string; query: string; variables?: Record<string, unknown>; code: string; zh: RegExp; en: RegExp; argument?: string }[] = [
  {
    name: 'an unknown village code (village subgraph)',
    query: '{ village(code: "123") { name } }',
    code: 'BAD_USER_INPUT',
    zh: /^代码 应为 12 位村（社区）级代码，收到的是“123”。（区划代码只含数字/,
    en: /^code must be a 12-digit village code; got "123"\. \(/,
  },
  {
    name: 'a date that does not exist (a literal, refused at the gateway by the scalar the subgraph parses it with)',
    query: '{ county(code: "623021") { patrolStats(from: "2026-13-01", to: "2026-12-31") { patrols } } }',
    code: 'BAD_USER_INPUT',
    zh: /^“2026-13-01”不是真实存在的日期（没有这个月或这一天）。/,
    en: /"2026-13-01" is not a real date \(there is no such month or day\)\./,
    argument: 'from',
  },
  {
    name: 'the same date in a variable',
    query: 'query ($from: Date!) { county(code: "623021") { patrolStats(from: $from, to: "2026-12-31") { patrols } } }',
    variables: { from: '2026-13-01' },
    code: 'BAD_USER_INPUT',
    zh: /^“2026-13-01”不是真实存在的日期/,
    en: /"2026-13-01" is not a real date/,
  },
  {
    name: 'a record that does not exist, named by its kind in words',
    query: 'mutation { disbandJointDefenseGroup(id: "99999999", version: 1, reason: REORGANISED) { recordId } }',
    code: 'NOT_FOUND',
    zh: /^没有编号为 99999999 的十户联防组。$/,
    en: /^No joint-defense group with id 99999999\.$/,
  },
  {
    name: "a cursor of another list (the grids list's, holding a grid code) on a list of residents",
    query: '{ village(code: "623021200201") { residents(first: 1, after: "Z3JpZDo2MjMwMjEyMDAyMDEwMDE") { totalCount } } }',
    code: 'BAD_USER_INPUT',
    zh: /^翻页游标：“Z3JpZDo2MjMwMjEyMDAyMDEwMDE”不是本字段返回的游标。$/,
    en: /is not a cursor returned by this field/,
  },
  {
    name: 'a query over a limit of the gateway (aliases), named with its figures',
    query: `{ ${Array.from({ length: 51 }, (_, i) => `a${i}: county(code: "623021") { name }`).join(' ')} }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^别名数量 51 超过上限 50；请拆分或简化查询。$/,
    en: /^Alias count 51 exceeds the limit of 50; split or simplify the query\.$/,
  },
  {
    name: 'a query repeating a field until graphql-js stops validating it',
    query: `{ ${Array.from({ length: 1000 }, () => '__typename').join(' ')} }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询重复同一字段的次数过多/,
    en: /^The query repeats the same fields so often/,
  },
  {
    name: 'a division outside the jurisdiction',
    query: '{ county(code: "623022") { population { residents } } }',
    code: 'FORBIDDEN',
    zh: /^区划 623022 不在您的辖区（623021）内。$/,
    en: /^Division 623022 is outside your jurisdiction \(623021\)\.$/,
  },
  {
    name: 'a dispute that does not exist (a mutation)',
    query: 'mutation { closeDispute(id: "00000000-0000-4000-8000-000000000000", version: 1) { id } }',
    code: 'NOT_FOUND',
    zh: /^没有编号为 00000000-0000-4000-8000-000000000000 的矛盾纠纷。$/,
    en: /^No dispute with id 00000000-0000-4000-8000-000000000000\.$/,
  },
  {
    name: 'a period whose from is after its to: both dates stay in the Chinese message, each named in Chinese',
    query: '{ county(code: "623021") { disputeStats(from: "2026-09-30", to: "2026-01-01") { reported } } }',
    code: 'BAD_USER_INPUT',
    zh: /^起始日期“2026-09-30”不能晚于截止日期 to“2026-01-01”。$/,
    en: /^from \(2026-09-30\) must not be after to \(2026-01-01\)\.$/,
  },
  {
    name: 'a case list filtered from a day after its to: named in Chinese, not as filter.from',
    query: '{ county(code: "623021") { disputes(filter: { from: "2026-09-30", to: "2026-01-01" }, first: 1) { totalCount } } }',
    code: 'BAD_USER_INPUT',
    zh: /^起始日期“2026-09-30”不能晚于截止日期 filter\.to“2026-01-01”。$/,
    en: /^filter\.from \(2026-09-30\) must not be after filter\.to \(2026-01-01\)\.$/,
    argument: 'filter.from',
  },
  {
    name: 'a residents list with its minimum age above its maximum: named in Chinese, not as filter.minAge',
    query: '{ village(code: "623021200201") { residents(filter: { minAge: 70, maxAge: 60 }) { totalCount } } }',
    code: 'BAD_USER_INPUT',
    zh: /^最小年龄 70 不能大于最大年龄 filter\.maxAge 60。$/,
    en: /^filter\.minAge \(70\) must not exceed filter\.maxAge \(60\)\.$/,
    argument: 'filter.minAge',
  },
  {
    name: 'a case number where a step takes the dispute id: says which is which and how to find the id',
    query: 'mutation { acceptCountyCase(disputeId: "623021-2026-000123", version: 1) { status } }',
    code: 'BAD_USER_INPUT',
    zh: /^纠纷编号“623021-2026-000123”是案件编号，不是纠纷的系统编号（Dispute\.id，如 [0-9a-f-]{36}）：请先在案件列表中以 filter: \{ caseNumber: "623021-2026-000123" \} 查到该案件的 id。$/,
    en: /^disputeId "623021-2026-000123" is a case number, not a dispute id \(Dispute\.id, e\.g\. [0-9a-f-]{36}\): find the case's id first with filter: \{ caseNumber: "623021-2026-000123" \}/,
    argument: 'disputeId',
  },
  {
    name: 'a dispute id of the wrong shape: not read as “纠纷编号 is not a 纠纷编号”',
    query: '{ dispute(id: "12") { id } }',
    code: 'BAD_USER_INPUT',
    zh: /^系统编号“12”不是纠纷的系统编号（Dispute\.id，如 [0-9a-f-]{36}）。$/,
    en: /^id "12" is not a dispute id \(Dispute\.id, e\.g\. [0-9a-f-]{36}\)\.$/,
    argument: 'id',
  },
  {
    name: 'a syntax error (the gateway itself)',
    query: '{ county(code: "623021") { name ',
    code: 'GRAPHQL_PARSE_FAILED',
    zh: /^查询语法错误：第 1 行第 33 列：应为 Name，却是 <EOF>。Syntax Error: Expected Name, found <EOF>\.$/,
    en: /^Syntax Error: Expected Name, found <EOF>\.$/,
  },
  {
    name: 'a syntax error on a later line, said with its line and column',
    query: '{\n  county(code: "623021") {\n    name(\n  }\n}',
    code: 'GRAPHQL_PARSE_FAILED',
    zh: /^查询语法错误：第 4 行第 3 列：应为 Name，却是 "}"。Syntax Error: Expected Name, found "}"\.$/,
    en: /^Syntax Error: Expected Name, found "}"\.$/,
  },
  {
    name: 'a cursor of the list with a key not of its shape, said as every cursor not the list’s own is (quoted)',
    query: `{ village(code: "623021200201") { endedRecords(first: 1, after: "${Buffer.from('registry_ended:newest:nope', 'utf8').toString('base64url')}") { totalCount } } }`,
    code: 'BAD_USER_INPUT',
    zh: new RegExp(`^翻页游标：“${Buffer.from('registry_ended:newest:nope', 'utf8').toString('base64url')}”不是本字段返回的游标。$`),
    en: /^after: ".+" is not a cursor returned by this field\.$/,
    argument: 'after',
  },
  {
    name: 'a dispatch named by what every message calls it (吹哨任务)',
    query: 'mutation { withdrawDispatch(dispatchId: "abc", version: 1, reason: "派错部门") { version } }',
    code: 'BAD_USER_INPUT',
    zh: /^吹哨任务编号“abc”不是记录编号。$/,
    en: /^dispatchId "abc" is not a record id\.$/,
    argument: 'dispatchId',
  },
  {
    name: 'a NUL in a text argument, refused at the gateway, named by the argument’s label',
    query: 'mutation { deregisterHouse(id: "1", version: 1, reason: DEMOLISHED, note: "拆\\u0000除") { recordId } }',
    code: 'BAD_USER_INPUT',
    zh: /^说明 含有 NUL 字符（\\u0000），无法保存；请去掉它。$/,
    en: /^note holds a NUL character/,
    argument: 'note',
  },
  {
    name: 'a field the schema does not have (validation at the gateway)',
    query: '{ county(code: "623021") { nmae } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：类型 County 没有字段“nmae”。是否想写“name”？Cannot query field "nmae" on type "County"\. Did you mean "name"\?$/,
    en: /^Cannot query field "nmae" on type "County"\. Did you mean "name"\?$/,
  },
  {
    name: 'an argument the field does not take',
    query: '{ county(code: "623021") { disputes(minSeverity: 2) { totalCount } } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：字段 County\.disputes 没有参数“minSeverity”。Unknown argument "minSeverity" on field "County\.disputes"\.$/,
    en: /^Unknown argument "minSeverity" on field "County\.disputes"\.$/,
  },
  {
    name: 'a leaf field given a selection',
    query: '{ county(code: "623021") { name { first } } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：字段“name”的类型 String! 没有子字段，不能在它后面写 \{ … \}；请去掉。Field "name" must not have a selection/,
    en: /^Field "name" must not have a selection since type "String!" has no subfields\.$/,
  },
  {
    name: 'an object field without a selection',
    query: '{ county(code: "623021") }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：字段“county”的类型 County 是对象，须在它后面用 \{ … \} 选出要的子字段，例如 county \{ … \}。Field "county" of type "County" must have/,
    en: /^Field "county" of type "County" must have a selection of subfields\. Did you mean "county \{ \.\.\. \}"\?$/,
  },
  {
    name: 'a required argument left out, named with its label',
    query: '{ county { name } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：字段“county”缺少必填的参数“code”（代码），类型 String!。Field "county" argument "code" of type "String!" is required, but it was not provided\.$/,
    en: /^Field "county" argument "code" of type "String!" is required, but it was not provided\.$/,
  },
  {
    name: 'a required variable not given',
    query: 'query ($code: String!) { county(code: $code) { name } }',
    code: 'BAD_USER_INPUT',
    zh: /^参数无效：必填的变量 \$code（类型 String!）没有在 variables 中给出。Variable "\$code" of required type "String!" was not provided\.$/,
    en: /^Variable "\$code" of required type "String!" was not provided\.$/,
  },
  {
    name: 'a variable of the wrong type',
    query: 'query ($n: Int) { village(code: "623021200201") { residents(first: $n) { totalCount } } }',
    variables: { n: 'ten' },
    code: 'BAD_USER_INPUT',
    zh: /^参数无效：变量 \$n 的值 "ten" 无效：Int 只能是整数，"ten" 不是。Variable "\$n" got invalid value "ten"; Int cannot represent non-integer value: "ten"$/,
    en: /^Variable "\$n" got invalid value "ten"; Int cannot represent non-integer value: "ten"$/,
  },
  {
    name: 'a variable declared with a type other than the argument’s',
    query: 'query ($code: String) { county(code: $code) { name } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：变量 \$code 的类型 String 与此处要求的类型 String! 不符。Variable "\$code" of type "String" used/,
    en: /^Variable "\$code" of type "String" used in position expecting type "String!"\.$/,
  },
  {
    name: 'a literal of the wrong type',
    query: '{ village(code: "623021200201") { residents(first: "ten") { totalCount } } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：Int 只能是整数，"ten" 不是。Int cannot represent non-integer value: "ten"$/,
    en: /^Int cannot represent non-integer value: "ten"$/,
  },
  {
    name: 'an enum value the enum does not have, with the suggestion',
    query: 'mutation { disbandJointDefenseGroup(id: "99999999", version: 1, reason: REORGANISD) { recordId } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：枚举 \w+ 没有取值“REORGANISD”。是否想写“REORGANISED”？Value "REORGANISD" does not exist in "\w+" enum\. Did you mean the enum value "REORGANISED"\?$/,
    en: /^Value "REORGANISD" does not exist in "\w+" enum\. Did you mean the enum value "REORGANISED"\?$/,
  },
  {
    name: 'an enum value written in quotes',
    query: 'mutation { disbandJointDefenseGroup(id: "99999999", version: 1, reason: "REORGANISED") { recordId } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：枚举 \w+ 的取值不加引号，"REORGANISED" 不是它的取值。是否想写“REORGANISED”？Enum "\w+" cannot represent non-enum value: "REORGANISED"\./,
    en: /^Enum "\w+" cannot represent non-enum value: "REORGANISED"\. Did you mean the enum value "REORGANISED"\?$/,
  },
  {
    name: 'an input object field the type does not have',
    query: '{ county(code: "623021") { disputes(filter: { form: "2026-01-01" }) { totalCount } } }',
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：输入类型 DisputeFilter 没有字段“form”。是否想写“from”？Field "form" is not defined by type "DisputeFilter"\. Did you mean "from"\?$/,
    en: /^Field "form" is not defined by type "DisputeFilter"\. Did you mean "from"\?$/,
  },
  {
    name: 'a type the schema does not have',
    query: 'query ($code: Strng!) { county(code: $code) { name } }',
    variables: { code: '623021' },
    code: 'GRAPHQL_VALIDATION_FAILED',
    zh: /^查询不符合接口定义：接口定义中没有类型 Strng。是否想写“String”？Unknown type "Strng"\. Did you mean "String"\?$/,
    en: /^Unknown type "Strng"\. Did you mean "String"\?$/,
  },
  {
    name: 'a date that does not exist written in a filter’s literal, named as the argument it is in',
    query: '{ county(code: "623021") { disputes(filter: { from: "2026-02-30" }) { totalCount } } }',
    code: 'BAD_USER_INPUT',
    zh: /^“2026-02-30”不是真实存在的日期（没有这个月或这一天）。$/,
    en: /^"2026-02-30" is not a real date \(there is no such month or day\)\.$/,
    argument: 'filter.from',
  },
  {
    name: 'the same date as a variable, named by the variable',
    query: 'query ($f: DisputeFilter) { county(code: "623021") { disputes(filter: $f) { totalCount } } }',
    variables: { f: { from: '2026-02-30' } },
    code: 'BAD_USER_INPUT',
    zh: /^“2026-02-30”不是真实存在的日期（没有这个月或这一天）。$/,
    en: /^"2026-02-30" is not a real date \(there is no such month or day\)\.$/,
    argument: 'f.from',
  },
  {
    name: 'a time without its offset in a mutation’s input literal, named as input.occurredAt',
    query:
      'mutation { correctDispute(id: "00000000-0000-4000-8000-000000000000", version: 1, reason: "改", input: { occurredAt: "2026-11-30 09:30" }) { id } }',
    code: 'BAD_USER_INPUT',
    zh: /^“2026-11-30 09:30”/,
    en: /^"2026-11-30 09:30"/,
    argument: 'input.occurredAt',
  },
];

describe('GraphQL errors', () => {
  it.each(CASES)('$name: Chinese without Accept-Language, English with en, the same code', async (c) => {
    const zh = await ask(c.query, 'none', c.variables);
    const en = await ask(c.query, 'en', c.variables);
    const [z, e] = [firstError(zh), firstError(en)];
    expect(z.extensions?.code).toBe(c.code);
    expect(e.extensions?.code).toBe(c.code);
    expect(z.message).toMatch(c.zh);
    expect(e.message).toMatch(c.en);
    if (c.argument) expect([z.extensions?.argument, e.extensions?.argument]).toEqual([c.argument, c.argument]);
    expect(HAN.test(z.message)).toBe(true);
    expectNoEnglishCopy(zh);
    expectNoEnglishCopy(en);
  });

  it('reads the header as browsers send it: the language ranked highest wins, Chinese unless that is English', async () => {
    const query = '{ county(code: "623022") { population { residents } } }';
    const english = /outside your jurisdiction/;
    for (const header of ['en', 'en-US', 'en-GB,en;q=0.9,zh-CN;q=0.8', 'zh;q=0.5, en;q=0.9', 'EN-us']) {
      expect(firstError(await ask(query, header)).message, header).toMatch(english);
    }
    for (const header of ['zh-CN,zh;q=0.9,en;q=0.8', 'zh', 'fr-FR', 'en;q=0, zh', '*', 'de, en;q=0.5', 'garbage;;q=x']) {
      expect(firstError(await ask(query, header)).message, header).toMatch(/不在您的辖区/);
    }
  });

  it('answers every error of a partial response in one language, and says which in content-language', async () => {
    const query = '{ a: village(code: "12") { name } b: county(code: "623022") { population { residents } } c: county(code: "623021") { name } }';
    for (const [language, expected] of [
      ['none', 'zh'],
      ['en', 'en'],
    ] as const) {
      const res = await fetch(hub.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': language === 'none' ? '' : language },
        body: JSON.stringify({ query }),
      });
      expect(res.headers.get('content-language')).toBe(expected);
      expect(res.headers.get('vary')).toContain('accept-language');
      const body = (await res.json()) as GraphQLResponse<{ c: { name: string } }>;
      expect(body.data?.c.name).toBe('临潭县');
      expect(body.errors).toHaveLength(2);
      const messages = body.errors!.map((e) => e.message).sort();
      if (expected === 'zh') expect(messages).toEqual([expect.stringMatching(/^代码 应为 12 位/), expect.stringMatching(/^区划 623022 不在您的辖区/)]);
      else expect(messages).toEqual([expect.stringMatching(/^Division 623022 is outside/), expect.stringMatching(/^code must be a 12-digit/)]);
      expectNoEnglishCopy(body);
    }
  });

  it('refuses a request Apollo Server rejects before any plugin runs (no query) in the same way', async () => {
    for (const [language, expected] of [
      ['', /^请求无效：POST body missing/],
      ['en', /^POST body missing/],
    ] as const) {
      const res = await fetch(hub.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': language },
        body: '{}',
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as GraphQLResponse;
      expect(firstError(body).extensions?.code).toBe('BAD_REQUEST');
      expect(firstError(body).message).toMatch(expected);
      expectNoEnglishCopy(body);
    }
  });
});

describe('an assessment target’s year or rate out of range', () => {
  it('names the argument once by its label (考核年度：应为 …), not twice (考核年度：考核年度应为 …)', async () => {
    const admin = await hub.token({ jurisdiction: '623021', scopes: ['read', 'admin'], subject: 'language-admin' });
    const set = (year: number, target: number) =>
      postJson(
        hub.gatewayUrl,
        { query: `mutation { setAssessmentTarget(indicator: RESOLUTION_RATE, divisionCode: "623021", year: ${year}, target: ${target}) { target } }` },
        { authorization: `Bearer ${admin}`, 'accept-language': '' },
      );
    const year = firstError(await set(1800, 0.9));
    expect(year.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'year' });
    expect(year.message).toBe('考核年度：应为 1900–2100 之间的整数年份（如 2026），收到的是 1800。');
    const rate = firstError(await set(2031, 1.5));
    expect(rate.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'target' });
    expect(rate.message).toBe('考核目标：应为 0 到 1 之间的比率（如 0.95 表示 95%），收到的是 1.5。');
  });
});

describe('a form’s field in a Chinese message', () => {
  // A fresh ID number of 临潭县 for each run: the second registration of it is the refusal.
  const idNumber = makeCitizenId('623021', `19${50 + (Date.now() % 30)}-03-${String(1 + (Date.now() % 28)).padStart(2, '0')}`, 900 + (Date.now() % 99));
  const REGISTER = 'mutation($i: PersonInput!) { registerPerson(input: $i) { id } }';
  const input = (extra: Record<string, unknown> = {}) => ({
    i: { name: '语言测试', idNumber, ethnicity: '汉族', residency: 'REGISTERED', gridCode: '623021200201001', ...extra },
  });

  it('is named by its Chinese label (身份证号, as a file’s header names it), the English keeps idNumber, extensions.argument stays', async () => {
    const first = await ask(REGISTER, 'none', input());
    expect(first.errors, JSON.stringify(first.errors)).toBeUndefined();
    // Another name with the same number: the very same form sent again is a retry (`sameWrite`), not this refusal.
    const again = input({ name: '语言测试乙' });
    const [zh, en] = [firstError(await ask(REGISTER, 'zh-CN', again)), firstError(await ask(REGISTER, 'en', again))];
    expect(zh.message).toBe('身份证号 已有人员登记，不能重复登记');
    expect(en.message).toBe('idNumber is already registered to another resident');
    expect(zh.extensions).toMatchObject({ code: 'CONFLICT', argument: 'idNumber', rule: 'alreadyRegistered' });
    expect(en.extensions).toEqual(zh.extensions);
  });

  it('names a field checked before the database by its label too, its gloss dropped (性别, not gender（性别）)', async () => {
    const wrong = parseCitizenId(idNumber).gender === 'MALE' ? 'FEMALE' : 'MALE';
    const [said, shown] = wrong === 'MALE' ? ['男', '女'] : ['女', '男'];
    const zh = firstError(await ask(REGISTER, 'none', input({ gender: wrong })));
    expect(zh.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'gender', rule: 'genderOfIdNumber' });
    expect(zh.message).toBe(`性别“${said}”与公民身份号码所示的“${shown}”不符；性别由身份证号得出：请核对身份证号，或将此项留空。`);
    const blank = firstError(await ask(REGISTER, 'none', input({ name: '   ' })));
    expect(blank).toMatchObject({ message: '姓名 不能为空白。', extensions: { argument: 'name', rule: 'required' } });
    const en = firstError(await ask(REGISTER, 'en', input({ name: '   ' })));
    expect(en).toMatchObject({ message: 'name must not be blank.', extensions: { argument: 'name', rule: 'required' } });
  });
});

describe('HTTP routes answer JSON errors in the caller language', () => {
  const get = (path: string, headers: Record<string, string>) => fetch(new URL(path, hub.gatewayUrl), { headers });

  it('an export with a bad within (village subgraph, through the gateway proxy)', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const zh = await get('/export/residents.csv?within=12x', auth);
    const en = await get('/export/residents.csv?within=12x', { ...auth, 'accept-language': 'en-US,en;q=0.9' });
    expect([zh.status, en.status]).toEqual([400, 400]);
    expect([zh.headers.get('content-language'), en.headers.get('content-language')]).toEqual(['zh', 'en']);
    const [z, e] = [firstError((await zh.json()) as GraphQLResponse), firstError((await en.json()) as GraphQLResponse)];
    expect(z).toEqual({
      message: expect.stringMatching(/^within 不是区划代码，收到的是“12x”。/),
      extensions: { code: 'BAD_USER_INPUT', argument: 'within', value: '12x', rule: 'divisionCode' },
    });
    expect(e).toEqual({
      message: expect.stringMatching(/^within is not a division code; got "12x"\./),
      extensions: { code: 'BAD_USER_INPUT', argument: 'within', value: '12x', rule: 'divisionCode' },
    });
  });

  it('a report outside the jurisdiction and a missing token (the gateway itself)', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const path = '/reports/population.csv?level=village&within=623022';
    const [zh, en] = [await get(path, auth), await get(path, { ...auth, 'accept-language': 'en' })];
    expect([zh.status, en.status]).toEqual([403, 403]);
    expect(firstError((await zh.json()) as GraphQLResponse).message).toBe('区划 623022 不在您的辖区（623021）内。');
    expect(firstError((await en.json()) as GraphQLResponse).message).toBe('Division 623022 is outside your jurisdiction (623021).');

    const [noTokenZh, noTokenEn] = [
      await get('/export/residents.csv?within=623021', {}),
      await get('/export/residents.csv?within=623021', { 'accept-language': 'en' }),
    ];
    expect([noTokenZh.status, noTokenEn.status]).toEqual([401, 401]);
    expect(noTokenZh.headers.get('content-language')).toBe('zh');
    expect(firstError((await noTokenZh.json()) as GraphQLResponse)).toEqual({
      message: expect.stringMatching(/^未登录或缺少令牌/),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(firstError((await noTokenEn.json()) as GraphQLResponse).message).toMatch(/^Not signed in/);
  });

  it('an unknown path', async () => {
    const zh = (await (await get('/nowhere', {})).json()) as GraphQLResponse;
    const en = (await (await get('/nowhere', { 'accept-language': 'en' })).json()) as GraphQLResponse;
    expect(firstError(zh).message).toBe('没有这个路径：/nowhere。');
    expect(firstError(en).message).toBe('No such path: /nowhere.');
    expect(firstError(zh).extensions?.code).toBe('NOT_FOUND');
  });
});

describe('errors the gateway makes for a subgraph that is down', () => {
  it('name the missing level in the caller language', async () => {
    const query = '{ county(code: "623021") { name townships { code } } }';
    await hub.stopSubgraph('township');
    try {
      const [zh, en] = [firstError(await ask(query, 'none')), firstError(await ask(query, 'en'))];
      expect(zh.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(en.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(zh.message).toMatch(/^乡镇级子图暂时不可用/);
      expect(en.message).toMatch(/^The township \(乡镇\) subgraph is unavailable/);
      expect(zh.extensions).not.toHaveProperty('en');
      expect(en.extensions).not.toHaveProperty('en');
    } finally {
      await hub.restartSubgraph('township');
    }
  }, 60_000);
});
