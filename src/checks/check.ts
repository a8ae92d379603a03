// The contract every check (policy, ownership, ingress) implements: look at the
// documents, return findings and patches. Checks do no I/O and never change a
// document themselves; `apply` does that, once, for all of them.

import type { WardenOptions } from '../args';
import type { SourceDocument } from '../read/document';
import type { CheckName, Finding } from '../report/finding';

export type YamlPath = readonly (string | number)[];

export type Patch =
  /** Set a value inside a document, keeping its comments and key order. */
  | { op: 'set'; doc: number; path: YamlPath; value: unknown; reason: string }
  /** Remove a value inside a document. */
  | { op: 'delete'; doc: number; path: YamlPath; reason: string }
  /** Replace a whole document with a new object. */
  | { op: 'replace'; doc: number; value: unknown; reason: string }
  /** Drop a document from the output (it is always reported). */
  | { op: 'remove'; doc: number; reason: string }
  /** Add a new document after `doc` (-1: at the start). */
  | { op: 'insert'; after: number; value: unknown; reason: string };

export interface CheckContext {
  readonly documents: readonly SourceDocument[];
  readonly options: WardenOptions;
}

export interface CheckResult {
  findings: Finding[];
  patches: Patch[];
}

export interface Check {
  readonly name: Exclude<CheckName, 'read'>;
  run(ctx: CheckContext): CheckResult;
}

export function emptyResult(): CheckResult {
  return { findings: [], patches: [] };
}
