import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/view/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // The page reaches the engine only through src/bridge (a worker); engine *types* are fine.
    files: ['src/view/**/*.{ts,tsx}', 'src/store/**/*.{ts,tsx}', 'src/content/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine', '**/engine/**', '!**/bridge/engine'],
              allowTypeImports: true,
              message: 'The page reaches the engine through src/bridge (src/bridge/engine.ts for schema and constants).',
            },
          ],
        },
      ],
    },
  },
  {
    // The engine is pure and deterministic: no wall clock, no ambient randomness.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded Rng (src/engine/core/rng.ts).' },
        { object: 'Date', property: 'now', message: 'The engine has no wall clock.' },
        { object: 'performance', property: 'now', message: 'The engine has no wall clock.' },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'setTimeout', 'setInterval'],
    },
  },
);
