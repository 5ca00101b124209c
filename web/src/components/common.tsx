/** Small building blocks every screen uses: labelled fields, errors, progress, the synthetic-model banner. */
import { useId, type ReactNode } from 'react';
import { useT } from '../i18n/i18n.tsx';
import type { DraftStreamEvent } from '../lib/api.ts';

/** A form control with its visible label and, when refused, the reason tied to it for screen readers. */
export function Field({ label, error, hint, children }: { label: string; error?: string | null; hint?: string; children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode }) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter((part) => part !== null).join(' ');
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(describedBy === '' ? {} : { 'aria-describedby': describedBy }), ...(error ? { 'aria-invalid': true } : {}) })}
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      {/* Polite, not an alert: a value refused while typing must not interrupt at every keystroke. */}
      {error ? <p className="field-error" id={`${id}-error`} aria-live="polite">{error}</p> : null}
    </div>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const t = useT();
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : t('error.unexpected');
  return (
    <div className="error" role="alert">
      <strong>{t('error.title')}</strong> {message}
    </div>
  );
}

export function SyntheticBanner() {
  const t = useT();
  return (
    <div className="banner-synthetic" role="note" data-testid="synthetic-banner">
      <strong>{t('banner.synthetic.title')}</strong> {t('banner.synthetic.body')}
    </div>
  );
}

/** The workflow's progress as it streams: stage and count, and how much text the model has written. */
export function WorkflowProgress({ events }: { events: DraftStreamEvent[] }) {
  const t = useT();
  // The live region is there before the first event, so screen readers announce what arrives in it.
  if (events.length === 0) return <div className="progress-idle" role="status" aria-live="polite" />;
  let stage: string | null = null;
  let done = 0;
  let total = 0;
  let characters = 0;
  let findings = 0;
  for (const event of events) {
    if (event.type === 'prefill-progress') ({ stage, done, total } = event);
    else if (event.type === 'text-delta') characters += event.delta.length;
    else findings += 1;
  }
  return (
    <div className="progress" role="status" aria-live="polite" data-testid="workflow-progress">
      {stage !== null ? <p>{t('progress.stage', { stage, done, total })}</p> : null}
      {total > 0 ? <progress max={total} value={done} aria-label={t('progress.label')} /> : null}
      <p>{t('progress.written', { characters })}</p>
      {findings > 0 ? <p>{t('progress.findings', { count: findings })}</p> : null}
    </div>
  );
}

export function Limitations({ notice }: { notice: { limitations: readonly string[]; intendedUse?: string } | null | undefined }) {
  const t = useT();
  if (!notice || notice.limitations.length === 0) return null;
  return (
    <aside className="limitations" aria-label={t('limitations.title')} data-testid="limitations">
      <h3>{t('limitations.title')}</h3>
      {notice.intendedUse ? <p>{notice.intendedUse}</p> : null}
      <ul>
        {notice.limitations.map((limitation) => <li key={limitation}>{limitation}</li>)}
      </ul>
    </aside>
  );
}

export function formatDateTime(iso: string, language: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(language === 'fr' ? 'fr-CA' : 'en-CA', { dateStyle: 'medium', timeStyle: 'short' });
}
