// Flat config: strict type-aware rules for the Node core and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', '.toolchain/**', 'src-renderer/dist/**', 'test-artifacts/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ['src-main/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] }],
      // Electron and the CLI are the only places allowed to exit the process.
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'Only cli/main.ts may exit the process.' }],
    },
  },
  // The Svelte renderer (browser code): the same strict rules, through svelte-eslint-parser for .svelte files.
  ...svelte.configs.recommended.map((c) => (c.files || !c.rules ? c : { ...c, files: ['src-renderer/**/*.svelte', 'src-renderer/**/*.svelte.ts'] })),
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte', 'src-renderer/**/*.svelte.ts'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Data from the library (titles, tags) must never become markup.
      'svelte/no-at-html-tags': 'error',
      // `void state.x` in an effect reads a value only to subscribe to it (Svelte's dependency tracking).
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      // `onclick={() => doIt()}` in templates is the idiom; a handler's return value is ignored.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node },
  },
);
