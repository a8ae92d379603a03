// The human report of `warden check`: per object (with the chart template it came from),
// one line per finding with the rule and message, the path and fix below, a summary last.
// Colour (ANSI) only when the context asks for it; the CLI decides (TTY, NO_COLOR).

import type { Finding } from '../finding';
import { isBlocking } from '../finding';
import type { Summary } from '../text';
import { exitCodeFor, isFailure, objectId, templatePath, type ReportContext } from './context';

const ANSI = { red: '31', yellow: '33', blue: '34', gray: '90', bold: '1', green: '32', cyan: '36' } as const;

export function renderHuman(findings: readonly Finding[], summary: Summary, ctx: ReportContext): string {
  // Messages quote chart content: no control characters (or escape sequences) reach the terminal.
  const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
  const paint = (c: keyof typeof ANSI, s: string) => (ctx.color ? `\u001b[${ANSI[c]}m${s}\u001b[0m` : s);
  const tag = (f: Finding): string => {
    if (isBlocking(f)) return paint('red', paint('bold', 'BLOCK'));
    switch (f.result) {
      case 'fail':
        return paint('red', 'FAIL ');
      case 'error':
        return paint('red', 'ERROR');
      case 'warn':
        return paint('yellow', isFailure(f, ctx) ? 'WARN!' : 'WARN ');
      case 'info':
        return paint('blue', 'INFO ');
      case 'skip':
        return paint('gray', 'SKIP ');
      default:
        return paint('green', 'PASS ');
    }
  };

  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = objectId(f) + '\u0000' + (f.document?.source ?? '');
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const lines: string[] = [];
  const what = ctx.targetKind === 'chart' ? `chart ${ctx.target}` : ctx.target === '-' ? 'standard input' : ctx.target;
  lines.push(paint('bold', `warden ${ctx.tool.version}: ${what}`) + paint('gray', ` (mode ${ctx.mode}${ctx.release ? `, release ${ctx.release}` : ''}${ctx.namespace ? `, namespace ${ctx.namespace}` : ''})`));
  for (const list of groups.values()) {
    const first = list[0];
    const file = templatePath(first, ctx);
    const where = file !== undefined ? file : first.document ? `document ${first.document.index + 1}, line ${first.document.line}` : '';
    lines.push('');
    lines.push(paint('bold', clean(objectId(first))) + (where ? paint('gray', `  ${clean(where)}`) : ''));
    for (const f of list) {
      lines.push(`  ${tag(f)} ${paint('cyan', clean(f.rule))}  ${clean(f.message)}`);
      if (f.path !== undefined) lines.push(paint('gray', `        at ${clean(f.path)}`));
      if (f.fix !== undefined) lines.push(paint('gray', `        fix: ${clean(f.fix)}`));
    }
  }
  lines.push('');
  const failures = findings.filter((f) => isFailure(f, ctx)).length;
  const counts = [
    `${summary.objects} object${summary.objects === 1 ? '' : 's'}`,
    `${summary.fail} failed`,
    `${summary.error} error${summary.error === 1 ? '' : 's'}`,
    `${summary.warn} warning${summary.warn === 1 ? '' : 's'}`,
  ];
  if (summary.skip) counts.push(`${summary.skip} skipped`);
  if (summary.info) counts.push(`${summary.info} note${summary.info === 1 ? '' : 's'}`);
  const verdict =
    summary.blocking > 0
      ? paint('red', `${summary.blocking} blocking: the render would fail`)
      : exitCodeFor(findings, ctx) !== 0
        ? paint('red', `failed (--fail-on=${ctx.failOn})`)
        : failures > 0
          ? paint('yellow', `passed with ${failures} failure${failures === 1 ? '' : 's'} not enforced (mode ${ctx.mode})`)
          : paint('green', 'passed');
  lines.push(`${counts.join(', ')} — ${verdict}`);
  return lines.join('\n') + '\n';
}
