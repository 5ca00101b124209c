/**
 * One draft: its content as its workflow shows it, the guard findings, the
 * model card's limitations, and — for whoever may sign — edit, diff and sign.
 * The server decides every permission; the buttons only follow its policy.
 */
import { useRef, useState } from 'react';
import { useApiData } from '../lib/use-api.ts';
import { useSession } from '../session.tsx';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage, formatDateTime, Limitations } from '../components/common.tsx';
import { soapSections, type Finding, type ImagingReadContent, type SoapNoteContent, type StoredDraft, type TriageContent } from '../lib/types.ts';
import { workflowLabel } from './workflow-names.ts';
import { SoapReview } from './soap-review.tsx';
import { CtasComparison } from './triage-result.tsx';
import { SummaryView } from './history-view.tsx';
import { ImagingReadView } from './imaging-read-view.tsx';
import { FindingList } from './findings.tsx';
import { SignPanel } from './sign-panel.tsx';

export function DraftScreen({ id }: { id: string }) {
  const { t, language } = useLanguage();
  const { user } = useSession();
  const { data, error } = useApiData<StoredDraft>(`/api/drafts/${encodeURIComponent(id)}`);
  // After a save or a signature, the server's answer replaces what was read.
  const [updated, setUpdated] = useState<StoredDraft | null>(null);
  const [dirty, setDirty] = useState(false);
  const statusLine = useRef<HTMLParagraphElement>(null);
  const draft = updated?.id === id ? updated : data;

  if (draft === null) return error === null ? <p role="status">{t('common.loading')}</p> : <ErrorMessage error={error} />;
  const replace = (next: StoredDraft): void => {
    setUpdated(next);
    // Signed: the sign panel goes away with the focus in it; the focus moves to the new state.
    if (next.status !== draft.status) requestAnimationFrame(() => statusLine.current?.focus());
  };

  return (
    <article aria-labelledby="draft-title" data-testid="draft-screen" data-status={draft.status}>
      <h1 id="draft-title">{workflowLabel(t, draft.workflow)}</h1>
      <p className="draft-meta" ref={statusLine} tabIndex={-1}>
        <span className={`status status-${draft.status}`} data-testid="draft-status">{t(`state.${draft.status}`)}</span>{' '}
        {t('draft.createdAt', { when: formatDateTime(draft.createdAt, language) })} · {t('draft.model', { model: draft.provenance.model.id })}
        {draft.provenance.model.synthetic ? <> · <strong>{t('draft.synthetic')}</strong></> : null}
      </p>
      {draft.signature !== null ? (
        <p role="status" data-testid="signature">
          {t('draft.signedBy', { when: formatDateTime(draft.signature.signedAt, language), who: draft.signature.signedBy === user.id ? user.displayName : draft.signature.signedBy, role: t(`role.${roleOf(draft.signature.role)}`) })}
        </p>
      ) : null}
      {draft.amendments.map((amendment) => (
        <p key={amendment.id} data-testid="amendment">{t('draft.amendedBy', { when: formatDateTime(amendment.signedAt, language), who: amendment.signedBy === user.id ? user.displayName : amendment.signedBy, reason: amendment.reason })}</p>
      ))}
      <ErrorMessage error={error} />
      <DraftBody draft={draft} onSaved={replace} onDirty={setDirty} />
      <FindingList findings={findingsNotShownInline(draft)} />
      <SignPanel draft={draft} dirty={dirty} onSigned={replace} />
      <Limitations notice={draft.aiOutput.limitations} />
    </article>
  );
}

function DraftBody({ draft, onSaved, onDirty }: { draft: StoredDraft; onSaved: (draft: StoredDraft) => void; onDirty: (dirty: boolean) => void }) {
  switch (draft.workflow) {
    case 'soap-note':
      return <SoapReview draft={draft as StoredDraft<SoapNoteContent>} onSaved={onSaved} onDirty={onDirty} />;
    case 'triage':
      return <CtasComparison content={draft.currentContent as TriageContent} />;
    case 'imaging-read':
      return <ImagingReadView draft={draft as StoredDraft<ImagingReadContent>} onSaved={onSaved} onDirty={onDirty} />;
    case 'history-summary':
      return <SummaryView draft={draft} />;
    default:
      return <pre className="json" tabIndex={0}>{JSON.stringify(draft.currentContent, null, 2)}</pre>;
  }
}

/** The draft's findings but those a SOAP statement already shows under itself (the injection, medication and allergy ones stay). */
function findingsNotShownInline(draft: StoredDraft): Finding[] {
  if (draft.workflow !== 'soap-note') return draft.aiOutput.findings;
  const content = draft.aiOutput.content as SoapNoteContent;
  const key = (finding: Finding): string => `${finding.rule}|${finding.excerpt}|${finding.message}`;
  const inline = new Set(soapSections.flatMap((section) => content.sections[section].flatMap((statement) => statement.findings.map(key))));
  return draft.aiOutput.findings.filter((finding) => !inline.has(key(finding)));
}

/** A role as the policy names it; anything else shows as the integration it must be. */
function roleOf(role: string): 'nurse' | 'physician' | 'admin' | 'integration' {
  return role === 'nurse' || role === 'physician' || role === 'admin' ? role : 'integration';
}
