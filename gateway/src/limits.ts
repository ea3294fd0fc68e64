import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';

/**
 * Query limits at the gateway (graphql-armor): no legitimate screen of the hub
 * nests deeper than 12 levels or needs more than 50 aliases, so anything past
 * that is refused before planning. Field suggestions ("did you mean") are off
 * in production, where they would map the schema for an attacker.
 */
export const MAX_BODY_BYTES = 100_000;

/**
 * Tokens in one query. Counted by GraphQL's own parser (Apollo Server's
 * parseOptions), so a query over the limit, like any syntax error, is a
 * 400 GRAPHQL_PARSE_FAILED; graphql-armor's token plugin threw from inside a
 * plugin hook, which made every syntax error a 500.
 */
export const MAX_TOKENS = 10_000;

const badRequest = (message: string, code: string) => new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * The operation to run must be one the document names, and a query or
 * mutation: the hub serves no subscriptions. Apollo's gateway throws for
 * these deep in execution (an INVALID_GRAPHQL 500); here they are the
 * client's mistake, answered with 400 before anything is planned.
 */
export const operationChecks: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request, document }) {
        const operationName = request.operationName;
        if (!operation) {
          const named = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
          throw operationName
            ? badRequest(`Unknown operation named "${operationName}".`, 'OPERATION_RESOLUTION_FAILURE')
            : badRequest(
                named > 1 ? 'The document holds several operations; say which to run in operationName.' : 'The document holds no operation to run.',
                'OPERATION_RESOLUTION_FAILURE',
              );
        }
        if (operation.operation === 'subscription') throw badRequest('The hub serves queries and mutations, not subscriptions.', 'BAD_REQUEST');
      },
      // The gateway reports arguments it cannot coerce while planning (e.g. a Float of 1e309) as INVALID_GRAPHQL
      // and throws, which Apollo answers with 500; nothing ran, and the request is what was wrong.
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        if (data === undefined && errors?.length && errors.every((e) => e.extensions?.code === 'INVALID_GRAPHQL')) response.http.status = 400;
      },
    };
  },
};

export function queryLimits(production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: 12, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: 50 },
    maxDirectives: { n: 20 },
    maxTokens: { enabled: false },
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
