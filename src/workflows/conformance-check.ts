/**
 * The conformance gate's "schema adherence on each workflow": every workflow
 * runs once, through the real runner, on a small invented input (no patient
 * data), and must produce its draft from schema-valid model output — not a
 * schema_violation, not triage's "suggestion unusable" fallback, not a
 * history chunk left unsummarised. The gate (src/safety/conformance/) cannot
 * import workflows, so the CLI hands it this check.
 */
import { isNorthstationError } from '../core/errors.ts';
import type { ChatModel } from '../engine/chat-model.ts';
import type { CheckResult } from '../safety/conformance/report.ts';
import { createWorkflowRunner } from './runner.ts';
import type { AnyWorkflow } from './workflow.ts';

interface GoldenRun {
  input: unknown;
  /** The workflow needs image input: a model without it is not measured on this workflow (text-only models still serve the others). */
  needsImage?: true;
  /** Why the draft shows the model's output was not usable, or undefined when it was. */
  unusable?: (content: Record<string, unknown>) => string | undefined;
}

const syntheticPng =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAACXBIWXMAAAPoAAAD6AG1e1JrAAABDklEQVQoz1WREZuAAABDh2EYhmEYhmEYhmEYhmEYhmEYhmEYhmEY3u7bwe4PbG9vABCGYRzHaZrmeV6WZV3Xbdv2fT+O4zzP67ru+36e533f7/siCIIoipIkybKsKIqqqpqm6bpuGIZpmpZl2bbtOI7rup7n+b7vN54ljGcJ41nCeJYwniWMZwnjWcJ4loDxLGE8SxjPEsazhPEsYTxLGM8SxrMEotcS0WuJ6LVE9FoC0WuJ6LVE9Foiei35o9cS0WuJ6LVE9FoC0WuJ6LVE9Foiei2Bu/dP3L1/Anfvn7h7/wTu3j9x9/4J3L1/4u79E7h7/8Td+ydw9/6Ju/dP/rn3T9y9fwJ375+4e//kB53RdBCRKjqYAAAAAElFTkSuQmCC';

const goldenRuns: Record<string, GoldenRun> = {
  'soap-note': {
    input: {
      transcript:
        '[doctor] What brings you in today?\n[patient] A cough and fever for three days.\n' +
        '[doctor] Any medications?\n[patient] Lisinopril 10 mg daily. I am allergic to penicillin.\n' +
        '[doctor] Your temperature is 38.4 and I hear crackles on the right.',
    },
  },
  triage: {
    input: { note: 'Cough and fever for three days, short of breath on stairs.', vitals: { age: 54, heartRate: 104, respiratoryRate: 22, spo2: 94, temperature: 38.4 } },
    unusable: (content) => (content.modelOutput === 'unusable' ? 'the model produced no usable triage suggestion' : undefined),
  },
  'history-summary': {
    input: {
      bundle: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [
          { resource: { resourceType: 'Condition', id: 'c1', code: { text: 'Hypertension' }, clinicalStatus: { coding: [{ code: 'active' }] } } },
          { resource: { resourceType: 'MedicationRequest', id: 'm1', status: 'active', medicationCodeableConcept: { text: 'Lisinopril 10 mg' } } },
          { resource: { resourceType: 'AllergyIntolerance', id: 'a1', code: { text: 'Penicillin' } } },
        ],
      },
    },
    unusable: (content) => {
      const coverage = content.coverage as { chunks?: number; summarisedChunks?: number } | undefined;
      return coverage && coverage.summarisedChunks !== coverage.chunks ? 'a chunk of the record was left unsummarised' : undefined;
    },
  },
  differential: { input: { caseSummary: '54-year-old with three days of cough, fever 38.4 °C, crackles at the right base, SpO2 94 %.' } },
  contraindications: { input: { proposedMedication: 'amoxicillin', medications: ['lisinopril'], allergies: ['penicillin'], conditions: ['hypertension'] } },
  // A 16×16 pattern generated for this check (no patient image), as the upload a client would send.
  'imaging-read': { input: { image: syntheticPng, question: 'Is any structure visible?' }, needsImage: true },
};

const notApplicable = 'not applicable: the model does not take images';

export function workflowSchemaCheck(workflows: readonly AnyWorkflow[]): (model: ChatModel, signal: AbortSignal | undefined) => Promise<CheckResult> {
  return async (model, signal) => {
    const runner = createWorkflowRunner({ model, workflows });
    const results: Record<string, string> = {};
    for (const workflow of workflows) {
      const golden = goldenRuns[workflow.name];
      if (!golden) {
        results[workflow.name] = 'no golden input';
        continue;
      }
      if (golden.needsImage && !model.capabilities.image) {
        results[workflow.name] = notApplicable;
        continue;
      }
      try {
        const draft = await runner.run(workflow.name, golden.input, signal ? { signal } : {});
        results[workflow.name] = golden.unusable?.(draft.content as Record<string, unknown>) ?? 'ok';
      } catch (error) {
        if (isNorthstationError(error, 'aborted')) throw error;
        results[workflow.name] = isNorthstationError(error) ? `${error.code}: ${error.message.slice(0, 160)}` : String(error);
      }
    }
    const passed = Object.values(results).filter((result) => result === 'ok').length;
    const failures = Object.entries(results).filter(([, result]) => result !== 'ok' && result !== notApplicable);
    const applicable = Object.values(results).filter((result) => result !== notApplicable).length;
    return {
      id: 'workflow-schema-adherence',
      title: 'Each workflow produces its draft from schema-valid model output',
      status: failures.length === 0 ? 'pass' : 'fail',
      measured: `${passed}/${workflows.length}`,
      threshold: `${applicable}/${workflows.length}`,
      ...(failures.length === 0 ? {} : { reason: failures.map(([name, result]) => `${name}: ${result}`).join('; ') }),
      details: results,
    };
  };
}
