// Lint: typescript-eslint's recommended rules and a 120-column limit (pino, undici and fastify keep to
// it). String, template and regex literals may run past it: a real log line or an anchored log-format
// regex is clearer whole than cut in pieces.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', 'test/fixtures/**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      // log lines carry ANSI colours (docker compose), NULs and other control bytes that parsers must match
      'no-control-regex': 'off',
      'max-len': [
        'error',
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
    },
  },
  {
    // tests read back loose JSON documents; typing every expected path would only restate the parsers
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
