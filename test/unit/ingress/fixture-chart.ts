// charts-fixtures/ingress-nginx-app rendered without Helm: its templates use only
// `{{ .Values.x }}`, `{{ .Values.x | quote }}` and `{{- range list "a" … }}{{ . }}{{- end }}`;
// anything else throws, so a template change cannot be misread silently.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYamlDocs } from './corpus-helpers';

function readValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_]+):\s*(.*)$/.exec(line);
    if (m !== null) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function expand(text: string, values: Record<string, string>, dot?: string): string {
  return text.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (whole, expr: string) => {
    const m = /^\.Values\.([A-Za-z0-9_]+)(\s*\|\s*quote)?$/.exec(expr);
    if (m !== null) {
      if (values[m[1]] === undefined) throw new Error(`no value ${m[1]}`);
      return m[2] !== undefined ? JSON.stringify(values[m[1]]) : values[m[1]];
    }
    if (expr === '.' && dot !== undefined) return dot;
    throw new Error(`unsupported template expression ${whole}`);
  });
}

/** The chart's objects, rendered with its default values. */
export function renderFixtureChart(dir: string): unknown[] {
  const values = readValues(readFileSync(join(dir, 'values.yaml'), 'utf8'));
  const out: unknown[] = [];
  for (const f of readdirSync(join(dir, 'templates')).sort()) {
    if (!f.endsWith('.yaml')) continue;
    let text = readFileSync(join(dir, 'templates', f), 'utf8');
    text = text.replace(/\{\{-\s*range list ((?:"[^"]*"\s*)+)\}\}([\s\S]*?)\{\{-\s*end\s*\}\}/g, (_, items: string, body: string) =>
      (items.match(/"[^"]*"/g) ?? []).map((q) => expand(body, values, JSON.parse(q))).join(''),
    );
    for (const doc of loadYamlDocs(expand(text, values))) if (doc !== null && doc !== undefined) out.push(doc);
  }
  return out;
}
