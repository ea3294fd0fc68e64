/**
 * Mints a caller token signed with the hub's caller key:
 *   npm run token -- --jurisdiction 623021 --scopes read,write,pii [--name 临潭县综治中心] [--subject id] [--ttl 12h]
 * Jurisdiction: a division code (2–15 digits; '' for the whole country).
 * Scopes: read, write, pii, report, admin. TTL: 30m, 12h, 7d (default 12h).
 */
import { parseArgs } from 'node:util';
import { importPrivateKey, mintCallerToken } from '../platform/auth.ts';
import { SCOPES, type Scope } from '../platform/caller.ts';
import { settingsOrExit } from '../platform/settings.ts';
import { loadKeys } from './lib/keys.ts';

export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text);
  if (!m) throw new Error(`--ttl "${text}" must look like 30m, 12h or 7d`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    jurisdiction: { type: 'string' },
    scopes: { type: 'string', default: 'read' },
    name: { type: 'string' },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '12h' },
  },
});
try {
  if (values.jurisdiction === undefined) throw new Error('--jurisdiction is required (a division code, e.g. 623021)');
  const scopes = values
    .scopes!.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length) throw new Error(`unknown scopes ${bad.join(', ')}; use ${SCOPES.join(', ')}`);
  const keys = await loadKeys(settingsOrExit());
  if (!keys.caller.privateKey) throw new Error('HUB_CALLER_PRIVATE_KEY is not set: this machine cannot mint tokens');
  const token = await mintCallerToken(await importPrivateKey(keys.caller.privateKey), {
    subject: values.subject ?? `cli-${values.jurisdiction}`,
    name: values.name ?? `token for ${values.jurisdiction || 'the whole country'}`,
    jurisdiction: values.jurisdiction,
    scopes: scopes as Scope[],
    ttl: parseTtl(values.ttl!),
  });
  console.log(token);
} catch (e) {
  console.error(`npm run token: ${(e as Error).message}`);
  process.exit(2);
}
