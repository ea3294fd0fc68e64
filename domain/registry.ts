/**
 * Rules of the village registry (一标三实) that need no storage. The rules
 * that read the database are declared once in
 * subgraphs/village/src/registry/rules.ts (docs/ARCHITECTURE.md, "One write
 * path per kind").
 */

/** The most people a household (户) may have. */
export const HOUSEHOLD_MAX = 8;
