import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../../core/errors.ts';
import { parseUsersAddArgs } from './users-command.ts';

test('one role, prompt for the password, display name defaults to the username', () => {
  assert.deepEqual(parseUsersAddArgs(['admin', '--role', 'admin']), { username: 'admin', roles: ['admin'], displayName: 'admin', passwordFrom: 'prompt' });
});

test('several roles: repeated, = form, comma-separated; duplicates collapse in order', () => {
  const parsed = parseUsersAddArgs(['--role=physician', 'dr.okafor', '--role', 'admin,physician', '--display-name', 'Dr A. Okafor', '--password-stdin']);
  assert.deepEqual(parsed, { username: 'dr.okafor', roles: ['physician', 'admin'], displayName: 'Dr A. Okafor', passwordFrom: 'stdin' });
});

const refused: readonly (readonly [string, readonly string[], string, RegExp])[] = [
  ['no username', ['--role', 'nurse'], 'username', /missing USERNAME/],
  ['two usernames', ['a1', 'b2', '--role', 'nurse'], 'username', /one USERNAME/],
  ['uppercase username', ['JSmith', '--role', 'nurse'], 'username', /USERNAME must be/],
  ['username with a space', ['j smith', '--role', 'nurse'], 'username', /USERNAME must be/],
  ['username starting with a digit', ['1nurse', '--role', 'nurse'], 'username', /USERNAME must be/],
  ['one-character username', ['j', '--role', 'nurse'], 'username', /USERNAME must be/],
  ['65-character username', ['a'.repeat(65), '--role', 'nurse'], 'username', /USERNAME must be/],
  ['username with a slash', ['../etc', '--role', 'nurse'], 'username', /USERNAME must be/],
  ['no role', ['jsmith'], 'role', /at least one --role/],
  ['empty role', ['jsmith', '--role', ','], 'role', /at least one --role/],
  ['unknown role', ['jsmith', '--role', 'nurse,superuser'], 'role', /unknown role "superuser"/],
  ['role in the wrong case', ['jsmith', '--role', 'Physician'], 'role', /unknown role "Physician"/],
  ['password as an argument', ['jsmith', '--role', 'nurse', '--password', 'hunter2hunter2'], 'password', /never given on the command line/],
  ['password= as an argument', ['jsmith', '--role', 'nurse', '--password=hunter2hunter2'], 'password', /never given on the command line/],
  ['empty display name', ['jsmith', '--role', 'nurse', '--display-name', '  '], 'displayName', /--display-name/],
  ['display name with a newline', ['jsmith', '--role', 'nurse', '--display-name', 'J\nSmith'], 'displayName', /--display-name/],
];
for (const [name, args, field, message] of refused) {
  test(`users add refuses: ${name}`, () => {
    assert.throws(() => parseUsersAddArgs(args), (error: unknown) =>
      isNorthstationError(error, 'bad_request') && error.details.field === field && message.test(error.message) && error.message.includes('usage: northstation users add'));
  });
}

test('unknown flags and a missing --role value are bad requests', () => {
  for (const args of [['jsmith', '--role', 'nurse', '--admin'], ['jsmith', '--role']]) {
    assert.throws(() => parseUsersAddArgs(args), (error: unknown) => isNorthstationError(error, 'bad_request'), JSON.stringify(args));
  }
});

test('the password never appears in an error message', () => {
  assert.throws(() => parseUsersAddArgs(['jsmith', '--password', 'hunter2hunter2']), (error: unknown) =>
    isNorthstationError(error, 'bad_request') && !error.message.includes('hunter2') && !JSON.stringify(error.details).includes('hunter2'));
});
