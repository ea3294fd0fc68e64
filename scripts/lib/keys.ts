import { createPublicKey, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { callerJwks, generateKeyPairPem, type KeyPairPem } from '../../platform/auth.ts';
import type { Settings } from '../../platform/settings.ts';
import { makeFolder } from './folders.ts';

/**
 * The hub's trust material (docs/ARCHITECTURE.md §2): the Ed25519 caller key
 * pair that signs and verifies callers' tokens, the router secrets that
 * subgraphs expect in `x-hub-router`, and the events secret. Settings win;
 * otherwise (a development machine) they are generated on first start and kept
 * under HUB_DATA_DIR/keys. Production must configure them.
 */
export interface HubKeys {
  /** The private half is empty where tokens are not minted, and both are when the keys come from a JWKS setting. */
  caller: KeyPairPem;
  /** HUB_ROUTER_SECRETS; the hub's gateway sends the first. */
  routerSecrets: string[];
  /** Authenticates events between subgraphs. */
  eventsSecret: string;
  /** HUB_DATA_DIR/keys/caller.jwks.json: the caller public key as a JWKS, for other routers' configurations (when the hub holds that key). */
  jwksFile?: string;
}

/** A generated router secret: 48 characters. */
export const newRouterSecret = () => randomBytes(36).toString('base64url');

/**
 * The keys folder, readable by its owner only, inside a data folder made as any folder is: created along with it
 * (with one mode for every new folder), a data folder closed to others keeps the embedded PostgreSQL,
 * which runs as its own `postgres` user under root, out of its `pg` folder (`npm run token` before a first start did so).
 */
function makeKeysDir(dir: string): void {
  makeFolder(dirname(dir), 'HUB_DATA_DIR');
  makeFolder(dir, 'HUB_DATA_DIR', 0o700);
}

async function pair(dir: string, name: string): Promise<KeyPairPem> {
  const priv = join(dir, `${name}.private.pem`);
  const pub = join(dir, `${name}.public.pem`);
  if (existsSync(priv) && existsSync(pub)) return { privateKey: readFileSync(priv, 'utf8'), publicKey: readFileSync(pub, 'utf8') };
  const kp = await generateKeyPairPem();
  makeKeysDir(dir);
  writeFileSync(priv, kp.privateKey, { mode: 0o600 });
  writeFileSync(pub, kp.publicKey);
  return kp;
}

/** A secret kept in a file of the keys folder, generated on first use. */
function secretFile(dir: string, name: string, make: () => string): string {
  const file = join(dir, name);
  if (!existsSync(file)) {
    makeKeysDir(dir);
    writeFileSync(file, make(), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The caller keys (what `npm run token` signs with): HUB_CALLER_PRIVATE_KEY when set, its public key derived when
 * none is given, so a rotation's new key signs whether or not the verifying keys are set on the issuing machine;
 * else, outside production, the data folder's pair (made on first use). In production without a private key, none:
 * this machine verifies tokens and mints none.
 */
export async function callerKeys(settings: Settings): Promise<{ publicKey: string; privateKey: string }> {
  const k = settings.keys;
  if (k.callerPrivateKey) {
    const derived = () => createPublicKey(k.callerPrivateKey!).export({ type: 'spki', format: 'pem' }).toString();
    return { publicKey: k.callerPublicKey ?? (k.callerJwksFile || k.callerJwksUrl ? '' : derived()), privateKey: k.callerPrivateKey };
  }
  if (k.callerPublicKey || k.callerJwksFile || k.callerJwksUrl || settings.production) return { publicKey: k.callerPublicKey ?? '', privateKey: '' };
  return pair(join(settings.dataDir, 'keys'), 'caller');
}

/** What production lacks of the keys and secrets it generates nowhere (null: nothing), said before anything starts. */
export function productionKeysMissing(settings: Settings): string | null {
  const k = settings.keys;
  const callerKeysSet = Boolean(k.callerPublicKey || k.callerJwksFile || k.callerJwksUrl);
  if (!settings.production || (callerKeysSet && k.routerSecrets.length && k.eventsSecret)) return null;
  return 'In production set HUB_CALLER_JWKS_URL, HUB_CALLER_JWKS_FILE or HUB_CALLER_PUBLIC_KEY (Ed25519), HUB_ROUTER_SECRETS (each at least 32 characters) and HUB_EVENTS_SECRET.';
}

export async function loadKeys(settings: Settings): Promise<HubKeys> {
  const k = settings.keys;
  const dir = join(settings.dataDir, 'keys');
  const missing = productionKeysMissing(settings);
  if (missing) throw new Error(missing);
  const caller = await callerKeys(settings);
  const routerSecrets = k.routerSecrets.length ? k.routerSecrets : [secretFile(dir, 'router.secret', newRouterSecret)];
  const eventsSecret = k.eventsSecret ?? secretFile(dir, 'events.secret', () => randomBytes(32).toString('base64url'));
  let jwksFile: string | undefined;
  if (caller.publicKey) {
    jwksFile = join(dir, 'caller.jwks.json');
    makeKeysDir(dir);
    writeFileSync(jwksFile, `${JSON.stringify(await callerJwks([caller.publicKey]), null, 2)}\n`);
  }
  return { caller, routerSecrets, eventsSecret, jwksFile };
}

/** The environment that hands the trust settings to the gateway and subgraph processes. */
export function keyEnv(keys: HubKeys): Record<string, string> {
  return {
    ...(keys.caller.publicKey ? { HUB_CALLER_PUBLIC_KEY: keys.caller.publicKey } : {}),
    HUB_ROUTER_SECRETS: keys.routerSecrets.join(','),
    HUB_EVENTS_SECRET: keys.eventsSecret,
  };
}
