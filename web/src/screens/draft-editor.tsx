/**
 * Editing a document, shared by the editors (soap-review.tsx,
 * imaging-read-view.tsx): a draft is edited and saved (If-Match on the
 * version shown); a signed document is amended instead, with a reason and the
 * password. Unsaved changes are reported to the draft screen, which keeps
 * signing off until they are saved or discarded.
 */
import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { useT } from '../i18n/i18n.tsx';
import { can } from '../lib/permissions.ts';
import { useSession } from '../session.tsx';
import type { StoredDraft } from '../lib/types.ts';
import { AmendDialog, canAmend } from './sign-panel.tsx';

export interface DraftEditor<Content> {
  /** What the clinician sees: their unsaved edit, else the draft's current content. */
  content: Content;
  /** The unsaved edit, if any. */
  edited: Content | null;
  edit: (next: Content) => void;
  discard: () => void;
  editable: boolean;
  /** A signed document: the edit is amended, not saved. */
  amending: boolean;
  saving: boolean;
  error: unknown;
  save: () => Promise<void>;
}

export function useDraftEditor<Content>(draft: StoredDraft<Content>, onSaved: (draft: StoredDraft) => void, onDirty: (dirty: boolean) => void): DraftEditor<Content> {
  const { user } = useSession();
  const [edited, setEdited] = useState<Content | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => onDirty(edited !== null), [edited, onDirty]);
  // Leaving the editor leaves nothing unsaved behind to block signing elsewhere.
  useEffect(() => () => onDirty(false), [onDirty]);
  const amending = canAmend(draft, user);

  const save = async (): Promise<void> => {
    if (edited === null) return;
    const sent = edited;
    setSaving(true);
    setError(null);
    try {
      const { data } = await api<StoredDraft>(`/api/drafts/${encodeURIComponent(draft.id)}`, { method: 'PATCH', body: { content: sent }, headers: { 'if-match': String(draft.version) } });
      // What was typed while the save was on its way stays, as unsaved changes on the new version.
      setEdited((current) => (current === sent ? null : current));
      onSaved(data);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return {
    content: edited ?? draft.currentContent,
    edited,
    edit: setEdited,
    discard: () => setEdited(null),
    editable: (draft.status === 'draft' && can(user, 'draft.edit')) || amending,
    amending,
    saving,
    error,
    save,
  };
}

/** The editor's main button: "Save changes" on a draft, "Amend…" (and its dialog) on a signed document. */
export function SaveOrAmend<Content>({ draft, editor, onSaved }: { draft: StoredDraft<Content>; editor: DraftEditor<Content>; onSaved: (draft: StoredDraft) => void }) {
  const t = useT();
  const [amendOpen, setAmendOpen] = useState(false);
  if (!editor.amending) {
    return <button type="button" onClick={() => void editor.save()} disabled={editor.edited === null || editor.saving} data-testid="save-edits">{editor.saving ? t('common.saving') : t('soap.save')}</button>;
  }
  return (
    <>
      <button type="button" onClick={() => setAmendOpen(true)} disabled={editor.edited === null} data-testid="amend-button">{t('amend.button')}</button>
      {editor.edited !== null ? (
        <AmendDialog draft={draft} content={editor.edited} open={amendOpen} onClose={() => setAmendOpen(false)} onAmended={(next) => { editor.discard(); onSaved(next); }} />
      ) : null}
    </>
  );
}
