/**
 * Sign-off: only for whoever the policy lets sign (a nurse sees no button,
 * and the API refuses anyway), only on a draft with no unsaved edits (the
 * version signed is the version shown), and only with the password entered
 * again, in a modal dialog (focus stays in it; Escape cancels).
 */
import { useRef, useState, type SyntheticEvent } from 'react';
import { api } from '../lib/api.ts';
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Field } from '../components/common.tsx';
import { can } from '../lib/permissions.ts';
import { useSession } from '../session.tsx';
import type { StoredDraft } from '../lib/types.ts';

export function SignPanel({ draft, version, dirty, onSigned }: { draft: StoredDraft; version: number; dirty: boolean; onSigned: (draft: StoredDraft) => void }) {
  const t = useT();
  const { user } = useSession();
  const dialog = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (draft.status !== 'draft') return null;
  if (!can(user, 'draft.sign')) return <p className="hint" data-testid="no-sign">{t('sign.notAllowed')}</p>;

  const close = (): void => {
    setPassword('');
    setError(null);
    dialog.current?.close();
  };

  const sign = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await api<StoredDraft>(`/api/drafts/${encodeURIComponent(draft.id)}/sign`, { method: 'POST', body: { password }, headers: { 'if-match': String(version) }, reauthentication: true });
      close();
      onSigned(data);
    } catch (failure) {
      setPassword('');
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="sign-panel" aria-labelledby="sign-title">
      <h2 id="sign-title">{t('sign.title')}</h2>
      <p>{t('sign.explain')}</p>
      {dirty ? <p className="hint" role="status">{t('sign.saveFirst')}</p> : null}
      <button type="button" disabled={dirty} onClick={() => dialog.current?.showModal()} data-testid="sign-button">{t('sign.button')}</button>
      <dialog ref={dialog} aria-labelledby="sign-dialog-title" onClose={() => { setPassword(''); setError(null); }}>
        <form onSubmit={(event) => void sign(event)}>
          <h2 id="sign-dialog-title">{t('sign.dialogTitle')}</h2>
          <p>{t('sign.dialogBody')}</p>
          <Field label={t('sign.password')}>
            {(props) => <input {...props} type="password" autoComplete="current-password" required autoFocus value={password} onChange={(event) => setPassword(event.target.value)} data-testid="sign-password" />}
          </Field>
          <ErrorMessage error={error} />
          <div className="dialog-actions">
            <button type="submit" disabled={busy || password === ''} data-testid="confirm-sign">{busy ? t('sign.signing') : t('sign.confirm')}</button>
            <button type="button" className="secondary" onClick={close}>{t('common.cancel')}</button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
