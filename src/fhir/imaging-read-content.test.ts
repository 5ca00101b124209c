/**
 * The imaging-read workflow's content (`ImagingRead`) and what the FHIR export
 * reads (`ImagingReadContent`) must be one shape: workflows may not import
 * fhir/, so the workflow declares its own and this file holds them together.
 * The type assertion fails `tsc --noEmit` (CI) when they drift; the runtime
 * tests check that the content schema and the export's own check accept and
 * refuse the same contents.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError } from '../core/errors.ts';
import type { ImagingRead } from '../workflows/imaging-read/index.ts';
import { imagingReadContentSchema } from '../workflows/imaging-read/content-schema.ts';
import { contentViolation } from '../workflows/content-schema.ts';
import { asImagingReadContent, type ImagingReadContent } from './imaging-report.ts';

/** True only when A and B are each assignable to the other and name the same fields (so an optional field cannot go missing). */
type Same<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
const sameShape: Same<ImagingRead, ImagingReadContent> = true;

test('the workflow content type and the FHIR export type are the same', () => {
  assert.equal(sameShape, true);
});

test('the content schema and the export accept and refuse the same contents', () => {
  const accepted: unknown[] = [
    { findings: 'Clear lungs.', impression: 'No acute finding is seen.' },
    { findings: '', impression: '', question: 'Effusion?', answer: 'None is seen.' },
  ];
  const refused: unknown[] = [{ findings: 'x' }, { findings: 1, impression: 'y' }, { findings: 'x', impression: 'y', question: 2 }, 'text'];
  for (const content of accepted) {
    assert.equal(contentViolation(imagingReadContentSchema, content), undefined);
    assert.doesNotThrow(() => asImagingReadContent(content));
  }
  for (const content of refused) {
    assert.notEqual(contentViolation(imagingReadContentSchema, content), undefined, JSON.stringify(content));
    assert.throws(() => asImagingReadContent(content), (error) => isNorthstationError(error, 'bad_request'));
  }
});
