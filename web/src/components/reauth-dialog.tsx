/**
 * The dialog every signature-bearing action goes through (sign, amend,
 * withdraw): the password entered again — or, for a single sign-on user,
 * re-authentication at the identity provider in a popup (lib/step-up.ts) —
 * and, for amend and withdraw, the reason the record keeps. A modal <dialog>:
 * focus stays in it, Escape cancels; a mistyped password is refused here, the
 * clinician stays signed in.
 */
import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Field } from './common.tsx';
import { useSession } from '../session.tsx';
import { stepUpInPopup, type StepUpPurpose } from '../lib/step-up.ts';

export interface ReauthDialogProps {
  open: boolean;
  onClose: () => void;
  purpose: StepUpPurpose;
  title: string;
  body: string;
  /** Ask for a reason (amend, withdraw); it is sent with the password. */
  withReason: boolean;
  confirmLabel: string;
  busyLabel: string;
  /** Resolves when done (the dialog closes), rejects with the error to show. No password: the session's step-up grant speaks instead. */
  onConfirm: (password: string | undefined, reason: string) => Promise<void>;
  testId: string;
}

export function ReauthDialog({ open, onClose, purpose, title, body, withReason, confirmLabel, busyLabel, onConfirm, testId }: ReauthDialogProps) {
  const t = useT();
  const singleSignOn = useSession().user.singleSignOn === true;
  const [granted, setGranted] = useState(false);
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

  const reauthenticate = async (): Promise<void> => {
    setError(null);
    try {
      await stepUpInPopup(purpose, { blocked: t('reauth.blocked'), timedOut: t('reauth.timedOut') });
      setGranted(true);
    } catch (failure) {
      setError(failure);
    }
  };

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(singleSignOn ? undefined : password, reason.trim());
      setPassword('');
      setReason('');
      setGranted(false);
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
        <p>{singleSignOn ? t('reauth.ssoBody') : body}</p>
        {withReason ? (
          <Field label={t('reauth.reason')}>
            {(props) => <textarea {...props} rows={3} required maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} data-testid={`${testId}-reason`} />}
          </Field>
        ) : null}
        {singleSignOn ? (
          <p>
            {granted ? <span role="status">{t('reauth.granted')}</span> : (
              <button type="button" className="secondary" onClick={() => void reauthenticate()} data-testid={`${testId}-stepup`}>{t('reauth.stepUp')}</button>
            )}
          </p>
        ) : (
          <Field label={t('sign.password')}>
            {(props) => <input {...props} type="password" autoComplete="current-password" required autoFocus={!withReason} value={password} onChange={(event) => setPassword(event.target.value)} data-testid={`${testId}-password`} />}
          </Field>
        )}
        <ErrorMessage error={error} />
        <div className="dialog-actions">
          <button type="submit" disabled={busy || (singleSignOn ? !granted : password === '') || (withReason && reason.trim() === '')} data-testid={`${testId}-confirm`}>{busy ? busyLabel : confirmLabel}</button>
          <button type="button" className="secondary" onClick={onClose}>{t('common.cancel')}</button>
        </div>
      </form>
    </dialog>
  );
}
