// Lint: typescript-eslint's recommended rules plus the layering rule of DESIGN.md §3 (no 'vscode'
// outside src/vscode, src/extension.ts and the integration tests).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'test/e2e/node_modules/**',
      'test/fixtures/**',
      'samples/**',
      'test-results/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    files: ['src/core/**', 'src/protocol/**', 'src/cli/**', 'webview/**', 'test/unit/**', 'test/webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: "VS Code-free layer (DESIGN.md §3): only src/vscode may import 'vscode'." },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
);
