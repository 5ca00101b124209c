/**
 * Triage intake: note and vitals; NEWS2, qSOFA, shock index and the CTAS
 * floor recomputed on every keystroke by the clinical rules in the browser;
 * "Suggest CTAS" runs the triage workflow (streamed) and shows the model's
 * suggestion beside the floor and the final level, which is never less
 * urgent than the floor.
 */
import { useMemo, useState, type SyntheticEvent } from 'react';
import { useLanguage, type MessageKey } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, Limitations, WorkflowProgress } from '../components/common.tsx';
import { checkVitals, emptyVitalsForm, type NumericField, type VitalsForm } from '../lib/vitals-form.ts';
import { useDraftRun } from '../lib/use-draft-run.ts';
import { hrefOf } from '../lib/route.ts';
import type { StoredDraft, TriageContent } from '../lib/types.ts';
import { emptyPatient, PatientFields } from './patient-fields.tsx';
import { CtasComparison } from './triage-result.tsx';

/** `unit`: a symbol, or `{ words }` for a unit said in words (translated). */
const numericInputs: { field: NumericField; label: MessageKey; unit: string | { words: MessageKey }; step?: string }[] = [
  { field: 'age', label: 'vitals.age', unit: { words: 'unit.years' } },
  { field: 'respiratoryRate', label: 'vitals.respiratoryRate', unit: '/min' },
  { field: 'spo2', label: 'vitals.spo2', unit: '%' },
  { field: 'heartRate', label: 'vitals.heartRate', unit: '/min' },
  { field: 'systolicBP', label: 'vitals.systolicBP', unit: 'mmHg' },
  { field: 'diastolicBP', label: 'vitals.diastolicBP', unit: 'mmHg' },
  { field: 'temperature', label: 'vitals.temperature', unit: '°C', step: '0.1' },
  { field: 'gcs', label: 'vitals.gcs', unit: '3–15' },
  { field: 'painScore', label: 'vitals.painScore', unit: '0–10' },
];

export function TriageIntake() {
  const { t, language } = useLanguage();
  const [patient, setPatient] = useState(emptyPatient);
  const [note, setNote] = useState('');
  const [form, setForm] = useState<VitalsForm>(emptyVitalsForm);
  const { busy, events, error, run } = useDraftRun();
  const [draft, setDraft] = useState<StoredDraft<TriageContent> | null>(null);
  const check = useMemo(() => checkVitals(form), [form]);
  const report = check.report;
  const refused = Object.keys(check.errors).length > 0;

  const set = <K extends keyof VitalsForm>(field: K, value: VitalsForm[K]): void => setForm((current) => ({ ...current, [field]: value }));

  const suggest = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (refused) return;
    setDraft(null);
    setDraft((await run<TriageContent>('triage', patient, { note, vitals: check.vitals, language })) ?? null);
  };

  const fieldError = (field: keyof VitalsForm): string | null => {
    const message = check.errors[field];
    if (message === undefined) return null;
    return message === 'number' ? t('vitals.notANumber') : t('vitals.refused', { reason: message });
  };

  return (
    <section aria-labelledby="triage-title">
      <h1 id="triage-title">{t('triage.title')}</h1>
      <div className="two-columns">
        <form onSubmit={(event) => void suggest(event)} noValidate>
          <PatientFields value={patient} onChange={setPatient} />
          <Field label={t('triage.note')}>
            {(props) => <textarea {...props} name="note" rows={6} required maxLength={100_000} value={note} onChange={(event) => setNote(event.target.value)} />}
          </Field>
          <fieldset>
            <legend>{t('triage.vitals')}</legend>
            <div className="vitals-grid">
              {numericInputs.map(({ field, label, unit, step }) => (
                <Field key={field} label={`${t(label)} (${typeof unit === 'string' ? unit : t(unit.words)})`} error={fieldError(field)}>
                  {(props) => <input {...props} name={field} inputMode="decimal" step={step} value={form[field]} onChange={(event) => set(field, event.target.value)} data-testid={`vital-${field}`} />}
                </Field>
              ))}
              <Field label={t('vitals.consciousness')}>
                {(props) => (
                  <select {...props} name="consciousness" value={form.consciousness} onChange={(event) => set('consciousness', event.target.value as VitalsForm['consciousness'])}>
                    <option value="">{t('vitals.notAssessed')}</option>
                    {(['A', 'C', 'V', 'P', 'U'] as const).map((level) => <option key={level} value={level}>{t(`acvpu.${level}`)}</option>)}
                  </select>
                )}
              </Field>
              <Field label={t('vitals.spo2Scale')}>
                {(props) => (
                  <select {...props} name="spo2Scale" value={form.spo2Scale} onChange={(event) => set('spo2Scale', event.target.value === '2' ? '2' : '1')}>
                    <option value="1">{t('vitals.spo2Scale1')}</option>
                    <option value="2">{t('vitals.spo2Scale2')}</option>
                  </select>
                )}
              </Field>
              <div className="field checkbox">
                <input id="on-oxygen" type="checkbox" checked={form.onOxygen} onChange={(event) => set('onOxygen', event.target.checked)} />
                <label htmlFor="on-oxygen">{t('vitals.onOxygen')}</label>
              </div>
            </div>
          </fieldset>
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy || refused || note.trim() === '' || patient.displayName.trim() === ''} data-testid="suggest-ctas">
            {busy ? t('triage.suggesting') : t('triage.suggest')}
          </button>
          {refused ? <p className="hint">{t('triage.fixFields')}</p> : null}
        </form>
        <aside className="live-scores" aria-labelledby="live-title">
          {/* One short line is announced as the scores change, not the whole panel. */}
          <p className="visually-hidden" aria-live="polite">{report === null ? '' : `${t('score.ctasFloor')}: ${report.ctas.floor === null ? t('score.none') : report.ctas.floor}. NEWS2: ${report.news2.total}.`}</p>
          <h2 id="live-title">{t('triage.liveTitle')}</h2>
          {report === null ? <p>{t('triage.noVitals')}</p> : (
            <dl>
              <dt>{t('score.ctasFloor')}</dt>
              <dd data-testid="ctas-floor">{report.ctas.floor === null ? t('score.none') : `CTAS ${report.ctas.floor}`}</dd>
              <dt>NEWS2</dt>
              <dd data-testid="news2-score">{report.news2.total}{report.news2.maxTotal !== report.news2.total ? ` (${t('score.upTo', { max: report.news2.maxTotal })})` : ''} — {t(`news2.${report.news2.risk}`)}</dd>
              <dt>qSOFA</dt>
              <dd data-testid="qsofa-score">{report.qsofa.score}{report.qsofa.positive === true ? ` — ${t('score.positive')}` : ''}</dd>
              <dt>{t('score.shockIndex')}</dt>
              <dd data-testid="shock-index">{report.shockIndex === null ? '—' : report.shockIndex.toFixed(2)}</dd>
            </dl>
          )}
          {report !== null && report.ctas.reasons.length > 0 ? (
            <>
              <h3>{t('triage.floorReasons')}</h3>
              <ul lang="en">{report.ctas.reasons.map((reason) => <li key={reason}>{reason}</li>)}</ul>
            </>
          ) : null}
          {report !== null && report.alerts.length > 0 ? (
            <>
              <h3>{t('triage.flags')}</h3>
              <ul className="alerts" lang="en" data-testid="live-flags">{report.alerts.map((alert) => <li key={alert.code}>{alert.message}</li>)}</ul>
            </>
          ) : null}
          {report !== null && report.extremes.length > 0 ? (
            <>
              <h3>{t('triage.recheck')}</h3>
              <ul lang="en">{report.extremes.map((extreme) => <li key={extreme.field}>{extreme.message}</li>)}</ul>
            </>
          ) : null}
        </aside>
      </div>
      <WorkflowProgress events={events} />
      {draft !== null ? (
        <section aria-labelledby="triage-result-title" className="result" data-testid="triage-result">
          <h2 id="triage-result-title">{t('triage.resultTitle')}</h2>
          <CtasComparison content={draft.currentContent} />
          <p><a href={hrefOf({ name: 'draft', id: draft.id })}>{t('triage.openDraft')}</a></p>
          <Limitations notice={draft.aiOutput.limitations} />
        </section>
      ) : null}
    </section>
  );
}
