import { Kind } from 'graphql';
import { loadSchema } from '../../../platform/service.ts';

/**
 * The village schema's enums, read from the schema itself so files check
 * exactly what the API accepts: each value's code, and its Chinese name, the
 * first word of its description (`"男 male" MALE`, `"已登记，待受理 …" REPORTED`). Spreadsheets for people
 * show the names (the XLSX export with Chinese headers), and a file may give
 * either (tests/round-trip.test.ts).
 */
const ENUMS = new Map(
  loadSchema('village').definitions.flatMap((d) =>
    d.kind === Kind.ENUM_TYPE_DEFINITION
      ? [[d.name.value, (d.values ?? []).map((v) => ({ code: v.name.value, zh: v.description?.value.trim().split(/[\s，]/)[0] ?? '' }))] as const]
      : [],
  ),
);

function enumOf(name: string): readonly { code: string; zh: string }[] {
  const values = ENUMS.get(name);
  if (!values) throw new Error(`The village schema has no enum ${name}.`);
  return values;
}

/** An enum's codes, as the village schema declares them. */
export function enumValues(name: string): readonly string[] {
  return enumOf(name).map((v) => v.code);
}

/** An enum's Chinese names by code (a value whose description gives none is left out). */
export function enumLabels(name: string): ReadonlyMap<string, string> {
  return new Map(enumOf(name).flatMap((v) => (v.zh ? [[v.code, v.zh] as const] : [])));
}

/** Codes by Chinese name, over every enum: a name may stand for codes of several (其他 …), told apart by the field's codes. */
const BY_NAME = new Map<string, string[]>();
for (const values of ENUMS.values()) for (const v of values) if (v.zh) BY_NAME.set(v.zh, [...(BY_NAME.get(v.zh) ?? []), v.code]);

/** The code among `allowed` that a Chinese name stands for, if any. */
export function codeOfName(name: string, allowed: readonly string[]): string | undefined {
  return BY_NAME.get(name)?.find((c) => allowed.includes(c));
}
