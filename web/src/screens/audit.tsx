/**
 * The audit trail for admins: search by action, user and time, newest first,
 * and the hash chain's verification (every event since the first links to
 * the one before it; a broken link names the first bad event).
 */
import { useState, type SyntheticEvent } from 'react';
import { useApiData } from '../lib/use-api.ts';
import { apiData } from '../lib/api.ts';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, formatDateTime } from '../components/common.tsx';

interface AuditEvent { seq: number; at: string; user: string; role: string; action: string; resourceType: string; resourceId: string; client: string | null; modelId: string | null }
interface AuditPage { events: AuditEvent[]; next?: number }
interface Verification { ok: boolean; checked: number; firstBrokenSeq?: number; reason?: string; headHash: string }
interface Filters { action: string; userId: string; resourceId: string; from: string; to: string }

const emptyFilters: Filters = { action: '', userId: '', resourceId: '', from: '', to: '' };

export function AuditScreen() {
  const { t, language } = useLanguage();
  const [filters, setFilters] = useState(emptyFilters);
  const [applied, setApplied] = useState<{ filters: Filters; generation: number }>({ filters: emptyFilters, generation: 0 });
  const { data, error: searchError } = useApiData<AuditPage>(auditPath(applied.filters), applied.generation);
  // Older pages loaded with "older events" belong to the search they continue.
  const [older, setOlder] = useState<{ search: typeof applied; events: AuditEvent[]; next: number | undefined } | null>(null);
  const extra = older?.search === applied ? older : null;
  const events = data === null ? null : [...data.events, ...(extra?.events ?? [])];
  const next = extra === null ? data?.next : extra.next;
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [olderError, setOlderError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const error = searchError ?? olderError ?? verifyError;

  const loadOlder = async (): Promise<void> => {
    if (next === undefined) return;
    try {
      const page = await apiData<AuditPage>(`${auditPath(applied.filters)}&before=${next}`);
      setOlder({ search: applied, events: [...(extra?.events ?? []), ...page.events], next: page.next });
      setOlderError(null);
    } catch (failure) {
      setOlderError(failure);
    }
  };

  const verify = async (): Promise<void> => {
    setVerifying(true);
    try {
      setVerification(await apiData<Verification>('/api/audit/verify'));
      setVerifyError(null);
    } catch (failure) {
      setVerifyError(failure);
    } finally {
      setVerifying(false);
    }
  };

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setApplied((current) => ({ filters, generation: current.generation + 1 }));
  };
  const set = (field: keyof Filters, value: string): void => setFilters((current) => ({ ...current, [field]: value }));

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <div className="verify">
        <button type="button" onClick={() => void verify()} disabled={verifying} data-testid="verify-chain">{verifying ? t('audit.verifying') : t('audit.verify')}</button>
        {verification !== null ? (
          <p role="status" className={verification.ok ? 'ok' : 'error'} data-testid="chain-result">
            {verification.ok ? t('audit.chainOk', { count: verification.checked }) : t('audit.chainBroken', { seq: verification.firstBrokenSeq ?? '?', reason: verification.reason ?? '' })}
            {' '}<code>{verification.headHash.slice(0, 16)}…</code>
          </p>
        ) : null}
      </div>
      <form className="filters" onSubmit={submit} role="search">
        <Field label={t('audit.action')}>{(props) => <input {...props} value={filters.action} onChange={(event) => set('action', event.target.value)} placeholder="draft.sign" />}</Field>
        <Field label={t('audit.user')}>{(props) => <input {...props} value={filters.userId} onChange={(event) => set('userId', event.target.value)} />}</Field>
        <Field label={t('audit.resource')}>{(props) => <input {...props} value={filters.resourceId} onChange={(event) => set('resourceId', event.target.value)} />}</Field>
        <Field label={t('audit.from')}>{(props) => <input {...props} type="datetime-local" value={filters.from} onChange={(event) => set('from', event.target.value)} />}</Field>
        <Field label={t('audit.to')}>{(props) => <input {...props} type="datetime-local" value={filters.to} onChange={(event) => set('to', event.target.value)} />}</Field>
        <button type="submit">{t('audit.search')}</button>
      </form>
      <ErrorMessage error={error} />
      {events === null ? <p role="status">{t('common.loading')}</p> : events.length === 0 ? <p>{t('audit.none')}</p> : (
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">#</th><th scope="col">{t('audit.when')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.user')}</th><th scope="col">{t('audit.role')}</th><th scope="col">{t('audit.resource')}</th><th scope="col">{t('audit.client')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.seq}>
                <td>{event.seq}</td><td>{formatDateTime(event.at, language)}</td><td>{event.action}</td><td>{event.user}</td><td>{event.role}</td><td>{event.resourceType}/{event.resourceId}</td><td>{event.client ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== undefined ? <button type="button" className="secondary" onClick={() => void loadOlder()}>{t('audit.older')}</button> : null}
    </section>
  );
}

function auditPath(filters: Filters): string {
  const params = new URLSearchParams({ limit: '200' });
  if (filters.action.trim() !== '') params.set('action', filters.action.trim());
  if (filters.userId.trim() !== '') params.set('userId', filters.userId.trim());
  if (filters.resourceId.trim() !== '') params.set('resourceId', filters.resourceId.trim());
  if (filters.from !== '') params.set('from', new Date(filters.from).toISOString());
  if (filters.to !== '') params.set('to', new Date(filters.to).toISOString());
  return `/api/audit?${params.toString()}`;
}
