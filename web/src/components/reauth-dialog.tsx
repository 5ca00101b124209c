/**
 * The dialog every signature-bearing action goes through (sign, amend,
 * withdraw): the password entered again and, for amend and withdraw, the
 * reason the record keeps. A modal <dialog>: focus stays in it, Escape
 * cancels; a mistyped password is refused here, the clinician stays signed in.
 */
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Field } from './common.tsx';

export interface ReauthDialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  body: string;
  /** Ask for a reason (amend, withdraw); it is sent with the password. */
  withReason: boolean;
  confirmLabel: string;
  busyLabel: string;
  /** Resolves when done (the dialog closes), rejects with the error to show. */
  onConfirm: (password: string, reason: string) => Promise<void>;
  testId: string;
}

export function ReauthDialog({ open, onClose, title, body, withReason, confirmLabel, busyLabel, onConfirm, testId }: ReauthDialogProps) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(password, reason.trim());
      setPassword('');
      setReason('');
      onClose();
    } catch (failure) {
      setPassword('');
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} aria-labelledby={`${testId}-title`} onClose={() => { setPassword(''); setError(null); onClose(); }} data-testid={`${testId}-dialog`}>
      <form onSubmit={(event) => void submit(event)}>
        <h2 id={`${testId}-title`}>{title}</h2>
        <p>{body}</p>
        {withReason ? (
          <Field label={t('reauth.reason')}>
            {(props) => <textarea {...props} rows={3} required maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} data-testid={`${testId}-reason`} />}
          </Field>
        ) : null}
        <Field label={t('sign.password')}>
          {(props) => <input {...props} type="password" autoComplete="current-password" required autoFocus={!withReason} value={password} onChange={(event) => setPassword(event.target.value)} data-testid={`${testId}-password`} />}
        </Field>
        <ErrorMessage error={error} />
        <div className="dialog-actions">
          <button type="submit" disabled={busy || password === '' || (withReason && reason.trim() === '')} data-testid={`${testId}-confirm`}>{busy ? busyLabel : confirmLabel}</button>
          <button type="button" className="secondary" onClick={onClose}>{t('common.cancel')}</button>
        </div>
      </form>
    </dialog>
  );
}
