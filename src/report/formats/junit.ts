// JUnit XML, the report most CI systems render natively: one testsuite per check,
// one testcase per object × rule. A testcase fails when one of its findings is
// fail/error (or warn with failOn=warning), is skipped when all of them are skip,
// and passes otherwise (warnings and notes go to its system-out).

import type { Finding, FindingResult } from '../finding';
import type { Summary } from '../text';
import { isFailure, objectId, templatePath, type ReportContext } from './context';
import { xmlAttr, xmlText } from './xml';

interface Case {
  check: string;
  rule: string;
  object: string;
  findings: Finding[];
}

const RANK: Record<FindingResult, number> = { error: 5, fail: 4, warn: 3, info: 2, pass: 1, skip: 0 };

function worst(list: readonly Finding[]): FindingResult {
  let w: FindingResult = list[0].result;
  for (const f of list) if (RANK[f.result] > RANK[w]) w = f.result;
  return w;
}

function describe(f: Finding, ctx: ReportContext): string {
  const lines = [`[${f.result}] ${f.rule}: ${f.message}`];
  if (f.path !== undefined) lines.push(`  at: ${f.path}`);
  const file = templatePath(f, ctx);
  if (file !== undefined) lines.push(`  template: ${file}`);
  if (f.fix !== undefined) lines.push(`  fix: ${f.fix}`);
  return lines.join('\n');
}

export function renderJunit(findings: readonly Finding[], _summary: Summary, ctx: ReportContext): string {
  const suites = new Map<string, Map<string, Case>>();
  for (const f of findings) {
    const object = objectId(f);
    const key = f.rule + '\u0000' + object;
    let cases = suites.get(f.check);
    if (!cases) {
      cases = new Map();
      suites.set(f.check, cases);
    }
    const c = cases.get(key);
    if (c) c.findings.push(f);
    else cases.set(key, { check: f.check, rule: f.rule, object, findings: [f] });
  }

  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  const body: string[] = [];
  for (const [check, cases] of suites) {
    let failures = 0;
    let skipped = 0;
    const lines: string[] = [];
    for (const c of cases.values()) {
      const failing = c.findings.filter((f) => isFailure(f, ctx));
      const result = worst(c.findings);
      const file = templatePath(c.findings[0], ctx);
      const attrs = [
        `name="${xmlAttr(`${c.rule} ${c.object}`)}"`,
        `classname="${xmlAttr(`warden.${check}.${c.object}`)}"`,
        ...(file !== undefined ? [`file="${xmlAttr(file)}"`] : []),
      ];
      const text = c.findings.map((f) => describe(f, ctx)).join('\n');
      lines.push(`    <testcase ${attrs.join(' ')}>`);
      if (failing.length > 0) {
        failures++;
        const first = failing[0];
        lines.push(
          `      <failure message="${xmlAttr(first.message)}" type="${xmlAttr(first.result)}">${xmlText(failing.map((f) => describe(f, ctx)).join('\n'))}</failure>`,
        );
        if (failing.length < c.findings.length) lines.push(`      <system-out>${xmlText(text)}</system-out>`);
      } else if (result === 'skip') {
        skipped++;
        lines.push(`      <skipped message="${xmlAttr(c.findings[0].message)}"/>`);
      } else {
        lines.push(`      <system-out>${xmlText(text)}</system-out>`);
      }
      lines.push('    </testcase>');
    }
    totalTests += cases.size;
    totalFailures += failures;
    totalSkipped += skipped;
    body.push(
      `  <testsuite name="${xmlAttr(`warden ${check}`)}" tests="${cases.size}" failures="${failures}" errors="0" skipped="${skipped}"${ctx.timestamp !== undefined ? ` timestamp="${xmlAttr(ctx.timestamp.replace(/Z$/, ''))}"` : ''}>`,
      ...lines,
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`${ctx.tool.name} ${ctx.target}`)}" tests="${totalTests}" failures="${totalFailures}" errors="0" skipped="${totalSkipped}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
