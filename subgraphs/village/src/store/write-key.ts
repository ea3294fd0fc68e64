import { z } from 'zod';
import { col, command, exec, row, sql, type Db } from '../../../../platform/sql.ts';

/** Idempotency keys of creating mutations, table `write_key` (migration …48WriteKeys). */
const WriteKey = z.object({ mutation: col.text, inputHash: col.text, recordId: col.id });
export type WriteKeyRow = z.infer<typeof WriteKey>;

/** How long a key is kept: a retry comes within minutes; a day's work offline, within days. */
export const WRITE_KEY_DAYS = 30;

const lock = sql('writeKey.lock', z.object({}), `select pg_advisory_xact_lock(hashtextextended(? || chr(31) || ?, 48)) as locked`);
const byKey = sql('writeKey.byKey', WriteKey, `select mutation, input_hash, record_id from write_key where owner = ? and key = ?`);
const add = command('writeKey.add', `insert into write_key (owner, key, mutation, input_hash, record_id, place) values (?, ?, ?, ?, ?, ?)`);
const expire = command('writeKey.expire', `delete from write_key where owner = ? and created_at < now() - make_interval(days => ?)`);

export const writeKeys = {
  /**
   * The key's write, if the caller made one within WRITE_KEY_DAYS; the key is locked to the end of the transaction,
   * so a retry racing the first call waits for it and then finds its record.
   */
  async take(db: Db, owner: string, key: string): Promise<WriteKeyRow | null> {
    await row(db, lock, [owner, key]);
    await exec(db, expire, [owner, WRITE_KEY_DAYS]);
    return row(db, byKey, [owner, key]);
  },
  async add(db: Db, owner: string, key: string, mutation: string, inputHash: string, recordId: number, place: string): Promise<void> {
    await exec(db, add, [owner, key, mutation, inputHash, recordId, place]);
  },
};
