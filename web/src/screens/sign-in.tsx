/**
 * Sign-in with a local account, or single sign-on when the server has an
 * identity provider configured (then `GET /api/site` says so). Coming back
 * from the provider, the page carries a one-time code in `?sso=`, swapped
 * here for a session and removed from the address bar at once.
 */
import { useEffect, useState, type SyntheticEvent } from 'react';
import { apiData } from '../lib/api.ts';
import { useApiData } from '../lib/use-api.ts';
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Field, SyntheticBanner } from '../components/common.tsx';
import { LanguageToggle } from '../app.tsx';
import type { StoredSession } from '../session.tsx';

export interface SiteInfo {
  oidc: boolean;
  synthetic: boolean | null;
}

export function SignIn({ onSignedIn }: { onSignedIn: (session: StoredSession) => void }) {
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  // Back from single sign-on: the one-time code, read once (and then removed from the address bar).
  const [ssoCode] = useState(() => new URLSearchParams(window.location.search).get('sso'));
  const [busy, setBusy] = useState(ssoCode !== null);
  const { data: site } = useApiData<SiteInfo>('/api/site');

  useEffect(() => {
    if (ssoCode === null) return;
    window.history.replaceState(null, '', window.location.pathname + window.location.hash);
    apiData<StoredSession>('/api/oidc/exchange', { method: 'POST', body: { code: ssoCode }, withCookies: true }).then(onSignedIn, (failure: unknown) => {
      setError(failure);
      setBusy(false);
    });
  }, [ssoCode, onSignedIn]);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await apiData<StoredSession>('/api/session', { method: 'POST', body: { username: username.trim(), password } }));
    } catch (failure) {
      setError(failure);
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <>
      {site?.synthetic ? <SyntheticBanner /> : null}
      <main id="main" className="sign-in">
        <div className="sign-in-top"><LanguageToggle /></div>
        <h1>Northstation</h1>
        <p>{t('signIn.intro')}</p>
        <form onSubmit={(event) => void submit(event)} aria-describedby="sign-in-privacy">
          <Field label={t('signIn.username')}>
            {(props) => <input {...props} name="username" autoComplete="username" required value={username} onChange={(event) => setUsername(event.target.value)} />}
          </Field>
          <Field label={t('signIn.password')}>
            {(props) => <input {...props} name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />}
          </Field>
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy}>{busy ? t('signIn.busy') : t('signIn.submit')}</button>
        </form>
        {site?.oidc ? (
          <p><a className="button secondary" href="/api/oidc/login?client=web">{t('signIn.sso')}</a></p>
        ) : null}
        <p id="sign-in-privacy" className="hint">{t('signIn.privacy')}</p>
      </main>
    </>
  );
}
