/** Request bodies of the clinical API (zod), and the one place they are parsed. */
import { z } from 'zod';
import { badRequest } from '../../core/errors.ts';
import { userLanguages } from '../../records/repository.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const sessionBody = z.strictObject({
  username: text(200),
  password: z.string().min(1).max(1024),
});

export const encounterBody = z.strictObject({
  patient: z.strictObject({
    displayName: text(200),
    birthDate: z.iso.date().optional(),
  }),
});

export const draftBody = z.strictObject({
  encounterId: text(100),
  workflow: text(100),
  /** Validated by the workflow's own schema in the runner. */
  input: z.unknown().refine((value) => value !== undefined, 'required'),
});

/** Edited content: any JSON value but null (the shape belongs to the workflow). */
const content = z.unknown().refine((value) => value !== undefined && value !== null, 'required');

export const editBody = z.strictObject({ content });
/**
 * Re-authentication for sign, amend and withdraw: the password again (local
 * accounts; required unless the session was opened by single sign-on), or,
 * without it, a fresh step-up at the identity provider (`GET /api/oidc/reauth`).
 */
const reauthPassword = z.string().min(1).max(1024).optional();
export const signBody = z.strictObject({ password: reauthPassword });
export const amendBody = z.strictObject({ reason: text(2000), content, password: reauthPassword });
// Voiding a clinical record is as consequential as signing one: it too needs re-authentication.
export const withdrawBody = z.strictObject({ reason: text(2000), password: reauthPassword });

/** What a step-up re-authentication at the identity provider is for (one action, once). */
export const stepUpPurposes = ['sign', 'amend', 'withdraw'] as const;
export type StepUpPurpose = (typeof stepUpPurposes)[number];
export const reauthQuery = z.strictObject({ purpose: z.enum(stepUpPurposes), client: z.literal('web').optional() });

/** `GET /api/oidc/login`: `client=web` when the web UI starts it (the callback then redirects there with a one-time code). */
export const oidcLoginQuery = z.strictObject({ client: z.literal('web').optional() });

/** `POST /api/oidc/exchange`: the one-time code from the web UI's `/?sso=` redirect. */
export const oidcExchangeBody = z.strictObject({ code: z.string().min(16).max(512) });

/** An instant with its offset (2026-01-01T08:00:00Z, …+01:00), as the store compares them: UTC with milliseconds. */
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

/**
 * `GET /api/audit`: every given filter must match; newest first. `from` is inclusive, `to` exclusive;
 * `before` (a seq: the answer's `next`) pages back in time.
 */
export const auditQuery = z.strictObject({
  resourceId: text(100).optional(),
  action: text(100).optional(),
  userId: text(100).optional(),
  from: instant.optional(),
  to: instant.optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** `PUT /api/me/preferences`: the signed-in user's own settings. */
export const preferencesBody = z.strictObject({ language: z.enum(userLanguages) });

/** The parsed value, or 'bad_request' naming the first bad field (never echoing its value: it may be PHI). */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where = 'body'): T {
  const result = schema.safeParse(value ?? undefined);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [where, ...(issue?.path ?? []).map(String)].join('.');
  throw badRequest(`${field}: ${issue?.message ?? 'invalid'}`, { field });
}

/** The version in an `If-Match` header: `3`, `"3"` or `W/"3"`. Missing or malformed → 'bad_request'. */
export function parseIfMatch(header: string | string[] | undefined): number {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === '') throw badRequest('send If-Match: <version> (the draft version you read) to change a draft', { field: 'If-Match' });
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim());
  if (!match?.[1]) throw badRequest('If-Match must be a draft version number, e.g. If-Match: "3"', { field: 'If-Match' });
  return Number(match[1]);
}

export const draftStates = ['draft', 'signed', 'amended', 'entered-in-error'] as const;

export const worklistQuery = z.strictObject({
  state: z.enum(draftStates).optional(),
  workflow: text(100).optional(),
  /** Only this patient's drafts. */
  patientId: text(100).optional(),
  /** Default: oldest first for state=draft (awaiting review), newest first otherwise. A cursor is for the order it was issued in. */
  order: z.enum(['oldest', 'newest']).optional(),
  /** `patient`: each row also names its patient ({ id, displayName }); needs patient.read (403 otherwise), an audited patient read. */
  include: z.literal('patient').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The previous page's `next`; the store checks it is one of its cursors (400 otherwise). */
  after: z.string().min(1).max(200).optional(),
});

/** `GET /api/studies`: received DICOM studies, optionally of one modality (a DICOM CS code such as CT or MR). */
export const studiesQuery = z.strictObject({
  modality: z.string().regex(/^[A-Z0-9_]{1,16}$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** A FHIR search reference: `Patient/<id>` or the bare id. */
const reference = (type: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(120)
    .transform((value) => value.replace(new RegExp(`^${type}/`), ''))
    .refine((value) => /^[^/\s]{1,100}$/.test(value), `a ${type} id or ${type}/<id>`);

/** `GET /fhir/R4/Observation`: by subject (or patient) and/or encounter; at least one. */
export const observationQuery = z
  .strictObject({ subject: reference('Patient').optional(), patient: reference('Patient').optional(), encounter: reference('Encounter').optional() })
  .refine((query) => query.subject !== undefined || query.patient !== undefined || query.encounter !== undefined, 'search by subject=Patient/<id> or encounter=Encounter/<id>');
