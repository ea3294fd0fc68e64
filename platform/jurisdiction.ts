import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { nativeExec } from './bulk.ts';
import { command } from './sql.ts';

/**
 * Jurisdiction (辖区) and row-level security (docs/ARCHITECTURE.md). A jurisdiction is
 * a division code of any level: the caller sees that division and everything under
 * it. The whole country is the explicit value `*`, which only an operator setting
 * grants (HUB_NATIONAL_SUBJECTS, checked where caller tokens are verified). Anything
 * else (an empty or unset value) sees nothing: row-level security and these checks
 * fail closed.
 *
 * Every transaction the services run on a caller's or an event's behalf gets its
 * jurisdiction here: `scopedEm` for the ORM (requests, the change feed, event
 * handlers) and `scopeClient` for native connections (exports, imports).
 */

/** The PostgreSQL setting the row-level-security policies read (platform/rls.ts). */
export const JURISDICTION_SETTING = 'hub.jurisdiction';

/** The whole country. */
export const NATIONAL = '*';

const CODE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12}|\d{15})$/;

/** A division code of any level (2, 4, 6, 9, 12 or 15 digits), or `*` for the whole country. */
export function isJurisdiction(value: string): boolean {
  return value === NATIONAL || CODE.test(value);
}

/** True when `code` (any level) lies inside `jurisdiction`; an empty or malformed jurisdiction covers nothing. */
export function covers(jurisdiction: string, code: string): boolean {
  if (jurisdiction === NATIONAL) return true;
  return CODE.test(jurisdiction) && code.startsWith(jurisdiction);
}

/**
 * The prefix every division code under `jurisdiction` starts with, for a
 * `like '<prefix>%'` or a range in SQL: the code itself, or '' for the whole
 * country. Refuses anything that is not a jurisdiction, so an empty or broken
 * value never becomes ''.
 */
export function codePrefix(jurisdiction: string): string {
  return jurisdiction === NATIONAL ? '' : settingValue(jurisdiction);
}

/** The value for `hub.jurisdiction`; refuses anything that is not a jurisdiction, so a bug cannot widen what a transaction sees. */
function settingValue(jurisdiction: string): string {
  if (!isJurisdiction(jurisdiction)) throw new Error(`refusing to scope a transaction to jurisdiction ${JSON.stringify(jurisdiction)}`);
  return jurisdiction;
}

/**
 * Transaction settings naming who acts: the caller's token subject and display
 * name. Triggers that record who changed what read them (a person's history,
 * docs/ARCHITECTURE.md "Life cycle and history"); imports set their own
 * (`hub.import_subject`, `hub.import_actor`).
 */
export const SUBJECT_SETTING = 'hub.subject';
export const ACTOR_SETTING = 'hub.actor';

/** A fresh entity manager whose transactions all run within `jurisdiction`, on behalf of `actor` when given. */
export function scopedEm(em: EntityManager, jurisdiction: string, actor?: { subject: string; name: string }): EntityManager {
  const forked = em.fork();
  const variables: Record<string, string> = { [JURISDICTION_SETTING]: settingValue(jurisdiction) };
  if (actor) {
    // Set in the same statement as the jurisdiction: naming the actor costs no round trip.
    variables[SUBJECT_SETTING] = actor.subject;
    variables[ACTOR_SETTING] = actor.name || actor.subject;
  }
  forked.setSessionContext({ variables });
  return forked;
}

const scope = command('jurisdiction.scope', `select set_config('hub.jurisdiction', $1, true)`);
const scopeWith = command('jurisdiction.scopeWith', `select set_config('hub.jurisdiction', $1, true), set_config($2, $3, true), set_config($4, $5, true)`);

/**
 * Scopes the open transaction of a native connection to `jurisdiction` (settings
 * last until the transaction ends). `also` sets up to two more transaction
 * settings in the same statement (e.g. who imports, for audit triggers).
 */
export async function scopeClient(client: PoolClient, jurisdiction: string, also?: readonly [[string, string], [string, string]]): Promise<void> {
  const value = settingValue(jurisdiction);
  if (also) await nativeExec(client, scopeWith, [value, also[0][0], also[0][1], also[1][0], also[1][1]]);
  else await nativeExec(client, scope, [value]);
}
