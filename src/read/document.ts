// The documents of one stream as the pipeline sees them: original text, a cheap
// header scan, and a full parse only on demand.

import { parseDocument, type Document as YamlDocument } from 'yaml';
import { splitStream, type Segment } from './split';
import { scanHeader, type DocumentHeader } from './scan';

export interface ParseFailure {
  message: string;
  /** 1-based line and column in the stream. */
  line?: number;
  column?: number;
}

/** Line numbers of stream offsets, counted only when someone asks (reports do). */
class LineIndex {
  private offset = 0;
  private line = 1;
  constructor(private readonly input: string) {}

  lineAt(target: number): number {
    if (target < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    const s = this.input;
    let i = s.indexOf('\n', this.offset);
    while (i >= 0 && i < target) {
      this.line++;
      i = s.indexOf('\n', i + 1);
    }
    this.offset = target;
    return this.line;
  }
}

export class SourceDocument {
  readonly index: number;
  readonly text: string;
  /** Offset of the document in the stream. */
  readonly start: number;
  readonly empty: boolean;
  /** Offset in `text` where the content starts (after any `---` line). */
  readonly bodyOffset: number;
  private headerCache?: DocumentHeader;
  private yamlCache?: YamlDocument.Parsed;
  private valueCache?: { value: unknown } | { error: ParseFailure };

  private lineCache = 0;

  constructor(seg: Segment, private readonly lines: LineIndex) {
    this.index = seg.index;
    this.text = seg.text;
    this.start = seg.start;
    this.empty = seg.empty;
    this.bodyOffset = seg.bodyOffset;
  }

  /** 1-based line of the document's first line in the stream. */
  get line(): number {
    if (this.lineCache === 0) this.lineCache = this.lines.lineAt(this.start);
    return this.lineCache;
  }

  /** apiVersion/kind/metadata from a string scan; exact, or completed by a parse. */
  get header(): DocumentHeader {
    if (this.headerCache) return this.headerCache;
    let h = scanHeader(this.text, this.bodyOffset);
    if (this.bodyOffset > 0) {
      // Content on the marker line itself (`--- !tag`, `--- |`) is beyond the scan.
      const rest = this.text.slice(3, this.bodyOffset).trim();
      if (rest.length > 0 && rest.charCodeAt(0) !== 35) h.exact = false;
    }
    if (!h.exact && !this.empty) {
      const parsed = this.value();
      if ('value' in parsed) h = headerFromValue(parsed.value, h.source);
    }
    this.headerCache = h;
    return h;
  }

  /** A readable name: `Kind namespace/name` (or what is known of it). */
  get label(): string {
    const h = this.header;
    const id = h.name ?? (h.generateName ? h.generateName + '*' : '?');
    const ns = h.namespace ? h.namespace + '/' : '';
    return `${h.kind ?? 'document'} ${ns}${id}`;
  }

  /** The YAML document with comments, for changes that keep them. */
  yaml(): YamlDocument.Parsed {
    if (!this.yamlCache) {
      this.yamlCache = parseDocument(this.text, {
        uniqueKeys: true,
        prettyErrors: true,
        keepSourceTokens: false,
      });
    }
    return this.yamlCache;
  }

  /** The document as plain JS values, or why it could not be read. Cached. */
  value(): { value: unknown } | { error: ParseFailure } {
    if (this.valueCache) return this.valueCache;
    const doc = this.yaml();
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = e.linePos?.[0];
      // Lines in the error are relative to the document; make them stream lines.
      this.valueCache = {
        error: {
          message: e.message.split('\n')[0],
          line: pos ? this.line + pos.line - 1 : undefined,
          column: pos?.col,
        },
      };
    } else {
      this.valueCache = { value: doc.toJS({ maxAliasCount: 1000 }) };
    }
    return this.valueCache;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'string') out[k] = x;
    }
  }
  return out;
}

export function headerFromValue(v: unknown, source?: string): DocumentHeader {
  const o = (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  const m = (o.metadata && typeof o.metadata === 'object' ? o.metadata : {}) as Record<string, unknown>;
  return {
    apiVersion: str(o.apiVersion),
    kind: str(o.kind),
    name: str(m.name),
    generateName: str(m.generateName),
    namespace: str(m.namespace),
    labels: strMap(m.labels),
    annotations: strMap(m.annotations),
    source,
    exact: true,
  };
}

export function readStream(input: string): SourceDocument[] {
  const lines = new LineIndex(input);
  return splitStream(input).map((seg) => new SourceDocument(seg, lines));
}
