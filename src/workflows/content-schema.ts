/**
 * The shape of a draft's content, one JSON Schema per workflow
 * (`Workflow.content`). The runner checks every content a workflow builds from
 * model output against it, and the clinical API checks every edit, amendment
 * and signature against the same object, so what a clinician stores can never
 * take a shape the workflow itself could not have produced.
 *
 * The model's own answer has a different, narrower schema (the `schema` a
 * workflow passes to `generate`): content is that answer after the code has
 * reviewed, grounded and merged it. Content schemas set no length bounds,
 * because hedged rewrites and clinicians' edits may be longer than what the
 * model was allowed to write; the request body limit bounds the size.
 *
 * Errors name the JSON path and what is wrong, never the value (it is PHI).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { NorthstationError } from '../core/errors.ts';
import type { JsonSchema } from '../engine/chat-model.ts';
import type { SafetyRule } from '../safety/finding.ts';

// — builders for the per-workflow schemas —

export const text: JsonSchema = { type: 'string' };
export const texts: JsonSchema = { type: 'array', items: text };
export const offset: JsonSchema = { type: 'integer', minimum: 0 };
export const count: JsonSchema = { type: 'integer', minimum: 0 };
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
export const listOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
export const oneOf = (values: readonly (string | number)[]): JsonSchema => ({ enum: [...values] });

/** An object with exactly these properties: `required` always present, `optional` allowed, nothing else. */
export function object(required: Record<string, JsonSchema>, optional: Record<string, JsonSchema> = {}): JsonSchema {
  return { type: 'object', properties: { ...required, ...optional }, required: Object.keys(required), additionalProperties: false };
}

/**
 * The keys of a record typed over a union: the compiler refuses a record that
 * misses a member or adds one, so an enum in a schema cannot drift from its
 * TypeScript type.
 */
export const keysOf = <K extends string>(record: Record<K, true>): K[] => Object.keys(record) as K[];

const safetyRules = keysOf<SafetyRule>({ 'definitive-diagnosis': true, 'prescriptive-order': true, 'ungrounded-claim': true, injection: true, phi: true });

export const languageSchema: JsonSchema = oneOf(['en', 'fr']);

/** A guard finding (safety/finding.ts), with the `field` its offsets index where the workflow names one. */
export const findingSchema: JsonSchema = object(
  { rule: oneOf(safetyRules), start: offset, end: offset, excerpt: text, message: text },
  { suggestion: text, field: text },
);

export const findingsSchema: JsonSchema = listOf(findingSchema);

// — the check —

// One Ajv for the handful of content schemas, compiled once each: they are module constants.
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

export interface ContentViolation {
  /** JSON Pointer to the offending value ('' is the content itself), e.g. `/sections/plan`. */
  path: string;
  /** What is wrong, from the schema only (never the value). */
  problem: string;
}

/** The first place `content` departs from `schema`, or undefined when it matches. */
export function contentViolation(schema: JsonSchema, content: unknown): ContentViolation | undefined {
  const validate = validatorFor(schema);
  if (validate(content)) return undefined;
  const error = validate.errors?.[0];
  return error === undefined ? { path: '', problem: 'does not match the schema' } : describe(error);
}

function describe(error: ErrorObject): ContentViolation {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${error.instancePath}/${pointerToken(String(params.missingProperty))}`, problem: 'is required' };
    case 'additionalProperties':
      return { path: `${error.instancePath}/${pointerToken(String(params.additionalProperty))}`, problem: 'is not a field of this content' };
    case 'anyOf':
      // Only `nullable` uses anyOf: the value is neither the type nor null.
      return { path: error.instancePath, problem: 'has the wrong type' };
    default:
      // Ajv's messages are built from the schema (type, enum, minimum), never from the value.
      return { path: error.instancePath, problem: error.message ?? 'does not match the schema' };
  }
}

/** A property name as a JSON Pointer token, shortened: it is client-chosen text. */
function pointerToken(name: string): string {
  const token = name.replaceAll('~', '~0').replaceAll('/', '~1');
  return token.length > 64 ? `${token.slice(0, 63)}…` : token;
}

/**
 * Throws 'schema_violation' (HTTP 422) naming the workflow and the path when
 * `content` does not match `schema`. `what` says whose content it is, e.g.
 * "the edited content".
 */
export function assertContent(workflow: string, schema: JsonSchema, content: unknown, what = 'the content'): void {
  const violation = contentViolation(schema, content);
  if (violation === undefined) return;
  const at = violation.path === '' ? '' : ` at ${violation.path}`;
  throw new NorthstationError('schema_violation', `${what} does not match the ${workflow} draft schema${at}: it ${violation.problem}`, { workflow, path: violation.path || '/' });
}
