/**
 * What the signed-in user may do, from the server's own policy module
 * (src/records/accounts/policy.ts is pure, so the browser runs the same rules).
 * The UI only hides what would be refused: the API decides regardless.
 */
import { can as policyCan, isRole, type Action } from '../../../src/records/accounts/policy.ts';
import type { SessionUser } from './types.ts';

export function can(user: SessionUser, action: Action): boolean {
  return policyCan({ id: user.id, roles: user.roles.filter(isRole) }, action);
}
