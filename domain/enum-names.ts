import { Kind, type DocumentNode } from 'graphql';

/** An enum value as people read it: its code, its Chinese name, and its whole description. */
export interface EnumValueName {
  code: string;
  /** The first word of the description when it is Chinese (`"男 male" MALE` → 男, `"已登记，待受理 …" REPORTED` → 已登记); '' otherwise. */
  zh: string;
  description: string;
}

/**
 * The names of every enum value of a schema, from the descriptions: the schema is where each value is named once,
 * for the spreadsheets' Chinese columns (the village subgraph's `schemaEnum`) and for the labels an app shows
 * (the gateway's `/labels.json`).
 */
export function enumNames(doc: DocumentNode): Map<string, EnumValueName[]> {
  return new Map(
    doc.definitions.flatMap((d) =>
      d.kind === Kind.ENUM_TYPE_DEFINITION
        ? [
            [
              d.name.value,
              (d.values ?? []).map((v) => {
                const description = v.description?.value.trim() ?? '';
                const first = description.split(/[\s，]/)[0] ?? '';
                return { code: v.name.value, zh: /^[\u3400-\u9fff]/.test(first) ? first : '', description };
              }),
            ] as const,
          ]
        : [],
    ),
  );
}
