/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query CountyReport($code: String!, $period: String!) {\n    county(code: $code) {\n      name\n      region {\n        name\n      }\n    }\n    townships(within: $code) {\n      code\n      name\n      population {\n        residents\n        households\n      }\n      forces {\n        grids\n        householdCoverage\n      }\n      disputeStats(period: $period) {\n        reported\n        resolved\n        resolutionRate\n        overdue\n        yearAgo {\n          reported\n        }\n      }\n      assessment(period: $period) {\n        indicator\n        target\n        actual\n        met\n      }\n    }\n  }\n": typeof types.CountyReportDocument,
    "\n  mutation RegisterResident($input: PersonInput!) {\n    registerPerson(input: $input) {\n      id\n      name\n      gender\n      birthDate\n      age\n      idNumber\n      residency\n      grid {\n        code\n        name\n      }\n      village {\n        name\n      }\n      version\n    }\n  }\n": typeof types.RegisterResidentDocument,
    "\n  query CaseDesk($code: String!) {\n    township(code: $code) {\n      name\n      disputes(first: 50) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          overdue\n          underSupervision\n          settleBy\n          dispatches {\n            departmentName\n            status\n          }\n          dispute {\n            category\n            summary\n            parties {\n              name\n              role\n            }\n            village {\n              name\n            }\n            timeline {\n              level\n              action\n              at\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.CaseDeskDocument,
    "\n  query VillageDashboard($code: String!, $from: Date!, $to: Date!) {\n    village(code: $code) {\n      name\n      township {\n        name\n      }\n      grids {\n        code\n        name\n        fullyStaffed\n      }\n      population {\n        residents\n        households\n        floating\n      }\n      forces {\n        grids\n        gridWorkers\n        jointDefenseGroups\n        householdCoverage\n        patrolTeams\n      }\n      disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 20) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          handlingLevel\n          overdue\n        }\n      }\n      patrols(from: $from, to: $to) {\n        totalCount\n      }\n    }\n  }\n": typeof types.VillageDashboardDocument,
};
const documents: Documents = {
    "\n  query CountyReport($code: String!, $period: String!) {\n    county(code: $code) {\n      name\n      region {\n        name\n      }\n    }\n    townships(within: $code) {\n      code\n      name\n      population {\n        residents\n        households\n      }\n      forces {\n        grids\n        householdCoverage\n      }\n      disputeStats(period: $period) {\n        reported\n        resolved\n        resolutionRate\n        overdue\n        yearAgo {\n          reported\n        }\n      }\n      assessment(period: $period) {\n        indicator\n        target\n        actual\n        met\n      }\n    }\n  }\n": types.CountyReportDocument,
    "\n  mutation RegisterResident($input: PersonInput!) {\n    registerPerson(input: $input) {\n      id\n      name\n      gender\n      birthDate\n      age\n      idNumber\n      residency\n      grid {\n        code\n        name\n      }\n      village {\n        name\n      }\n      version\n    }\n  }\n": types.RegisterResidentDocument,
    "\n  query CaseDesk($code: String!) {\n    township(code: $code) {\n      name\n      disputes(first: 50) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          overdue\n          underSupervision\n          settleBy\n          dispatches {\n            departmentName\n            status\n          }\n          dispute {\n            category\n            summary\n            parties {\n              name\n              role\n            }\n            village {\n              name\n            }\n            timeline {\n              level\n              action\n              at\n            }\n          }\n        }\n      }\n    }\n  }\n": types.CaseDeskDocument,
    "\n  query VillageDashboard($code: String!, $from: Date!, $to: Date!) {\n    village(code: $code) {\n      name\n      township {\n        name\n      }\n      grids {\n        code\n        name\n        fullyStaffed\n      }\n      population {\n        residents\n        households\n        floating\n      }\n      forces {\n        grids\n        gridWorkers\n        jointDefenseGroups\n        householdCoverage\n        patrolTeams\n      }\n      disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 20) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          handlingLevel\n          overdue\n        }\n      }\n      patrols(from: $from, to: $to) {\n        totalCount\n      }\n    }\n  }\n": types.VillageDashboardDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CountyReport($code: String!, $period: String!) {\n    county(code: $code) {\n      name\n      region {\n        name\n      }\n    }\n    townships(within: $code) {\n      code\n      name\n      population {\n        residents\n        households\n      }\n      forces {\n        grids\n        householdCoverage\n      }\n      disputeStats(period: $period) {\n        reported\n        resolved\n        resolutionRate\n        overdue\n        yearAgo {\n          reported\n        }\n      }\n      assessment(period: $period) {\n        indicator\n        target\n        actual\n        met\n      }\n    }\n  }\n"): (typeof documents)["\n  query CountyReport($code: String!, $period: String!) {\n    county(code: $code) {\n      name\n      region {\n        name\n      }\n    }\n    townships(within: $code) {\n      code\n      name\n      population {\n        residents\n        households\n      }\n      forces {\n        grids\n        householdCoverage\n      }\n      disputeStats(period: $period) {\n        reported\n        resolved\n        resolutionRate\n        overdue\n        yearAgo {\n          reported\n        }\n      }\n      assessment(period: $period) {\n        indicator\n        target\n        actual\n        met\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegisterResident($input: PersonInput!) {\n    registerPerson(input: $input) {\n      id\n      name\n      gender\n      birthDate\n      age\n      idNumber\n      residency\n      grid {\n        code\n        name\n      }\n      village {\n        name\n      }\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation RegisterResident($input: PersonInput!) {\n    registerPerson(input: $input) {\n      id\n      name\n      gender\n      birthDate\n      age\n      idNumber\n      residency\n      grid {\n        code\n        name\n      }\n      village {\n        name\n      }\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CaseDesk($code: String!) {\n    township(code: $code) {\n      name\n      disputes(first: 50) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          overdue\n          underSupervision\n          settleBy\n          dispatches {\n            departmentName\n            status\n          }\n          dispute {\n            category\n            summary\n            parties {\n              name\n              role\n            }\n            village {\n              name\n            }\n            timeline {\n              level\n              action\n              at\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CaseDesk($code: String!) {\n    township(code: $code) {\n      name\n      disputes(first: 50) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          overdue\n          underSupervision\n          settleBy\n          dispatches {\n            departmentName\n            status\n          }\n          dispute {\n            category\n            summary\n            parties {\n              name\n              role\n            }\n            village {\n              name\n            }\n            timeline {\n              level\n              action\n              at\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VillageDashboard($code: String!, $from: Date!, $to: Date!) {\n    village(code: $code) {\n      name\n      township {\n        name\n      }\n      grids {\n        code\n        name\n        fullyStaffed\n      }\n      population {\n        residents\n        households\n        floating\n      }\n      forces {\n        grids\n        gridWorkers\n        jointDefenseGroups\n        householdCoverage\n        patrolTeams\n      }\n      disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 20) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          handlingLevel\n          overdue\n        }\n      }\n      patrols(from: $from, to: $to) {\n        totalCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query VillageDashboard($code: String!, $from: Date!, $to: Date!) {\n    village(code: $code) {\n      name\n      township {\n        name\n      }\n      grids {\n        code\n        name\n        fullyStaffed\n      }\n      population {\n        residents\n        households\n        floating\n      }\n      forces {\n        grids\n        gridWorkers\n        jointDefenseGroups\n        householdCoverage\n        patrolTeams\n      }\n      disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 20) {\n        totalCount\n        nodes {\n          caseNumber\n          status\n          handlingLevel\n          overdue\n        }\n      }\n      patrols(from: $from, to: $to) {\n        totalCount\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;