// Findings: what every check reports, in one shape, so all report formats
// (text, JSON, SARIF, JUnit, PolicyReport) read the same data.

export type CheckName = 'read' | 'policy' | 'ownership' | 'ingress';

/** `fail` stops the render when the finding is enforced; the others never do. */
export type FindingResult = 'fail' | 'warn' | 'error' | 'skip' | 'pass' | 'info';

export interface DocumentRef {
  /** 0-based index of the document in the input stream. */
  index: number;
  /** 1-based line of the document's first line in the stream. */
  line: number;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** Chart template the document came from (`# Source:` or Helm's post-render annotation). */
  source?: string;
}

export interface Finding {
  check: CheckName;
  /** Stable rule id, e.g. `disallow-latest-tag/validate-image-tag` or `read/yaml-syntax`. */
  rule: string;
  result: FindingResult;
  /** Enforced findings with result `fail` make the render fail. */
  enforce: boolean;
  message: string;
  document?: DocumentRef;
  /** YAML path inside the document, e.g. `spec.template.spec.containers[0].image`. */
  path?: string;
  /** What the user can do about it. */
  fix?: string;
  /** Policy findings: the policy's `policies.kyverno.io/severity` (critical/high/medium/low/info). */
  severity?: string;
  /** Policy findings: the policy's `policies.kyverno.io/category`. */
  category?: string;
}

export function isBlocking(f: Finding): boolean {
  return f.enforce && (f.result === 'fail' || f.result === 'error');
}
