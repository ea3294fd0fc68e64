import type { GraphQLError } from 'graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict } from '../../../../domain/errors.ts';
import type { Sql } from '../../../../platform/sql.ts';
import { changedColumns, clashedId, clashFinds, keyColumnsOf } from '../store/unique-clash.ts';
import {
  alreadyMediator,
  alreadyRegistered,
  committeeExternalTaken,
  gridStaffExternalTaken,
  mediatorExternalTaken,
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
  /** The changed record's key columns before the change, for the columns a change does not name. */
  changed?: Sql<Record<string, string | number | null>>;
  /** The refusal when the caller may not read that record (another jurisdiction's); `create`'s without an id otherwise. */
  unseen?: Rule;
}

/** The registry's natural keys: a local number unique within the village, or a resident's citizen ID number. */
const numbered = (table: 'address' | 'house' | 'household', what: What): UniqueKey => {
  const columns = ['village_code', 'number'];
  return {
    create: alreadyRegistered('number', what),
    update: keyTaken('number', what),
    idAs: 'recordId',
    find: clashFinds[table],
    columns,
    changed: keyColumnsOf(table, columns),
  };
};

/**
 * A source system's key (`externalId`, unique within the village or the committee), which a form sets as a file's
 * row does: refused as the check before the write refuses it (store/grid-staff.ts, mediation-committee.ts,
 * mediator.ts, registry-kinds.ts), naming the record that holds it.
 */
const external = (rule: Rule, find: Sql<{ id: number }>, table: string, scope: string): UniqueKey => {
  const columns = [scope, 'external_id'];
  return { create: rule, idAs: 'recordId', find, columns, changed: keyColumnsOf(table, columns) };
};

/**
 * Each unique index a form's write can reach (migrations), by its name in the database. The village database's
 * other unique keys and primary keys no mutation breaks through `tx`:
 * - generated ids (every `id … generated … as identity`, `dispute.no`, `dispute.id` a random uuid) and the
 *   directory's codes (`village`, `grid`: loaded, never written by a form);
 * - `*_ended`, `registry_ended (kind, id)`, `patrol_voided`: an end moves the row (`delete … returning` into the
 *   ended table), so a second end racing it finds no row and writes nothing;
 * - `patrol_team_member (team_id, person_id)`: written `on conflict do nothing`;
 * - `write_key (owner, key)`: a create takes the key's transaction lock before it looks the key up, so a second call
 *   with the same key waits for the first and finds its row (store/write-key.ts `take`); a create without a key
 *   keeps its row `on conflict do update`;
 * - `dispute.case_number`, `dispute_counter`: a case's number is drawn from its county's counter, one row updated in
 *   turn (`on conflict do update … returning`); `dispute (county_code, idempotency_key)` is answered by reportDispute
 *   itself (a racing retry gets the first call's case; a key another centre of the county used is CONFLICT on
 *   `idempotencyKey`), in its own transaction, not `tx`;
 * - `dispute_step_seq`: a step locks its case (disputes/steps.ts `lockForStep`) before it takes the next `seq`;
 * - `deadline_rule`, `import_job`, `lookup_quota`, `stats_version`, the roll-ups and the change log: written by the
 *   hub itself or a file, never by a form's values (`on conflict` where two may write at once).
 */
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
  site_external: external(keyTaken('external_id', WHAT.site), clashFinds.siteExternal, 'site', 'village_code'),
  joint_defense_group_external: external(keyTaken('external_id', WHAT.group), clashFinds.groupExternal, 'joint_defense_group', 'village_code'),
  patrol_team_external: external(keyTaken('external_id', WHAT.team), clashFinds.teamExternal, 'patrol_team', 'village_code'),
  grid_staff_external: external(gridStaffExternalTaken, clashFinds.gridStaffExternal, 'grid_staff', 'village_code'),
  mediation_committee_external: external(committeeExternalTaken, clashFinds.committeeExternal, 'mediation_committee', 'village_code'),
  mediator_external: external(mediatorExternalTaken, clashFinds.mediatorExternal, 'mediator', 'committee_id'),
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

/**
 * The key's values, from the row written (a change's completed by the record's own columns) or else from
 * PostgreSQL's report; null when neither has them all.
 */
async function clashParams(em: EntityManager, key: UniqueKey, found: Clash): Promise<string[] | null> {
  if (found.row) {
    let r = found.row;
    const id = r.id;
    if (key.changed && (typeof id === 'number' || typeof id === 'string') && key.columns.some((c) => r[c] == null)) {
      const changed = key.changed;
      const before = await em.transactional((tx) => changedColumns(tx, changed, String(id)));
      if (before) r = { ...before, ...Object.fromEntries(Object.entries(r).filter(([, x]) => x != null)) };
    }
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
 * `duplicate`. Neither names the index. `sent` is the argument the caller sent when the key's field is not one of
 * its arguments (a household moved by `gridCode` into a village where its 户号 is taken): the refusal names that
 * argument, and `field` the key's field that clashed.
 */
export async function clash(em: EntityManager, found: Clash, writing: 'create' | 'change', sent?: string): Promise<GraphQLError> {
  const key = UNIQUE_KEYS[found.index];
  if (!key) {
    return conflict(
      { zh: '这将与已有记录重复，未写入；请重新读取后再试。', en: 'That would duplicate an existing record: nothing was written; read again and retry.' },
      { rule: 'duplicate' },
    );
  }
  const r = writing === 'create' ? key.create : (key.update ?? key.create);
  const named = sent && sent !== r.argument ? { argument: sent, field: r.argument } : {};
  const params = await clashParams(em, key, found);
  const id = params ? await em.transactional((tx) => clashedId(tx, key.find, params)) : null;
  if (id == null) {
    const unseen = key.unseen ?? r;
    return ruleError(unseen, { said: { zh: '。', en: '.' }, extra: sent && sent !== unseen.argument ? { argument: sent, field: unseen.argument } : {} });
  }
  return ruleError(r, { said: { zh: `（编号 ${id}）。`, en: ` (id ${id}).` }, extra: { ...named, [key.idAs]: String(id) } });
}
