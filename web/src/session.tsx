/**
 * The signed-in user and their session token. The token lives in
 * sessionStorage: it survives a reload of the tab, never outlives the browser
 * tab, and is not a cookie, so other sites cannot make the browser send it.
 */
import { createContext, useContext } from 'react';
import type { SessionUser } from './lib/types.ts';

export interface StoredSession {
  token: string;
  expiresAt: string;
  user: SessionUser;
}

const storageKey = 'northstation.session';

export function loadStoredSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(storageKey);
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as StoredSession;
    if (typeof parsed.token !== 'string' || Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

export function storeSession(session: StoredSession | null): void {
  if (session === null) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, JSON.stringify(session));
}

export interface SessionState {
  user: SessionUser;
  signOut: () => void;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in screen');
  return session;
}
