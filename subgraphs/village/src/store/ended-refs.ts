import { z } from 'zod';
import { row, sql, sqlText, type Db } from '../../../../platform/sql.ts';

/**
 * A reference to a record that has ended (docs/ARCHITECTURE.md, "Life cycle and history"): a dissolved household, a
 * deregistered house, key site or standard address, a disbanded 十户联防 group, an ended mediation committee, a mediator no
 * longer serving. Ended records leave their table for
 * another (`registry_ended`, `mediation_committee_ended`) under the same row-level security, so a write that names
 * one would find nothing and answer NOT_FOUND, as for an id that never existed. Where the caller's jurisdiction
 * holds it ended, the write is told so instead (rule referenceEnded, registry/rules.ts); another jurisdiction's stays
 * unseen. One SQL expression says it, for a file's rows (a check over `x`) and a form's argument alike.
 */

/** The Chinese names of the reasons a record ends for (EndReason). */
export const END_REASON_ZH: Readonly<Record<string, string>> = {
  DIED: '死亡',
  MOVED_OUT: '迁出',
  DUPLICATE: '重复登记',
  MERGED: '合并',
  NO_MEMBERS: '户内无人',
  DEMOLISHED: '拆除',
  REORGANISED: '调整撤并',
  CLOSED: '关停',
  ENTERED_IN_ERROR: '登记有误',
};

/** How a referenced table's ended records are found, and the words for their end. */
interface EndedTable {
  /** FROM and WHERE over `e`, the ended rows of the referenced kind. */
  from: string;
  /** SQL over `e`: the end's reason as people read it (null without one), and its code. */
  reasonZh: string;
  reasonCode: string;
  what: { zh: string; en: string };
  /** The end as a verb: 销户 (dissolved), … */
  verb: { zh: string; en: string };
}

const reasonName = `case e.reason ${Object.entries(END_REASON_ZH)
  .map(([k, v]) => `when ${sqlText(k)} then ${sqlText(v)}`)
  .join(' ')} else e.reason end`;
const registry = (kind: string, what: EndedTable['what'], verb: EndedTable['verb']): EndedTable => ({
  from: `registry_ended e where e.kind = '${kind}'`,
  reasonZh: reasonName,
  reasonCode: 'e.reason',
  what,
  verb,
});

/** The tables a write may name an ended record of, by the referenced (current) table. */
const ENDED: Readonly<Record<string, EndedTable>> = {
  household: registry('HOUSEHOLD', { zh: '户', en: 'household' }, { zh: '销户', en: 'dissolved' }),
  house: registry('HOUSE', { zh: '实有房屋', en: 'house' }, { zh: '注销', en: 'deregistered' }),
  joint_defense_group: registry('JOINT_DEFENSE_GROUP', { zh: '十户联防组', en: 'joint-defense group' }, { zh: '撤销', en: 'disbanded' }),
  site: registry('SITE', { zh: '重点场所', en: 'site' }, { zh: '注销', en: 'deregistered' }),
  address: registry('ADDRESS', { zh: '标准地址', en: 'address' }, { zh: '注销', en: 'deregistered' }),
  mediation_committee: {
    from: 'mediation_committee_ended e where true',
    reasonZh: 'e.end_reason',
    reasonCode: 'e.end_reason',
    what: { zh: '人民调解委员会', en: 'mediation committee' },
    verb: { zh: '撤销', en: 'ended' },
  },
  mediator: {
    from: 'mediator_ended e where true',
    reasonZh: 'e.end_reason',
    reasonCode: 'e.end_reason',
    what: { zh: '人民调解员', en: 'mediator' },
    verb: { zh: '结束任职', en: 'stopped serving' },
  },
};

/** Whether a reference to `table` may name an ended record. */
export const endsIn = (table: string): boolean => table in ENDED;

/**
 * SQL: the ended record of `table` that `id` (SQL) names, as jsonb: `zh` and `en`, the words after the argument's or
 * column's name, and `recordId`, `endedAt`, `endReason`; null when the caller sees no such ended record.
 */
export function endedReferenceSql(table: string, id: string): string {
  const t = ENDED[table];
  if (!t) throw new Error(`ended-refs: ${table} does not end`);
  const day = `to_char(e.ended_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;
  const zh = [
    sqlText(`所指的${t.what.zh} `),
    'e.id::text',
    sqlText(' 已于 '),
    day,
    sqlText(` ${t.verb.zh}`),
    `coalesce(${sqlText('（原因：')} || ${t.reasonZh} || ${sqlText('）')}, '')`,
    sqlText(`：已结束的${t.what.zh}只作历史保留，不能再被引用；请改用现有的${t.what.zh}`),
  ].join(' || ');
  const en = [
    sqlText(`names ${t.what.en} `),
    'e.id::text',
    sqlText(`, ${t.verb.en} on `),
    day,
    `coalesce(${sqlText(' (reason: ')} || ${t.reasonCode} || ')', '')`,
    sqlText(`: an ended ${t.what.en} is kept as history and is no longer referred to; name a current one`),
  ].join(' || ');
  return `(select jsonb_build_object('zh', ${zh}, 'en', ${en}, 'recordId', e.id::text, 'endedAt', e.ended_at, 'endReason', ${t.reasonCode})
             from ${t.from} and e.id = ${id} limit 1)`;
}

const Ended = z.object({ zh: z.string(), en: z.string(), recordId: z.string(), endedAt: z.string(), endReason: z.string().nullable() });
export type EndedReference = z.infer<typeof Ended>;

const statements = new Map<string, ReturnType<typeof sql<{ d: EndedReference | null }>>>();

/**
 * The first of `ids` that names an ended record of `table` the caller's jurisdiction holds (endedReferenceSql), in one
 * statement whatever their number; null if none does.
 */
export async function endedReference(db: Db, table: string, ids: readonly number[]): Promise<EndedReference | null> {
  let st = statements.get(table);
  if (!st) {
    const d = endedReferenceSql(table, 'i.id');
    statements.set(
      table,
      (st = sql(
        `endedRef.${table}`,
        z.object({ d: Ended.nullable() }),
        `select ${d} as d from unnest(string_to_array(?::text, ',')::integer[]) with ordinality i(id, k) where ${d} is not null order by i.k limit 1`,
      )),
    );
  }
  return (await row(db, st, [ids.join(',')]))?.d ?? null;
}
