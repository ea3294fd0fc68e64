/**
 * Mints a caller token signed with the hub's caller key:
 *   npm run token -- --jurisdiction 623021 --scopes read,write,pii [--name 临潭县综治中心] [--subject id] [--ttl 12h] [--department KIND]
 * Jurisdiction: a division code (2–15 digits; '*' for the whole country, for HUB_NATIONAL_SUBJECTS only).
 * Scopes: read, write, pii, report, admin. TTL: 30m, 12h, 7d (default 12h).
 * Department: a county department's kind (e.g. NATURAL_RESOURCES) for its own
 * dispatch inbox, 报到 and 反馈; the jurisdiction is then its county (6 digits).
 */
import { AuthError, importPrivateKey, MAX_TOKEN_DAYS, mintCallerToken } from '../platform/auth.ts';
import { SCOPES, type Scope } from '../platform/caller.ts';
import { DEPARTMENT_NAMES } from '../domain/departments.ts';
import { settingsOrExit } from '../platform/settings.ts';
import { loadKeys } from './lib/keys.ts';
import { commandArgs } from './lib/args.ts';

export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text);
  if (!m) throw new Error(`--ttl "${text}" must look like 30m, 12h or 7d`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  // A token that expires as it is made is a typing mistake, not a token anyone can use.
  if (seconds < 1) throw new Error(`--ttl "${text}" must be at least 1s`);
  if (seconds > MAX_TOKEN_DAYS * 86_400) throw new Error(`--ttl "${text}" must be at most ${MAX_TOKEN_DAYS}d: the hub refuses longer-lived tokens`);
  return seconds;
}

const USAGE = `npm run token -- --jurisdiction <code> [--scopes read,write,pii,report,admin] [--name 名称] [--subject id] [--ttl 12h] [--department KIND]
  --jurisdiction  a division code of 2, 4, 6, 9, 12 or 15 digits (a grid's is 15), or '*' for the whole country (HUB_NATIONAL_SUBJECTS only)
  --scopes        comma-separated: ${SCOPES.join(', ')} (default read)
  --name          the caller's name as the audit log and the analysis room show it
  --subject       the caller's stable id (default cli-<jurisdiction>, or cli-<jurisdiction>-<KIND> for a department)
  --ttl           lifetime: 90s, 30m, 12h, 7d, at most ${MAX_TOKEN_DAYS}d (default 12h)
  --department    a county department's kind (${[...DEPARTMENT_NAMES.keys()].slice(0, 3).join(', ')}, …), with its county as jurisdiction
Prints the token; the hub's keys come from HUB_DATA_DIR (or HUB_CALLER_PRIVATE_KEY).`;

const { values } = commandArgs('npm run token', USAGE, {
  jurisdiction: { type: 'string' },
  scopes: { type: 'string', default: 'read' },
  name: { type: 'string' },
  subject: { type: 'string' },
  ttl: { type: 'string', default: '12h' },
  department: { type: 'string' },
});
try {
  if (values.jurisdiction === undefined) throw new Error('--jurisdiction is required (a division code, e.g. 623021)');
  const scopes = values
    .scopes!.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length) throw new Error(`unknown scopes ${bad.join(', ')}; use ${SCOPES.join(', ')}`);
  // A token with no scope can do nothing at all: a mistake (an empty variable), not a wish.
  if (!scopes.length) throw new Error(`--scopes is empty; give one or more of ${SCOPES.join(', ')}`);
  const department = values.department?.trim().toUpperCase();
  if (department !== undefined) {
    if (!DEPARTMENT_NAMES.has(department)) throw new Error(`unknown --department ${department}; use ${[...DEPARTMENT_NAMES.keys()].join(', ')}`);
    if (!/^\d{6}$/.test(values.jurisdiction)) throw new Error('--department needs --jurisdiction to be its county (a 6-digit code, e.g. 623021)');
  }
  const keys = await loadKeys(settingsOrExit());
  if (!keys.caller.privateKey) throw new Error('HUB_CALLER_PRIVATE_KEY is not set: this machine cannot mint tokens');
  const token = await mintCallerToken(await importPrivateKey(keys.caller.privateKey), {
    subject: values.subject ?? `cli-${values.jurisdiction}${values.department ? `-${values.department}` : ''}`,
    name: values.name ?? (department ? `${department} of ${values.jurisdiction}` : `token for ${values.jurisdiction || 'the whole country'}`),
    jurisdiction: values.jurisdiction,
    scopes: scopes as Scope[],
    ...(department === undefined ? {} : { department }),
    ttl: parseTtl(values.ttl!),
  });
  console.log(token);
} catch (e) {
  // The hub's own refusal of a claim carries both languages; the rest of this tool speaks English.
  console.error(`npm run token: ${e instanceof AuthError ? e.said.en : (e as Error).message}`);
  process.exit(2);
}
