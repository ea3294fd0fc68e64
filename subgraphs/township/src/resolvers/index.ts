import { DateScalar, DateTimeScalar } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { County } from './County.ts';
import { Dispatch } from './Dispatch.ts';
import { DispatchStats } from './DispatchStats.ts';
import { Dispute } from './Dispute.ts';
import { Mutation } from './Mutation/index.ts';
import { Query } from './Query/index.ts';
import { Township } from './Township.ts';
import { TownshipAgency } from './TownshipAgency.ts';
import { TownshipCase } from './TownshipCase.ts';
import { TownshipCaseConnection } from './TownshipCaseConnection.ts';
import { TownshipTeam } from './TownshipTeam.ts';

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Township,
  TownshipCase,
  TownshipCaseConnection,
  Dispatch,
  DispatchStats,
  TownshipAgency,
  TownshipTeam,
  County,
  Dispute,
};
