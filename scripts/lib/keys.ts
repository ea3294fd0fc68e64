import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairPem, type KeyPairPem } from '../../platform/auth.ts';
import type { Settings } from '../../platform/settings.ts';

/**
 * The hub's two Ed25519 key pairs: `caller` signs and verifies callers'
 * tokens, `internal` signs the gateway's forwarding to subgraphs. Settings win;
 * otherwise (a development machine) they are generated on first start and kept
 * under HUB_DATA_DIR/keys. Production must configure them.
 */
export interface HubKeys {
  caller: KeyPairPem;
  internal: KeyPairPem;
  /** Authenticates events between subgraphs. */
  eventsSecret: string;
}

async function pair(dir: string, name: string): Promise<KeyPairPem> {
  const priv = join(dir, `${name}.private.pem`);
  const pub = join(dir, `${name}.public.pem`);
  if (existsSync(priv) && existsSync(pub)) return { privateKey: readFileSync(priv, 'utf8'), publicKey: readFileSync(pub, 'utf8') };
  const kp = await generateKeyPairPem();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(priv, kp.privateKey, { mode: 0o600 });
  writeFileSync(pub, kp.publicKey);
  return kp;
}

export async function loadKeys(settings: Settings): Promise<HubKeys> {
  const k = settings.keys;
  const dir = join(settings.dataDir, 'keys');
  const configured = k.callerPublicKey && k.internalPublicKey && k.internalPrivateKey && k.eventsSecret;
  if (!configured && settings.production) {
    throw new Error('In production set HUB_CALLER_PUBLIC_KEY, HUB_INTERNAL_PUBLIC_KEY, HUB_INTERNAL_PRIVATE_KEY (PEM, Ed25519) and HUB_EVENTS_SECRET.');
  }
  const caller = k.callerPublicKey ? { publicKey: k.callerPublicKey, privateKey: k.callerPrivateKey ?? '' } : await pair(dir, 'caller');
  const internal =
    k.internalPublicKey && k.internalPrivateKey ? { publicKey: k.internalPublicKey, privateKey: k.internalPrivateKey } : await pair(dir, 'internal');
  let eventsSecret = settings.keys.eventsSecret;
  if (!eventsSecret) {
    const file = join(dir, 'events.secret');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    }
    eventsSecret = readFileSync(file, 'utf8').trim();
  }
  return { caller, internal, eventsSecret };
}

/** The environment that hands the keys to the gateway and subgraph processes. */
export function keyEnv(keys: HubKeys): Record<string, string> {
  return {
    HUB_CALLER_PUBLIC_KEY: keys.caller.publicKey,
    HUB_INTERNAL_PUBLIC_KEY: keys.internal.publicKey,
    HUB_INTERNAL_PRIVATE_KEY: keys.internal.privateKey,
    HUB_EVENTS_SECRET: keys.eventsSecret,
  };
}
