/**
 * Imaging: upload a DICOM, PNG or JPEG file (or pick an image a modality sent
 * to the storage listener), view it with window/level and zoom, then ask a
 * question or ask for a draft read. The read comes back hedged, with the
 * model's imaging limitations beside it.
 */
import { useState, type ChangeEvent, type SyntheticEvent } from 'react';
import { useApiData } from '../lib/use-api.ts';
import { apiData } from '../lib/api.ts';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, formatDateTime, WorkflowProgress } from '../components/common.tsx';
import { ImageViewer, type ImageSource } from '../components/image-viewer.tsx';
import { useDraftRun } from '../lib/use-draft-run.ts';
import type { ImagingReadContent, StoredDraft } from '../lib/types.ts';
import { emptyPatient, PatientFields } from './patient-fields.tsx';
import { ImagingReadResult } from './imaging-read-view.tsx';

/** The upload route's limit (src/server/clinical/image-uploads.ts): refused here before 64 MiB crosses the network. */
const maxUploadBytes = 64 * 1024 * 1024;

interface StudyRow {
  studyInstanceUid: string;
  latestInstance: { sopInstanceUid: string; modality: string | null };
  modalities: string[];
  instanceCount: number;
  lastReceivedAt: string;
  details: { patientName?: string; patientId?: string; studyDate?: string };
}

export function mediaTypeOf(file: File): string | null {
  const name = file.name.toLowerCase();
  if (file.type === 'image/png' || name.endsWith('.png')) return 'image/png';
  if (file.type === 'image/jpeg' || /\.jpe?g$/.test(name)) return 'image/jpeg';
  if (file.type === 'application/dicom' || name.endsWith('.dcm') || file.type === '') return 'application/dicom';
  return null;
}

export function Imaging() {
  const { t, language } = useLanguage();
  const [source, setSource] = useState<ImageSource | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const studies = useApiData<{ studies: StudyRow[] }>('/api/studies?limit=50').data?.studies ?? null;
  const [patient, setPatient] = useState(emptyPatient);
  // Filled in from a picked study: another image must not inherit that patient.
  const [patientFromStudy, setPatientFromStudy] = useState(false);
  const [question, setQuestion] = useState('');
  const [context, setContext] = useState('');
  const { busy, events, error, run } = useDraftRun();
  const [draft, setDraft] = useState<StoredDraft<ImagingReadContent> | null>(null);


  const upload = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    setFileError(null);
    const file = event.target.files?.[0];
    if (file === undefined) return;
    const mediaType = mediaTypeOf(file);
    if (mediaType === null) { setFileError(t('imaging.wrongType')); return; }
    if (file.size > maxUploadBytes) { setFileError(t('imaging.tooLarge')); return; }
    setUploading(true);
    try {
      const { upload: stored } = await apiData<{ upload: { id: string } }>('/api/imaging/uploads', { method: 'POST', body: new Blob([file], { type: mediaType }), headers: { 'content-type': mediaType } });
      setSource({ kind: 'upload', id: stored.id });
      if (patientFromStudy) {
        setPatient(emptyPatient);
        setPatientFromStudy(false);
      }
      setDraft(null);
    } catch (failure) {
      setFileError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setUploading(false);
    }
  };

  const pickStudy = (study: StudyRow): void => {
    setSource({ kind: 'instance', sopInstanceUid: study.latestInstance.sopInstanceUid });
    setPatient({ displayName: personName(study.details.patientName), birthDate: '' });
    setPatientFromStudy(true);
    setDraft(null);
  };

  const read = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (source === null) return;
    setDraft(null);
    const image = source.kind === 'upload' ? { upload: source.id } : { studyInstance: source.sopInstanceUid };
    const input = { ...image, language, ...(question.trim() === '' ? {} : { question: question.trim() }), ...(context.trim() === '' ? {} : { clinicalContext: context.trim() }) };
    setDraft((await run<ImagingReadContent>('imaging-read', patient, input)) ?? null);
  };

  return (
    <section aria-labelledby="imaging-title">
      <h1 id="imaging-title">{t('imaging.title')}</h1>
      <div className="two-columns">
        <div>
          <Field label={t('imaging.upload')} error={fileError} hint={t('imaging.uploadHint')}>
            {(props) => <input {...props} type="file" accept=".dcm,application/dicom,image/png,image/jpeg" onChange={(event) => void upload(event)} disabled={uploading} data-testid="image-file" />}
          </Field>
          {uploading ? <p role="status">{t('imaging.uploading')}</p> : null}
          {studies !== null && studies.length > 0 ? (
            <details>
              <summary>{t('imaging.received', { count: studies.length })}</summary>
              <ul className="study-list">
                {studies.map((study) => (
                  <li key={study.studyInstanceUid}>
                    <button type="button" className="link" onClick={() => pickStudy(study)}>
                      {personName(study.details.patientName) || '—'} · {study.modalities.join(', ')} · {study.details.studyDate ?? formatDateTime(study.lastReceivedAt, language)}
                    </button>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {source !== null ? <ImageViewer source={source} /> : <p className="hint">{t('imaging.noImage')}</p>}
        </div>
        <form onSubmit={(event) => void read(event)}>
          <PatientFields value={patient} onChange={(next) => { setPatient(next); setPatientFromStudy(false); }} />
          <Field label={t('imaging.question')} hint={t('imaging.questionHint')}>
            {(props) => <textarea {...props} rows={3} maxLength={2000} value={question} onChange={(event) => setQuestion(event.target.value)} />}
          </Field>
          <Field label={t('imaging.context')}>
            {(props) => <textarea {...props} rows={3} maxLength={8000} value={context} onChange={(event) => setContext(event.target.value)} />}
          </Field>
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy || source === null || patient.displayName.trim() === ''} data-testid="imaging-read">
            {busy ? t('imaging.reading') : question.trim() === '' ? t('imaging.draftRead') : t('imaging.ask')}
          </button>
          <WorkflowProgress events={events} />
        </form>
      </div>
      {draft !== null ? <ImagingReadResult draft={draft} /> : null}
    </section>
  );
}

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as people write it: "Given Middle Family". */
function personName(dicomName: string | undefined): string {
  const [family = '', given = '', middle = ''] = (dicomName ?? '').split('^');
  return [given, middle, family].map((part) => part.trim()).filter((part) => part !== '').join(' ');
}
