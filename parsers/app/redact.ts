/** App SQL uses the same literal redaction as the general log (one implementation: parsers/mysql/redact.ts). */
export { redactSql as redactSqlLiterals } from '../mysql/redact.js';
