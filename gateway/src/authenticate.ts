import { callerFromHeader, type CallerVerifier } from '../../platform/auth.ts';
import type { Caller } from '../../platform/caller.ts';

/**
 * How the gateway checks callers: the caller keys and the subjects an operator made national
 * (HUB_NATIONAL_SUBJECTS), with verified tokens cached until they expire (platform/auth.ts callerVerifier).
 */
export type CallerCheck = CallerVerifier;

/** `Authorization: Bearer <JWT>` → the caller, or HTTP 401 UNAUTHENTICATED saying why. */
export function authenticate(check: CallerCheck, header: string | undefined): Promise<Caller> {
  return callerFromHeader(check, header, {
    zh: '请携带令牌：Authorization: Bearer <JWT>（可用 `npm run token` 签发）。',
    en: 'Send a token: Authorization: Bearer <JWT> (`npm run token` mints one).',
  });
}
