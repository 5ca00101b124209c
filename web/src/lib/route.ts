/**
 * Hash routes (`#/worklist`, `#/drafts/<id>`): the server serves one page, and
 * the hash never reaches it, so nothing about a patient appears in its logs.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'worklist' }
  | { name: 'triage' }
  | { name: 'note' }
  | { name: 'imaging' }
  | { name: 'history' }
  | { name: 'status' }
  | { name: 'audit' }
  | { name: 'draft'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((part) => part !== '');
  const [first, second] = parts;
  if (first === undefined) return { name: 'worklist' };
  switch (first) {
    case 'triage':
    case 'note':
    case 'imaging':
    case 'history':
    case 'status':
    case 'audit':
      return { name: first };
    case 'drafts':
      if (second !== undefined && /^[\w-]{1,100}$/.test(second)) return { name: 'draft', id: second };
      return { name: 'worklist' };
    default:
      return { name: 'worklist' };
  }
}

export function hrefOf(route: Route): string {
  return route.name === 'draft' ? `#/drafts/${route.id}` : `#/${route.name}`;
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
