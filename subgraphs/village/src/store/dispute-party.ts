import { z } from 'zod';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';

/** The parties to a dispute (table `dispute_party`): registered residents (with their person id) or names. */
const DisputeParty = z.object({
  id: col.id,
  disputeId: col.text,
  personId: col.id.nullable(),
  name: col.text,
  role: z.enum(['APPLICANT', 'RESPONDENT', 'THIRD_PARTY']),
  villageCode: col.text,
  gridCode: col.text,
});
export type DisputePartyRow = z.infer<typeof DisputeParty>;

/** A party as shown (`DisputeParty`): on the case, or as a correction recorded it (`DisputeStep.changes`). */
export const PartyShown = DisputeParty.pick({ personId: true, name: true, role: true });
export type PartyShown = z.infer<typeof PartyShown>;

const ofDisputes = sql('disputeParty.ofDisputes', DisputeParty, 'select * from dispute_party where dispute_id in (?) order by id');
const removeAll = command('disputeParty.removeAll', 'delete from dispute_party where dispute_id = ?');
const insert = command(
  'disputeParty.insert',
  'insert into dispute_party (dispute_id, person_id, name, role, village_code, grid_code) values (?, ?, ?, ?, ?, ?)',
);

export interface NewParty {
  personId: number | null;
  name: string;
  role: DisputePartyRow['role'];
}

/** A party as a retry's report is compared with the case's: by role and person id, or by name for a party named alone. */
const partyKey = (p: { personId: number | null; name: string; role: string }) => `${p.role}:${p.personId === null ? `n:${p.name}` : `p:${p.personId}`}`;

/** Whether a report's parties are, in any order, not those recorded on the case. */
export function partiesDiffer(recorded: readonly NewParty[], reported: readonly NewParty[]): boolean {
  const keys = (ps: readonly NewParty[]) => ps.map(partyKey).sort().join('\n');
  return keys(recorded) !== keys(reported);
}

export const disputeParties = {
  /** The parties of the cases, in the order they were recorded. */
  ofDisputes: (db: Db, disputeIds: readonly string[]): Promise<DisputePartyRow[]> => rows(db, ofDisputes, [disputeIds]),
  /** Records a party of the case, located where the case is. */
  insert: (db: Db, d: { id: string; villageCode: string; gridCode: string }, p: NewParty): Promise<number> =>
    exec(db, insert, [d.id, p.personId, p.name, p.role, d.villageCode, d.gridCode]),
  /** Replaces the case's parties (a correction), in the order given. */
  replace: async (db: Db, d: { id: string; villageCode: string; gridCode: string }, parties: readonly NewParty[]): Promise<void> => {
    await exec(db, removeAll, [d.id]);
    for (const p of parties) await exec(db, insert, [d.id, p.personId, p.name, p.role, d.villageCode, d.gridCode]);
  },
};
