import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../../core/errors.ts';
import { actions, authorise, can, canOpenUpload, isRole, roles } from './policy.ts';
import type { Action, Role } from './policy.ts';

// The expected matrix, written out by hand from issue #6 — not derived from policy.ts.
// Y = allowed on any resource, O = allowed only on resources the user created, . = refused.
// (integration is checked here on a resource it created; the "not its own" case is below.)
const matrix: Record<Action, Record<Role, 'Y' | 'O' | '.'>> = {
  //                   nurse      physician      admin      integration
  'patient.read':   { nurse: 'Y', physician: 'Y', admin: '.', integration: '.' },
  'draft.create':   { nurse: 'Y', physician: 'Y', admin: '.', integration: 'Y' },
  'draft.read':     { nurse: 'Y', physician: 'Y', admin: '.', integration: 'O' },
  'draft.edit':     { nurse: 'Y', physician: 'Y', admin: '.', integration: '.' },
  'draft.sign':     { nurse: '.', physician: 'Y', admin: '.', integration: '.' },
  'draft.amend':    { nurse: '.', physician: 'Y', admin: '.', integration: '.' },
  'draft.withdraw': { nurse: '.', physician: 'Y', admin: '.', integration: '.' },
  'workflow.run':   { nurse: 'Y', physician: 'Y', admin: '.', integration: '.' },
  'user.manage':    { nurse: '.', physician: '.', admin: 'Y', integration: '.' },
  'model.manage':   { nurse: '.', physician: '.', admin: 'Y', integration: '.' },
  'audit.read':     { nurse: '.', physician: '.', admin: 'Y', integration: '.' },
};

test('the matrix covers every action and every role', () => {
  assert.deepEqual(Object.keys(matrix).sort(), [...actions].sort());
  for (const row of Object.values(matrix)) assert.deepEqual(Object.keys(row).sort(), [...roles].sort());
});

for (const action of actions) {
  for (const role of roles) {
    const expected = matrix[action][role];
    test(`${role} × ${action} → ${expected === '.' ? 'refused' : expected === 'O' ? 'own only' : 'allowed'}`, () => {
      const user = { id: 'u1', roles: [role] };
      const own = { createdBy: 'u1' };
      const others = { createdBy: 'u2' };
      assert.equal(can(user, action, own), expected !== '.', 'on its own resource');
      assert.equal(can(user, action, others), expected === 'Y', 'on another user\u2019s resource');
      assert.equal(can(user, action), expected === 'Y', 'with no resource given');
      if (expected === '.') {
        assert.throws(() => authorise(user, action, own), (error: unknown) =>
          isNorthstationError(error, 'forbidden') && error.message === `role ${role} may not ${action}` &&
          error.details.action === action && error.details.userId === 'u1');
      } else {
        assert.doesNotThrow(() => authorise(user, action, own));
      }
    });
  }
}

test('integration reads only its own results', () => {
  const intake = { id: 'tok_intake', roles: ['integration'] as Role[] };
  assert.equal(can(intake, 'draft.read', { createdBy: 'tok_intake' }), true);
  assert.equal(can(intake, 'draft.read', { createdBy: 'tok_other' }), false);
  assert.equal(can(intake, 'draft.read', {}), false, 'unknown creator is not "own"');
  assert.equal(can(intake, 'draft.read'), false, 'no resource is not "own"');
  assert.equal(can({ id: '', roles: ['integration'] }, 'draft.read', {}), false, 'empty id does not match a missing creator');
  assert.throws(() => authorise(intake, 'draft.read', { createdBy: 'tok_other' }), (error: unknown) =>
    isNorthstationError(error, 'forbidden') && error.message === 'role integration may draft.read only on its own resources');
});

test('admin cannot sign; admin + physician can', () => {
  const admin = { id: 'a', roles: ['admin'] as Role[] };
  const adminPhysician = { id: 'ap', roles: ['admin', 'physician'] as Role[] };
  for (const action of ['draft.sign', 'draft.amend', 'draft.withdraw', 'patient.read'] as const) {
    assert.equal(can(admin, action), false, action);
    assert.equal(can(adminPhysician, action), true, action);
  }
  for (const action of ['user.manage', 'model.manage', 'audit.read'] as const) assert.equal(can(adminPhysician, action), true, action);
  assert.throws(() => authorise(admin, 'draft.sign'), (error: unknown) =>
    isNorthstationError(error, 'forbidden') && error.message === 'role admin may not draft.sign');
});

test('roles combine as a union: nurse + admin still cannot sign', () => {
  const user = { id: 'na', roles: ['nurse', 'admin'] as Role[] };
  assert.equal(can(user, 'draft.edit'), true);
  assert.equal(can(user, 'user.manage'), true);
  assert.equal(can(user, 'draft.sign'), false);
  assert.throws(() => authorise(user, 'draft.sign'), (error: unknown) =>
    isNorthstationError(error, 'forbidden') && error.message === 'role nurse+admin may not draft.sign');
});

test('no roles, or unknown roles from storage, grant nothing', () => {
  const none = { id: 'x', roles: [] as Role[] };
  const unknown = { id: 'y', roles: ['superuser', 'root'] as unknown as Role[] };
  for (const action of actions) {
    assert.equal(can(none, action, { createdBy: 'x' }), false, action);
    assert.equal(can(unknown, action, { createdBy: 'y' }), false, action);
  }
  assert.throws(() => authorise(none, 'draft.read'), (error: unknown) =>
    isNorthstationError(error, 'forbidden') && error.message === 'a user with no role may not draft.read');
  assert.equal(isRole('physician'), true);
  assert.equal(isRole('Physician'), false);
  assert.equal(isRole('toString'), false);
});

test("an upload opens for its uploader, and for whoever may read a draft made from it", () => {
  const upload = { createdBy: 'u-nurse', drafts: [] };
  assert.equal(canOpenUpload({ id: 'u-nurse', roles: ['nurse'] }, upload), true);
  // Unreferenced: nobody else, whatever their role.
  for (const role of roles) assert.equal(canOpenUpload({ id: 'u-other', roles: [role] }, upload), false, role);
  const drafted = { createdBy: 'u-nurse', drafts: [{ createdBy: 'u-nurse' }] };
  assert.equal(canOpenUpload({ id: 'u-doc', roles: ['physician'] }, drafted), true);
  assert.equal(canOpenUpload({ id: 'u-nurse2', roles: ['nurse'] }, drafted), true);
  assert.equal(canOpenUpload({ id: 'u-admin', roles: ['admin'] }, drafted), false);
  // An integration reads only its own drafts, so only images its own drafts were made from.
  assert.equal(canOpenUpload({ id: 'u-int', roles: ['integration'] }, drafted), false);
  assert.equal(canOpenUpload({ id: 'u-int', roles: ['integration'] }, { createdBy: 'u-nurse', drafts: [{ createdBy: 'u-int' }] }), true);
});
