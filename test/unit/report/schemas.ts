// JSON-schema validators for the reports: the official SARIF 2.1.0 schema (shipped in the
// npm package @microsoft/jest-sarif, draft-04) and warden's own report schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);

/** AJV's CommonJS default exports arrive as `.default` under ESM interop. */
export const cjs = <T>(m: T): T => (m as { default?: T }).default ?? m;

export function sarifValidator() {
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The schema's language pattern is not a valid regular expression with the u flag.
  const ajv = new (cjs(AjvDraft04))({ allErrors: true, strict: false, unicodeRegExp: false });
  cjs(addFormats)(ajv);
  return ajv.compile(schema);
}

export function wardenReportValidator() {
  const schema = JSON.parse(readFileSync(join(__dirname, '../../../src/report/formats/warden-report.schema.json'), 'utf8'));
  const ajv = new (cjs(Ajv))({ allErrors: true, strict: true });
  cjs(addFormats)(ajv);
  return ajv.compile(schema);
}
