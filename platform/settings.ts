import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Said } from '../domain/errors.ts';
import { isRealDate } from '../domain/citizen-id.ts';
import { SEED_COUNTIES } from '../domain/divisions.ts';

/**
 * Settings, parsed once at boot from the environment. Every problem is
 * reported at once so an operator fixes a deployment in one pass.
 *
 * Database: with no `*_DATABASE_URL` set, the hub runs on its embedded
 * PostgreSQL (data under HUB_DATA_DIR). Set all three to use external servers.
 */
export const SUBGRAPHS = ['county', 'township', 'village'] as const;
/** The demo data's reference date: its year of patrols and disputes ends here (fixed, so tests are deterministic). */
export const DEFAULT_DEMO_DATE = '2026-09-30';
export type SubgraphName = (typeof SUBGRAPHS)[number];
/** Each subgraph as a message names it. */
export const SUBGRAPH_LABEL: Record<SubgraphName, Said> = {
  county: { zh: '县级子图', en: 'county (县) subgraph' },
  township: { zh: '乡镇级子图', en: 'township (乡镇) subgraph' },
  village: { zh: '村（社区）级子图', en: 'village (村/社区) subgraph' },
};

/** The shortest router secret accepted (characters); see HUB_ROUTER_SECRETS. */
export const MIN_ROUTER_SECRET = 32;

/**
 * A refinement's words in both languages: zod carries `params` into the issue, which settingProblem says Chinese
 * first. Constraints zod knows (ranges, lengths, choices) need none: settingProblem words them from the issue.
 */
const words = (zh: string, en: string) => ({ message: en, params: { zh } });

/** A port (0: a free one the system picks); `kind` names what a number setting holds where "an integer" says too little. */
const port = z.coerce
  .number()
  .int()
  .min(0)
  .max(65535)
  .meta({ kind: { zh: '端口号', en: 'a port number' } });
const pgUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), words('应为以 postgres:// 或 postgresql:// 开头的地址', 'must be a postgres:// or postgresql:// URL'));
const httpUrl = z.string().refine((v) => /^https?:\/\//.test(v), words('应为以 http:// 或 https:// 开头的地址', 'must be an http:// or https:// URL'));
/** A comma-separated list (blanks around items and empty items dropped); unset is an empty list. */
const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/**
 * Why a PEM text is not an Ed25519 key of that kind (undefined when it is one), for the setting or the file it came
 * from to be named beside it: Node's own refusal (ERR_OSSL_UNSUPPORTED, "DECODER routines::unsupported") names
 * neither, and came as a stack after the embedded PostgreSQL had started.
 */
export function ed25519KeyProblem(pem: string, kind: 'public' | 'private'): Said | undefined {
  const marker = `-----BEGIN ${kind.toUpperCase()} KEY-----`;
  const zhKind = kind === 'public' ? '公钥' : '私钥';
  if (!pem.includes(marker)) return { zh: `不是 PEM 格式的${zhKind}（缺少 ${marker}）`, en: `must be a PEM ${kind} key (${marker})` };
  let type: string | undefined;
  try {
    type = (kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem)).asymmetricKeyType;
  } catch {
    return { zh: `无法读取为${zhKind}：PEM 内容已损坏或不完整`, en: `cannot be read as a ${kind} key: its PEM text is damaged or incomplete` };
  }
  if (type !== 'ed25519') return { zh: `不是 Ed25519 密钥（其类型为 ${type ?? '未知'}）`, en: `is not an Ed25519 key (its type: ${type ?? 'unknown'})` };
  return undefined;
}

const pem = (kind: 'public' | 'private') =>
  z.string().superRefine((v, ctx) => {
    const problem = ed25519KeyProblem(v, kind);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.en, params: { zh: problem.zh } });
  });

/**
 * Thresholds of the early warnings (苗头预警, docs/ARCHITECTURE.md "Early warnings"):
 * read by the village subgraph on each request from its environment, checked with
 * every other setting at boot.
 */
const riskSchema = z.object({
  /** Disputes of the same parties, household or address this many days apart or less repeat (REPEATED_DISPUTES). */
  HUB_RISK_REPEAT_DAYS: z.coerce.number().int().min(1).max(366).default(90),
  /** A village's month surges at this many times its average month of the 12 before (DISPUTE_SURGE). */
  HUB_RISK_SURGE_FACTOR: z.coerce.number().min(1).max(100).default(2),
  /** ...and with at least this many disputes in the month. */
  HUB_RISK_SURGE_MIN: z.coerce.number().int().min(1).max(10_000).default(3),
  /** Overdue cases in one township that make a cluster (OVERDUE_CLUSTER). */
  HUB_RISK_OVERDUE_MIN: z.coerce.number().int().min(1).max(10_000).default(3),
  /** Disputes in the period a village needs, above the period before, to count as rising (UNDERSTAFFED_RISING). */
  HUB_RISK_RISING_MIN: z.coerce.number().int().min(1).max(10_000).default(2),
});

export interface RiskThresholds {
  repeatDays: number;
  surgeFactor: number;
  surgeMin: number;
  overdueMin: number;
  risingMin: number;
}

/** The settings of `schema` whose names start with `prefix` (defaults for unset or empty values); throws SettingsError on a bad one. */
function prefixed<S extends z.ZodObject>(schema: S, prefix: string, env: NodeJS.ProcessEnv): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith(prefix) && v !== undefined && v !== '')));
  if (!parsed.success) throw new SettingsError(parsed.error.issues.map((i) => settingProblem(i, schema.shape, env)));
  return parsed.data;
}

/** The early warnings' thresholds from the environment (defaults for unset or empty values); throws SettingsError on a bad one. */
export function riskThresholds(env: NodeJS.ProcessEnv = process.env): RiskThresholds {
  const r = prefixed(riskSchema, 'HUB_RISK_', env);
  return {
    repeatDays: r.HUB_RISK_REPEAT_DAYS,
    surgeFactor: r.HUB_RISK_SURGE_FACTOR,
    surgeMin: r.HUB_RISK_SURGE_MIN,
    overdueMin: r.HUB_RISK_OVERDUE_MIN,
    risingMin: r.HUB_RISK_RISING_MIN,
  };
}

/**
 * How many lookups of a person by full ID number or phone one caller (token
 * subject) may make (docs/ARCHITECTURE.md, "Lookup quota"): read from the
 * environment when the village subgraph starts, checked with every other
 * setting at boot. A person's lookups are a few a minute; a caller
 * walking through numbers to learn whose they are is stopped here.
 */
const lookupSchema = z.object({
  /** In one clock minute. */
  HUB_LOOKUPS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000_000).default(60),
  /** In one day, Beijing time. */
  HUB_LOOKUPS_PER_DAY: z.coerce.number().int().min(1).max(1_000_000_000).default(1000),
});

export interface LookupLimits {
  perMinute: number;
  perDay: number;
}

/** The lookup quota from the environment (defaults for unset or empty values); throws SettingsError on a bad one. */
export function lookupLimits(env: NodeJS.ProcessEnv = process.env): LookupLimits {
  const l = prefixed(lookupSchema, 'HUB_LOOKUPS_', env);
  return { perMinute: l.HUB_LOOKUPS_PER_MINUTE, perDay: l.HUB_LOOKUPS_PER_DAY };
}

/** How often a subgraph sees a query's shape (its text with literal arguments as variables) before it runs it compiled (platform/compiled-execution.ts). */
export const DEFAULT_COMPILE_AFTER = 16;

/**
 * How long one statement of a service may run before PostgreSQL cancels it (HUB_STATEMENT_TIMEOUT_SECONDS). The
 * heaviest request statements (a province's figures, an import batch) take well under a second here; an export's
 * COPY runs as long as its download and sets its own limit (subgraphs/village/src/export.ts).
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

const schema = riskSchema.extend(lookupSchema.shape).extend({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HUB_HOST: z.string().min(1).default('127.0.0.1'),
  HUB_DATA_DIR: z.string().min(1).default('.data'),
  HUB_PG_PORT: port.default(54329),
  HUB_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  HUB_STATEMENT_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(DEFAULT_STATEMENT_TIMEOUT_MS / 1000),
  HUB_REPORT_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  HUB_GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  HUB_COUNTY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  HUB_TOWNSHIP_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  HUB_VILLAGE_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  HUB_COMPILE_AFTER: z.coerce.number().int().min(1).max(1000).default(DEFAULT_COMPILE_AFTER),
  HUB_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  HUB_METRICS_TOKEN: z.string().min(32).optional(),
  HUB_DEMO_DATE: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), words('应为 YYYY-MM-DD 格式的日期', 'must be a date YYYY-MM-DD'))
    .refine((v) => isRealDate(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))), words('应为真实存在的日期', 'must be a real date'))
    .default(DEFAULT_DEMO_DATE),
  HUB_DEMO_DATA: z
    .string()
    .transform((v) => (v === 'on' || v === 'off' ? v : v.split(',').map((c) => c.trim())))
    .refine(
      (v) => typeof v === 'string' || (v.length > 0 && v.every((c) => (SEED_COUNTIES as readonly string[]).includes(c))),
      words(
        `应为 on、off，或若干示例县的代码，逗号分隔（${SEED_COUNTIES.join('、')}）`,
        `must be on, off, or some of the seed counties' codes, comma-separated (${SEED_COUNTIES.join(', ')})`,
      ),
    )
    .optional(),
  GATEWAY_PORT: port.default(4000),
  COUNTY_PORT: port.default(4001),
  TOWNSHIP_PORT: port.default(4002),
  VILLAGE_PORT: port.default(4003),
  COUNTY_URL: httpUrl.optional(),
  // OpenTelemetry reads these itself (platform/telemetry.ts); a mistyped one lost every trace, said only in the SDK's own
  // log at the first export, so they are checked at boot with the rest.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  TOWNSHIP_URL: httpUrl.optional(),
  VILLAGE_URL: httpUrl.optional(),
  COUNTY_DATABASE_URL: pgUrl.optional(),
  TOWNSHIP_DATABASE_URL: pgUrl.optional(),
  VILLAGE_DATABASE_URL: pgUrl.optional(),
  COUNTY_MIGRATION_DATABASE_URL: pgUrl.optional(),
  TOWNSHIP_MIGRATION_DATABASE_URL: pgUrl.optional(),
  VILLAGE_MIGRATION_DATABASE_URL: pgUrl.optional(),
  HUB_CALLER_PUBLIC_KEY: pem('public').optional(),
  HUB_CALLER_PRIVATE_KEY: pem('private').optional(),
  // Said at boot with the other problems: a missing file had failed only after the database and migrations, as a stack.
  HUB_CALLER_JWKS_FILE: z
    .string()
    .min(1)
    .refine((f) => existsSync(f) && statSync(f).isFile(), words('应为一个存在的 JWKS 文件', 'must name a JWKS file that exists'))
    .optional(),
  HUB_CALLER_JWKS_URL: httpUrl.optional(),
  HUB_ROUTER_SECRETS: commaList.refine(
    (list) => list.every((s) => s.length >= MIN_ROUTER_SECRET),
    words(`每个密钥应至少 ${MIN_ROUTER_SECRET} 个字符`, `every secret must be at least ${MIN_ROUTER_SECRET} characters`),
  ),
  HUB_EVENTS_SECRET: z.string().min(32).optional(),
  HUB_NATIONAL_SUBJECTS: commaList,
  // Web origins whose pages may call the gateway from a browser (CORS); none by default. Each exactly as a browser
  // sends it in Origin: scheme, host and a port other than the scheme's own, no path; `*` is refused (the hub's data
  // is not for a page on the web).
  HUB_CORS_ORIGINS: commaList.refine(
    (list) => list.every((o) => /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o) && new URL(o).origin === o.toLowerCase()),
    words(
      '应为网页来源，如 http://localhost:5173 或 https://app.example.cn（协议、主机、端口；不带路径，不可为 *）',
      'must be origins such as http://localhost:5173 or https://app.example.cn (scheme, host, port; no path, no *)',
    ),
  ),
});

export type RawSettings = z.infer<typeof schema>;

export interface DatabaseSettings {
  /** Connection used by the running service (not the owner of the tables). */
  url: string;
  /** Connection used for migrations and seeding (the owner). */
  migrationUrl: string;
  /** The setting `migrationUrl` came from, for a refusal to name (unset: the embedded server's, made by the hub). */
  migrationSetting?: string;
}

export interface Settings {
  env: RawSettings['NODE_ENV'];
  production: boolean;
  host: string;
  dataDir: string;
  logLevel: RawSettings['HUB_LOG_LEVEL'];
  /** Bearer token a scraper sends for /metrics; unset: only this machine (loopback) may scrape (docs/ARCHITECTURE.md, "Observability"). */
  metricsToken?: string;
  poolMax: number;
  statementTimeoutSeconds: number;
  /** Seconds the gateway may serve a report-only caller's answer again (0: never). */
  reportCacheSeconds: number;
  /** Gateway processes sharing its port (multi-process mode when > 1). */
  gatewayWorkers: number;
  /** How often a subgraph sees a query's shape (its text with literal arguments as variables) before it runs it compiled (platform/compiled-execution.ts). */
  compileAfter: number;
  /** Reference date of the demo data (YYYY-MM-DD). */
  demoDate: string;
  /**
   * Whether `npm start` loads the demo counties into empty databases: by default only the embedded database outside
   * production, never a server of real registers (HUB_DEMO_DATA=on|off, or a list of seed counties, says otherwise).
   */
  demoData: boolean;
  /**
   * The seed counties the first start loads: all five, or those HUB_DEMO_DATA lists (a smaller demo is ready sooner;
   * one county of the five takes about a fifth of the time). Read only while the databases are empty.
   */
  demoCounties: readonly string[];
  /** True when no external database URLs were given: the start script runs embedded PostgreSQL. */
  embedded: boolean;
  embeddedPgPort: number;
  gatewayPort: number;
  /**
   * Trust (docs/ARCHITECTURE.md §2). Caller tokens (EdDSA) are verified, at the
   * gateway and again in every subgraph, with the keys of HUB_CALLER_JWKS_URL,
   * else HUB_CALLER_JWKS_FILE, else HUB_CALLER_PUBLIC_KEY (PEM). Subgraphs answer
   * only requests whose `x-hub-router` header is one of `routerSecrets`; the hub's
   * gateway sends the first. On a development machine `npm start` generates the
   * caller key pair and a router secret under HUB_DATA_DIR/keys.
   */
  keys: {
    callerPublicKey?: string;
    callerPrivateKey?: string;
    callerJwksFile?: string;
    callerJwksUrl?: string;
    routerSecrets: string[];
    eventsSecret?: string;
  };
  /** Token subjects allowed a whole-country jurisdiction (`*`); empty: nobody (platform/jurisdiction.ts). */
  nationalSubjects: string[];
  /** Origins whose browser pages may call the gateway (HUB_CORS_ORIGINS); empty: none, only the hub's own pages. */
  corsOrigins: string[];
  /** Thresholds of the early warnings (HUB_RISK_*). */
  risk: RiskThresholds;
  /** How many lookups by ID number or phone a caller may make (HUB_LOOKUPS_*). */
  lookups: LookupLimits;
  /** Per subgraph; `workers`: processes sharing its port (HUB_<NAME>_WORKERS, platform/workers.ts). */
  subgraphs: Record<SubgraphName, { port: number; url: string; database?: DatabaseSettings; workers: number }>;
}

export class SettingsError extends Error {
  /** Each problem as two lines, Chinese, then English. */
  readonly problems: string[];
  constructor(problems: Said[]) {
    const lines = problems.map((p) => `${p.zh}\n    ${p.en}`);
    // The lead line in both languages, as every start message; each problem under it names its setting and value.
    super(
      `设置有误（${problems.length} 项），请改正后再运行：\n` +
        `Invalid settings (${problems.length} problem${problems.length === 1 ? '' : 's'}); fix them and run again:\n  - ${lines.join('\n  - ')}`,
    );
    this.problems = lines;
  }
}

const upper = (s: SubgraphName) => s.toUpperCase() as Uppercase<SubgraphName>;

/**
 * A rejected setting's value as a boot error quotes it. Secrets are not
 * quoted (a real one a character short would land in the service log), only
 * their length; a database URL is quoted without its password.
 */
export function shownSetting(key: string, value: string | undefined): Said {
  if (value === undefined) return { zh: '未设置', en: 'null' };
  // A list of secrets by each one's length: the length of the whole list said nothing of which is short.
  const lengths =
    key === 'HUB_ROUTER_SECRETS'
      ? value.split(',').map((s) => [...s.trim()].length)
      : /SECRET|PRIVATE_KEY|TOKEN|PASSWORD/.test(key)
        ? [[...value].length]
        : undefined;
  if (lengths) return { zh: `${lengths.join('、')} 个字符，不显示`, en: `${lengths.join(', ')} characters, not shown` };
  const shown = /DATABASE_URL$/.test(key) ? value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@') : value;
  // Escaped as the English quotes it, so a value with line breaks stays on its line.
  return { zh: `“${JSON.stringify(shown).slice(1, -1)}”`, en: JSON.stringify(shown) };
}

/** A setting's schema under its default and optionality: the constraints a problem is worded from. */
function bare(field: z.ZodType | undefined): z.ZodType | undefined {
  let f = field;
  while (f && (f instanceof z.ZodDefault || f instanceof z.ZodOptional)) f = f.def.innerType as z.ZodType;
  return f;
}

/** What a number setting takes, from its schema's bounds: "an integer from 1 to 64". */
function numberWords(field: z.ZodNumber): Said {
  const { minValue: min, maxValue: max } = field;
  const kind = field.meta()?.kind as Said | undefined;
  const [zhKind, enKind] = kind ? [kind.zh, kind.en] : field.isInt ? ['整数', 'an integer'] : ['数', 'a number'];
  const bounded = (n: number | null): n is number => n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (bounded(min) && bounded(max)) return { zh: `应为 ${min}–${max} 的${zhKind}`, en: `must be ${enKind} from ${min} to ${max}` };
  if (bounded(min)) return { zh: `应为不小于 ${min} 的${zhKind}`, en: `must be ${enKind} of at least ${min}` };
  if (bounded(max)) return { zh: `应为不大于 ${max} 的${zhKind}`, en: `must be ${enKind} of at most ${max}` };
  return { zh: `应为${zhKind}`, en: `must be ${enKind}` };
}

/**
 * One rejected setting in both languages, worded from the kind of zod's issue and the setting's own schema (a
 * number's range, a text's length, an enum's choices), or from a refinement's `words`: a new setting is said in
 * both languages without wording of its own.
 */
function settingProblem(issue: z.core.$ZodIssue, shape: Record<string, z.ZodType>, env: NodeJS.ProcessEnv): Said {
  const key = issue.path.join('.');
  const field = bare(shape[key]);
  const got = shownSetting(key, env[key]);
  let said: Said;
  if (field instanceof z.ZodNumber && ['invalid_type', 'too_small', 'too_big', 'not_multiple_of'].includes(issue.code)) said = numberWords(field);
  else if (issue.code === 'invalid_value') {
    said = { zh: `应为 ${issue.values.map(String).join('、')} 之一`, en: `must be one of ${issue.values.map(String).join(', ')}` };
  } else if (issue.code === 'too_small' && issue.origin === 'string') {
    said = { zh: `应至少 ${issue.minimum} 个字符`, en: `must be at least ${issue.minimum} characters` };
  } else if (issue.code === 'too_big' && issue.origin === 'string') {
    said = { zh: `应至多 ${issue.maximum} 个字符`, en: `must be at most ${issue.maximum} characters` };
  } else if (issue.code === 'custom' && typeof issue.params?.zh === 'string') said = { zh: issue.params.zh, en: issue.message };
  else said = { zh: '取值无效', en: issue.message };
  return { zh: `${key} ${said.zh}，收到${got.zh.startsWith('“') ? '' : ' '}${got.zh}`, en: `${key}: ${said.en} (got ${got.en})` };
}

export function parseSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // Empty strings count as unset, so `FOO= npm start` behaves like no FOO.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems: Said[] = [];
  if (!parsed.success) for (const issue of parsed.error.issues) problems.push(settingProblem(issue, schema.shape, cleaned));
  const s = parsed.success ? parsed.data : undefined;
  const dbKeys = SUBGRAPHS.map((n) => `${upper(n)}_DATABASE_URL`);
  const givenDb = dbKeys.filter((k) => cleaned[k]);
  if (givenDb.length > 0 && givenDb.length < dbKeys.length) {
    const missing = dbKeys.filter((k) => !cleaned[k]);
    problems.push({
      zh: `外部 PostgreSQL 须同时设置 ${dbKeys.join('、')}，全不设置则用内置数据库（缺少 ${missing.join('、')}）`,
      en: `set all of ${dbKeys.join(', ')} to use external PostgreSQL, or none to use the embedded one (missing: ${missing.join(', ')})`,
    });
  }
  // A migration URL alone would leave the embedded database to be migrated in its place, silently.
  for (const k of dbKeys.map((d) => d.replace('_DATABASE_URL', '_MIGRATION_DATABASE_URL'))) {
    if (cleaned[k] && !cleaned[k.replace('_MIGRATION', '')]) {
      const service = k.replace('_MIGRATION', '');
      problems.push({
        zh: `设置了 ${k} 却没有 ${service}：请同时设置三个 *_DATABASE_URL（服务角色的连接），否则用的是内置数据库`,
        en: `${k} is set without ${service}: set all three *_DATABASE_URL (the service role's) beside it, or the embedded database is used`,
      });
    }
  }
  if (s) {
    const ports = [s.GATEWAY_PORT, s.COUNTY_PORT, s.TOWNSHIP_PORT, s.VILLAGE_PORT].filter((p) => p !== 0);
    if (new Set(ports).size !== ports.length) {
      problems.push({
        zh: 'GATEWAY_PORT、COUNTY_PORT、TOWNSHIP_PORT 和 VILLAGE_PORT 应各不相同',
        en: 'GATEWAY_PORT, COUNTY_PORT, TOWNSHIP_PORT and VILLAGE_PORT must differ',
      });
    }
    // The embedded PostgreSQL starts first and holds the port, so the service given the same one failed only after the
    // first start's seeding, with a raw EADDRINUSE. External databases leave HUB_PG_PORT unused.
    const service = (['GATEWAY_PORT', 'COUNTY_PORT', 'TOWNSHIP_PORT', 'VILLAGE_PORT'] as const).find((k) => s[k] !== 0 && s[k] === s.HUB_PG_PORT);
    if (givenDb.length === 0 && service) {
      problems.push({
        zh: `HUB_PG_PORT 应不同于 GATEWAY_PORT、COUNTY_PORT、TOWNSHIP_PORT 和 VILLAGE_PORT（它是 ${service} 的 ${s.HUB_PG_PORT}）`,
        en: `HUB_PG_PORT must differ from GATEWAY_PORT, COUNTY_PORT, TOWNSHIP_PORT and VILLAGE_PORT (it is ${service}'s ${s.HUB_PG_PORT})`,
      });
    }
  }
  if (problems.length > 0 || !s) throw new SettingsError(problems);

  const embedded = givenDb.length === 0;
  const sub = (n: SubgraphName) => {
    const U = upper(n);
    const p = s[`${U}_PORT`];
    const url = s[`${U}_URL`] ?? `http://${s.HUB_HOST === '0.0.0.0' ? '127.0.0.1' : s.HUB_HOST}:${p}/graphql`;
    const dbUrl = s[`${U}_DATABASE_URL`];
    const ownerUrl = s[`${U}_MIGRATION_DATABASE_URL`];
    const database = dbUrl
      ? { url: dbUrl, migrationUrl: ownerUrl ?? dbUrl, migrationSetting: ownerUrl ? `${U}_MIGRATION_DATABASE_URL` : `${U}_DATABASE_URL` }
      : undefined;
    return { port: p, url, database, workers: s[`HUB_${U}_WORKERS`] };
  };
  return {
    env: s.NODE_ENV,
    production: s.NODE_ENV === 'production',
    host: s.HUB_HOST,
    dataDir: resolve(s.HUB_DATA_DIR),
    logLevel: s.HUB_LOG_LEVEL,
    metricsToken: s.HUB_METRICS_TOKEN,
    poolMax: s.HUB_DB_POOL_MAX,
    statementTimeoutSeconds: s.HUB_STATEMENT_TIMEOUT_SECONDS,
    reportCacheSeconds: s.HUB_REPORT_CACHE_SECONDS,
    gatewayWorkers: s.HUB_GATEWAY_WORKERS,
    compileAfter: s.HUB_COMPILE_AFTER,
    demoDate: s.HUB_DEMO_DATE,
    demoData: s.HUB_DEMO_DATA ? s.HUB_DEMO_DATA !== 'off' : embedded && s.NODE_ENV !== 'production',
    demoCounties: Array.isArray(s.HUB_DEMO_DATA) ? [...new Set(s.HUB_DEMO_DATA)] : SEED_COUNTIES,
    embedded,
    embeddedPgPort: s.HUB_PG_PORT,
    gatewayPort: s.GATEWAY_PORT,
    keys: {
      callerPublicKey: s.HUB_CALLER_PUBLIC_KEY,
      callerPrivateKey: s.HUB_CALLER_PRIVATE_KEY,
      callerJwksFile: s.HUB_CALLER_JWKS_FILE === undefined ? undefined : resolve(s.HUB_CALLER_JWKS_FILE),
      callerJwksUrl: s.HUB_CALLER_JWKS_URL,
      routerSecrets: s.HUB_ROUTER_SECRETS,
      eventsSecret: s.HUB_EVENTS_SECRET,
    },
    nationalSubjects: s.HUB_NATIONAL_SUBJECTS,
    corsOrigins: s.HUB_CORS_ORIGINS.map((o) => o.toLowerCase()),
    risk: riskThresholds(env),
    lookups: lookupLimits(env),
    subgraphs: { county: sub('county'), township: sub('township'), village: sub('village') },
  };
}

/** HUB_ variables other commands read (the examples, the router tests, the rehearsal): not the hub's settings, not misspelt. */
const OTHER_COMMANDS = ['HUB_TOKEN', 'HUB_URL', 'HUB_PEERS_DIR', 'HUB_REHEARSAL_KEEP', 'HUB_REHEARSAL_DISPUTES'];

/** Edits (insert, delete, replace) from one name to another. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * Variables set in `env` that look like the hub's settings (HUB_…, or a service's GATEWAY_/COUNTY_/TOWNSHIP_/VILLAGE_…)
 * but are none of them, each with the setting it is closest to when one is near: a misspelt setting is otherwise
 * ignored without a word, its default in force.
 */
export function unknownSettings(env: NodeJS.ProcessEnv = process.env): { name: string; like?: string }[] {
  const known = Object.keys(schema.shape);
  return Object.keys(env)
    .filter((k) => /^(HUB|GATEWAY|COUNTY|TOWNSHIP|VILLAGE)_/.test(k) && !known.includes(k) && !OTHER_COMMANDS.includes(k))
    .sort()
    .map((name) => {
      const [like] = known.map((k) => [k, distance(name, k)] as const).sort((x, y) => x[1] - y[1]);
      return like && like[1] <= 3 ? { name, like: like[0] } : { name };
    });
}

/** The warning `npm start` gives for variables that look like settings and are none (null: none such). */
export function unknownSettingsWarning(env: NodeJS.ProcessEnv = process.env): Said | null {
  const unknown = unknownSettings(env);
  if (!unknown.length) return null;
  return {
    zh: `以下变量不是枢纽的设置，已忽略：${unknown.map((u) => (u.like ? `${u.name}（是否应为 ${u.like}？）` : u.name)).join('、')}`,
    en: `These variables are no settings of the hub and are ignored: ${unknown.map((u) => (u.like ? `${u.name} (did you mean ${u.like}?)` : u.name)).join(', ')}`,
  };
}

/** Parses settings or exits with every problem listed; for process entry points. */
export function settingsOrExit(env: NodeJS.ProcessEnv = process.env): Settings {
  try {
    return parseSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
