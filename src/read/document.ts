// The documents of one stream as the pipeline sees them: original text, a cheap
// header scan, and a full parse only on demand.

import { parseDocument, type Document as YamlDocument } from 'yaml';
import { splitStream, type Segment } from './split';
import type { DocumentRef } from '../report/finding';
import { readYamlNative } from './native-yaml';
import { NeedleFinder } from './needle';
import { scanHeader, scanIdentity, type DocumentHeader, type DocumentIdentity } from './scan';

export interface ParseFailure {
  message: string;
  /** 1-based line and column in the stream. */
  line?: number;
  column?: number;
}

/**
 * Line numbers of stream offsets, counted only when someone asks (reports do). The first
 * question records where every line break is (one pass); each answer is then a binary search,
 * whatever order findings ask in (a moving cursor walked the stream ten times over with all
 * checks on a 1 MB stream).
 */
class LineIndex {
  private breaks: number[] | undefined;
  constructor(private readonly input: string) {}

  /** 1 + the number of line breaks before `target`. */
  lineAt(target: number): number {
    let b = this.breaks;
    if (b === undefined) {
      b = [];
      const s = this.input;
      for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) b.push(i);
      this.breaks = b;
    }
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }
}

export class SourceDocument {
  readonly index: number;
  /** Offsets of the document in the stream: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly empty: boolean;
  /** Offset in `text` where the content starts (after any `---` line). */
  readonly bodyOffset: number;
  private identityCache?: DocumentIdentity;
  private headerCache?: DocumentHeader;
  private yamlCache?: YamlDocument.Parsed;
  private valueCache?: { value: unknown } | { error: ParseFailure };

  private lineCache = 0;

  private textCache?: string;

  constructor(
    seg: Segment,
    private readonly input: string,
    private readonly lines: LineIndex,
    private readonly finder: NeedleFinder,
  ) {
    this.index = seg.index;
    this.start = seg.start;
    this.end = seg.end;
    this.empty = seg.empty;
    this.bodyOffset = seg.bodyOffset;
  }

  /** The exact original text. Sliced only when asked for: scans read the stream in place. */
  get text(): string {
    if (this.textCache === undefined) this.textCache = this.input.slice(this.start, this.end);
    return this.textCache;
  }

  /** 1-based line of the document's first line in the stream. */
  get line(): number {
    if (this.lineCache === 0) this.lineCache = this.lines.lineAt(this.start);
    return this.lineCache;
  }

  /** Content on the marker line itself (`--- !tag`, `--- |`) is beyond the scan. */
  private markerHasContent(): boolean {
    if (this.bodyOffset === 0) return false;
    const marker = this.input.indexOf('---', this.start);
    const rest = this.input.slice(marker + 3, this.start + this.bodyOffset).trim();
    return rest.length > 0 && rest.charCodeAt(0) !== 35;
  }

  /** apiVersion and kind: the cheapest scan, enough to tell what the document is. */
  get identity(): { apiVersion?: string; kind?: string } {
    if (this.headerCache) return this.headerCache;
    if (!this.identityCache) {
      this.identityCache = scanIdentity(this.input, this.start + this.bodyOffset, this.end, this.finder);
      if (this.markerHasContent()) this.identityCache.exact = false;
    }
    return this.identityCache.exact ? this.identityCache : this.header;
  }

  /** apiVersion/kind/metadata from a string scan; exact, or completed by a parse. */
  get header(): DocumentHeader {
    if (this.headerCache) return this.headerCache;
    const from = this.start + this.bodyOffset;
    const identity = this.identityCache ?? scanIdentity(this.input, from, this.end, this.finder);
    let h = scanHeader(this.input, from, this.end, this.finder, identity);
    if (this.markerHasContent()) h.exact = false;
    if (!h.exact && !this.empty) {
      const parsed = this.value();
      if ('value' in parsed) h = headerFromValue(parsed.value, h.source);
    }
    this.headerCache = h;
    return h;
  }

  /** How findings name this document: position, identity and the template it came from. */
  get ref(): DocumentRef {
    const h = this.header;
    return {
      index: this.index,
      line: this.line,
      apiVersion: h.apiVersion,
      kind: h.kind,
      name: h.name ?? h.generateName,
      namespace: h.namespace,
      source: h.source ?? h.annotations['postrenderer.helm.sh/postrender-filename'],
    };
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

  /**
   * The document as plain JS values, or why it could not be read. Cached.
   * Inside plugin.wasm the engine's native reader takes the documents it is sure
   * about; the `yaml` package reads the rest and gives every error.
   */
  value(): { value: unknown } | { error: ParseFailure } {
    if (this.valueCache) return this.valueCache;
    const fast = readYamlNative(this.text);
    if (fast) {
      this.valueCache = fast;
      return fast;
    }
    try {
      const doc = this.yaml();
      if (doc.errors.length > 0) {
        const e = doc.errors[0];
        const pos = e.linePos?.[0];
        if (e.message.includes('Maximum call stack size exceeded')) throw new RangeError(e.message);
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
    } catch (e) {
      // The parser recurses per nesting level; hostile depth ends in a RangeError.
      const why = e instanceof RangeError ? 'it is nested too deeply to read' : `the YAML parser failed (${String(e)})`;
      this.valueCache = { error: { message: why } };
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
  const finder = new NeedleFinder(input);
  return splitStream(input).map((seg) => new SourceDocument(seg, input, lines, finder));
}
