import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, importSPKI, jwtVerify, SignJWT, errors, type CryptoKey } from 'jose';
import type { IncomingMessage } from 'node:http';
import { isDepartmentKind } from '../domain/departments.ts';
import { SCOPES, type Caller, type Scope } from './caller.ts';
import { isJurisdiction, NATIONAL } from './jurisdiction.ts';
import type { Said } from './errors.ts';
import { HttpError } from './http.ts';

/**
 * Signed identities (docs/ARCHITECTURE.md). Callers present an EdDSA (Ed25519) JWT
 * signed by the hub's caller key; the gateway verifies it and forwards the
 * caller to subgraphs as a short-lived token signed with a second, internal
 * key that only the gateway holds. A subgraph reached without the gateway
 * cannot get a valid internal token, and a caller's own token is not one
 * (different key, different audience).
 */
export const ISSUER = 'governance-hub';
export const CALLER_AUDIENCE = 'governance-hub';
export const INTERNAL_AUDIENCE = 'governance-hub/subgraph';
export const INTERNAL_HEADER = 'x-hub-caller';
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
export const importPrivateKey = (pem: string) => importPKCS8(pem, ALG);

/** Why a token is refused, in both languages (platform/errors.ts `Said`); `message` is the Chinese text. */
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

export async function mintCallerToken(key: CryptoKey, req: TokenRequest): Promise<string> {
  const department = req.department === undefined ? {} : { department: req.department };
  callerFromClaims({ sub: req.subject, jurisdiction: req.jurisdiction, scopes: [...req.scopes], ...department });
  return new SignJWT({ name: req.name, jurisdiction: req.jurisdiction, scopes: [...req.scopes], ...department })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
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
  return { zh: '令牌格式错误', en: 'the token is malformed' };
}

/**
 * A caller's own token → the caller. A token for the whole country (`*`) is honoured
 * only for the subjects an operator listed in HUB_NATIONAL_SUBJECTS (`nationalSubjects`):
 * signing a token is not enough to see every county.
 */
export async function verifyCallerToken(key: CryptoKey, token: string, nationalSubjects: ReadonlySet<string>): Promise<Caller> {
  let caller: Caller;
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: CALLER_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp', 'sub'] });
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

/** The gateway's forwarding of a verified caller to a subgraph (valid one minute). */
export async function signInternal(key: CryptoKey, caller: Caller, extra: { requestId: string; operation: string }): Promise<string> {
  const department = caller.department === undefined ? {} : { department: caller.department };
  return new SignJWT({
    name: caller.name,
    jurisdiction: caller.jurisdiction,
    scopes: [...caller.scopes],
    ...department,
    rid: extra.requestId,
    op: extra.operation,
  })
    .setProtectedHeader({ alg: ALG })
    .setSubject(caller.subject)
    .setIssuer(ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
    .sign(key);
}

export interface InternalIdentity {
  caller: Caller;
  requestId: string;
  operation: string;
}

export async function verifyInternal(key: CryptoKey, token: string): Promise<InternalIdentity> {
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: INTERNAL_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp', 'sub'] });
    return { caller: callerFromClaims(payload), requestId: String(payload.rid ?? ''), operation: String(payload.op ?? '') };
  } catch (e) {
    throw new AuthError(reason(e));
  }
}

/** The caller of a subgraph's extra HTTP route, which (like /graphql) answers only the gateway. */
export async function routeIdentity(req: IncomingMessage, key: CryptoKey): Promise<InternalIdentity> {
  const token = req.headers[INTERNAL_HEADER];
  try {
    if (typeof token !== 'string') throw new Error('missing');
    return await verifyInternal(key, token);
  } catch {
    throw new HttpError(401, 'UNAUTHENTICATED', { zh: '本子图只接受本枢纽网关的请求。', en: 'This subgraph answers only the hub’s gateway.' });
  }
}
