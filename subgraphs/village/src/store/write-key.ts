import { z } from 'zod';
import { col, command, exec, row, sql, type Db } from '../../../../platform/sql.ts';

/** Idempotency keys of creating mutations, table `write_key` (migration …48WriteKeys). */
const WriteKey = z.object({ mutation: col.text, inputHash: col.text, recordId: col.id });
export type WriteKeyRow = z.infer<typeof WriteKey>;

/** How long a key is kept: a retry comes within minutes; a day's work offline, within days. */
export const WRITE_KEY_DAYS = 30;

/**
 * How long a create sent without a key is taken for a retry when the same caller sends the very same input again: a
 * weak network's retry comes within seconds or minutes, while a second hazard or resident alike in every field, from
 * the same worker, within this time is far likelier the same one sent twice.
 */
export const SAME_WRITE_MINUTES = 10;

/** How the key of a create sent without one opens (a control character no client's trimmed key opens with). */
export const SAME_WRITE_PREFIX = '\u001fsame\u001f';

/** A create sent without a key, as kept: its record, and when it was written. */
const SameWrite = z.object({ recordId: col.id, recordVersion: col.id.nullable(), createdAt: col.instant });
export type SameWriteRow = z.infer<typeof SameWrite>;

// The lock is a statement of its own, before the key is read: a statement reads the rows as they stood when it began,
// so a read in the lock's statement would miss the record of a racing call it waited for.
const lock = sql('writeKey.lock', z.object({}), `select pg_advisory_xact_lock(hashtextextended(? || chr(31) || ?, 48)) as locked`);
// The caller's keys past WRITE_KEY_DAYS go as its key is read, in the same statement: the read sees the rows as they
// were before the sweep, so it takes only a key inside the days itself (the two sets never meet).
const byKey = sql(
  'writeKey.byKey',
  WriteKey,
  `with expired as (delete from write_key where owner = ? and created_at < now() - make_interval(days => ?))
   select mutation, input_hash, record_id from write_key
    where owner = ? and key = ? and created_at >= now() - make_interval(days => ?)`,
);
const held = sql('writeKey.held', z.object({ held: z.boolean() }), `select hub_write_key_held(?, ?) as held`);
const add = command('writeKey.add', `insert into write_key (owner, key, mutation, input_hash, record_id, place) values (?, ?, ?, ?, ?, ?)`);
const keepSame = command(
  'writeKey.keepSame',
  `insert into write_key (owner, key, mutation, input_hash, record_id, record_version, place) values (?, ?, ?, ?, ?, ?, ?)
   on conflict (owner, key) do update set mutation = excluded.mutation, input_hash = excluded.input_hash,
     record_id = excluded.record_id, record_version = excluded.record_version, place = excluded.place, created_at = now()`,
);
// A create sent without a key is a retry for SAME_WRITE_MINUTES only: the caller's older ones go, as its keys after
// WRITE_KEY_DAYS, so that an app that never sends a key leaves no more than its last minutes' creates. Rows another
// of its calls is removing at once are left to it (skip locked): two calls never wait on each other's sweep. The sweep
// runs as the read of the create's own key, in one statement: the read sees the rows as they were before it, and takes
// only a create within the minutes, which the sweep (older ones only) never removes.
const sameRecent = sql(
  'writeKey.sameRecent',
  SameWrite,
  `with expired as (
     delete from write_key where (owner, key) in (
       select owner, key from write_key where owner = ? and starts_with(key, ?) and created_at <= now() - make_interval(mins => ?)
          for update skip locked))
   select record_id, record_version, created_at from write_key where owner = ? and key = ? and created_at > now() - make_interval(mins => ?)`,
);

export const writeKeys = {
  /**
   * The key's write, if the caller made one within WRITE_KEY_DAYS; the key is locked to the end of the transaction,
   * so a retry racing the first call waits for it and then finds its record.
   */
  async take(db: Db, owner: string, key: string): Promise<WriteKeyRow | null> {
    await row(db, lock, [owner, key]);
    return row(db, byKey, [owner, WRITE_KEY_DAYS, owner, key, WRITE_KEY_DAYS]);
  },
  /**
   * Whether the transaction's caller (`hub.subject`, the token's subject) holds this key under a place its
   * jurisdiction does not see (migrations …90WriteKeyElsewhere, …92WriteKeyCaller): called when `take` found none,
   * under the same lock, so a key another jurisdiction of the same subject used is told from a new one. The database
   * answers only for that caller, never for a subject a statement names.
   */
  async heldElsewhere(db: Db, key: string): Promise<boolean> {
    return (await row(db, held, [key, WRITE_KEY_DAYS]))?.held === true;
  },
  /**
   * The record of the same create (`key`: the jurisdiction, the mutation and its input's hash) the caller made without a key within
   * SAME_WRITE_MINUTES; locked as `take` locks, so that two such calls racing write one record.
   */
  async takeSame(db: Db, owner: string, key: string): Promise<SameWriteRow | null> {
    await row(db, lock, [owner, key]);
    return row(db, sameRecent, [owner, SAME_WRITE_PREFIX, SAME_WRITE_MINUTES, owner, key, SAME_WRITE_MINUTES]);
  },
  /** Keeps a create sent without a key, with the version it left its record at, replacing an older one of the same input. */
  async keepSame(
    db: Db,
    owner: string,
    key: string,
    write: { mutation: string; inputHash: string; recordId: number; recordVersion: number | null; place: string },
  ): Promise<void> {
    await exec(db, keepSame, [owner, key, write.mutation, write.inputHash, write.recordId, write.recordVersion, write.place]);
  },
  async add(db: Db, owner: string, key: string, mutation: string, inputHash: string, recordId: number, place: string): Promise<void> {
    await exec(db, add, [owner, key, mutation, inputHash, recordId, place]);
  },
};
