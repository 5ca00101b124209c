/**
 * Running a workflow from a screen: open an encounter for the patient, stream
 * the workflow's progress, and hand back the stored draft — with the busy
 * flag, the progress events and the error the screen shows. The run is listed
 * under "in progress" in the worklist while it lasts (jobs.ts).
 */
import { useState } from 'react';
import { streamDraft, type DraftStreamEvent } from './api.ts';
import { trackJob } from './jobs.ts';
import { openEncounter, type PatientForm } from '../screens/patient-fields.tsx';
import type { StoredDraft } from './types.ts';

export interface DraftRun {
  busy: boolean;
  /** This run's progress events (none once it has ended). */
  events: DraftStreamEvent[];
  error: unknown;
  /** The stored draft, or undefined when the run failed (the error says why). */
  run: <Content>(workflow: string, patient: PatientForm, input: unknown) => Promise<StoredDraft<Content> | undefined>;
}

export function useDraftRun(): DraftRun {
  const [busy, setBusy] = useState(false);
  const [events, setEvents] = useState<DraftStreamEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  const run = async <Content,>(workflow: string, patient: PatientForm, input: unknown): Promise<StoredDraft<Content> | undefined> => {
    setBusy(true);
    setError(null);
    setEvents([]);
    try {
      return await trackJob(workflow, patient.displayName, async () => {
        const encounterId = await openEncounter(patient);
        return streamDraft<StoredDraft<Content>>({ encounterId, workflow, input }, (progress) => setEvents((current) => [...current, progress]));
      });
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
      setEvents([]);
    }
  };
  return { busy, events, error, run };
}
