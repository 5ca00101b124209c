// Strict typescript-eslint with type information, plus the layer rule from
// docs/architecture.md: imports flow downward only (core → engine → server/cli).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const layer = (name, forbidden) => ({
  files: [`src/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((other) => ({ group: [`**/${other}/**`], message: `${name}/ must not import ${other}/ (docs/architecture.md)` })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', '.toolchain/', 'web/dist/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      // node:test's test() returns a promise that the runner awaits itself.
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  layer('core', ['engine', 'clinical', 'imaging', 'safety', 'workflows', 'records', 'fhir', 'server', 'cli']),
  layer('engine', ['clinical', 'imaging', 'safety', 'workflows', 'records', 'fhir', 'server', 'cli']),
  // Imaging (DICOM, pixels, the storage listener) is a domain of its own: it may use core only.
  layer('imaging', ['engine', 'clinical', 'safety', 'workflows', 'records', 'fhir', 'server', 'cli']),
  layer('safety', ['workflows', 'records', 'fhir', 'server', 'cli']),
  layer('workflows', ['records', 'fhir', 'server', 'cli']),
  layer('records', ['fhir', 'server', 'cli']),
  layer('fhir', ['server', 'cli']),
  // Clinical rules are pure: they also run in the browser, so no engine and no Node APIs.
  {
    files: ['src/clinical/**/*.ts'],
    ignores: ['src/clinical/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*'], message: 'src/clinical/ runs in the browser: no Node APIs' },
        ...['engine', 'safety', 'workflows', 'records', 'fhir', 'server', 'cli'].map((other) => ({ group: [`**/${other}/**`], message: `clinical/ must not import ${other}/` })),
      ] }],
    },
  },
  layer('server', ['cli']),
  // The web UI (web/): React hooks rules, and only the pure modules of src/ (the clinical rules and the
  // role policy) — everything else there imports Node APIs and talks to the database.
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*'], message: 'web/src runs in the browser: no Node APIs' },
        { group: ['**/src/*', '!**/src/clinical', '!**/src/records'], message: 'web/ may import only src/clinical/ and src/records/accounts/policy.ts' },
        { group: ['**/src/records/*', '!**/src/records/accounts'], message: 'web/ may import only src/clinical/ and src/records/accounts/policy.ts' },
      ] }],
    },
  },
  {
    files: ['web/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
