import DataLoader from 'dataloader';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { hasScope, holdsRecord, requireRecordAccess, type Caller } from '../../../platform/caller.ts';
import { covers } from '../../../platform/jurisdiction.ts';
import { maskIdNumber, maskPhone } from '../../../domain/citizen-id.ts';
import { badInput, hubError, type Said } from '../../../domain/errors.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { LookupLimits } from '../../../platform/settings.ts';
import { auditTrail, fingerprints, type AuditedType, type AuditEntry } from './store/audit-trail.ts';
import { lookupQuota, type ExceededQuota } from './store/lookup-quota.ts';

/**
 * Access rules of the village subgraph, in code. The database enforces the
 * jurisdiction again underneath (row-level security), so a missed check here
 * cannot leak a row.
 */

/**
 * A caller of one grid of the village (its jurisdiction inside the village, not the village itself): it sees that
 * grid's records only, so what a record of its grid names on another grid (the patrol that found a hazard, the team
 * that walked a patrol) is told it through the security-definer functions behind the `…Of…` loaders.
 */
export const insideVillage = (caller: Caller, villageCode: string): boolean => caller.jurisdiction !== villageCode && covers(villageCode, caller.jurisdiction);

/** By-id reads: FORBIDDEN without `read`; a record outside the jurisdiction looks like a missing one. */
export function visible<T extends { villageCode: string; gridCode?: string | null }>(caller: Caller, row: T | null | undefined, what = 'registry'): T | null {
  requireRecordAccess(caller, what);
  if (!row || !holdsRecord(caller, row)) return null;
  return row;
}

/**
 * Reads of unmasked personal data this request made, written to the audit log when it ends: one entry per record type
 * and path (`readPath`), so that the log says through which field each record was read.
 */
export type AuditTrail = Map<string, TrailEntry>;

/** One record type's reads through one path; `missed`: the numbers looked up there that found nobody (`idNumber:…`, `phone:…`). */
export interface TrailEntry {
  type: AuditedType;
  path: string;
  ids: Set<number>;
  fields: Set<string>;
  missed: Set<string>;
}

/** The entry of the request's trail for reads of `type` records through `path`. */
export function trailEntry(audit: AuditTrail, type: AuditedType, path: string): TrailEntry {
  const key = `${type}\u0000${path}`;
  let entry = audit.get(key);
  if (!entry) audit.set(key, (entry = { type, path, ids: new Set(), fields: new Set(), missed: new Set() }));
  return entry;
}

/**
 * The fields of `set` (its fragments' too) that answer under `key`, the client's alias or the field's name, each with
 * the type condition of the fragment it stands in (`on`: the entity's type in a router's `_entities` fetch).
 */
function fieldsAnswering(
  set: SelectionSetNode,
  key: string,
  info: GraphQLResolveInfo,
  out: { name: string; on?: string; set?: SelectionSetNode }[],
  on?: string,
): void {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) {
      if ((s.alias?.value ?? s.name.value) === key) out.push({ name: s.name.value, on, set: s.selectionSet });
    } else if (s.kind === Kind.INLINE_FRAGMENT) fieldsAnswering(s.selectionSet, key, info, out, s.typeCondition?.name.value ?? on);
    else {
      const fragment = info.fragments[s.name.value];
      if (fragment) fieldsAnswering(fragment.selectionSet, key, info, out, fragment.typeCondition.name.value);
    }
  }
}

const paths = new WeakMap<GraphQLResolveInfo['operation'], Map<string, string>>();

/**
 * Through which fields a resolver's record was reached, by the fields' names (never the client's aliases, which say
 * nothing to an inspector), without list positions or a connection's `nodes` / `edges.node`: `village.residents`,
 * `person`, `household.members`, so that a list's lookup by number and the reads of what it found share an entry. A
 * record reached through another subgraph's entity (the gateway's `_entities` fetch) is named by that entity's type:
 * `County.residents` is a county's residents asked for through the county subgraph.
 */
export function readPath(info: GraphQLResolveInfo, withField = false): string {
  const keys: { key: string }[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = withField ? info.path : info.path.prev; p; p = p.prev) {
    if (typeof p.key === 'string') keys.unshift({ key: p.key });
  }
  const memoKey = keys.map((k) => k.key).join('.');
  let known = paths.get(info.operation);
  if (!known) paths.set(info.operation, (known = new Map()));
  const memo = known.get(memoKey);
  if (memo !== undefined) return memo;
  const names: string[] = [];
  let sets: SelectionSetNode[] = [info.operation.selectionSet];
  for (const { key } of keys) {
    const found: { name: string; on?: string; set?: SelectionSetNode }[] = [];
    for (const set of sets) fieldsAnswering(set, key, info, found);
    // A router's entity fetch: named by the entity's type (the fragment its fields stand in), not `_entities`.
    if (names.length === 1 && names[0] === '_entities') names[0] = found[0]?.on ?? '_entities';
    names.push(found[0]?.name ?? key);
    sets = found.flatMap((f) => (f.set ? [f.set] : []));
  }
  // A connection's records are named by the connection's field: `nodes`, `edges` and `node` are only its plumbing.
  const path = names.filter((n) => n !== 'nodes' && n !== 'edges' && n !== 'node').join('.');
  known.set(memoKey, path);
  return path;
}

/**
 * The most people whose ID number or phone one client request may read in full. The
 * cost limit bounds a request's size, not its personal data: fifty aliases of
 * fifty villages' pages of residents fit under it. A request past this many
 * gets the rest masked as null with BAD_USER_INPUT; whole villages' or
 * counties' records go through the export routes, which are audited as one
 * read each.
 */
export const PII_PER_REQUEST = 5_000;

/**
 * People read in full per client request (caller and the gateway's request key), across the subgraph requests the gateway splits
 * it into: a query reaching residents through several paths (a county's, a township's county's) is several village
 * fetches, each with its own context. Kept a few minutes, in this process: with several village workers
 * (HUB_VILLAGE_WORKERS) a request split across them is held to the limit in each.
 */
const readPerRequest = new Map<string, { people: number; at: number }>();
const READ_KEPT_MS = 5 * 60_000;

function requestRead(ctx: BaseContext): { people: number; at: number } {
  const key = `${ctx.caller.subject}\u0000${ctx.requestKey}`;
  let read = readPerRequest.get(key);
  if (!read) {
    const now = Date.now();
    // Oldest first (a Map keeps insertion order): drop those past their time.
    for (const [k, r] of readPerRequest) {
      if (now - r.at < READ_KEPT_MS) break;
      readPerRequest.delete(k);
    }
    readPerRequest.set(key, (read = { people: 0, at: now }));
  }
  return read;
}

/**
 * A personal field (ID number, phone): in full for callers with `pii`, and
 * then recorded for the audit log; masked otherwise. Past PII_PER_REQUEST
 * people in one request, refused.
 */
export function personal(
  ctx: BaseContext & { audit: AuditTrail },
  info: GraphQLResolveInfo,
  recordType: AuditedType,
  id: number,
  field: 'idNumber' | 'phone',
  value: string | null,
): string | null {
  if (value == null) return null;
  if (!hasScope(ctx.caller, 'pii')) return field === 'idNumber' ? maskIdNumber(value) : maskPhone(value);
  const entry = trailEntry(ctx.audit, recordType, readPath(info));
  const read = entry.ids.has(id) || readBefore(ctx.audit, recordType, id) ? null : requestRead(ctx);
  if (read && read.people >= PII_PER_REQUEST) {
    throw badInput(
      {
        zh: `一次请求至多读取 ${PII_PER_REQUEST} 人的身份证号或电话；其余已略去。请分页读取，或用导出（/export）取整村、整县的记录。`,
        en: `A request reads the ID number or phone of at most ${PII_PER_REQUEST} people; the rest are left out. Page through them, or use the export routes for whole villages or counties.`,
      },
      { limit: PII_PER_REQUEST },
    );
  }
  if (read) read.people++;
  entry.ids.add(id);
  entry.fields.add(field);
  return value;
}

/** Whether the request read this record in full already, through another path (it counts once towards the limit). */
function readBefore(audit: AuditTrail, type: AuditedType, id: number): boolean {
  for (const e of audit.values()) if (e.type === type && e.ids.has(id)) return true;
  return false;
}

/** Each request's lookups, spent together (one statement per turn of the event loop); requests that spent any. */
const lookupBatches = new WeakMap<BaseContext, DataLoader<number, true>>();

/** Why lookups past the caller's quota are refused: the window overrun (the day's first, as the longer wait) and when it starts again. */
export function lookupsRefused(over: readonly ExceededQuota[]): { said: Said; extra: { window: string; quota: number; retryAfterSeconds: number } } {
  const w = over.find((o) => o.exceeded === 'DAY') ?? over[0]!;
  const per = w.exceeded === 'DAY' ? { zh: '每天（北京时间）', en: 'a day (Beijing time)' } : { zh: '每分钟', en: 'a minute' };
  return {
    said: {
      zh: `按身份证号或电话查找人员过于频繁：每个用户${per.zh}至多 ${w.quota} 次，请 ${w.retryAfter} 秒后再试。`,
      en: `Too many lookups by ID number or phone: at most ${w.quota} ${per.en} per caller; try again in ${w.retryAfter} s.`,
    },
    extra: { window: w.exceeded, quota: w.quota, retryAfterSeconds: w.retryAfter },
  };
}

const quotaSpent = (over: readonly ExceededQuota[]) => {
  const { said, extra } = lookupsRefused(over);
  return hubError('RATE_LIMITED', said, extra);
};

/**
 * Spends one of the caller's lookups by full ID number or phone, before the
 * lookup runs (docs/ARCHITECTURE.md, "Lookup quota"); RATE_LIMITED once the
 * minute's or the day's quota is spent. Knowing whose number it is, is
 * personal data: a caller walking through numbers is stopped, and a refused
 * lookup costs nothing. The lookups of one request (aliases, several
 * parents) are spent together, in one statement beside its transaction.
 */
export async function spendLookup(ctx: BaseContext & { lookups: LookupLimits }): Promise<void> {
  let batch = lookupBatches.get(ctx);
  if (!batch) {
    batch = new DataLoader<number, true>(
      async (keys) => {
        const most = Math.min(ctx.lookups.perMinute, ctx.lookups.perDay);
        if (keys.length > most) {
          // Never within the quota, however long the caller waits: said so, not "try again".
          const refused = badInput({
            zh: `一次请求含 ${keys.length} 次按身份证号或电话的查找，超过每个用户的上限 ${most} 次；请分成几次请求。`,
            en: `One request makes ${keys.length} lookups by ID number or phone, more than a caller's quota of ${most}; split it.`,
          });
          return keys.map(() => refused);
        }
        const over = await lookupQuota.take(ctx.em, ctx.caller.subject, keys.length, ctx.lookups);
        if (!over.length) return keys.map(() => true as const);
        const refused = quotaSpent(over);
        return keys.map(() => refused);
      },
      { cache: false },
    );
    lookupBatches.set(ctx, batch);
  }
  await batch.load(0);
}

/**
 * One append-only audit row per record type read unmasked (or looked up) in
 * the request; true when it wrote any, or spent the caller's lookups (the
 * answer is then the caller's own: never shared with another caller's).
 */
export async function writeAudit(ctx: BaseContext & { audit: AuditTrail }): Promise<boolean> {
  const spent = lookupBatches.has(ctx);
  if (!ctx.audit.size) return spent;
  for (const { type, path, ids, fields, missed } of ctx.audit.values()) {
    const entry = auditEntry(ctx, ctx.operation || 'unknown', type, [...ids], [...fields], path);
    await auditTrail.insert(ctx.em, { ...entry, missedLookups: await fingerprints(ctx.em, missed) });
  }
  ctx.audit.clear();
  return true;
}

/** An audit row of the request's caller: what `operation` did to which records' personal `fields`. */
export function auditEntry(
  ctx: BaseContext,
  operation: string,
  recordType: AuditedType,
  recordIds: readonly number[],
  fields: readonly string[],
  path: string | null = null,
): AuditEntry {
  const c = ctx.caller;
  return {
    subject: c.subject,
    callerName: c.name,
    callerJurisdiction: c.jurisdiction,
    operation,
    requestId: ctx.requestId,
    recordType,
    recordIds,
    fields,
    path,
  };
}
