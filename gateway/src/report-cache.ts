import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { Caller } from '../../platform/caller.ts';
import { operationKey } from './dedup.ts';

/**
 * Whole-response cache for report-only callers (provincial reporting tools;
 * README, `HUB_REPORT_CACHE_SECONDS` under "Settings"). It is safe for them alone: a caller whose only scope is
 * `report` sees statistics and division names, never records or personal
 * data, and everyone with the same jurisdiction sees the same statistics, so
 * an answer can be served again to that jurisdiction for a short while
 * (HUB_REPORT_CACHE_SECONDS, default 30; 0 turns it off). Reports are
 * aggregates over days and months; the same numbers half a minute later are
 * what such a caller would expect, and the answer says how old it is
 * (`extensions.cache.ageSeconds`; a report file, HTTP `Age`). Only queries
 * without errors are kept; other callers, mutations and failed answers never
 * touch the cache. Every mutation and import this process passes on empties
 * it, so a write through it is in the very next report; a write through
 * another gateway process or router shows within the seconds. At most 500
 * answers are kept, 64 MB together, the least recently used going first.
 */
export interface ReportCacheOptions {
  seconds: number;
  /** Entries kept at most; the least recently used go first. */
  maxEntries?: number;
  /** Larger answers are not kept. */
  maxBytes?: number;
  /** All kept answers together at most (as JSON text); the least recently used go first. */
  maxTotalBytes?: number;
}

interface Entry {
  at: number;
  data: Record<string, unknown>;
  bytes: number;
}

export const isReportOnly = (caller: Caller | undefined): boolean => !!caller && caller.scopes.size > 0 && [...caller.scopes].every((s) => s === 'report');

export function reportCache<C extends { caller: Caller }>(opts: ReportCacheOptions): ApolloServerPlugin<C> & { forget(): void } {
  const maxEntries = opts.maxEntries ?? 500;
  const maxBytes = opts.maxBytes ?? 2_000_000;
  // Without a total, 500 answers of up to 2 MB each could hold a gigabyte of the gateway's memory.
  const maxTotalBytes = opts.maxTotalBytes ?? 64_000_000;
  const entries = new Map<string, Entry>();
  let totalBytes = 0;
  const drop = (key: string) => {
    totalBytes -= entries.get(key)?.bytes ?? 0;
    entries.delete(key);
  };
  const forget = () => {
    entries.clear();
    totalBytes = 0;
  };
  // A mutation may have written whatever it returned an error for (its other fields), so any mutation empties it.
  const afterWrites = {
    willSendResponse: async ({ operation }: { operation?: { operation: string } | null }) => void (operation?.operation === 'mutation' && forget()),
  };
  return {
    forget,
    async requestDidStart({ contextValue }) {
      if (opts.seconds <= 0) return;
      if (!isReportOnly(contextValue.caller)) return afterWrites;
      let key: string | undefined;
      return {
        async responseForOperation({ request, operation }): Promise<GraphQLResponse | null> {
          // Whom an answer may serve is what decides sharing a running one (dedup.ts): a query, the same jurisdiction,
          // scopes, department and language (answers may hold text for people: early-warning explanations).
          const shared = operationKey(contextValue.caller, request, operation.operation);
          if (shared === undefined) return null;
          key = createHash('sha256').update(shared).digest('base64url');
          const hit = entries.get(key);
          const now = Date.now();
          if (hit && now - hit.at < opts.seconds * 1000) {
            entries.delete(key); // re-inserted last: most recently used
            entries.set(key, hit);
            key = undefined;
            return {
              http: { status: undefined, headers: new HeaderMap() },
              body: { kind: 'single', singleResult: { data: hit.data, extensions: { cache: { ageSeconds: Math.floor((now - hit.at) / 1000) } } } },
            };
          }
          return null;
        },
        async willSendResponse({ response }) {
          if (!key || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors?.length || !data) return;
          const bytes = JSON.stringify(data).length;
          if (bytes > maxBytes) return;
          drop(key);
          entries.set(key, { at: Date.now(), data, bytes });
          totalBytes += bytes;
          while (entries.size > maxEntries || totalBytes > maxTotalBytes) drop(entries.keys().next().value!);
        },
      };
    },
  };
}
