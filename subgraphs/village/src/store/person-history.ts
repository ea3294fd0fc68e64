import DataLoader from 'dataloader';
import { z } from 'zod';
import { afterTimeId, CURSOR_IDS, parsePage, timeIdKey, toConnection, type Connection, type PageArgs } from '../../../../platform/pagination.ts';
import { col, row, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { RELATIONSHIPS, type PersonRow } from './person.ts';
import { instant, located } from './record.ts';

/**
 * A person's history (migration …23LifeCycle, table `person_history`):
 * every change of grid, household, address, tags or status, and since
 * …49PersonFacts of name, 民族, residency, ID number, phone, gender and birth
 * date (the last four by name only), and since …69RelationshipToHead of the
 * relationship to the household's head (与户主关系), written by a
 * trigger on `person` in the changing transaction, newest first. Row-level
 * security shows a caller the entries inside its jurisdiction.
 */
const Status = z.enum(['ACTIVE', 'DEREGISTERED']);

const HistoryRow = z.object({
  id: col.id,
  personId: col.id,
  at: instant,
  bySubject: col.text,
  byName: col.text.nullable(),
  via: z.enum(['API', 'IMPORT', 'SYSTEM']),
  changed: col.textArray,
  gridFrom: col.text,
  gridTo: col.text,
  householdFrom: col.id.nullable(),
  householdTo: col.id.nullable(),
  addressFrom: col.id.nullable(),
  addressTo: col.id.nullable(),
  tagsFrom: col.textArray,
  tagsTo: col.textArray,
  statusFrom: Status,
  statusTo: Status,
  reason: z.enum(['DIED', 'MOVED_OUT', 'DUPLICATE']).nullable(),
  note: col.text.nullable(),
  ...located,
  // Null on entries written before migration …49PersonFacts.
  nameFrom: col.text.nullable(),
  nameTo: col.text.nullable(),
  ethnicityFrom: col.text.nullable(),
  ethnicityTo: col.text.nullable(),
  residencyFrom: col.text.nullable(),
  residencyTo: col.text.nullable(),
  // Null when not entered, and on entries written before migration …69RelationshipToHead.
  relationshipFrom: z.enum(RELATIONSHIPS).nullable(),
  relationshipTo: z.enum(RELATIONSHIPS).nullable(),
});
export type PersonHistoryRow = z.infer<typeof HistoryRow>;

/** A person's place before or after a change (the GraphQL `PersonPlace`). */
export interface PersonPlaceRow {
  gridCode: string;
  householdId: number | null;
  addressId: number | null;
  tags: string[];
  status: z.infer<typeof Status>;
  villageCode: string;
  name: string | null;
  ethnicity: string | null;
  residency: string | null;
  relationshipToHead: PersonRow['relationshipToHead'];
}

/** The place before (`from`) or after (`to`) the change of an entry. */
export function placeOf(h: PersonHistoryRow, side: 'from' | 'to'): PersonPlaceRow {
  return side === 'from'
    ? {
        gridCode: h.gridFrom,
        householdId: h.householdFrom,
        addressId: h.addressFrom,
        tags: h.tagsFrom,
        status: h.statusFrom,
        villageCode: h.gridFrom.slice(0, 12),
        name: h.nameFrom,
        ethnicity: h.ethnicityFrom,
        residency: h.residencyFrom,
        relationshipToHead: h.relationshipFrom,
      }
    : {
        gridCode: h.gridTo,
        householdId: h.householdTo,
        addressId: h.addressTo,
        tags: h.tagsTo,
        status: h.statusTo,
        villageCode: h.gridTo.slice(0, 12),
        name: h.nameTo,
        ethnicity: h.ethnicityTo,
        residency: h.residencyTo,
        relationshipToHead: h.relationshipTo,
      };
}

const Count = z.object({ personId: col.id, n: col.num });

/** The page statement: each person's first `limit` entries (after the cursor, when there is one), newest first, for many people at once. */
function pageStatement(paged: boolean) {
  return sql(
    paged ? 'personHistory.pageAfter' : 'personHistory.page',
    HistoryRow.extend({ rn: col.num }),
    `select * from (
       select h.*, row_number() over (partition by h.person_id order by h.at desc, h.id desc) as rn
         from person_history h
        where h.person_id in (?)${paged ? ' and (h.at, h.id) < (?::timestamptz, ?)' : ''}
     ) x where rn <= ? order by person_id, at desc, id desc`,
  );
}
const PAGE = pageStatement(false);
const PAGE_AFTER = pageStatement(true);
const COUNT = sql('personHistory.count', Count, `select person_id, count(*) as n from person_history where person_id in (?) group by 1`);

/**
 * Per-request history pages: every person of a request asking for the same
 * page (`first`, `after`) is answered by one statement, and every total by
 * one more (DataLoaders, no statement per person).
 */
export class PersonHistoryPages {
  private readonly db: Db;
  private readonly pages = new Map<string, DataLoader<number, PersonHistoryRow[]>>();
  private counts: DataLoader<number, number> | null = null;

  constructor(db: Db) {
    this.db = db;
  }

  /** A page of the person's history, newest first, with its lazy total. */
  async connection(personId: number, args: PageArgs): Promise<Connection<PersonHistoryRow>> {
    const page = parsePage(args);
    const after = afterTimeId(page, 'person_history', CURSOR_IDS.integer);
    const key = `${page.limit}|${after ? `${after.at}|${after.id}` : ''}`;
    let loader = this.pages.get(key);
    if (!loader) {
      loader = new DataLoader<number, PersonHistoryRow[]>(async (ids) => {
        const params: SqlParam[] = [[...ids], ...(after ? [after.at, Number(after.id)] : []), page.limit + 1];
        const found = await rows(this.db, after ? PAGE_AFTER : PAGE, params);
        const by = new Map<number, PersonHistoryRow[]>();
        for (const { rn: _rn, ...h } of found) {
          let list = by.get(h.personId);
          if (!list) by.set(h.personId, (list = []));
          list.push(h);
        }
        return ids.map((id) => by.get(id) ?? []);
      });
      this.pages.set(key, loader);
    }
    if (!this.counts) {
      this.counts = new DataLoader<number, number>(async (ids) => {
        const found = await rows(this.db, COUNT, [[...ids]]);
        const by = new Map(found.map((c) => [c.personId, c.n]));
        return ids.map((id) => by.get(id) ?? 0);
      });
    }
    const counts = this.counts;
    return toConnection(
      await loader.load(personId),
      page,
      'person_history',
      (h) => timeIdKey(h.at, h.id),
      () => counts.load(personId),
    );
  }
}

/** Who deregistered a person: their latest entry that took them from ACTIVE to DEREGISTERED. */
const Deregistration = z.object({ personId: col.id, bySubject: col.text, byName: col.text.nullable() });
export type DeregistrationRow = z.infer<typeof Deregistration>;

const deregistrations = sql(
  'personHistory.deregistrations',
  Deregistration,
  `select distinct on (h.person_id) h.person_id, h.by_subject, h.by_name
     from person_history h
    where h.person_id in (?) and h.status_from = 'ACTIVE' and h.status_to = 'DEREGISTERED'
    order by h.person_id, h.at desc, h.id desc`,
);

/**
 * A person's latest change of status (注销 ACTIVE → DEREGISTERED, 恢复登记 back), with who made it, why, the number of
 * entries its transaction wrote for them (a reinstatement may move them too) and whether a later one changed them since.
 */
const StatusChange = z.object({
  bySubject: col.text,
  statusTo: Status,
  reason: z.enum(['DIED', 'MOVED_OUT', 'DUPLICATE']).nullable(),
  note: col.text.nullable(),
  inTransaction: col.num,
  changedSince: z.boolean(),
});
export type StatusChangeRow = z.infer<typeof StatusChange>;

const lastStatusChange = sql(
  'personHistory.lastStatusChange',
  StatusChange,
  `select h.by_subject, h.status_to, h.reason, h.note,
          (select count(*) from person_history s where s.person_id = h.person_id and s.at = h.at) as in_transaction,
          exists (select 1 from person_history s where s.person_id = h.person_id and s.at > h.at) as changed_since
     from person_history h
    where h.person_id = ? and h.status_from <> h.status_to
    order by h.at desc, h.id desc
    limit 1`,
);

export const personHistory = {
  /** The person's latest change of status, null when their status never changed. */
  lastStatusChange: (db: Db, personId: number): Promise<StatusChangeRow | null> => row(db, lastStatusChange, [personId]),
  /** Each person's latest deregistration entry (who wrote it), for many people at once. */
  deregistrations: (db: Db, personIds: readonly number[]): Promise<DeregistrationRow[]> => rows(db, deregistrations, [personIds]),
};
