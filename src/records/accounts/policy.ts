/**
 * Who may do what. This file is the policy: every permission in Northstation is
 * a line in `rules` below; routes and commands ask `can` / `authorise`, never a
 * role name. Anything not written here is refused.
 *
 * The rules (issue #6, "Accounts and authorisation"):
 * - A nurse creates and edits drafts, runs triage and the other workflows, and
 *   reads drafts and patient context.
 * - A physician does all that, and also signs, amends and withdraws documents.
 * - An admin manages users and models and queries the audit log. An admin does
 *   not sign clinical documents (or read patients) unless also a physician.
 * - An integration (intake software, by API token) creates drafts and reads
 *   only the results it created itself.
 * A user with several roles may do what any of them may.
 */
import { NorthstationError } from '../../core/errors.ts';

export const roles = ['nurse', 'physician', 'admin', 'integration'] as const;
export type Role = (typeof roles)[number];

export const actions = [
  'patient.read',
  'draft.create',
  'draft.read',
  'draft.edit',
  'draft.sign',
  'draft.amend',
  'draft.withdraw',
  'workflow.run',
  'user.manage',
  'model.manage',
  'audit.read',
] as const;
export type Action = (typeof actions)[number];

/** 'any': on every resource. 'own': only on resources the user created (`createdBy === user.id`). */
export type Scope = 'any' | 'own';

const nurse = {
  'patient.read': 'any',
  'draft.create': 'any',
  'draft.read': 'any',
  'draft.edit': 'any',
  'workflow.run': 'any',
} as const satisfies Partial<Record<Action, Scope>>;

export const rules: Readonly<Record<Role, Readonly<Partial<Record<Action, Scope>>>>> = {
  nurse,
  physician: {
    ...nurse,
    'draft.sign': 'any',
    'draft.amend': 'any',
    'draft.withdraw': 'any',
  },
  admin: {
    'user.manage': 'any',
    'model.manage': 'any',
    'audit.read': 'any',
  },
  integration: {
    'draft.create': 'any',
    'draft.read': 'own',
  },
};

export interface Principal {
  id: string;
  roles: readonly Role[];
}

export interface Resource {
  /** The user (or integration) id that created the resource. */
  createdBy?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (actions as readonly string[]).includes(value);
}

function allowedBy(scope: Scope | undefined, user: Principal, resource: Resource | undefined): boolean {
  switch (scope) {
    case undefined:
      return false;
    case 'any':
      return true;
    case 'own':
      return resource?.createdBy !== undefined && resource.createdBy === user.id;
  }
}

/** Whether `user` may do `action` (on `resource`, which 'own' rules need). Unknown roles grant nothing. */
export function can(user: Principal, action: Action, resource?: Resource): boolean {
  return user.roles.some((role) => isRole(role) && allowedBy(rules[role][action], user, resource));
}

/** Like `can`, but throws NorthstationError 'forbidden' naming the roles and the action. */
export function authorise(user: Principal, action: Action, resource?: Resource): void {
  if (can(user, action, resource)) return;
  const held = user.roles.length === 0 ? 'a user with no role' : `role ${user.roles.join('+')}`;
  const ownOnly = user.roles.some((role) => isRole(role) && rules[role][action] === 'own');
  const message = ownOnly ? `${held} may ${action} only on its own resources` : `${held} may not ${action}`;
  throw new NorthstationError('forbidden', message, { userId: user.id, roles: [...user.roles], action });
}

/** An uploaded image (`POST /api/imaging/uploads`) and the drafts whose input names it. */
export interface UploadResource {
  createdBy: string;
  drafts: readonly Resource[];
}

/**
 * Who may open an uploaded image: its uploader, and whoever may 'draft.read'
 * a draft made from it. Not a line in `rules` because it is no new
 * permission: a reviewer sees the image a draft was read from exactly when
 * they may see the draft, and an upload no draft names stays the uploader's.
 */
export function canOpenUpload(user: Principal, upload: UploadResource): boolean {
  return upload.createdBy === user.id || upload.drafts.some((draft) => can(user, 'draft.read', draft));
}
