import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects any of `names` directly below it,
 * through inline fragments and named fragments too. `@skip`/`@include` are
 * not evaluated: a field they leave out still counts, so a caller using this
 * to start work early may start some it does not need, never miss some.
 */
export function selectsAny(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  // A field node belongs to one parsed document, whose fragments never change: its answer is kept with it (a list
  // asks the same question for each of its items).
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : undefined;
  const kept = node && answers.get(node)?.get(names);
  if (kept !== undefined) return kept;
  const answer = walk(info, names);
  if (node) {
    let byNames = answers.get(node);
    if (!byNames) answers.set(node, (byNames = new WeakMap()));
    byNames.set(names, answer);
  }
  return answer;
}

const answers = new WeakMap<FieldNode, WeakMap<ReadonlySet<string>, boolean>>();

function walk(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const visited = new Set<string>();
  const within = (set: SelectionSetNode | undefined): boolean =>
    set !== undefined &&
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return names.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return within(s.selectionSet);
      if (visited.has(s.name.value)) return false;
      visited.add(s.name.value);
      return within(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((n) => within(n.selectionSet));
}
