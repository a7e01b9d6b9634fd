// Lint for the whole project (`npm run lint`, run by CI): typescript-eslint's recommended rules
// with the few project choices below. Formatting is Prettier's job (.prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'gitops/**', 'cdk8s.out/**', 'dist/**', '.cache/**', 'bench/out/**', 'collector/dist/**', 'constructs/flux/imports/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused names are errors, except the deliberately ignored `_name`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A CommonJS package (ADR 0001): experiment and environment files are loaded with require through tsx.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Tests and benchmarks read synthesized Kubernetes objects as loose JSON.
    files: ['test/**', 'bench/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Views over parsed, untyped YAML documents whose shape is checked field by field.
    files: ['environments/validate-environment.ts', 'generators/tree-diff.ts', 'policies/packs/guardrails/candidate-keeps-guardrails.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
