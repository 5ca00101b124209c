/**
 * The shell: sign-in until there is a session, then the navigation, the
 * synthetic-model banner, and the screen the hash names. The language follows
 * the signed-in user's stored preference; before sign-in, the browser's.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, apiData, setBearer, setUnauthorizedHandler } from './lib/api.ts';
import { LanguageContext, translator, useT, type MessageKey } from './i18n/i18n.tsx';
import { can } from './lib/permissions.ts';
import { hrefOf, useRoute, type Route } from './lib/route.ts';
import { useServerStatus } from './lib/status.ts';
import type { Language, SessionUser } from './lib/types.ts';
import { loadStoredSession, SessionContext, storeSession, type StoredSession } from './session.tsx';
import { SyntheticBanner } from './components/common.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { Worklist } from './screens/worklist.tsx';
import { TriageIntake } from './screens/triage.tsx';
import { EncounterNote } from './screens/encounter-note.tsx';
import { DraftScreen } from './screens/draft.tsx';
import { Imaging } from './screens/imaging.tsx';
import { HistorySummary } from './screens/history.tsx';
import { StatusScreen } from './screens/status.tsx';
import { AuditScreen } from './screens/audit.tsx';

const browserLanguage = (): Language => (navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en');

export function App() {
  const [session, setSession] = useState<StoredSession | null>(() => loadStoredSession());
  const [language, setLanguageState] = useState<Language>(() => session?.user.language ?? browserLanguage());
  setBearer(session?.token ?? null);

  const signOut = useCallback(() => {
    // Best effort: the token stops working at once on the server; locally it is forgotten either way.
    if (session !== null) void api('/api/session', { method: 'DELETE' }).catch(() => undefined);
    storeSession(null);
    setBearer(null);
    setSession(null);
  }, [session]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      storeSession(null);
      setBearer(null);
      setSession(null);
    });
  }, []);

  useEffect(() => {
    document.documentElement.lang = language === 'fr' ? 'fr-CA' : 'en-CA';
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    if (session === null) return;
    const updated = { ...session, user: { ...session.user, language: next } };
    storeSession(updated);
    setSession(updated);
    void api('/api/me/preferences', { method: 'PUT', body: { language: next } }).catch(() => undefined);
  }, [session]);

  const languageState = useMemo(() => ({ language, t: translator(language), setLanguage }), [language, setLanguage]);

  const onSignedIn = useCallback((next: StoredSession): void => {
    storeSession(next);
    setBearer(next.token);
    setSession(next);
    if (next.user.language !== undefined) setLanguageState(next.user.language);
  }, []);

  return (
    <LanguageContext.Provider value={languageState}>
      {session === null ? <SignIn onSignedIn={onSignedIn} /> : (
        <SessionContext.Provider value={{ user: session.user, signOut }}>
          <SignedIn user={session.user} onUser={(user) => onSignedIn({ ...session, user })} />
        </SessionContext.Provider>
      )}
    </LanguageContext.Provider>
  );
}

interface NavItem { route: Route; label: MessageKey; show: (user: SessionUser) => boolean }

const navItems: NavItem[] = [
  { route: { name: 'worklist' }, label: 'nav.worklist', show: (user) => can(user, 'draft.read') },
  { route: { name: 'triage' }, label: 'nav.triage', show: (user) => can(user, 'draft.create') && can(user, 'patient.read') },
  { route: { name: 'note' }, label: 'nav.note', show: (user) => can(user, 'draft.create') && can(user, 'patient.read') },
  { route: { name: 'imaging' }, label: 'nav.imaging', show: (user) => can(user, 'draft.create') && can(user, 'patient.read') },
  { route: { name: 'history' }, label: 'nav.history', show: (user) => can(user, 'draft.create') && can(user, 'patient.read') },
  { route: { name: 'status' }, label: 'nav.status', show: () => true },
  { route: { name: 'audit' }, label: 'nav.audit', show: (user) => can(user, 'audit.read') },
];

function SignedIn({ user, onUser }: { user: SessionUser; onUser: (user: SessionUser) => void }) {
  const t = useT();
  const route = useRoute();
  const { status } = useServerStatus();

  // The stored preference may have changed on another workstation.
  useEffect(() => {
    apiData<SessionUser>('/api/me').then((fresh) => {
      if (fresh.language !== user.language || fresh.roles.join() !== user.roles.join() || fresh.singleSignOn !== user.singleSignOn) onUser(fresh);
    }, () => undefined);
    // Once per sign-in: onUser changes identity on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user.id]);

  const visible = navItems.filter((item) => item.show(user));
  const current = visible.some((item) => item.route.name === route.name) || route.name === 'draft' ? route : visible[0]?.route ?? { name: 'status' };
  const screenKey = current.name === 'draft' ? `draft ${current.id}` : current.name;
  const screenTitle = t(current.name === 'draft' ? 'nav.draft' : navItems.find((item) => item.route.name === current.name)?.label ?? 'nav.status');

  // A new screen: its name in the window title, and focus at the start of its content (WCAG 2.4.2, 2.4.3).
  const firstScreen = useRef(true);
  useEffect(() => {
    document.title = `${screenTitle} — Northstation`;
    if (firstScreen.current) firstScreen.current = false;
    else document.getElementById('main')?.focus();
  }, [screenTitle, screenKey]);

  return (
    <>
      <a className="skip-link" href="#main">{t('nav.skip')}</a>
      <header className="app-header">
        <span className="brand">Northstation</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {visible.map((item) => (
              <li key={item.route.name}>
                <a href={hrefOf(item.route)} aria-current={item.route.name === current.name ? 'page' : undefined}>{t(item.label)}</a>
              </li>
            ))}
          </ul>
        </nav>
        <UserMenu user={user} />
      </header>
      {status?.model?.synthetic ? <SyntheticBanner /> : null}
      <main id="main" tabIndex={-1}>
        <Screen route={current} />
      </main>
    </>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'worklist': return <Worklist />;
    case 'triage': return <TriageIntake />;
    case 'note': return <EncounterNote />;
    case 'imaging': return <Imaging />;
    case 'history': return <HistorySummary />;
    case 'status': return <StatusScreen />;
    case 'audit': return <AuditScreen />;
    // Keyed: another draft is another screen (its edits, dirty flag and saved copy start afresh).
    case 'draft': return <DraftScreen key={route.id} id={route.id} />;
  }
}

function UserMenu({ user }: { user: SessionUser }) {
  const t = useT();
  return (
    <div className="user-menu">
      <LanguageToggle />
      <span className="user-name" data-testid="signed-in-user">{user.displayName} ({user.roles.map((role) => t(`role.${role}`)).join(', ')})</span>
      <SignOutButton />
    </div>
  );
}

function SignOutButton() {
  const t = useT();
  return (
    <SessionContext.Consumer>
      {(session) => <button type="button" className="secondary" onClick={session?.signOut}>{t('nav.signOut')}</button>}
    </SessionContext.Consumer>
  );
}

export function LanguageToggle() {
  return (
    <LanguageContext.Consumer>
      {({ language, setLanguage, t }) => (
        <button type="button" className="secondary" lang={language === 'en' ? 'fr' : 'en'} onClick={() => setLanguage(language === 'en' ? 'fr' : 'en')} aria-label={t('language.switch')} data-testid="language-toggle">
          {language === 'en' ? 'Français' : 'English'}
        </button>
      )}
    </LanguageContext.Consumer>
  );
}
