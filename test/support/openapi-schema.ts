/**
 * A validator of values against the OpenAPI v3 (structural) schemas of
 * Kubernetes CRDs, as the API server and the Kubernetes provider's
 * `kubernetes_manifest` read them: types, properties (an unknown field is an
 * error unless the schema keeps unknown fields), required fields, enums,
 * formats of strings and numbers, list and map items, `anyOf`/`oneOf`/`allOf`,
 * and the `x-kubernetes-int-or-string` and `x-kubernetes-preserve-unknown-fields`
 * extensions. CEL rules (`x-kubernetes-validations`) are not evaluated.
 *
 * A Terraform expression (`${...}`) stands for a value known at plan only: it
 * passes where a scalar is expected.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An OpenAPI v3 schema node (the parts a CRD uses). */
export type Schema = Record<string, Json>;

const EXPRESSION = /^\$\{[\s\S]*\}$/;

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeFits(schema: Schema, v: Json): boolean {
  if (v === null) return schema.nullable === true;
  const t = typeOf(v);
  if (schema['x-kubernetes-int-or-string']) return t === 'integer' || t === 'string';
  if (typeof v === 'string' && EXPRESSION.test(v) && schema.type !== 'object' && schema.type !== 'array') return true;
  switch (schema.type) {
    case undefined: return true;
    case 'number': return t === 'number' || t === 'integer';
    default: return schema.type === t;
  }
}

/** Every problem of `value` against `schema`, each as `<path>: <what>` (empty when it fits). */
export function schemaProblems(schema: Schema, value: Json, path = ''): string[] {
  const at = path || '(root)';
  if (value === undefined) return [];
  if (!typeFits(schema, value)) return [`${at}: ${JSON.stringify(value)?.slice(0, 80)} is not of type ${schema['x-kubernetes-int-or-string'] ? 'integer or string' : schema.type}`];
  if (value === null) return [];
  const problems: string[] = [];
  const isExpression = typeof value === 'string' && EXPRESSION.test(value);
  if (schema.enum && !isExpression && !schema.enum.some((e: Json) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string' && !isExpression) {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength} characters`);
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength} characters`);
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: ${value} is above ${schema.maximum}`);
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: ${value} is below ${schema.minimum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((v, i) => problems.push(...schemaProblems(schema.items, v, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${at}: required field "${r}" is missing`);
    const props: Record<string, Schema> = schema.properties ?? {};
    for (const [k, v] of Object.entries<Json>(value)) {
      const where = path ? `${path}.${k}` : k;
      if (props[k]) problems.push(...schemaProblems(props[k], v, where));
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') problems.push(...schemaProblems(schema.additionalProperties, v, where));
      else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true && (schema.properties || schema.additionalProperties === false)) {
        problems.push(`${where}: unknown field (the schema has ${Object.keys(props).slice(0, 12).join(', ')}${Object.keys(props).length > 12 ? ', ...' : ''})`);
      }
    }
  }
  if (schema.allOf) for (const s of schema.allOf) problems.push(...schemaProblems(s, value, path));
  if (schema.anyOf && !schema.anyOf.some((s: Schema) => schemaProblems({ ...s, type: s.type ?? schema.type }, value, path).length === 0)) {
    problems.push(`${at}: fits none of the schema's anyOf alternatives`);
  }
  if (schema.oneOf && schema.oneOf.filter((s: Schema) => schemaProblems({ ...s, type: s.type ?? schema.type }, value, path).length === 0).length !== 1) {
    problems.push(`${at}: fits not exactly one of the schema's oneOf alternatives`);
  }
  return problems;
}
