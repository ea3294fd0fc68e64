/** A federation reference to an entity another subgraph owns: only its key. */
export interface CodeRef {
  code: string;
}

/** A federation reference to an entity keyed by id (e.g. a Dispute, owned by the village subgraph). */
export interface IdRef {
  id: string;
}
