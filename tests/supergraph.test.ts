import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { API_SCHEMA_PATH, composeSupergraph, printApiSchema, readSupergraph } from '../gateway/src/compose.ts';

describe('checked-in generated files are fresh', () => {
  it('schema/supergraph.graphql is what composing schema/*.graphql gives (run `npm run compose`)', () => {
    expect(readSupergraph()).toBe(composeSupergraph());
    expect(readFileSync(API_SCHEMA_PATH, 'utf8')).toBe(printApiSchema(composeSupergraph()));
  });

  it('the generated resolver types match the schemas (run `npm run codegen`)', async () => {
    const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
    const outputs = await generate({ ...config, cwd: process.cwd(), silent: true }, false);
    expect(outputs.length).toBeGreaterThanOrEqual(4);
    for (const out of outputs) {
      expect(readFileSync(out.filename, 'utf8'), out.filename).toBe(out.content);
    }
  });
});

describe('the schema describes itself', () => {
  it('every mutation’s description names its step with the Chinese term a grid worker or case desk uses', () => {
    const schema = buildSchema(readFileSync(API_SCHEMA_PATH, 'utf8'));
    const mutations = Object.values(schema.getMutationType()!.getFields());
    expect(mutations.length).toBeGreaterThan(50);
    const without = mutations.filter((f) => !/[\u4e00-\u9fff]/.test(f.description ?? '')).map((f) => f.name);
    expect(without).toEqual([]);
  });
});
