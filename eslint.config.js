// ESLint (flat config): the recommended JavaScript and typescript-eslint rules on src/, test/,
// scripts/, action/ and the policy pack. Layout is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from './scripts/eslint-globals.js';

export default tseslint.config(
  // Fixtures are other people's programs (shaped like public examples), not ours to lint.
  { ignores: ['dist/', '**/node_modules/', 'coverage/', 'test/fixtures/', 'src/ingest/nodejs/runner.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Escaping control and bidi characters is what src/visible.ts and the tests of it are for.
      'no-control-regex': 'off',
    },
  },
  {
    // The page script drives cytoscape, whose objects the page reads untyped.
    files: ['src/report/html/client.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
