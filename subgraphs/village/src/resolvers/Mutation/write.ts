import { createHash } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { holdsRecord, placeOf, requireWrite, requireWriteScope, type Caller } from '../../../../../platform/caller.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { badInput, conflict, notFound, staleVersion } from '../../../../../domain/errors.ts';
import { chinaMinute, chinaTime, parseId } from '../../../../../platform/scalars.ts';
import { keyText } from '../../../../../platform/validate.ts';
import { SAME_WRITE_MINUTES, SAME_WRITE_PREFIX, writeKeys } from '../../store/write-key.ts';
import { CLASH_ROW, writeForm, type WritableKind } from '../../registry/write.ts';
import type { VillageContext } from '../../context.ts';
import type { MutationResolvers, ResolverFn } from '../../generated/resolvers.ts';
import { alreadyEnded, referenceEnded, ruleErrorSaid, type EndedFacts, type What } from '../../registry/rules.ts';
import { clash, duplicate } from '../../registry/unique-keys.ts';
import { endedReference } from '../../store/ended-refs.ts';
import { grids } from '../../store/grid.ts';
import type { Location, RecordTable } from '../../store/record.ts';
import { columnOf } from '../../../../../platform/sql.ts';
import { writeTransaction } from '../../../../../platform/write-transaction.ts';

/**
 * Registry writes. Each mutation runs in one transaction: a refused write
 * leaves nothing behind. Updates carry the version the client read; a stale
 * one gets CONFLICT (optimistic concurrency).
 */

/** The kinds of records a write names (`what`), as a Chinese message names them. */
const RECORD_ZH: Record<string, string> = {
  person: '人员',
  household: '户',
  house: '实有房屋',
  address: '标准地址',
  site: '重点场所',
  hazard: '隐患',
  jointDefenseGroup: '十户联防组',
  patrolTeam: '巡逻队',
  patrol: '巡逻记录',
};
/** The English words for a record kind named by its GraphQL type (jointDefenseGroup → joint-defense group). */
const RECORD_EN: Record<string, string> = { jointDefenseGroup: 'joint-defense group', patrolTeam: 'patrol team', patrol: 'patrol' };

/** The tables of the kinds a write may name by id whose records end (store/ended-refs.ts), by `what`. */
const ENDED_TABLE: Record<string, string> = {
  household: 'household',
  house: 'house',
  jointDefenseGroup: 'joint_defense_group',
  site: 'site',
  address: 'address',
};

/**
 * The refusal of a reference (`argument`) to records of kind `what` of which `ids` name none current: BAD_USER_INPUT
 * (rule referenceEnded, with when and why) for the first the caller's jurisdiction holds ended, one statement for all
 * of them; `unknown` (NOT_FOUND) otherwise, as for another jurisdiction's record, ended or not.
 */
export async function unknownReference(
  em: EntityManager,
  what: string,
  ids: readonly number[],
  argument: string,
  unknown: () => GraphQLError,
): Promise<GraphQLError> {
  const table = ENDED_TABLE[what];
  const ended = table && ids.length ? await endedReference(em, table, ids) : null;
  if (!ended) return unknown();
  return ruleErrorSaid(referenceEnded(argument, { zh: RECORD_ZH[what] ?? what, en: RECORD_EN[what] ?? what }, argument), ended);
}

/**
 * Runs `fn` in a transaction; a unique-key violation becomes the CONFLICT its key's rule answers (`clash`): a
 * `create` breaks a key as a new record, a `change` (the default) as an existing record's new values. `sent` names
 * the argument the caller sent where the key's field is none of the mutation's (`clash`). A transaction PostgreSQL
 * aborts for a concurrent one runs again from its start (platform/write-transaction.ts `writeTransaction`): `fn` reads
 * everything afresh, and its records, history, audit rows and idempotency key (`once`) are all in the transaction.
 */
export async function tx<T>(ctx: VillageContext, fn: (em: EntityManager) => Promise<T>, writing: 'create' | 'change' = 'change', sent?: string): Promise<T> {
  try {
    return await writeTransaction(ctx.em, fn);
  } catch (e) {
    const found = duplicate(e);
    if (found !== null) throw await clash(ctx.em, found, writing, sent);
    throw e;
  }
}

/** JSON with object keys sorted, so that the same input sent twice hashes the same whatever order its fields came in. */
function stableJson(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * A create sent with an idempotency key (docs/ARCHITECTURE.md, "Retries"). The first call writes, and keeps the key
 * with the record's id in the same transaction. A retry by the same caller with the same key and the same input
 * answers that record as it stands now and writes nothing; a grid worker's app that lost an answer on a poor network
 * sends the create again, and must not make a second resident, hazard or team. The same key with another mutation or
 * other input is CONFLICT: a key names one write. Without a key, `sameOnce` refuses the very same create sent again
 * within minutes.
 */
export async function once<R extends Created>(
  em: EntityManager,
  caller: Caller,
  write: { mutation: string; key: string | null | undefined; input: unknown },
  create: () => Promise<R>,
  load: (id: number) => Promise<R | null>,
): Promise<R> {
  // A retry answers what the first call wrote (its record, or a refusal naming it): only to a caller who may write,
  // never to the same subject's read-only or report-only token, which is refused as any write is.
  requireWriteScope(caller);
  const hash = createHash('sha256').update(stableJson(write.input)).digest('base64url');
  if (write.key == null) return sameOnce(em, caller, write.mutation, hash, create, load);
  const key = keyText(write.key, 'idempotencyKey', 200);
  const kept = await writeKeys.take(em, caller.subject, key);
  if (kept) {
    if (kept.mutation !== write.mutation || kept.inputHash !== hash) {
      throw conflict(
        {
          zh: `idempotencyKey 已用于另一次写入（${kept.mutation}，编号 ${kept.recordId}）；重试请原样发送，新的写入请换一个键。`,
          en: `This idempotencyKey was used for another write (${kept.mutation}, id ${kept.recordId}); retry with the same input, or use a new key for a new write.`,
        },
        { rule: 'keyReused', argument: 'idempotencyKey', mutation: kept.mutation, recordId: String(kept.recordId) },
      );
    }
    const record = await load(kept.recordId);
    if (record) return record;
    throw conflict(
      {
        zh: `用此 idempotencyKey 写入的记录（编号 ${kept.recordId}）已不在您的辖区内或已结束；新的写入请换一个键。`,
        en: `The record written with this idempotencyKey (id ${kept.recordId}) is no longer in your jurisdiction or has ended; use a new key for a new write.`,
      },
      { rule: 'keyRecordGone', argument: 'idempotencyKey', mutation: kept.mutation, recordId: String(kept.recordId) },
    );
  }
  // The key is the subject's, whichever jurisdiction it used it from: a key names one write, so the same key from a
  // jurisdiction that does not see the first call's record is refused, never written again as a second record.
  if (await writeKeys.heldElsewhere(em, key)) {
    throw conflict(
      {
        zh: `此 idempotencyKey 已由同一账号在另一辖区用于一次写入，该记录不在您当前的辖区内，未写入；如是同一次写入的重发，请用原辖区的令牌重发；新的写入请换一个键。`,
        en: `This idempotencyKey was already used by the same account from another jurisdiction, for a record outside your current one: nothing was written. To retry that write, send it with the first jurisdiction's token; use a new key for a new write.`,
      },
      { rule: 'keyUsedElsewhere', argument: 'idempotencyKey' },
    );
  }
  const record = await create();
  await writeKeys.add(em, caller.subject, key, write.mutation, hash, record.id, record.gridCode ?? record.villageCode);
  return record;
}

/**
 * A create sent without a key: the very same create (mutation and input) the same caller made within
 * SAME_WRITE_MINUTES, its record still there as that call left it (the same version), is CONFLICT (rule sameWrite)
 * naming that record, and writes nothing: an
 * app that sends no key still makes one hazard or resident of a retry, and learns which one it is. Any other create
 * runs, and is kept under its input's hash in the same transaction, so that a retry racing it waits for it and then
 * finds it. A second record alike in every field is written with an idempotencyKey of its own: a new key is a new
 * write. The caller is the token's subject within its jurisdiction: a subject several grids' workers share (one
 * phone, one integration) sends the same form without a grid code for each grid's own hazard, and each grid's
 * write is its own; a record the key kept is always inside the jurisdiction that wrote it, so the key is readable
 * under the row-level security that keeps it.
 */
async function sameOnce<R extends Created>(
  em: EntityManager,
  caller: Caller,
  mutation: string,
  hash: string,
  create: () => Promise<R>,
  load: (id: number) => Promise<R | null>,
): Promise<R> {
  // A key no client sends (keys are trimmed text; this one opens with a control character), one per jurisdiction,
  // mutation and input.
  const key = `${SAME_WRITE_PREFIX}${caller.jurisdiction}\u001f${mutation}\u001f${hash}`;
  const kept = await writeKeys.takeSame(em, caller.subject, key);
  const first = kept && (await load(kept.recordId));
  // A retry finds the record as the first call left it; one changed since makes a call alike in every field a new entry.
  if (kept && first && (kept.recordVersion == null || first.version === kept.recordVersion)) {
    // The first call's time as every DateTime is written (China time); the message says it as a clock in China reads it.
    const at = chinaMinute(kept.createdAt);
    throw conflict(
      {
        zh: `与您 ${SAME_WRITE_MINUTES} 分钟内的一次写入完全相同（${mutation}，编号 ${kept.recordId}，${at}），视为重发，未再写入；确需再登记一条相同的记录，请带上新的 idempotencyKey。`,
        en: `This is the very same write you made within ${SAME_WRITE_MINUTES} minutes (${mutation}, id ${kept.recordId}, at ${at} China time), taken as sent again: nothing was written. To record a second one alike, send it with a new idempotencyKey.`,
      },
      { rule: 'sameWrite', mutation, recordId: String(kept.recordId), firstAt: chinaTime(kept.createdAt) },
    );
  }
  const record = await create();
  await writeKeys.keepSame(em, caller.subject, key, {
    mutation,
    inputHash: hash,
    recordId: record.id,
    recordVersion: record.version ?? null,
    place: record.gridCode ?? record.villageCode,
  });
  return record;
}

/** A record a create answers: its id, and its place (the key is kept under the record's jurisdiction). */
type Created = { id: number; villageCode: string; gridCode?: string | null; version?: number };

/** The arguments a resolver takes (of the function form of the generated `Resolver` union). */
type ArgsOf<T> = T extends ResolverFn<infer _R, infer _P, infer _C, infer A> ? A : never;
/** The arguments of a mutation, as its generated resolver type takes them. */
type MutationArgs<K extends keyof MutationResolvers> = ArgsOf<NonNullable<MutationResolvers[K]>>;

/**
 * A creating mutation's resolver: `create` writes in the mutation's transaction, once per idempotency key (`once`),
 * and `table` reads the record back for a retry.
 */
export function keyedCreate<K extends keyof MutationResolvers, R extends Created>(
  mutation: K,
  table: { byId(em: EntityManager, id: number): Promise<R | null> },
  create: (em: EntityManager, args: MutationArgs<K>, ctx: VillageContext) => Promise<R>,
) {
  return (_: unknown, args: MutationArgs<K> & { input: object; idempotencyKey?: string | null }, ctx: VillageContext): Promise<R> =>
    tx(
      ctx,
      (em) =>
        once(
          em,
          ctx.caller,
          { mutation, key: args.idempotencyKey, input: args.input },
          () => create(em, args, ctx),
          (id) => table.byId(em, id),
        ),
      'create',
    );
}

/**
 * A registry create (registerAddress, registerHouse, registerHousehold, registerSite): the form on its kind's one
 * write path (docs/ARCHITECTURE.md, "One write path per kind"), once per idempotency key; the record as written.
 */
export function registered<K extends keyof MutationResolvers, R extends Created>(
  mutation: K,
  kind: WritableKind,
  table: { byId(em: EntityManager, id: number): Promise<R | null> },
) {
  return keyedCreate(
    mutation,
    table,
    async (em, args, ctx) => (await table.byId(em, (await writeForm(em, ctx.caller, kind, (args as { input: object }).input, { register: true }))!))!,
  );
}

/** The grid a record is filed under: inside the caller's writable jurisdiction and known to the hub. */
export async function gridFor(em: EntityManager, caller: Caller, code: string): Promise<Location> {
  const c = parseCodeOfLevel(code, 'GRID', 'gridCode');
  requireWrite(caller, c, 'gridCode');
  const g = await grids.byCode(em, c);
  if (!g) throw badInput({ zh: `gridCode ${c} 不是本枢纽登记的网格。`, en: `gridCode ${c} is not a grid the hub knows.` }, { argument: 'gridCode' });
  return { villageCode: g.villageCode, gridCode: g.code, countyCode: g.countyCode };
}

/** The parts of a table's store a write reads through. */
export type Readable<R> = Pick<RecordTable<R, never>, 'byId' | 'lock'>;

/**
 * Loads a record for writing (locked unless `lock` is false): FORBIDDEN first for a caller without `write`, whatever
 * the id names; NOT_FOUND when missing or outside the caller's jurisdiction. `argument` is the mutation's
 * argument that named it (`id` unless said), for a malformed id's error.
 * With `ended` (a kind whose records end), an ended record is INVALID_TRANSITION (`lockedOrEnded`).
 */
export async function forWrite<R extends Placed>(
  em: EntityManager,
  caller: Caller,
  table: Readable<R>,
  id: string | number,
  what: string,
  { lock = true, argument = 'id', ended }: { lock?: boolean; argument?: string; ended?: { ends: Ends; action: 'end' | 'change' } } = {},
): Promise<R> {
  requireWriteScope(caller);
  const unknown = () => notFound({ zh: `没有编号为 ${id} 的${RECORD_ZH[what] ?? what}。`, en: `No ${RECORD_EN[what] ?? what} with id ${id}.` }, { argument });
  if (ended && lock) return lockedOrEnded(em, caller, table, ended.ends, id, ended.action, { unknown, argument });
  const recordId = parseId(id, argument);
  const row = await (lock ? table.lock(em, recordId) : table.byId(em, recordId));
  // A record another argument than the record's own `id` names may have ended: the reference is told so.
  if (!row) throw argument === 'id' ? unknown() : await unknownReference(em, what, [recordId], argument, unknown);
  if (!holdsRecord(caller, row)) throw unknown();
  requireWrite(caller, placeOf(row));
  return row;
}

/** A record's place: its village, and its grid where it has one. */
export type Placed = { villageCode: string; gridCode?: string | null };

/** Where a kind's ended records are, and how a message names the kind. */
export interface Ends {
  endedOf(em: EntityManager, id: number): Promise<(EndedFacts & Placed) | null>;
  what: What;
}

/**
 * Where a force's ended records are (grid staff, committees, mediators): `ended_by` keeps the name people read and
 * `ended_by_subject` the caller's subject, which alreadyEnded gives as `endedBy` (null for an end before it was kept).
 */
export function forceEnds(
  endedOf: (em: EntityManager, id: number) => Promise<(Placed & { id: number; endedBy?: string | null; endedBySubject?: string | null }) | null>,
  what: What,
): Ends {
  return {
    what,
    endedOf: async (em, id) => {
      const e = await endedOf(em, id);
      return e && { ...e, endedBy: e.endedBySubject ?? null, endedByName: e.endedBy ?? null };
    },
  };
}

/**
 * The record `id`, locked, for a write that changes (`change`) or ends (`end`) it: INVALID_TRANSITION (rule
 * alreadyEnded, registry/rules.ts) when it has ended, saying when, by whom and why, and `unknown` (NOT_FOUND) when
 * the caller sees no such record, current or ended: another jurisdiction's ended record is as unknown as its current
 * one. `sees` tells whether the caller sees a record row-level security let through (by its place, unless said);
 * `place` is the division whose write it takes (its grid or village, unless said).
 */
export async function lockedOrEnded<R extends Placed>(
  em: EntityManager,
  caller: Caller,
  current: { lock(em: EntityManager, id: number): Promise<R | null> },
  ends: Ends,
  id: string | number,
  action: 'end' | 'change',
  {
    unknown,
    argument = 'id',
    sees = holdsRecord,
    place = placeOf,
  }: { unknown: () => GraphQLError; argument?: string; sees?: (caller: Caller, r: Placed) => boolean; place?: (r: Placed) => string },
): Promise<R> {
  requireWriteScope(caller);
  const recordId = parseId(id, argument);
  const row = await current.lock(em, recordId);
  if (row) {
    if (!sees(caller, row)) throw unknown();
    requireWrite(caller, place(row));
    return row;
  }
  const ended = await ends.endedOf(em, recordId);
  if (!ended || !sees(caller, ended)) throw unknown();
  requireWrite(caller, place(ended));
  throw alreadyEnded(ends.what, ended, action);
}

/** A reference to another record, which must be in the same village; its id (null when not given). */
export async function refInVillage<R extends { id: number; villageCode: string }>(
  em: EntityManager,
  caller: Caller,
  table: Readable<R>,
  id: string | null | undefined,
  what: string,
  villageCode: string,
): Promise<number | null> {
  if (id == null) return null;
  const row = await forWrite(em, caller, table, id, what, { lock: false, argument: `${what}Id` });
  if (row.villageCode !== villageCode) {
    throw badInput(
      {
        zh: `${RECORD_ZH[what] ?? what} ${id} 属于村（社区）${row.villageCode}，不属于 ${villageCode}。`,
        en: `${RECORD_EN[what] ?? what} ${id} is in village ${row.villageCode}, not ${villageCode}.`,
      },
      { argument: `${what}Id` },
    );
  }
  return row.id;
}

/** The refusal of a stale version: the record is at `current`, the client read `sent`. */
export function staleError(current: number | null | undefined, sent: number) {
  return staleVersion({ zh: '记录', en: 'record' }, current, sent);
}

/** CONFLICT unless `sent` is the record's version: checked before anything else about it, as a stale read is. */
export function checkVersion(current: number, sent: number): void {
  if (current !== sent) throw staleError(current, sent);
}

/** Applies `changes` if `version` is current; CONFLICT otherwise. */
export async function versioned<R, C>(
  em: EntityManager,
  table: Pick<RecordTable<R, C>, 'update' | 'version'>,
  id: number,
  version: number,
  changes: C,
): Promise<R> {
  // A unique key the change breaks (a household moved to a village where its 户号 is taken) is refused naming the
  // record that holds it (registry/unique-keys.ts `clash`): the error carries the changed columns, as a form's does.
  const row = await table.update(em, id, version, changes).catch((e: unknown) => {
    const columns = typeof changes === 'object' && changes !== null ? Object.entries(changes).map(([k, v]) => [columnOf(k), v]) : [];
    if (typeof e === 'object' && e !== null && !(CLASH_ROW in e)) Object.assign(e, { [CLASH_ROW]: { ...Object.fromEntries(columns), id } });
    throw e;
  });
  if (row) return row;
  throw staleError(await table.version(em, id), version);
}
