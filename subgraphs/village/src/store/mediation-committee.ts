import { z } from 'zod';
import { col, rows, sql, type Db } from '../../../../platform/sql.ts';

/** People's mediation committees (人民调解委员会), table `mediation_committee` (migration …02Registry). */
const MediationCommittee = z.object({
  id: col.id,
  name: col.text,
  kind: z.enum(['VILLAGE', 'COMMUNITY', 'ENTERPRISE', 'TRADE']),
  villageCode: col.text,
  countyCode: col.text,
});
export type MediationCommitteeRow = z.infer<typeof MediationCommittee>;

const ofVillages = sql('mediationCommittee.ofVillages', MediationCommittee, 'select * from mediation_committee where village_code in (?) order by id');

export const mediationCommittees = {
  /** Committees of each village, by village code. */
  ofVillages: (db: Db, villageCodes: readonly string[]): Promise<MediationCommitteeRow[]> => rows(db, ofVillages, [villageCodes]),
};
