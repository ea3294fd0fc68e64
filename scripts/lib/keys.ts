import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { callerJwks, generateKeyPairPem, type KeyPairPem } from '../../platform/auth.ts';
import type { Said } from '../../domain/errors.ts';
import { ed25519KeyProblem, type Settings } from '../../platform/settings.ts';
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
 * The keys folder, readable by its owner only, inside a data folder made as every folder is: created along with it
 * (with one mode for every new folder), a data folder closed to others keeps the embedded PostgreSQL,
 * which runs as its own `postgres` user under root, out of its `pg` folder: a first start makes the keys before it starts
 * the database (and `npm run token` before a first start once made them too).
 */
function makeKeysDir(dir: string): void {
  makeFolder(dirname(dir), 'HUB_DATA_DIR');
  makeFolder(dir, 'HUB_DATA_DIR', 0o700);
}

/** Keys an operator must mend by hand before anything starts, said in both languages, Chinese first (no stack). */
export class KeysError extends Error {
  readonly said: Said;
  constructor(said: Said) {
    super(`${said.zh}\n${said.en}`);
    this.said = said;
  }
}

/** The two ways out of a damaged pair: `restore` (both files when not given) from the backup, or a new pair at the price of every token issued. */
const waysOut = (pub: string, priv: string, restore?: string): Said => ({
  zh: `请从备份恢复${restore ? ` ${restore}` : '这两个文件'}；或删除 ${priv} 和 ${pub} 两个文件，由 npm start 生成新的一对，但此前签发的所有令牌都将失效（HTTP 401），须重新签发。`,
  en: `Restore ${restore ?? 'both files'} from the backup; or delete ${priv} and ${pub} to have npm start make a new pair, which invalidates every token issued so far (HTTP 401): they must be minted again.`,
});

/**
 * A key file (or the folder on its way) this process may not read: its keys are whole, so the way out is access for
 * the user the hub runs as, never a new pair (which had been the advice, at the price of every token issued).
 */
function noAccess(path: string, code: string): KeysError {
  const user = userInfo().username;
  return new KeysError({
    zh: `调用方密钥 ${path} 无权读取（${code}）：本进程以用户 ${user} 运行。请以数据文件夹的所有者运行，或让该用户可读（chown/chmod）；密钥本身无需更换。`,
    en: `The caller key ${path} may not be read (${code}): this process runs as the user ${user}. Run it as the data folder's owner, or give that user read access (chown/chmod); the keys themselves need no change.`,
  });
}

const DENIED = new Set(['EACCES', 'EPERM']);

/** Whether a key file is there; a file this process may not look for (a folder closed to its user) is said, not taken as missing. */
function present(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (DENIED.has(code)) throw noAccess(file, code);
    return false;
  }
}

/** `file`'s key, or a KeysError naming the file, what is wrong with it and the ways out. */
function keyFile(file: string, kind: 'public' | 'private', other: string): KeyObject {
  let pem = '';
  let problem: Said | undefined;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (DENIED.has(code)) throw noAccess(file, code);
    problem = { zh: `无法读取（${code}）`, en: `cannot be read (${code})` };
  }
  problem ??= ed25519KeyProblem(pem, kind);
  if (problem) {
    const [pub, priv] = kind === 'public' ? [file, other] : [other, file];
    const ways = waysOut(pub, priv, file);
    throw new KeysError({
      zh: `调用方密钥文件 ${file} ${problem.zh}。${ways.zh}`,
      en: `The caller key file ${file} ${problem.en}. ${ways.en}`,
    });
  }
  return kind === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
}

/**
 * The data folder's caller key pair, made (with `make`) only when neither file is there: a fresh data folder. Half a
 * pair, or two halves that do not belong together, is a folder damaged or half restored; a new pair made in its place
 * had silently made every token issued before fail (401), so the operator decides. Without `make` (`npm run token`)
 * nothing is made: a key made there would sign tokens the hub, on its own key, refuses.
 */
async function folderPair(settings: Settings, make: boolean): Promise<KeyPairPem> {
  const dir = join(settings.dataDir, 'keys');
  const priv = join(dir, 'caller.private.pem');
  const pub = join(dir, 'caller.public.pem');
  const [hasPriv, hasPub] = [present(priv), present(pub)];
  if (!hasPriv && !hasPub) {
    if (!make) {
      throw new KeysError({
        zh: `在 ${priv} 没有找到调用方私钥（HUB_DATA_DIR=${settings.dataDir}）。本工具不生成密钥（新密钥签发的令牌会被枢纽拒绝）：请把 HUB_DATA_DIR 设为枢纽的数据文件夹，或设置 HUB_CALLER_PRIVATE_KEY。`,
        en: `No caller private key at ${priv} (HUB_DATA_DIR=${settings.dataDir}). No key is made here (the hub would refuse the tokens a new one signs): set HUB_DATA_DIR to the hub's data folder, or set HUB_CALLER_PRIVATE_KEY.`,
      });
    }
    const kp = await generateKeyPairPem();
    makeKeysDir(dir);
    writeFileSync(priv, kp.privateKey, { mode: 0o600 });
    writeFileSync(pub, kp.publicKey);
    return kp;
  }
  if (!hasPriv || !hasPub) {
    const [have, missing] = hasPriv ? [priv, pub] : [pub, priv];
    const ways = waysOut(pub, priv, missing);
    throw new KeysError({
      zh: `调用方密钥不成对：有 ${have}，缺少 ${missing}。枢纽不会自行另生成一对：那会让此前签发的所有令牌失效。${ways.zh}`,
      en: `The caller key pair is incomplete: ${have} is there, ${missing} is missing. The hub makes no new pair by itself, as that would make every token issued so far fail. ${ways.en}`,
    });
  }
  const privateKey = keyFile(priv, 'private', pub);
  const publicKey = keyFile(pub, 'public', priv);
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(privateKey)).equals(spki(publicKey))) {
    const ways = waysOut(pub, priv);
    throw new KeysError({
      zh: `调用方密钥不成对：${pub} 不是 ${priv} 的公钥，枢纽签发的令牌将无法通过验证。${ways.zh}`,
      en: `The caller keys do not belong together: ${pub} is not the public key of ${priv}, so the tokens the hub mints would fail verification. ${ways.en}`,
    });
  }
  return { privateKey: readFileSync(priv, 'utf8'), publicKey: readFileSync(pub, 'utf8') };
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
 * else, outside production, the data folder's pair (made on first use by `npm start`, with `make`; never by the
 * token tool). In production without a private key, none: this machine verifies tokens and mints none.
 */
export async function callerKeys(settings: Settings, { make }: { make: boolean }): Promise<{ publicKey: string; privateKey: string }> {
  const k = settings.keys;
  if (k.callerPrivateKey) {
    const derived = () => createPublicKey(k.callerPrivateKey!).export({ type: 'spki', format: 'pem' }).toString();
    return { publicKey: k.callerPublicKey ?? (k.callerJwksFile || k.callerJwksUrl ? '' : derived()), privateKey: k.callerPrivateKey };
  }
  // The token tool signs with the data folder's key wherever the verifying keys come from (a JWKS during a rotation):
  // the folder holding a private key is the operator's own word that this machine mints.
  if (!make && present(join(settings.dataDir, 'keys', 'caller.private.pem'))) return folderPair(settings, false);
  if (k.callerPublicKey || k.callerJwksFile || k.callerJwksUrl || settings.production) return { publicKey: k.callerPublicKey ?? '', privateKey: '' };
  return folderPair(settings, make);
}

/** What production lacks of the keys and secrets it generates nowhere (null: nothing), said before anything starts. */
export function productionKeysMissing(settings: Settings): Said | null {
  const k = settings.keys;
  const callerKeysSet = Boolean(k.callerPublicKey || k.callerJwksFile || k.callerJwksUrl);
  if (!settings.production || (callerKeysSet && k.routerSecrets.length && k.eventsSecret)) return null;
  return {
    zh: '生产环境不生成任何密钥，须设置：HUB_CALLER_JWKS_URL、HUB_CALLER_JWKS_FILE 或 HUB_CALLER_PUBLIC_KEY（Ed25519 公钥，三者之一），HUB_ROUTER_SECRETS（每个至少 32 个字符），以及 HUB_EVENTS_SECRET。',
    en: 'In production set HUB_CALLER_JWKS_URL, HUB_CALLER_JWKS_FILE or HUB_CALLER_PUBLIC_KEY (Ed25519), HUB_ROUTER_SECRETS (each at least 32 characters) and HUB_EVENTS_SECRET.',
  };
}

export async function loadKeys(settings: Settings): Promise<HubKeys> {
  const k = settings.keys;
  const dir = join(settings.dataDir, 'keys');
  const missing = productionKeysMissing(settings);
  if (missing) throw new KeysError(missing);
  const caller = await callerKeys(settings, { make: true });
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

/**
 * A rotation of the data folder's caller key (docs/deploy.md §6), in three steps, each printing the JWKS to publish:
 * `new` makes the next pair beside the signing one (caller.next.*.pem; JWKS: both); `switch` makes it the signing
 * pair, the old public key kept as caller.previous.public.pem and its private key deleted (JWKS: both, unchanged);
 * `drop` deletes the previous public key once its last tokens have expired (JWKS: the signing key alone).
 */
export type RotationStep = 'new' | 'switch' | 'drop' | 'jwks';

const rotationFiles = (dir: string) => ({
  priv: join(dir, 'caller.private.pem'),
  pub: join(dir, 'caller.public.pem'),
  nextPriv: join(dir, 'caller.next.private.pem'),
  nextPub: join(dir, 'caller.next.public.pem'),
  previousPub: join(dir, 'caller.previous.public.pem'),
});

/** Performs one step of a rotation in the data folder and returns the JWKS of every public key it now holds. */
export async function rotateCallerKey(settings: Settings, step: RotationStep): Promise<string> {
  const dir = join(settings.dataDir, 'keys');
  const f = rotationFiles(dir);
  // The signing pair must be whole and belong together before anything is moved (folderPair says what is wrong).
  await folderPair(settings, false);
  if (step === 'new') {
    if (present(f.nextPriv) || present(f.nextPub)) {
      throw new KeysError({
        zh: `已有待启用的新密钥 ${f.nextPriv}：请先发布 JWKS 并执行 npm run keys -- switch，或删除 caller.next.private.pem 与 caller.next.public.pem 两个文件后重来。`,
        en: `A next key is already there, ${f.nextPriv}: publish the JWKS and run npm run keys -- switch, or delete caller.next.private.pem and caller.next.public.pem to start again.`,
      });
    }
    if (present(f.previousPub)) {
      throw new KeysError({
        zh: `上一次轮换的旧公钥 ${f.previousPub} 仍在：请在其令牌全部过期后执行 npm run keys -- drop，再开始新的轮换。`,
        en: `The previous rotation's old public key, ${f.previousPub}, is still there: run npm run keys -- drop once its last tokens have expired, then rotate again.`,
      });
    }
    const kp = await generateKeyPairPem();
    writeFileSync(f.nextPriv, kp.privateKey, { mode: 0o600 });
    writeFileSync(f.nextPub, kp.publicKey);
  } else if (step === 'switch') {
    if (!present(f.nextPriv) || !present(f.nextPub)) {
      throw new KeysError({
        zh: `没有待启用的新密钥（${f.nextPriv}）：请先执行 npm run keys -- new，并发布它打印的 JWKS。`,
        en: `No next key (${f.nextPriv}): run npm run keys -- new first, and publish the JWKS it prints.`,
      });
    }
    keyFile(f.nextPriv, 'private', f.nextPub);
    keyFile(f.nextPub, 'public', f.nextPriv);
    renameSync(f.pub, f.previousPub);
    rmSync(f.priv);
    renameSync(f.nextPub, f.pub);
    renameSync(f.nextPriv, f.priv);
  } else if (step === 'drop') {
    rmSync(f.previousPub, { force: true });
  }
  const pems = [f.previousPub, f.pub, f.nextPub].filter(present).map((file) => readFileSync(file, 'utf8'));
  return `${JSON.stringify(await callerJwks(pems), null, 2)}\n`;
}
