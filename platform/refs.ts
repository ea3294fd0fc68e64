/** A federation reference to an entity another subgraph owns: only its key. */
export interface CodeRef {
  code: string;
}
