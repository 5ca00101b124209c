/**
 * An imaging read as a clinician reads it: the answer to the question, the
 * findings and impression (hedged by the safety review), always beside the
 * imaging limitations ("may miss subtle critical findings"), and the image.
 */
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Limitations } from '../components/common.tsx';
import type { ImagingReadContent, StoredDraft } from '../lib/types.ts';
import { hrefOf } from '../lib/route.ts';
import { ImageViewer, type ImageSource } from '../components/image-viewer.tsx';
import { SaveOrAmend, useDraftEditor } from './draft-editor.tsx';

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
export function ImagingReadView({ draft, onSaved, onDirty }: { draft: StoredDraft<ImagingReadContent>; onSaved: (draft: StoredDraft) => void; onDirty: (dirty: boolean) => void }) {
  const t = useT();
  const editor = useDraftEditor(draft, onSaved, onDirty);
  const { content, editable } = editor;
  const setEdited = editor.edit;

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
          <SaveOrAmend draft={draft} editor={editor} onSaved={onSaved} />
          <ErrorMessage error={editor.error} />
        </>
      )}
      </div>
    </div>
  );
}
