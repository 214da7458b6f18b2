// ESLint: JavaScript's and typescript-eslint's recommended rules everywhere, React's rules of hooks in the
// renderer. Formatting is Prettier's (.prettierrc.json), not the linter's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'scratch/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      // A leading underscore names what is left out on purpose: `({ run_id: _r, ...rest })`, `(_event, value)`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Published coefficients, written as published: their digits beyond a double's are the source's, not ours.
    files: ['src/core/statistics/**/*.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'src/shared/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
    languageOptions: { globals: { ...globals.browser } },
  },
);
