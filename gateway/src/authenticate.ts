import type { CryptoKey } from 'jose';
import { AuthError, verifyCallerToken } from '../../subgraphs/shared/auth.ts';
import type { Caller } from '../../subgraphs/shared/caller.ts';
import { HttpError } from '../../subgraphs/shared/http.ts';

/** `Authorization: Bearer <JWT>` → the caller, or HTTP 401 UNAUTHENTICATED saying why. */
export async function authenticate(key: CryptoKey, header: string | undefined): Promise<Caller> {
  if (!header) throw new HttpError(401, 'UNAUTHENTICATED', 'Send a token: Authorization: Bearer <JWT> (`npm run token` mints one).');
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new HttpError(401, 'UNAUTHENTICATED', 'The Authorization header must be "Bearer <JWT>".');
  try {
    return await verifyCallerToken(key, m[1]!);
  } catch (e) {
    throw new HttpError(401, 'UNAUTHENTICATED', `The token was refused: ${e instanceof AuthError ? e.message : 'it could not be verified'}.`);
  }
}
