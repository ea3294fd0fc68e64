import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  errors,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { isDepartmentKind } from '../domain/departments.ts';
import { SCOPES, type Caller, type Scope } from './caller.ts';
import { isJurisdiction, NATIONAL } from './jurisdiction.ts';
import type { Said } from '../domain/errors.ts';
import { HttpError } from './http.ts';
import { forwardedRequestId } from './request-id.ts';
import { MIN_ROUTER_SECRET } from './settings.ts';

/**
 * Signed identities and trusted routers (docs/ARCHITECTURE.md §2). Callers
 * present an EdDSA (Ed25519) JWT signed by a caller key. Whatever router
 * stands in front (the hub's gateway, Hive Gateway, Grafbase, …) forwards
 * that `Authorization` header unchanged and adds `x-hub-router` with one of
 * the operator's router secrets; every subgraph checks the secret first and
 * then verifies the caller's own token with the same rules as the edge.
 */
export const ISSUER = 'governance-hub';
export const CALLER_AUDIENCE = 'governance-hub';
/** The header a router sets to one of HUB_ROUTER_SECRETS. */
export const ROUTER_HEADER = 'x-hub-router';
/**
 * Set by a subgraph on an answer whose reads it wrote to the audit log under
 * the caller's subject (an unmasked read, a lookup by ID number or phone): a
 * router must not hand that answer to another caller, who would then have
 * made the read without its entry (gateway/src/dedup.ts).
 */
export const AUDITED_HEADER = 'x-hub-audited';
const ALG = 'EdDSA';

export interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

export async function generateKeyPairPem(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
  return { privateKey: await exportPKCS8(privateKey), publicKey: await exportSPKI(publicKey) };
}

export const importPublicKey = (pem: string) => importSPKI(pem, ALG);
/** Extractable, so a token it signs can name its key (`kid`, the public key's thumbprint). */
export const importPrivateKey = (pem: string) => importPKCS8(pem, ALG, { extractable: true });

/** Why a token is refused, in both languages (domain/errors.ts `Said`); `message` is the Chinese text. */
export class AuthError extends Error {
  readonly said: Said;
  constructor(said: Said) {
    super(said.zh);
    this.said = said;
  }
}

function callerFromClaims(payload: Record<string, unknown>): Caller {
  const { sub, name, jurisdiction, scopes, department } = payload;
  if (typeof sub !== 'string' || !sub) throw new AuthError({ zh: '令牌缺少主体（sub）', en: 'the token has no subject (sub)' });
  if (typeof jurisdiction !== 'string' || !isJurisdiction(jurisdiction)) {
    throw new AuthError({
      zh: '令牌的辖区（jurisdiction）应为区划代码（2、4、6、9、12 或 15 位），或代表全国的 *',
      en: "the token's jurisdiction must be a division code (2, 4, 6, 9, 12 or 15 digits) or * for the whole country",
    });
  }
  const list = Array.isArray(scopes) ? scopes : typeof scopes === 'string' ? scopes.split(/[\s,]+/) : [];
  const unknown = list.filter((s) => !SCOPES.includes(s as Scope));
  if (unknown.length) throw new AuthError({ zh: `令牌含有未知的权限：${unknown.join(', ')}`, en: `the token has unknown scopes: ${unknown.join(', ')}` });
  const caller: Caller = { subject: sub, name: typeof name === 'string' ? name : sub, jurisdiction, scopes: new Set(list as Scope[]) };
  if (department !== undefined) {
    // A county department (吹哨报到): a known kind, acting within its county.
    if (typeof department !== 'string' || !isDepartmentKind(department)) {
      throw new AuthError({ zh: '令牌的部门（department）不是已知的部门类别', en: "the token's department is not a known department kind" });
    }
    if (!/^\d{6}$/.test(jurisdiction)) {
      throw new AuthError({ zh: '部门令牌的辖区须是其所在县（6 位代码）', en: "a department token's jurisdiction must be its county (a 6-digit code)" });
    }
    caller.department = department;
  }
  return caller;
}

export interface TokenRequest {
  subject: string;
  name: string;
  jurisdiction: string;
  scopes: readonly Scope[];
  /** A county department's kind (e.g. NATURAL_RESOURCES); the jurisdiction is then its county. */
  department?: string;
  /** Lifetime in seconds. */
  ttl: number;
}

/** A public key's id in a JWKS: its RFC 7638 thumbprint, so the same key always gets the same `kid`. */
export async function keyId(publicKeyPem: string): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(createPublicKey(publicKeyPem)));
}

/** The caller public keys (PEM) as a JWKS, each with its `kid`, for routers and subgraphs that read HUB_CALLER_JWKS_FILE. */
export async function callerJwks(publicKeysPem: readonly string[]): Promise<JSONWebKeySet> {
  const keys: JWK[] = [];
  for (const pem of publicKeysPem) keys.push({ ...(await exportJWK(createPublicKey(pem))), kid: await keyId(pem), alg: ALG, use: 'sig' });
  return { keys };
}

/** The `kid` of a signing key's public half (imported extractable, as importPrivateKey does); none for a key that cannot be exported. */
const signingKid = new WeakMap<CryptoKey, Promise<string | undefined>>();
function kidOf(key: CryptoKey): Promise<string | undefined> {
  let kid = signingKid.get(key);
  if (!kid) {
    // The thumbprint takes only the public members (crv, kty, x) of the private JWK.
    kid = exportJWK(key).then(calculateJwkThumbprint, () => undefined);
    signingKid.set(key, kid);
  }
  return kid;
}

export async function mintCallerToken(key: CryptoKey, req: TokenRequest): Promise<string> {
  const department = req.department === undefined ? {} : { department: req.department };
  callerFromClaims({ sub: req.subject, jurisdiction: req.jurisdiction, scopes: [...req.scopes], ...department });
  const kid = await kidOf(key);
  return new SignJWT({ name: req.name, jurisdiction: req.jurisdiction, scopes: [...req.scopes], ...department })
    .setProtectedHeader({ alg: ALG, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
    .setSubject(req.subject)
    .setIssuer(ISSUER)
    .setAudience(CALLER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + req.ttl)
    .sign(key);
}

/** Why a token was refused, in words a person can act on. */
function reason(e: unknown): Said {
  if (e instanceof AuthError) return e.said;
  if (e instanceof errors.JWTExpired) return { zh: '令牌已过期', en: 'the token has expired' };
  if (e instanceof errors.JWSSignatureVerificationFailed) return { zh: '令牌不是本枢纽签发的', en: 'the token is not signed by this hub' };
  if (e instanceof errors.JWTClaimValidationFailed) return { zh: `令牌的 ${e.claim} 声明无效`, en: `the token's ${e.claim} claim is not valid` };
  if (e instanceof errors.JOSEAlgNotAllowed) return { zh: '令牌不是用 EdDSA 签名的', en: 'the token is not signed with EdDSA' };
  if (e instanceof errors.JWKSNoMatchingKey)
    return { zh: '签发令牌的密钥不在本枢纽的调用方密钥集中', en: "the token's signing key is not in this hub's caller key set" };
  // A key set that did not arrive (timeout, refused connection, not a JWKS): the token may be fine.
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || !(e instanceof errors.JOSEError)) {
    return { zh: '暂时无法取得调用方密钥集（HUB_CALLER_JWKS_URL）', en: 'the caller key set (HUB_CALLER_JWKS_URL) could not be fetched' };
  }
  return { zh: '令牌格式错误', en: 'the token is malformed' };
}

/**
 * A caller's own token → the caller. A token for the whole country (`*`) is honoured
 * only for the subjects an operator listed in HUB_NATIONAL_SUBJECTS (`nationalSubjects`):
 * signing a token is not enough to see every county.
 */
export async function verifyCallerToken(keys: CallerKeys, token: string, nationalSubjects: ReadonlySet<string>): Promise<Caller> {
  let caller: Caller;
  try {
    const payload = await verifiedPayload(keys, token);
    checkLifetime(payload);
    caller = callerFromClaims(payload);
  } catch (e) {
    throw new AuthError(reason(e));
  }
  if (caller.jurisdiction === NATIONAL && !nationalSubjects.has(caller.subject)) {
    throw new AuthError({
      zh: `全国令牌（辖区为 *）须由运维人员把其主体“${caller.subject}”列入 HUB_NATIONAL_SUBJECTS 设置`,
      en: `a whole-country token (jurisdiction *) needs its subject "${caller.subject}" listed in the operator setting HUB_NATIONAL_SUBJECTS`,
    });
  }
  return caller;
}

/** The longest a caller token may live: a lost token stops working within this, and an operator mints a new one. */
export const MAX_TOKEN_DAYS = 31;
/** How far the minting host's clock may run ahead of the verifying one's. */
const ISSUED_AHEAD_SECONDS = 300;

/** A token issued in the future, or living longer than MAX_TOKEN_DAYS (from its issue, or from now without one), is refused. */
function checkLifetime(p: JWTPayload): void {
  const now = Math.floor(Date.now() / 1000);
  if (typeof p.iat === 'number' && p.iat > now + ISSUED_AHEAD_SECONDS) {
    throw new AuthError({ zh: '令牌的签发时间（iat）晚于当前时间', en: "the token's issue time (iat) is in the future" });
  }
  const from = typeof p.iat === 'number' ? p.iat : now;
  if ((p.exp ?? 0) - from > MAX_TOKEN_DAYS * 86_400) {
    throw new AuthError({
      zh: `令牌有效期超过 ${MAX_TOKEN_DAYS} 天，请签发有效期更短的令牌`,
      en: `the token lives longer than ${MAX_TOKEN_DAYS} days; mint one with a shorter lifetime`,
    });
  }
}

/** Caller keys: one public key, or a key set (JWKS) that picks the key by the token's `kid`. */
export type CallerKeys = CryptoKey | JWTVerifyGetKey;

const VERIFY: JWTVerifyOptions = { issuer: ISSUER, audience: CALLER_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp', 'sub'] };

async function verifiedPayload(keys: CallerKeys, token: string): Promise<JWTPayload> {
  if (typeof keys !== 'function') return (await jwtVerify(token, keys, VERIFY)).payload;
  try {
    return (await jwtVerify(token, keys, VERIFY)).payload;
  } catch (e) {
    // A token without `kid` (e.g. minted elsewhere) against a set holding several Ed25519 keys: try each.
    if (!(e instanceof errors.JWKSMultipleMatchingKeys)) throw e;
    let refusal: unknown = e;
    for await (const key of e) {
      try {
        return (await jwtVerify(token, key, VERIFY)).payload;
      } catch (err) {
        // A key that verified the signature says more (e.g. expired) than one that did not.
        if (refusal === e || !(err instanceof errors.JWSSignatureVerificationFailed)) refusal = err;
      }
    }
    throw refusal;
  }
}

/** Where subgraphs and the gateway find the caller keys; the first one set wins (platform/settings.ts). */
export interface CallerKeySource {
  /** HUB_CALLER_JWKS_URL: fetched on first use, cached 10 minutes, fetched again at most every 30 s on an unknown `kid`. */
  jwksUrl?: string;
  /** HUB_CALLER_JWKS_FILE: a JWKS JSON file, read again when a token names an unknown `kid`, or every 5 s, once it has changed. */
  jwksFile?: string;
  /** HUB_CALLER_PUBLIC_KEY: one Ed25519 public key (PEM). */
  publicKey?: string;
}

export async function loadCallerKeys(source: CallerKeySource): Promise<CallerKeys> {
  if (source.jwksUrl) return createRemoteJWKSet(new URL(source.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  if (source.jwksFile) return jwksFileKeys(source.jwksFile);
  if (source.publicKey) return importPublicKey(source.publicKey);
  throw new Error('No caller key is configured: set HUB_CALLER_JWKS_URL, HUB_CALLER_JWKS_FILE or HUB_CALLER_PUBLIC_KEY.');
}

function readJwks(file: string): { set: JWTVerifyGetKey; mtimeMs: number } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`HUB_CALLER_JWKS_FILE: ${file} cannot be read as JSON (${(e as Error).message})`, { cause: e });
  }
  try {
    return { set: createLocalJWKSet(json as JSONWebKeySet), mtimeMs: statSync(file).mtimeMs };
  } catch (e) {
    throw new Error(`HUB_CALLER_JWKS_FILE: ${file} is not a JSON Web Key Set (${(e as Error).message})`, { cause: e });
  }
}

/** How often a JWKS file is looked at for a key taken out of it (revocation), at most. */
const JWKS_FILE_CHECK_MS = 5000;

/** Caller keys that can tell when their set changed (a JWKS file rewritten): the verified tokens are then checked again. */
type RefreshableKeys = JWTVerifyGetKey & { changed(): boolean };

/**
 * A JWKS file. A key added to it (rotation) is picked up without a restart, when a token first names it; a key
 * taken out of it (a key revoked) stops its tokens within JWKS_FILE_CHECK_MS, those already verified too
 * (`changed`, read by callerVerifier).
 */
function jwksFileKeys(file: string): RefreshableKeys {
  let current = readJwks(file);
  let lastCheck = 0;
  let lastLook = Date.now();
  const changed = (): boolean => {
    if (Date.now() - lastLook < JWKS_FILE_CHECK_MS) return false;
    lastLook = Date.now();
    try {
      if (statSync(file).mtimeMs === current.mtimeMs) return false;
      current = readJwks(file);
      return true;
    } catch {
      // A file being rewritten, or broken: keep the keys already read.
      return false;
    }
  };
  const keys: JWTVerifyGetKey = async (header, token) => {
    try {
      return await current.set(header, token);
    } catch (e) {
      // At most one look at the file a second, however many unknown tokens arrive.
      if (!(e instanceof errors.JWKSNoMatchingKey) || Date.now() - lastCheck < 1000) throw e;
      lastCheck = Date.now();
      let reread: { set: JWTVerifyGetKey; mtimeMs: number } | undefined;
      try {
        if (statSync(file).mtimeMs !== current.mtimeMs) reread = readJwks(file);
      } catch {
        // A file being rewritten, or broken: keep the keys already read.
      }
      if (!reread) throw e;
      current = reread;
      return current.set(header, token);
    }
  };
  return Object.assign(keys, { changed });
}

/** Verifies callers' tokens and remembers the verified ones (bounded) until they expire. */
export interface CallerVerifier {
  verify(token: string): Promise<Caller>;
}

export const MAX_VERIFIED_CALLERS = 10_000;

/**
 * A front end sends the same token with every request, and checking its EdDSA
 * signature again was about 7% of the gateway's CPU under the dashboard benchmark
 * (and as much again in each subgraph). A signature's validity cannot change, and
 * the hub has no revocation list, so the cached answer is the one verification
 * would give until `exp`, which is checked on every use, or until the key set
 * changes: a JWKS file rewritten (a key revoked) empties it (`changed`). Keys
 * from a JWKS URL are fetched again every 10 minutes; a key removed there stops
 * tokens already seen only at their `exp` (or a restart).
 * Bounded: when full, the oldest entry goes first.
 */
export function callerVerifier(keys: CallerKeys, nationalSubjects: ReadonlySet<string>, max = MAX_VERIFIED_CALLERS): CallerVerifier {
  const verified = new Map<string, { caller: Caller; exp: number }>();
  const changed = typeof keys === 'function' && 'changed' in keys ? (keys as RefreshableKeys).changed : undefined;
  return {
    async verify(token) {
      if (changed?.()) verified.clear();
      const known = verified.get(token);
      if (known) {
        if (known.exp > Date.now() / 1000) return known.caller;
        verified.delete(token);
      }
      const caller = await verifyCallerToken(keys, token, nationalSubjects);
      if (verified.size >= max) verified.delete(verified.keys().next().value!);
      verified.set(token, { caller, exp: Number(decodeJwt(token).exp) });
      return caller;
    },
  };
}

/** `Authorization: Bearer <JWT>` → the caller, or HTTP 401 UNAUTHENTICATED saying why (`missing` when there is no header). */
export async function callerFromHeader(verifier: CallerVerifier, header: string | undefined, missing: Said): Promise<Caller> {
  if (!header) throw new HttpError(401, 'UNAUTHENTICATED', missing);
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m)
    throw new HttpError(401, 'UNAUTHENTICATED', { zh: 'Authorization 请求头应为“Bearer <JWT>”。', en: 'The Authorization header must be "Bearer <JWT>".' });
  try {
    return await verifier.verify(m[1]!);
  } catch (e) {
    const why = e instanceof AuthError ? e.said : { zh: '无法验证该令牌', en: 'it could not be verified' };
    throw new HttpError(401, 'UNAUTHENTICATED', { zh: `令牌被拒绝：${why.zh}。`, en: `The token was refused: ${why.en}.` });
  }
}

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * A subgraph answers only routers that send one of the operator's secrets in `x-hub-router`
 * (HUB_ROUTER_SECRETS; several at once while one is rotated out). Compared in constant time,
 * against every secret. With none configured, it trusts no router and refuses everything.
 */
export function routerGuard(label: Said, secrets: readonly string[]): (req: IncomingMessage) => void {
  const known = secrets.map(digest);
  return (req) => {
    if (!known.length) {
      throw new HttpError(403, 'FORBIDDEN', {
        zh: `${label.zh}未设置 HUB_ROUTER_SECRETS，不信任任何路由，因而拒绝所有请求：请运维人员设置它（逗号分隔，每个至少 ${MIN_ROUTER_SECRET} 个字符），并让路由在 ${ROUTER_HEADER} 请求头中发送其中一个。`,
        en: `This ${label.en} has no HUB_ROUTER_SECRETS setting, so it trusts no router and refuses every request: an operator must set it (comma-separated secrets of at least ${MIN_ROUTER_SECRET} characters) and have the router send one of them in the ${ROUTER_HEADER} header.`,
      });
    }
    const given = req.headers[ROUTER_HEADER];
    if (typeof given !== 'string' || !given) {
      throw new HttpError(401, 'UNAUTHENTICATED', {
        zh: `${label.zh}只接受受信任路由（如本枢纽网关）的请求：请求缺少 ${ROUTER_HEADER} 请求头。请将请求发往网关。`,
        en: `This ${label.en} answers only a trusted router (such as the hub's gateway): the request has no ${ROUTER_HEADER} header. Send requests to the gateway.`,
      });
    }
    const sent = digest(given);
    let trusted = false;
    for (const k of known) trusted = timingSafeEqual(k, sent) || trusted;
    if (!trusted) {
      throw new HttpError(401, 'UNAUTHENTICATED', {
        zh: `${label.zh}不认识该 ${ROUTER_HEADER} 密钥：它不在 HUB_ROUTER_SECRETS 之中。`,
        en: `This ${label.en} does not know that ${ROUTER_HEADER} secret: it is not one of HUB_ROUTER_SECRETS.`,
      });
    }
  };
}

/** What a subgraph trusts: routers by secret, callers by their own tokens (the same rules as the gateway). */
export interface TrustSettings {
  routerSecrets: readonly string[];
  callerKeys: CallerKeySource;
  /** HUB_NATIONAL_SUBJECTS, as at the gateway. */
  nationalSubjects: readonly string[];
}

/** Who is asking a subgraph, and the request id the router forwarded (or a fresh one). */
export interface RequestIdentity {
  caller: Caller;
  requestId: string;
}

export interface SubgraphTrust {
  /** The router's secret, then the caller's token; HTTP 401/403 saying what is missing. */
  identify(req: IncomingMessage): Promise<RequestIdentity>;
  /**
   * Whether the `x-hub-router` secret a request sends is one this subgraph accepts (undefined: it sends none), for
   * /health: a router asking with its own secret learns that every request it forwards would be refused.
   */
  routerAccepted(req: IncomingMessage): boolean | undefined;
}

export async function subgraphTrust(label: Said, settings: TrustSettings): Promise<SubgraphTrust> {
  const router = routerGuard(label, settings.routerSecrets);
  const callers = callerVerifier(await loadCallerKeys(settings.callerKeys), new Set(settings.nationalSubjects));
  const missing: Said = {
    zh: `请求缺少 Authorization 请求头：路由须原样转发调用方的“Authorization: Bearer <JWT>”。`,
    en: `The request has no Authorization header: the router must forward the caller's "Authorization: Bearer <JWT>" unchanged.`,
  };
  return {
    async identify(req) {
      router(req);
      const caller = await callerFromHeader(callers, req.headers.authorization, missing);
      return { caller, requestId: forwardedRequestId(req.headers['x-request-id']) };
    },
    routerAccepted(req) {
      if (!req.headers[ROUTER_HEADER]) return undefined;
      try {
        router(req);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The caller of a subgraph's extra HTTP route, which (like /graphql) answers only a trusted router. */
export function routeIdentity(req: IncomingMessage, trust: SubgraphTrust): Promise<RequestIdentity> {
  return trust.identify(req);
}
