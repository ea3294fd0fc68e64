import { DateTimeScalar } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { AssessmentTarget } from './AssessmentTarget.ts';
import { County } from './County.ts';
import { CountyCase } from './CountyCase.ts';
import { CountyCaseConnection } from './CountyCaseConnection.ts';
import { Department } from './Department.ts';
import { Dispute } from './Dispute.ts';
import { Mutation } from './Mutation/index.ts';
import { Query } from './Query/index.ts';
import { Region } from './Region.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Region,
  County,
  Department,
  CountyCase,
  CountyCaseConnection,
  Dispute,
  AssessmentTarget,
};
