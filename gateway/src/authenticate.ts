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
    zh: '未登录或缺少令牌：请求须携带 Authorization: Bearer <JWT>。令牌请向本系统的管理员申领；应用请重新登录。',
    en: "Not signed in: send Authorization: Bearer <JWT>. Tokens are issued by the hub's operators (npm run token); an app signs in again.",
  });
}
