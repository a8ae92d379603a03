// All report formats behind one name, so the CLI (and later the plugin) pick one by
// `--format`. Every renderer is pure and deterministic: same input, same bytes.

import type { Finding } from '../finding';
import type { Summary } from '../text';
import type { ReportContext } from './context';
import { renderHuman } from './text';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderPolicyReport } from './policyreport';
import { renderSarif } from './sarif';

export type { ReportContext } from './context';
export { defaultContext } from './context';

export type FormatName = 'text' | 'json' | 'sarif' | 'junit' | 'policyreport' | 'policyreport:openreports' | 'policyreport:wgpolicy';

export const FORMAT_NAMES: readonly FormatName[] = ['text', 'json', 'sarif', 'junit', 'policyreport', 'policyreport:openreports', 'policyreport:wgpolicy'];

export function isFormatName(s: string): s is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(s);
}

export function renderReport(format: FormatName, findings: readonly Finding[], summary: Summary, ctx: ReportContext): string {
  switch (format) {
    case 'text':
      return renderHuman(findings, summary, ctx);
    case 'json':
      return renderJson(findings, summary, ctx);
    case 'sarif':
      return renderSarif(findings, summary, ctx);
    case 'junit':
      return renderJunit(findings, summary, ctx);
    case 'policyreport':
    case 'policyreport:openreports':
      return renderPolicyReport(findings, summary, ctx, 'openreports');
    case 'policyreport:wgpolicy':
      return renderPolicyReport(findings, summary, ctx, 'wgpolicy');
  }
}
