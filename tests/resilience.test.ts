import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';

interface County {
  county: { name: string; region: { name: string }; townships: { code: string; name: string; villages: { code: string }[] }[] | null };
}

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const QUERY = `{ county(code: "623021") { name region { name } townships { code name villages { code } } } }`;

describe('a subgraph going away', () => {
  it('returns partial data with an error naming the missing subgraph, then recovers without restarting the gateway', async () => {
    const before = await hub.query<County>(QUERY);
    expect(before.errors).toBeUndefined();
    expect(before.data!.county.townships).toHaveLength(16);

    await hub.stopSubgraph('township');
    const during = await hub.query<County>(QUERY);
    expect(during.data!.county).toMatchObject({ name: '临潭县', region: { name: '甘南藏族自治州' }, townships: null });
    expect(during.errors).toHaveLength(1);
    expect(during.errors![0]!.extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(during.errors![0]!.message).toContain('township');
    const health = await fetch(new URL('/health', hub.gatewayUrl));
    expect(health.status).toBe(503);
    expect(((await health.json()) as { subgraphs: Record<string, string> }).subgraphs.township).toBe('unreachable');

    await hub.restartSubgraph('township');
    const after = await hub.query<County>(QUERY);
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual(before.data);
  });

  it('keeps a village query answering its own fields when the township subgraph is down', async () => {
    await hub.stopSubgraph('township');
    try {
      // A township's name travels with its village (Village.township provides it); its kind only the township subgraph knows.
      const named = await hub.query<{ village: { township: { name: string } } }>(`{ village(code: "623021200201") { township { name } } }`);
      expect(named.errors).toBeUndefined();
      expect(named.data!.village.township.name).toBe('术布乡');
      const r = await hub.query<{ village: { name: string; township: { name: string; kind: string } | null; grids: { code: string }[] } }>(
        `{ village(code: "623021200201") { name township { name kind } grids { code } } }`,
      );
      expect(r.data!.village.name).toBe('鹿儿台村村民委员会');
      expect(r.data!.village.grids.length).toBeGreaterThan(0);
      expect(r.data!.village.township).toBeNull();
      expect(r.errors![0]!.extensions!.code).toBe('SUBGRAPH_UNAVAILABLE');
    } finally {
      await hub.restartSubgraph('township');
    }
  });
});
