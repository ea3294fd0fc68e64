import type { GraphQLError } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict } from '../../../../domain/errors.ts';
import type { Sql } from '../../../../platform/sql.ts';
import { clashedId, clashFinds } from '../store/unique-clash.ts';
import {
  alreadyMediator,
  alreadyRegistered,
  gridWorkerTaken,
  idNumberElsewhere,
  keyTaken,
  ownCommitteeTaken,
  postHeld,
  ruleError,
  WHAT,
  type Rule,
  type What,
} from './rules.ts';
import { CLASH_ROW } from './write.ts';

/**
 * A unique key of the village database a form's write can break, and the rule the form's own check before the write
 * answers for it (registry/rules.ts), so that a write that passed the check and then lost a race to another at the
 * database's unique index is refused as the check or a file's row would be: the same rule, the same argument, and the
 * id of the record it clashed with where the caller may read that record.
 */
interface UniqueKey {
  /** The rule a create breaks; `update` the one a change of an existing record breaks (the create's unless said). */
  create: Rule;
  update?: Rule;
  /** The extension that names the record clashed with, as the check before the write names it. */
  idAs: string;
  /** The record clashed with, by the key's values in the index's column order, read under the caller's jurisdiction. */
  find: Sql<{ id: number }>;
  /** The index's columns, as the written row names them (`village_code` is its grid's village). */
  columns: readonly string[];
  /** The refusal when the caller may not read that record (another jurisdiction's); `create`'s without an id otherwise. */
  unseen?: Rule;
}

/** The registry's natural keys: a local number unique within the village, or a resident's citizen ID number. */
const numbered = (table: 'address' | 'house' | 'household', what: What): UniqueKey => ({
  create: alreadyRegistered('number', what),
  update: keyTaken('number', what),
  idAs: 'recordId',
  find: clashFinds[table],
  columns: ['village_code', 'number'],
});

/** Each unique index a form's write can reach (migrations), by its name in the database. */
const UNIQUE_KEYS: Record<string, UniqueKey> = {
  address_village_code_number_key: numbered('address', WHAT.address),
  house_village_code_number_key: numbered('house', WHAT.house),
  household_village_code_number_key: numbered('household', WHAT.household),
  person_id_number_key: {
    create: alreadyRegistered('id_number', WHAT.person),
    idAs: 'personId',
    find: clashFinds.person,
    columns: ['id_number'],
    unseen: idNumberElsewhere,
  },
  grid_staff_one_worker: {
    create: gridWorkerTaken,
    idAs: 'currentId',
    find: clashFinds.gridWorker,
    columns: ['grid_code'],
  },
  grid_staff_post_once: {
    create: postHeld,
    idAs: 'recordId',
    find: clashFinds.gridPost,
    columns: ['grid_code', 'role', 'person_id'],
  },
  mediation_committee_own: {
    create: ownCommitteeTaken,
    idAs: 'currentId',
    find: clashFinds.ownCommittee,
    columns: ['village_code'],
  },
  mediator_person_once: {
    create: alreadyMediator,
    idAs: 'recordId',
    find: clashFinds.mediator,
    columns: ['committee_id', 'person_id'],
  },
};

/** A unique-key violation's index and the key's values, as PostgreSQL reports them; null when `e` is another error. */
export function duplicate(e: unknown): Clash | null {
  if (typeof e !== 'object' || e === null) return null;
  const code = 'code' in e ? e.code : undefined;
  const name = 'name' in e ? e.name : undefined;
  if (code !== '23505' && name !== 'UniqueConstraintViolationException') return null;
  const index = 'constraint' in e && typeof e.constraint === 'string' ? e.constraint : '';
  const detail = 'detail' in e && typeof e.detail === 'string' ? e.detail : '';
  const row = CLASH_ROW in e ? (e[CLASH_ROW] as Record<string, unknown>) : null;
  return { index, values: /^Key \(.*?\)=\((.*)\) already exists/s.exec(detail)?.[1] ?? '', row };
}

/** A unique-key violation: the index, the key's values as PostgreSQL reports them (none on a table under row-level security), and the row written where the write path kept it. */
export type Clash = { index: string; values: string; row: Record<string, unknown> | null };

/** The key's values, from the row written or else from PostgreSQL's report; null when neither has them all. */
function clashParams(key: UniqueKey, found: Clash): string[] | null {
  if (found.row) {
    const r = found.row;
    const params = key.columns.map((c) =>
      c === 'village_code' && r.village_code == null && typeof r.grid_code === 'string' ? r.grid_code.slice(0, 12) : r[c],
    );
    if (params.every((p) => typeof p === 'string' || typeof p === 'number')) return params.map(String);
  }
  return keyValues(found.values, key.columns.length);
}

/**
 * The key's values from PostgreSQL's report, `count` of them: every one but the last is a code or an id, without a
 * comma; the last (a local number) may hold one.
 */
function keyValues(values: string, count: number): string[] | null {
  const parts = values.split(', ');
  if (parts.length < count) return null;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join(', ')];
}

/**
 * The refusal of a write that broke a unique key (see UniqueKey): CONFLICT with the key's rule and argument, naming
 * the record clashed with when the caller's jurisdiction holds it. An index not in UNIQUE_KEYS is CONFLICT rule
 * `duplicate`. Neither names the index.
 */
export async function clash(em: EntityManager, found: Clash, writing: 'create' | 'change'): Promise<GraphQLError> {
  const key = UNIQUE_KEYS[found.index];
  if (!key) {
    return conflict(
      { zh: '这将与已有记录重复，未写入；请重新读取后再试。', en: 'That would duplicate an existing record: nothing was written; read again and retry.' },
      { rule: 'duplicate' },
    );
  }
  const r = writing === 'create' ? key.create : (key.update ?? key.create);
  const params = clashParams(key, found);
  const id = params ? await em.transactional((tx) => clashedId(tx, key.find, params)) : null;
  if (id == null) return ruleError(key.unseen ?? r, { said: { zh: '。', en: '.' } });
  return ruleError(r, { said: { zh: `（编号 ${id}）。`, en: ` (id ${id}).` }, extra: { [key.idAs]: String(id) } });
}
