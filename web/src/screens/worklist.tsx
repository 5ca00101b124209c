/**
 * The worklist: drafts by state, filtered by workflow and patient. Awaiting
 * review is oldest first (the longest-waiting draft is the next to read);
 * the other states newest first. "In progress" lists the workflows running
 * from this tab (a draft reaches the server only when its workflow finishes).
 */
import { useState } from 'react';
import { useApiData } from '../lib/use-api.ts';
import { apiData } from '../lib/api.ts';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, formatDateTime } from '../components/common.tsx';
import { useRunningJobs } from '../lib/jobs.ts';
import { hrefOf } from '../lib/route.ts';
import type { DraftStatus, DraftSummary } from '../lib/types.ts';
import { workflowLabel } from './workflow-names.ts';

type Tab = 'running' | DraftStatus;
const tabs: { tab: Tab; label: 'worklist.running' | 'worklist.awaiting' | 'worklist.signed' | 'worklist.amended' | 'worklist.withdrawn' }[] = [
  { tab: 'running', label: 'worklist.running' },
  { tab: 'draft', label: 'worklist.awaiting' },
  { tab: 'signed', label: 'worklist.signed' },
  { tab: 'amended', label: 'worklist.amended' },
  { tab: 'entered-in-error', label: 'worklist.withdrawn' },
];
const workflows = ['triage', 'soap-note', 'imaging-read', 'history-summary', 'differential', 'contraindications'] as const;

interface Page { drafts: DraftSummary[]; next?: string }

export function Worklist() {
  const { t, language } = useLanguage();
  const [tab, setTab] = useState<Tab>('draft');
  const [workflow, setWorkflow] = useState('');
  const [patient, setPatient] = useState('');
  const [more, setMore] = useState<{ key: string; rows: DraftSummary[]; next: string | undefined } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const running = useRunningJobs();

  const query = (after?: string): string => {
    const params = new URLSearchParams({ limit: '100', include: 'patient', order: tab === 'draft' ? 'oldest' : 'newest' });
    if (tab !== 'running') params.set('state', tab);
    if (workflow !== '') params.set('workflow', workflow);
    if (after !== undefined) params.set('after', after);
    return `/api/worklist?${params.toString()}`;
  };
  const firstPage = tab === 'running' ? null : query();
  const { data: page, error: pageError, loading } = useApiData<Page>(firstPage);
  // Pages loaded with "show more" belong to the first page they followed.
  const extra = more !== null && more.key === firstPage ? more : null;
  const rows = [...(page?.drafts ?? []), ...(extra?.rows ?? [])];
  const next = extra === null ? page?.next : extra.next;
  const error = pageError ?? moreError;

  const loadMore = async (): Promise<void> => {
    if (next === undefined || firstPage === null) return;
    try {
      const following = await apiData<Page>(query(next));
      setMore({ key: firstPage, rows: [...(extra?.rows ?? []), ...following.drafts], next: following.next });
      setMoreError(null);
    } catch (failure) {
      setMoreError(failure);
    }
  };

  const needle = patient.trim().toLowerCase();
  const shown = needle === '' ? rows : rows.filter((row) => (row.patient?.displayName ?? row.patientId).toLowerCase().includes(needle));

  return (
    <section aria-labelledby="worklist-title">
      <h1 id="worklist-title">{t('worklist.title')}</h1>
      <div role="group" aria-label={t('worklist.states')} className="tabs">
        {tabs.map((item) => (
          <button key={item.tab} type="button" aria-pressed={tab === item.tab} onClick={() => setTab(item.tab)} data-testid={`tab-${item.tab}`}>
            {t(item.label)}{item.tab === 'running' && running.length > 0 ? ` (${running.length})` : ''}
          </button>
        ))}
      </div>
      <div className="filters">
        <Field label={t('worklist.filterWorkflow')}>
          {(props) => (
            <select {...props} value={workflow} onChange={(event) => setWorkflow(event.target.value)}>
              <option value="">{t('worklist.allWorkflows')}</option>
              {workflows.map((name) => <option key={name} value={name}>{workflowLabel(t, name)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t('worklist.filterPatient')}>
          {(props) => <input {...props} type="search" value={patient} onChange={(event) => setPatient(event.target.value)} />}
        </Field>
      </div>
      <ErrorMessage error={error} />
      {tab === 'running' ? (
        running.length === 0 ? <p>{t('worklist.noneRunning')}</p> : (
          <table>
            <thead><tr><th scope="col">{t('worklist.patient')}</th><th scope="col">{t('worklist.workflow')}</th><th scope="col">{t('worklist.started')}</th></tr></thead>
            <tbody>
              {running.map((job) => <tr key={job.id}><td>{job.patient}</td><td>{workflowLabel(t, job.workflow)}</td><td>{formatDateTime(job.startedAt, language)}</td></tr>)}
            </tbody>
          </table>
        )
      ) : loading ? <p role="status">{t('common.loading')}</p> : shown.length === 0 ? <p>{t('worklist.empty')}</p> : (
        <table data-testid="worklist-table">
          <caption className="visually-hidden">{t('worklist.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('worklist.patient')}</th>
              <th scope="col">{t('worklist.workflow')}</th>
              <th scope="col">{t('worklist.created')}</th>
              <th scope="col">{t('worklist.status')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.id} data-testid="worklist-row" data-status={row.status} data-workflow={row.workflow}>
                <td><a href={hrefOf({ name: 'draft', id: row.id })}>{row.patient?.displayName ?? row.patientId}</a></td>
                <td>{workflowLabel(t, row.workflow)}</td>
                <td>{formatDateTime(row.createdAt, language)}</td>
                <td><span className={`status status-${row.status}`}>{t(`state.${row.status}`)}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== undefined && tab !== 'running' ? <button type="button" className="secondary" onClick={() => void loadMore()}>{t('worklist.more')}</button> : null}
    </section>
  );
}
