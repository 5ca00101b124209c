/**
 * History summary: choose a patient's FHIR R4 bundle (a file exported from
 * the record system), check it in the browser (one Bundle, its Patient), then
 * run the history-summary workflow; the summary opens on the draft screen.
 */
import { useState, type ChangeEvent, type SyntheticEvent } from 'react';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, WorkflowProgress } from '../components/common.tsx';
import { useDraftRun } from '../lib/use-draft-run.ts';
import { navigate, parseRoute } from '../lib/route.ts';
import { checkBundle, type CheckedBundle } from '../lib/bundle.ts';

/** `POST /api/drafts`' body limit (16 MiB, ClinicalAppLimits.draftBodyLimitBytes), less room for the rest of the request: refused here, not after the upload. */
const maxBundleBytes = 15 * 1024 * 1024;

export function HistorySummary() {
  const { t, language } = useLanguage();
  const [bundle, setBundle] = useState<CheckedBundle | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const { busy, events, error, run } = useDraftRun();

  const choose = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    setFileError(null);
    setBundle(null);
    const file = event.target.files?.[0];
    if (file === undefined) return;
    if (file.size > maxBundleBytes) { setFileError(t('history.tooLarge', { size: Math.round(file.size / 1024) })); return; }
    const checked = checkBundle(await file.text());
    if (typeof checked === 'string') { setFileError(t('history.invalid', { reason: checked })); return; }
    setBundle(checked);
  };

  const summarise = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (bundle === null) return;
    const stored = await run('history-summary', { displayName: bundle.patientName, birthDate: bundle.birthDate ?? '' }, { bundle: bundle.bundle, language });
    if (stored !== undefined && parseRoute(window.location.hash).name === 'history') navigate({ name: 'draft', id: stored.id });
  };

  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      <form onSubmit={(event) => void summarise(event)}>
        <Field label={t('history.file')} error={fileError} hint={t('history.fileHint')}>
          {(props) => <input {...props} type="file" accept=".json,application/fhir+json,application/json" onChange={(event) => void choose(event)} data-testid="bundle-file" />}
        </Field>
        {bundle !== null ? (
          <p data-testid="bundle-summary">{t('history.bundleSummary', { name: bundle.patientName, count: bundle.resourceCount })}</p>
        ) : null}
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || bundle === null}>{busy ? t('history.summarising') : t('history.summarise')}</button>
      </form>
      <WorkflowProgress events={events} />
    </section>
  );
}
