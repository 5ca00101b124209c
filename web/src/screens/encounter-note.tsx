/**
 * Encounter note: paste or upload the transcript, then "Draft SOAP note"
 * streams the soap-note workflow and opens the review screen on the stored draft.
 */
import { useState, type ChangeEvent, type SyntheticEvent } from 'react';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, WorkflowProgress } from '../components/common.tsx';
import { useDraftRun } from '../lib/use-draft-run.ts';
import { navigate, parseRoute } from '../lib/route.ts';
import type { Language } from '../lib/types.ts';
import { emptyPatient, PatientFields } from './patient-fields.tsx';

/** The workflow's own limit (src/workflows/soap-note/schema.ts); a bigger file is refused before upload. */
const maxTranscriptBytes = 2_000_000;

export function EncounterNote() {
  const { t, language } = useLanguage();
  const [patient, setPatient] = useState(emptyPatient);
  const [transcript, setTranscript] = useState('');
  const [transcriptLanguage, setTranscriptLanguage] = useState<Language>(language);
  const { busy, events, error, run } = useDraftRun();
  const [fileError, setFileError] = useState<string | null>(null);

  const readFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    setFileError(null);
    const file = event.target.files?.[0];
    if (file === undefined) return;
    if (file.size > maxTranscriptBytes) {
      setFileError(t('note.fileTooLarge'));
      return;
    }
    const text = await file.text();
    if (text.includes('\u0000')) {
      setFileError(t('note.fileNotText'));
      return;
    }
    setTranscript(text);
  };

  const draft = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    const stored = await run('soap-note', patient, { transcript, language: transcriptLanguage });
    // Only if the clinician is still waiting here: elsewhere (another draft, edits open) the new
    // draft waits in the worklist rather than pulling them away.
    if (stored !== undefined && parseRoute(window.location.hash).name === 'note') navigate({ name: 'draft', id: stored.id });
  };

  return (
    <section aria-labelledby="note-title">
      <h1 id="note-title">{t('note.title')}</h1>
      <form onSubmit={(event) => void draft(event)}>
        <PatientFields value={patient} onChange={setPatient} />
        <Field label={t('note.upload')} error={fileError}>
          {(props) => <input {...props} type="file" accept=".txt,text/plain" onChange={(event) => void readFile(event)} data-testid="transcript-file" />}
        </Field>
        <Field label={t('note.transcript')} hint={t('note.transcriptHint')}>
          {(props) => <textarea {...props} name="transcript" rows={14} required value={transcript} onChange={(event) => setTranscript(event.target.value)} data-testid="transcript" />}
        </Field>
        <Field label={t('note.language')}>
          {(props) => (
            <select {...props} value={transcriptLanguage} onChange={(event) => setTranscriptLanguage(event.target.value === 'fr' ? 'fr' : 'en')}>
              <option value="en">English</option>
              <option value="fr">Français</option>
            </select>
          )}
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || transcript.trim() === '' || patient.displayName.trim() === ''} data-testid="draft-soap">
          {busy ? t('note.drafting') : t('note.draft')}
        </button>
      </form>
      <WorkflowProgress events={events} />
    </section>
  );
}
