import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';

/**
 * Query limits at the gateway (graphql-armor): no legitimate screen of the hub
 * nests deeper than 12 levels or needs more than 50 aliases, so anything past
 * that is refused before planning. Field suggestions ("did you mean") are off
 * in production, where they would map the schema for an attacker.
 */
export const MAX_BODY_BYTES = 100_000;

export function queryLimits(production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: 12, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: 50 },
    maxDirectives: { n: 20 },
    maxTokens: { n: 10_000 },
    // Cost grows 1.5× per level of nesting; the hub's heaviest screens (a county drill-down with every
    // statistic) stay well under this, a query built to fan out does not.
    costLimit: { maxCost: 100_000, objectCost: 2, scalarCost: 1, depthCostFactor: 1.5, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins: plugins.map(asPlugin), validationRules };
}

/**
 * graphql-armor's types come from @apollo/server's CommonJS build, which TypeScript keeps apart from the
 * ESM build the gateway uses (HeaderMap carries a private brand); at run time both are plain objects of
 * hook functions, which is what this checks.
 */
function asPlugin(p: unknown): ApolloServerPlugin {
  if (!isPlugin(p)) throw new Error('graphql-armor returned something that is not an Apollo Server plugin.');
  return p;
}

function isPlugin(p: unknown): p is ApolloServerPlugin {
  return typeof p === 'object' && p !== null && Object.values(p).every((hook) => typeof hook === 'function');
}
