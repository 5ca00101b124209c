/**
 * Sign-off and what follows it. Signing: only for whoever the policy lets
 * sign (a nurse sees no button, and the API refuses anyway), only on a draft
 * with no unsaved edits (the version signed is the version shown), with the
 * password entered again. A signed document can be marked entered in error
 * (withdrawn) with a reason and the password; amending happens in the
 * document's editor (soap-review.tsx, imaging-read-view.tsx).
 */
import { useState } from 'react';
import { api } from '../lib/api.ts';
import { useT } from '../i18n/i18n.tsx';
import { ReauthDialog } from '../components/reauth-dialog.tsx';
import { can } from '../lib/permissions.ts';
import { useSession } from '../session.tsx';
import type { StoredDraft } from '../lib/types.ts';

export function SignPanel({ draft, dirty, onSigned }: { draft: StoredDraft; dirty: boolean; onSigned: (draft: StoredDraft) => void }) {
  const t = useT();
  const { user } = useSession();
  const [open, setOpen] = useState<'sign' | 'withdraw' | null>(null);
  const signed = draft.status === 'signed' || draft.status === 'amended';
  if (draft.status === 'draft' && !can(user, 'draft.sign')) return <p className="hint" data-testid="no-sign">{t('sign.notAllowed')}</p>;
  if (draft.status === 'entered-in-error' || (signed && !can(user, 'draft.withdraw'))) return null;

  const sign = async (password: string | undefined): Promise<void> => {
    const { data } = await api<StoredDraft>(`/api/drafts/${encodeURIComponent(draft.id)}/sign`, { method: 'POST', body: withPassword({}, password), headers: { 'if-match': String(draft.version) }, reauthentication: true });
    onSigned(data);
  };
  const withdraw = async (password: string | undefined, reason: string): Promise<void> => {
    const { data } = await api<StoredDraft>(`/api/drafts/${encodeURIComponent(draft.id)}/withdraw`, { method: 'POST', body: withPassword({ reason }, password), reauthentication: true });
    onSigned(data);
  };

  return (
    <section className="sign-panel" aria-labelledby="sign-title">
      <h2 id="sign-title">{t('sign.title')}</h2>
      {draft.status === 'draft' ? (
        <>
          <p>{t('sign.explain')}</p>
          {dirty ? <p className="hint" role="status">{t('sign.saveFirst')}</p> : null}
          <button type="button" disabled={dirty} onClick={() => setOpen('sign')} data-testid="sign-button">{t('sign.button')}</button>
        </>
      ) : (
        <>
          <p>{t('withdraw.explain')}</p>
          <button type="button" className="secondary" onClick={() => setOpen('withdraw')} data-testid="withdraw-button">{t('withdraw.button')}</button>
        </>
      )}
      <ReauthDialog
        open={open === 'sign'}
        onClose={() => setOpen(null)}
        purpose="sign"
        title={t('sign.dialogTitle')}
        body={t('sign.dialogBody')}
        withReason={false}
        confirmLabel={t('sign.confirm')}
        busyLabel={t('sign.signing')}
        onConfirm={sign}
        testId="sign"
      />
      <ReauthDialog
        open={open === 'withdraw'}
        onClose={() => setOpen(null)}
        purpose="withdraw"
        title={t('withdraw.dialogTitle')}
        body={t('withdraw.dialogBody')}
        withReason
        confirmLabel={t('withdraw.confirm')}
        busyLabel={t('withdraw.busy')}
        onConfirm={withdraw}
        testId="withdraw"
      />
    </section>
  );
}

/** Whether `draft` is a signed document this user may amend (its editor then amends instead of saving). */
export function canAmend(draft: StoredDraft, user: Parameters<typeof can>[0]): boolean {
  return (draft.status === 'signed' || draft.status === 'amended') && can(user, 'draft.amend');
}

/** Amending a signed document: the new content, a reason and the password; the record keeps both versions. */
export function AmendDialog({ draft, content, open, onClose, onAmended }: { draft: StoredDraft; content: unknown; open: boolean; onClose: () => void; onAmended: (draft: StoredDraft) => void }) {
  const t = useT();
  const amend = async (password: string | undefined, reason: string): Promise<void> => {
    const { data } = await api<StoredDraft>(`/api/drafts/${encodeURIComponent(draft.id)}/amend`, { method: 'POST', body: withPassword({ reason, content }, password), reauthentication: true });
    onAmended(data);
  };
  return (
    <ReauthDialog open={open} onClose={onClose} purpose="amend" title={t('amend.dialogTitle')} body={t('amend.dialogBody')} withReason confirmLabel={t('amend.confirm')} busyLabel={t('amend.busy')} onConfirm={amend} testId="amend" />
  );
}

/** The body with the password, or without one when a single sign-on step-up grant stands in for it. */
function withPassword<T extends object>(body: T, password: string | undefined): T | (T & { password: string }) {
  return password === undefined ? body : { ...body, password };
}
