/**
 * An imaging read as a clinician reads it: the answer to the question, the
 * findings and impression (hedged by the safety review), always beside the
 * imaging limitations ("may miss subtle critical findings"), and the image.
 */
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Limitations } from '../components/common.tsx';
import { can } from '../lib/permissions.ts';
import { useSession } from '../session.tsx';
import type { ImagingReadContent, StoredDraft } from '../lib/types.ts';
import { hrefOf } from '../lib/route.ts';
import { ImageViewer, type ImageSource } from '../components/image-viewer.tsx';
import { AmendDialog, canAmend } from './sign-panel.tsx';

export function ImagingReadResult({ draft }: { draft: StoredDraft<ImagingReadContent> }) {
  const t = useT();
  return (
    <section className="result" aria-labelledby="read-title" data-testid="imaging-result">
      <h2 id="read-title">{t('imaging.resultTitle')}</h2>
      <ReadText content={draft.currentContent} />
      <Limitations notice={draft.aiOutput.limitations} />
      <p><a href={hrefOf({ name: 'draft', id: draft.id })}>{t('imaging.openDraft')}</a></p>
    </section>
  );
}

function ReadText({ content }: { content: ImagingReadContent }) {
  const t = useT();
  return (
    <dl className="read-text">
      {content.question !== undefined ? (<><dt>{t('imaging.question')}</dt><dd>{content.question}</dd></>) : null}
      {content.answer !== undefined ? (<><dt>{t('imaging.answer')}</dt><dd data-testid="read-answer">{content.answer}</dd></>) : null}
      <dt>{t('imaging.findings')}</dt><dd>{content.findings || '—'}</dd>
      <dt>{t('imaging.impression')}</dt><dd>{content.impression || '—'}</dd>
    </dl>
  );
}

/** On the draft screen: the original image (as stored with the draft), the read, editable findings and impression. */
export function ImagingReadView({ draft, version, onSaved, onDirty }: { draft: StoredDraft<ImagingReadContent>; version: number; onSaved: (draft: StoredDraft) => void; onDirty: (dirty: boolean) => void }) {
  const t = useT();
  const { user } = useSession();
  const [edited, setEdited] = useState<ImagingReadContent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const content = edited ?? draft.currentContent;
  const amending = canAmend(draft, user);
  const editable = (draft.status === 'draft' && can(user, 'draft.edit')) || amending;
  const [amendOpen, setAmendOpen] = useState(false);
  useEffect(() => onDirty(edited !== null), [edited, onDirty]);
  // Leaving the editor leaves nothing unsaved behind to block signing elsewhere.
  useEffect(() => () => onDirty(false), [onDirty]);

  const save = async (): Promise<void> => {
    if (edited === null) return;
    const sent = edited;
    setSaving(true);
    setError(null);
    try {
      const { data } = await api<StoredDraft>(`/api/drafts/${encodeURIComponent(draft.id)}`, { method: 'PATCH', body: { content: sent }, headers: { 'if-match': String(version) } });
      setEdited((current) => (current === sent ? null : current));
      onSaved(data);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const input = draft.input as { upload?: unknown; studyInstance?: unknown };
  const source: ImageSource | null = typeof input.upload === 'string' ? { kind: 'upload', id: input.upload } : typeof input.studyInstance === 'string' ? { kind: 'instance', sopInstanceUid: input.studyInstance } : null;

  return (
    <div className="imaging-read two-columns">
      {source !== null ? <ImageViewer source={source} /> : null}
      <div>
      {!editable ? <ReadText content={content} /> : (
        <>
          {content.answer !== undefined ? (
            <label>{t('imaging.answer')}<textarea rows={3} value={content.answer} onChange={(event) => setEdited({ ...content, answer: event.target.value })} /></label>
          ) : null}
          <label>{t('imaging.findings')}<textarea rows={4} value={content.findings} onChange={(event) => setEdited({ ...content, findings: event.target.value })} /></label>
          <label>{t('imaging.impression')}<textarea rows={3} value={content.impression} onChange={(event) => setEdited({ ...content, impression: event.target.value })} /></label>
          {amending ? (
            <button type="button" onClick={() => setAmendOpen(true)} disabled={edited === null}>{t('amend.button')}</button>
          ) : (
            <button type="button" onClick={() => void save()} disabled={edited === null || saving}>{saving ? t('common.saving') : t('soap.save')}</button>
          )}
          {amending && edited !== null ? (
            <AmendDialog draft={draft} content={edited} open={amendOpen} onClose={() => setAmendOpen(false)} onAmended={(next) => { setEdited(null); onSaved(next); }} />
          ) : null}
          <ErrorMessage error={error} />
        </>
      )}
      </div>
    </div>
  );
}
