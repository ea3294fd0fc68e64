/**
 * Mints a caller token signed with the hub's caller key:
 *   npm run token -- --jurisdiction 623021 --scopes read,write,pii [--name 临潭县综治中心] [--subject id] [--ttl 12h] [--department KIND]
 * Jurisdiction: a division code (2–15 digits; '*' for the whole country, for HUB_NATIONAL_SUBJECTS only).
 * Scopes: read, write, pii, report, admin. TTL: 30m, 12h, 7d (default 12h).
 * Department: a county department's kind (e.g. NATURAL_RESOURCES) for its own
 * dispatch inbox, 报到 and 反馈; the jurisdiction is then its county (6 digits).
 * Messages are Chinese first, with the English on the next line.
 */
import { AuthError, importPrivateKey, MAX_TOKEN_DAYS, mintCallerToken } from '../platform/auth.ts';
import { SCOPES, type Scope } from '../platform/caller.ts';
import { DEPARTMENT_NAMES } from '../domain/departments.ts';
import type { Said } from '../domain/errors.ts';
import { settingsOrExit } from '../platform/settings.ts';
import { callerKeys, KeysError } from './lib/keys.ts';
import { commandArgs } from './lib/args.ts';

/** A refusal of the command line, in both languages. */
class TokenError extends Error {
  readonly said: Said;
  constructor(said: Said) {
    super(said.en);
    this.said = said;
  }
}
const refuse = (zh: string, en: string) => new TokenError({ zh, en });

export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text);
  if (!m) throw refuse(`--ttl “${text}” 应形如 30m、12h 或 7d`, `--ttl "${text}" must look like 30m, 12h or 7d`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  // A token that expires as it is made is a typing mistake, not a token anyone can use.
  if (seconds < 1) throw refuse(`--ttl “${text}” 至少为 1s`, `--ttl "${text}" must be at least 1s`);
  if (seconds > MAX_TOKEN_DAYS * 86_400) {
    throw refuse(
      `--ttl “${text}” 最长 ${MAX_TOKEN_DAYS}d：枢纽不接受更长期的令牌`,
      `--ttl "${text}" must be at most ${MAX_TOKEN_DAYS}d: the hub refuses longer-lived tokens`,
    );
  }
  return seconds;
}

const USAGE = `npm run token -- --jurisdiction <code> [--scopes read,write,pii,report,admin] [--name 名称] [--subject id] [--ttl 12h] [--department KIND]
  --jurisdiction  辖区：2、4、6、9、12 或 15 位区划代码（网格 15 位），'*' 为全国（仅限 HUB_NATIONAL_SUBJECTS）
                  a division code of 2, 4, 6, 9, 12 or 15 digits (a grid's is 15), or '*' for the whole country (HUB_NATIONAL_SUBJECTS only)
  --scopes        权限，逗号分隔 / comma-separated: ${SCOPES.join(', ')}（默认 / default read）
  --name          调用方名称，审计日志和分析研判室显示 / the caller's name as the audit log and the analysis room show it
  --subject       调用方的固定标识：审计、查询限额和幂等键都按它区分，每个集成或使用者请各用一个
                  the caller's stable id: the audit log, the lookup quota and idempotency keys go by it, so give each
                  integration or person its own (default cli-<jurisdiction>, or cli-<jurisdiction>-<KIND> for a department)
  --ttl           有效期 / lifetime: 90s, 30m, 12h, 7d，最长 / at most ${MAX_TOKEN_DAYS}d（默认 / default 12h）
  --department    县级部门的种类 / a county department's kind (${[...DEPARTMENT_NAMES.keys()].slice(0, 3).join(', ')}, …)，辖区为其所在县 / with its county as jurisdiction
打印令牌；密钥取自枢纽的数据文件夹 HUB_DATA_DIR（或 HUB_CALLER_PRIVATE_KEY），本工具不生成密钥。
Prints the token; the hub's key comes from its data folder, HUB_DATA_DIR (or HUB_CALLER_PRIVATE_KEY); this tool makes none.`;

const { values } = commandArgs('npm run token', USAGE, {
  jurisdiction: { type: 'string' },
  scopes: { type: 'string', default: 'read' },
  name: { type: 'string' },
  subject: { type: 'string' },
  ttl: { type: 'string', default: '12h' },
  department: { type: 'string' },
});
try {
  if (values.jurisdiction === undefined) {
    throw refuse('须给出 --jurisdiction（区划代码，如 623021）', '--jurisdiction is required (a division code, e.g. 623021)');
  }
  const scopes = values
    .scopes!.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length) throw refuse(`未知的权限 ${bad.join(', ')}；可用 ${SCOPES.join(', ')}`, `unknown scopes ${bad.join(', ')}; use ${SCOPES.join(', ')}`);
  // A token with no scope can do nothing at all: a mistake (an empty variable), not a wish.
  if (!scopes.length) throw refuse(`--scopes 为空；请给出 ${SCOPES.join(', ')} 中的一个或多个`, `--scopes is empty; give one or more of ${SCOPES.join(', ')}`);
  const department = values.department?.trim().toUpperCase();
  if (department !== undefined) {
    const known = [...DEPARTMENT_NAMES.keys()].join(', ');
    if (!DEPARTMENT_NAMES.has(department)) throw refuse(`未知的 --department ${department}；可用 ${known}`, `unknown --department ${department}; use ${known}`);
    if (!/^\d{6}$/.test(values.jurisdiction)) {
      throw refuse(
        '--department 须以其所在县为 --jurisdiction（6 位代码，如 623021）',
        '--department needs --jurisdiction to be its county (a 6-digit code, e.g. 623021)',
      );
    }
  }
  // The caller keys alone: the router's and the events' secrets are no business of a machine that mints tokens.
  const caller = await callerKeys(settingsOrExit(), { make: false });
  if (!caller.privateKey) {
    throw refuse(
      '未设置 HUB_CALLER_PRIVATE_KEY，HUB_DATA_DIR 的 keys 文件夹中也没有 caller.private.pem：本机不能签发令牌',
      'HUB_CALLER_PRIVATE_KEY is not set and the keys folder of HUB_DATA_DIR holds no caller.private.pem: this machine cannot mint tokens',
    );
  }
  const subject = values.subject ?? `cli-${values.jurisdiction}${department ? `-${department}` : ''}`;
  const token = await mintCallerToken(await importPrivateKey(caller.privateKey), {
    subject,
    name: values.name ?? (department ? `${DEPARTMENT_NAMES.get(department)}（${values.jurisdiction}）` : `令牌（${values.jurisdiction || '全国'}）`),
    jurisdiction: values.jurisdiction,
    scopes: scopes as Scope[],
    ...(department === undefined ? {} : { department }),
    ttl: parseTtl(values.ttl!),
  });
  console.log(token);
  // Tokens minted with the default subject are one caller to the hub: they share a lookup quota and idempotency keys.
  if (values.subject === undefined) {
    console.error(
      `npm run token：未给 --subject，令牌的标识为 ${subject}，与同一辖区用默认值签发的其他令牌共用查询限额、幂等键和审计身份；每个集成或使用者请用 --subject 给出自己的标识。\n` +
        `  No --subject: the token's id is ${subject}, shared with every token minted for this jurisdiction by default (one lookup quota, idempotency keys and audit identity); give each integration or person its own with --subject.`,
    );
  }
} catch (e) {
  const said = e instanceof AuthError || e instanceof TokenError || e instanceof KeysError ? e.said : { zh: (e as Error).message, en: (e as Error).message };
  console.error(said.zh === said.en ? `npm run token：${said.zh}` : `npm run token：${said.zh}\n  ${said.en}`);
  process.exit(2);
}
