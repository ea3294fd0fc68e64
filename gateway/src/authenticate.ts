import { decodeJwt, type CryptoKey } from 'jose';
import { AuthError, verifyCallerToken } from '../../platform/auth.ts';
import type { Caller } from '../../platform/caller.ts';
import { HttpError } from '../../platform/http.ts';

/**
 * Tokens already verified, until they expire. A front end sends the same
 * token with every request, and checking its EdDSA signature again was about
 * 7% of the gateway's CPU under the dashboard benchmark. A signature's
 * validity cannot change, and the hub has no revocation list, so the cached
 * answer is the one verification would give until `exp`, which is checked on
 * every use. Kept per check (key and national grants); bounded, the oldest entries go first.
 */
const verifiedByCheck = new WeakMap<CallerCheck, Map<string, { caller: Caller; exp: number }>>();
const MAX_VERIFIED = 10_000;

/** How the gateway checks callers: the caller key, and the subjects an operator made national (HUB_NATIONAL_SUBJECTS). */
export interface CallerCheck {
  key: CryptoKey;
  nationalSubjects: ReadonlySet<string>;
}

/** `Authorization: Bearer <JWT>` → the caller, or HTTP 401 UNAUTHENTICATED saying why. */
export async function authenticate(check: CallerCheck, header: string | undefined): Promise<Caller> {
  if (!header) {
    throw new HttpError(401, 'UNAUTHENTICATED', {
      zh: '请携带令牌：Authorization: Bearer <JWT>（可用 `npm run token` 签发）。',
      en: 'Send a token: Authorization: Bearer <JWT> (`npm run token` mints one).',
    });
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m)
    throw new HttpError(401, 'UNAUTHENTICATED', { zh: 'Authorization 请求头应为“Bearer <JWT>”。', en: 'The Authorization header must be "Bearer <JWT>".' });
  const token = m[1]!;
  let verified = verifiedByCheck.get(check);
  if (!verified) verifiedByCheck.set(check, (verified = new Map()));
  const known = verified.get(token);
  if (known && known.exp > Date.now() / 1000) return known.caller;
  try {
    const caller = await verifyCallerToken(check.key, token, check.nationalSubjects);
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(token, { caller, exp: Number(decodeJwt(token).exp) });
    return caller;
  } catch (e) {
    verified.delete(token);
    const why = e instanceof AuthError ? e.said : { zh: '无法验证该令牌', en: 'it could not be verified' };
    throw new HttpError(401, 'UNAUTHENTICATED', { zh: `令牌被拒绝：${why.zh}。`, en: `The token was refused: ${why.en}.` });
  }
}
