import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
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
