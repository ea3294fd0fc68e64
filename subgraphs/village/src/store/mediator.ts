import { z } from 'zod';
import { col, rows, sql, type Db } from '../../../../platform/sql.ts';

/** Mediators (人民调解员) of a committee, table `mediator` (migration …02Registry). */
const Mediator = z.object({
  id: col.id,
  committeeId: col.id,
  name: col.text,
  fullTime: z.boolean(),
  phone: col.text.nullable(),
  personId: col.id.nullable(),
  villageCode: col.text,
});
export type MediatorRow = z.infer<typeof Mediator>;

const ofCommittees = sql('mediator.ofCommittees', Mediator, 'select * from mediator where committee_id in (?) order by id');

export const mediators = {
  /** Mediators of each committee, by committee id. */
  ofCommittees: (db: Db, committeeIds: readonly number[]): Promise<MediatorRow[]> => rows(db, ofCommittees, [committeeIds]),
};
