export interface TownshipCaseRow {
  disputeId: string;
  caseNumber: string;
  townshipCode: string;
  villageCode: string;
  countyCode: string;
  category: string;
  scale: string;
  summary: string;
  status: string;
  receivedAt: Date;
  escalatedAt: Date;
  settleBy: Date;
  assignee: string | null;
  outcome: string | null;
  resolvedAt: Date | null;
  supervisedAt: Date | null;
  version: number;
}

export interface DispatchRow {
  id: number;
  disputeId: string;
  townshipCode: string;
  villageCode: string;
  departmentKind: string;
  departmentName: string;
  status: 'DISPATCHED' | 'ACKNOWLEDGED' | 'REPORTED';
  note: string | null;
  dispatchedAt: Date;
  acknowledgedAt: Date | null;
  reportedAt: Date | null;
  report: string | null;
}
