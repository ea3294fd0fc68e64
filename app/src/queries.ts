/**
 * The analysis room's GraphQL documents, typed by graphql-codegen's client
 * preset (codegen.yml: app/src/generated/). Every division level has its own
 * type in the schema; the figures they share are selected once, by fragments on
 * their common interface DivisionStatistics.
 */
import { graphql } from './generated/gql.ts';

export const Month = graphql(`
  fragment Month on DisputeStats {
    from
    reported
    resolved
    resolutionRate
    previous {
      reported
    }
    yearAgo {
      reported
    }
  }
`);

export const DivisionHead = graphql(`
  fragment DivisionHead on DivisionStatistics {
    population {
      residents
      households
      floating
      byTag {
        tag
        count
      }
      byTagWithheld
    }
    forces {
      grids
      gridWorkers
      gridsFullyStaffed
      jointDefenseGroups
      householdsInGroups
      householdCoverage
      patrolTeams
      patrolMembers
    }
    patrolStats(from: $from, to: $to) {
      patrols
      patrolHours
      hazardsFound
      previous {
        patrols
      }
      yearAgo {
        patrols
      }
    }
    hazardStats(from: $from, to: $to) {
      reported
      open
      awaitingVerification
      previous {
        reported
      }
      yearAgo {
        reported
      }
    }
    disputeStats(from: $from, to: $to) {
      from
      to
      reported
      resolved
      resolutionRate
      open
      overdue
      onTimeRate
      satisfactionRate
      rated
      declined
      previous {
        reported
        resolved
        resolutionRate
      }
      yearAgo {
        reported
        resolved
        resolutionRate
      }
    }
    assessment(from: $from, to: $to) {
      indicator
      year
      target
      targetSetBy
      actual
      met
      basis
    }
    m0: disputeStats(period: $m0) {
      ...Month
    }
    m1: disputeStats(period: $m1) {
      ...Month
    }
    m2: disputeStats(period: $m2) {
      ...Month
    }
    m3: disputeStats(period: $m3) {
      ...Month
    }
    m4: disputeStats(period: $m4) {
      ...Month
    }
    m5: disputeStats(period: $m5) {
      ...Month
    }
    m6: disputeStats(period: $m6) {
      ...Month
    }
    m7: disputeStats(period: $m7) {
      ...Month
    }
    m8: disputeStats(period: $m8) {
      ...Month
    }
    m9: disputeStats(period: $m9) {
      ...Month
    }
    m10: disputeStats(period: $m10) {
      ...Month
    }
    m11: disputeStats(from: $thisMonthFrom, to: $today) {
      ...Month
    }
  }
`);

export const DivisionRow = graphql(`
  fragment DivisionRow on DivisionStatistics {
    code
    name
    population {
      residents
      households
      byTag {
        count
      }
      byTagWithheld
    }
    forces {
      grids
      gridsFullyStaffed
      householdCoverage
    }
    patrolStats(from: $from, to: $to) {
      patrols
    }
    hazardStats(from: $from, to: $to) {
      reported
      open
    }
    disputeStats(from: $from, to: $to) {
      reported
      resolved
      resolutionRate
      overdue
      onTimeRate
    }
  }
`);

/** A province or prefecture: its prefectures (of a province) or counties (of a prefecture). */
export const RegionView = graphql(`
  query RegionView(
    $code: String!
    $from: Date!
    $to: Date!
    $m0: String!
    $m1: String!
    $m2: String!
    $m3: String!
    $m4: String!
    $m5: String!
    $m6: String!
    $m7: String!
    $m8: String!
    $m9: String!
    $m10: String!
    $thisMonthFrom: Date!
    $today: Date!
  ) {
    region(code: $code) {
      code
      name
      level
      parent {
        code
        name
      }
      ...DivisionHead
      prefectures {
        ...DivisionRow
      }
      counties {
        ...DivisionRow
      }
    }
  }
`);

export const CountyView = graphql(`
  query CountyView(
    $code: String!
    $from: Date!
    $to: Date!
    $m0: String!
    $m1: String!
    $m2: String!
    $m3: String!
    $m4: String!
    $m5: String!
    $m6: String!
    $m7: String!
    $m8: String!
    $m9: String!
    $m10: String!
    $thisMonthFrom: Date!
    $today: Date!
  ) {
    county(code: $code) {
      code
      name
      province {
        code
        name
      }
      region {
        code
        name
      }
      ...DivisionHead
      townships {
        ...DivisionRow
      }
    }
  }
`);

export const TownshipView = graphql(`
  query TownshipView(
    $code: String!
    $from: Date!
    $to: Date!
    $m0: String!
    $m1: String!
    $m2: String!
    $m3: String!
    $m4: String!
    $m5: String!
    $m6: String!
    $m7: String!
    $m8: String!
    $m9: String!
    $m10: String!
    $thisMonthFrom: Date!
    $today: Date!
  ) {
    township(code: $code) {
      code
      name
      county {
        code
        name
        province {
          code
          name
        }
        region {
          code
          name
        }
      }
      ...DivisionHead
      villages {
        ...DivisionRow
      }
    }
  }
`);

export const VillageView = graphql(`
  query VillageView(
    $code: String!
    $from: Date!
    $to: Date!
    $m0: String!
    $m1: String!
    $m2: String!
    $m3: String!
    $m4: String!
    $m5: String!
    $m6: String!
    $m7: String!
    $m8: String!
    $m9: String!
    $m10: String!
    $thisMonthFrom: Date!
    $today: Date!
  ) {
    village(code: $code) {
      code
      name
      township {
        code
        name
        county {
          code
          name
          province {
            code
            name
          }
          region {
            code
            name
          }
        }
      }
      ...DivisionHead
      grids {
        code
        name
        fullyStaffed
      }
    }
  }
`);

export const CaseRow = graphql(`
  fragment CaseRow on Dispute {
    id
    caseNumber
    category
    status
    handlingLevel
    townshipCase {
      status
    }
    countyCase {
      status
    }
    reportedAt
    overdue
    overdueSince
    overdueHours
    underSupervision
    village {
      name
    }
  }
`);

/** A page of cases, with how many there are in all. */
export const CasePage = graphql(`
  fragment CasePage on DisputeConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...CaseRow
    }
  }
`);

/**
 * 超期 and 督办 cases of a village, a township (every case that arose in its villages, at any level:
 * `villageDisputes`) or a county (every level of its cases), a page at a time in the API's DUE_FIRST order: an overdue
 * case by the deadline it missed (`overdueSince`), so the longest overdue come first and stay first across pages.
 * `$level` flags name which one the code is. Needs `read`.
 */
export const DivisionCases = graphql(`
  query DivisionCases($code: String!, $village: Boolean!, $township: Boolean!, $county: Boolean!, $filter: DisputeFilter!, $first: Int!, $after: String) {
    village(code: $code) @include(if: $village) {
      disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...CasePage
      }
    }
    township(code: $code) @include(if: $township) {
      villageDisputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...CasePage
      }
    }
    county(code: $code) @include(if: $county) {
      disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...CasePage
      }
    }
  }
`);

/**
 * 在办 The cases in hand at a village (its disputes in the statuses still its own to settle) or at a township (its
 * 综治中心's inbox in the statuses still its own), as `$filter`/`$townshipFilter` name them, a page at a time in the
 * API's DUE_FIRST order: overdue above all, then what falls due next (the contact deadline of a case not yet accepted,
 * else the settle deadline). `$village`/`$township` name which one the code is, and only its filter is sent. Needs `read`.
 */
export const InHandCases = graphql(`
  query InHandCases(
    $code: String!
    $village: Boolean!
    $township: Boolean!
    $filter: DisputeFilter
    $townshipFilter: TownshipCaseFilter
    $first: Int!
    $after: String
  ) {
    village(code: $code) @include(if: $village) {
      disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...CaseRow
          deadlines {
            contactBy
            settleBy
          }
        }
      }
    }
    township(code: $code) @include(if: $township) {
      disputes(filter: $townshipFilter, orderBy: DUE_FIRST, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          status
          contactBy
          settleBy
          overdue
          underSupervision
          dispute {
            ...CaseRow
          }
        }
      }
    }
  }
`);

/**
 * 在办 A grid's cases in hand (the disputes that arose in it, in the statuses `$filter` names: those not yet done), a
 * page at a time in the API's DUE_FIRST order, as a village's: what a grid worker's own token reads of its grid.
 * Needs `read`.
 */
export const GridInHand = graphql(`
  query GridInHand($code: String!, $filter: DisputeFilter!, $first: Int!, $after: String) {
    grid(code: $code) {
      disputes(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...CaseRow
          deadlines {
            contactBy
            settleBy
          }
        }
      }
    }
  }
`);

/**
 * The township 综治中心's own overdue cases (its inbox: overdue by its own settle deadline), a page at a time in the
 * API's DUE_FIRST order. Needs `read`.
 */
export const TownshipInboxOverdue = graphql(`
  query TownshipInboxOverdue($code: String!, $first: Int!, $after: String) {
    township(code: $code) {
      disputes(filter: { overdue: true }, orderBy: DUE_FIRST, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          overdue
          underSupervision
          settleBy
          overdueSince
          overdueHours
          dispute {
            ...CaseRow
          }
        }
      }
    }
  }
`);

/**
 * 部门待办 A county department's own dispatches (its token's `department` claim), what it owes next first: overdue
 * above all, then by the next deadline (报到, then 反馈), those reported on after every open one (DUE_FIRST).
 */
export const DepartmentInbox = graphql(`
  query DepartmentInbox($filter: DispatchFilter, $first: Int!, $after: String) {
    departmentInbox(filter: $filter, orderBy: DUE_FIRST, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        departmentName
        status
        dispatchedAt
        acknowledgeBy
        reportBy
        acknowledgedAt
        reportedAt
        overdue
        townshipCase {
          caseNumber
          dispute {
            id
            category
            village {
              code
              name
              township {
                code
                name
              }
            }
          }
        }
      }
    }
  }
`);

/** 时间线 One case's steps at every level. */
export const CaseTimeline = graphql(`
  query CaseTimeline($id: ID!) {
    dispute(id: $id) {
      id
      caseNumber
      category
      scale
      source
      occurredAt
      status
      handlingLevel
      summary
      reportedAt
      overdue
      underSupervision
      supervision {
        issuedAt
        issuedBy
        note
        replyBy
        reply
        repliedAt
        repliedBy
        repliedLevel
        replyOverdue
      }
      rehandled
      assignee
      outcome
      resolvedLevel
      resolvedAt
      rating
      declineReason
      duplicateOf
      deadlines {
        contactBy
        settleBy
        replyBy
      }
      parties {
        name
        role
      }
      village {
        code
        name
        township {
          code
          name
          county {
            code
            name
          }
        }
      }
      countyCase {
        status
      }
      townshipCase {
        status
        dispatches {
          id
          departmentName
          status
          dispatchedAt
          acknowledgeBy
          reportBy
          overdue
          acknowledgedAt
          reportedAt
          report
          withdrawnAt
          withdrawalReason
          acknowledgedLate
          answeredLate
        }
      }
      timeline {
        at
        level
        action
        actor
        note
        status
        rating
        changes {
          field
          before
          after
          partiesBefore {
            name
            role
          }
          partiesAfter {
            name
            role
          }
        }
      }
    }
  }
`);

/**
 * The case of a case number (案件编号), looked up in the caller's own division's list: a county's (for a caller of a
 * county or above), a township's villages' (one list over all of them), a village's or a grid's. The number's county
 * is its first six digits; a case the caller may not see is in none of these lists.
 */
export const CaseOfNumber = graphql(`
  query CaseOfNumber(
    $number: String!
    $code: String!
    $county: Boolean = false
    $township: Boolean = false
    $village: Boolean = false
    $grid: Boolean = false
    $department: Boolean = false
  ) {
    county(code: $code) @include(if: $county) {
      disputes(filter: { caseNumber: $number }, first: 1) {
        nodes {
          id
        }
      }
    }
    township(code: $code) @include(if: $township) {
      villageDisputes(filter: { caseNumber: $number }, first: 1) {
        nodes {
          id
        }
      }
    }
    village(code: $code) @include(if: $village) {
      disputes(filter: { caseNumber: $number }, first: 1) {
        nodes {
          id
        }
      }
    }
    grid(code: $code) @include(if: $grid) {
      disputes(filter: { caseNumber: $number }, first: 1) {
        nodes {
          id
        }
      }
    }
    departmentInbox(filter: { caseNumber: $number }, first: 1) @include(if: $department) {
      nodes {
        townshipCase {
          dispute {
            id
          }
        }
      }
    }
  }
`);

/** The provinces a whole-country caller can start from. */
export const Provinces = graphql(`
  query Provinces {
    provinces {
      code
      name
    }
  }
`);

/** A grid's name, for a grid worker's own page (its early warnings). */
export const GridName = graphql(`
  query GridName($code: String!, $records: Boolean!) {
    grid(code: $code) {
      code
      name
      reported: hazards(status: REPORTED, first: 1) @include(if: $records) {
        totalCount
      }
      rectifying: hazards(status: RECTIFYING, first: 1) @include(if: $records) {
        totalCount
      }
    }
  }
`);

/** 苗头预警 Early warnings under a division for the page's period; case numbers and cases come only to callers with `read`. */
export const RiskSignals = graphql(`
  query RiskSignals($code: String!, $from: Date!, $to: Date!) {
    riskSignals(within: $code, from: $from, to: $to, first: 30) {
      totalCount
      nodes {
        id
        kind
        severity
        division {
          code
          name
          level
        }
        from
        to
        explanation
        facts {
          kind
          value
          disputes {
            id
            caseNumber
          }
        }
      }
    }
  }
`);

export const HazardRow = graphql(`
  fragment HazardRow on Hazard {
    id
    kind
    description
    location
    source
    reportedBy
    reportedAt
    status
    rectifyBy
    overdue
    grid {
      code
      name
      village {
        code
        name
      }
    }
    steps {
      at
      action
      status
      actor
      note
      rectifyBy
    }
  }
`);

/** A page of hazards, as each part of the hazards page shows it. */
export const HazardPage = graphql(`
  fragment HazardPage on HazardConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...HazardRow
    }
  }
`);

/**
 * 隐患 A division's open hazards (a village's, or every village's of a township or county, or a grid's for its grid
 * worker: `$level` names which one the code is), a page of one part of them at a time: the overdue ones (`overdue: true`), or those of one status not
 * overdue, each part by its 整改期限 (DUE_FIRST: the most overdue first). Needs `read`.
 */
export const DivisionHazards = graphql(`
  query DivisionHazards(
    $code: String!
    $village: Boolean!
    $township: Boolean!
    $county: Boolean!
    $grid: Boolean!
    $status: HazardStatus
    $overdue: Boolean!
    $first: Int!
    $after: String
  ) {
    grid(code: $code) @include(if: $grid) {
      code
      name
      hazards(status: $status, overdue: $overdue, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...HazardPage
      }
    }
    village(code: $code) @include(if: $village) {
      code
      name
      township {
        code
        name
        county {
          code
          name
        }
      }
      hazards(status: $status, overdue: $overdue, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...HazardPage
      }
    }
    township(code: $code) @include(if: $township) {
      code
      name
      county {
        code
        name
      }
      hazards(status: $status, overdue: $overdue, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...HazardPage
      }
    }
    county(code: $code) @include(if: $county) {
      code
      name
      hazards(status: $status, overdue: $overdue, orderBy: DUE_FIRST, first: $first, after: $after) {
        ...HazardPage
      }
    }
  }
`);

/** 吹哨报到 One department's answers to the dispatches of a period, and the division's totals. */
export const DispatchFigures = graphql(`
  fragment DispatchFigures on DispatchStats {
    dispatched
    acknowledged
    acknowledgedOnTime
    reported
    reportedOnTime
    overdue
    withdrawn
    answerDue
    onTimeRate
    acknowledgeDue
    byDepartment {
      departmentKind
      departmentName
      dispatched
      acknowledged
      acknowledgedOnTime
      reported
      reportedOnTime
      overdue
      withdrawn
      answerDue
      onTimeRate
      acknowledgeDue
    }
  }
`);

/** 吹哨报到·分部门 A county's or a township's dispatches of a period, by department. Needs `read` or `report`. */
export const DivisionDispatches = graphql(`
  query DivisionDispatches($code: String!, $county: Boolean!, $township: Boolean!, $from: Date!, $to: Date!) {
    county(code: $code) @include(if: $county) {
      dispatchStats(from: $from, to: $to) {
        ...DispatchFigures
      }
    }
    township(code: $code) @include(if: $township) {
      dispatchStats(from: $from, to: $to) {
        ...DispatchFigures
      }
    }
  }
`);

/**
 * 吹哨报到 One dispatch as the list of a department's dispatches shows it: its case, deadlines and whether it was late.
 * Its township is the dispatch's, and of its case only the id: a department's own list may hold one withdrawn from it,
 * whose case it no longer reads (Dispatch.townshipCase).
 */
export const DispatchListPage = graphql(`
  fragment DispatchListPage on DispatchConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      departmentName
      status
      dispatchedAt
      acknowledgeBy
      acknowledgedAt
      acknowledgedLate
      reportBy
      reportedAt
      answeredLate
      withdrawnAt
      township {
        code
        name
      }
      townshipCase {
        caseNumber
        dispute {
          id
        }
      }
    }
  }
`);

/**
 * 吹哨报到·分部门 → 吹哨任务 A county's or a township's dispatches to one department made in a period (those one row of
 * its byDepartment counts), newest first, optionally only the late 报到 or 反馈. Needs `read`.
 */
export const DivisionDispatchList = graphql(`
  query DivisionDispatchList($code: String!, $county: Boolean!, $township: Boolean!, $filter: DispatchFilter!, $first: Int!, $after: String) {
    county(code: $code) @include(if: $county) {
      code
      name
      departments {
        kind
        name
      }
      dispatches(filter: $filter, first: $first, after: $after) {
        ...DispatchListPage
      }
    }
    township(code: $code) @include(if: $township) {
      code
      name
      county {
        code
        name
        departments {
          kind
          name
        }
      }
      dispatches(filter: $filter, first: $first, after: $after) {
        ...DispatchListPage
      }
    }
  }
`);
