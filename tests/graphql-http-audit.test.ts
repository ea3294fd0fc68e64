/**
 * The gateway against the GraphQL-over-HTTP specification, as graphql-http's
 * `auditServer` checks it: no MUST (error) and no SHOULD (warning) fails. The
 * audit's requests carry a caller's token, as every request to the gateway must.
 */
import { auditServer, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
let token: string;
beforeAll(async () => {
  hub = await startHub();
  token = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
}, 300_000);
afterAll(async () => hub?.stop());

/** An audit result as a line a person can act on: its id, what it checks and why it failed. */
const describeResult = (r: AuditResult) => `${r.id} ${r.name}${r.status === 'ok' ? '' : `: ${r.reason}`}`;

describe('GraphQL over HTTP', () => {
  it('graphql-http audit: 0 errors and 0 warnings', async () => {
    const results = await auditServer({
      url: hub.gatewayUrl,
      fetchFn: (input: RequestInfo | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    });
    const failed = results.filter((r) => r.status === 'error' || r.status === 'warn').map(describeResult);
    expect(failed).toEqual([]);
    // The audit ran in full: at least the checks graphql-http 1.23 makes, all of the MUSTs passed among them.
    expect(results.length).toBeGreaterThanOrEqual(60);
    expect(results.filter((r) => r.name.startsWith('MUST')).every((r) => r.status === 'ok')).toBe(true);
  }, 120_000);

  it('answers an explicit application/json client (legacy) with 200 for a request GraphQL refused, anyone else with 400', async () => {
    const send = (accept: string) =>
      fetch(hub.gatewayUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: '{' }),
      });
    for (const [accept, status, type] of [
      ['application/json', 200, 'application/json'],
      ['application/graphql-response+json', 400, 'application/graphql-response+json'],
      ['application/graphql-response+json, application/json;q=0.9', 400, 'application/graphql-response+json'],
      ['*/*', 400, 'application/json'],
    ] as const) {
      const res = await send(accept);
      expect(res.status, accept).toBe(status);
      expect(res.headers.get('content-type'), accept).toContain(type);
      const body = (await res.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
      expect(body.data, accept).toBeUndefined();
      expect(body.errors.map((e) => e.extensions.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    }
  });
});
