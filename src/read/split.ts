// Splits a multi-document YAML stream into segments without parsing it.
//
// Every byte of the input belongs to exactly one segment, in order, so joining the
// segments' ranges gives the input back unchanged. Boundaries follow the YAML 1.2
// rules for document markers: a line that starts (column 0) with `---` or `...`
// followed by a space, a tab, or the end of the line. Such lines are forbidden
// inside any scalar, so splitting there never cuts a block scalar in half; a
// `---` that is indented (as inside a literal block) is content, not a marker.

import { NeedleFinder } from './needle';

export interface Segment {
  /** 0-based position in the stream. */
  index: number;
  /** Offset of the first character in the input string. */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** Offset, relative to `start`, where the document's content begins (after the `---` line). */
  bodyOffset: number;
  /** The document has no content: only comments, blank lines, markers or directives. */
  empty: boolean;
}

const DASH = 45; // -
const DOT = 46; // .
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const PERCENT = 37;
const BOM = 0xfeff;

/** Is there a document marker (`---` or `...`, by `ch`) at `pos`, which must be a line start? */
function markerAt(s: string, pos: number, ch: number): boolean {
  if (s.charCodeAt(pos) !== ch || s.charCodeAt(pos + 1) !== ch || s.charCodeAt(pos + 2) !== ch) return false;
  const next = s.charCodeAt(pos + 3);
  // NaN at end of input counts as end of line.
  return next !== next || next === SPACE || next === TAB || next === LF || next === CR;
}

function lineEnd(s: string, pos: number): number {
  const nl = s.indexOf('\n', pos);
  return nl < 0 ? s.length : nl + 1;
}

/**
 * Does s[from, to) hold anything but blank lines, comments and directives?
 * A directive (`%YAML`) only counts as non-content at the start of a line.
 */
function hasContent(s: string, from: number, to: number): boolean {
  let pos = from;
  while (pos < to) {
    let c = s.charCodeAt(pos);
    const atLineStart = pos === from || s.charCodeAt(pos - 1) === LF;
    if (atLineStart && c === PERCENT) {
      pos = lineEnd(s, pos);
      continue;
    }
    while (c === SPACE || c === TAB || c === CR || c === BOM) c = s.charCodeAt(++pos);
    if (pos >= to) return false;
    if (c === LF) {
      pos++;
      continue;
    }
    if (c === HASH) {
      pos = lineEnd(s, pos);
      continue;
    }
    return true;
  }
  return false;
}

/**
 * Finds line starts of document markers with native string search, which skips whole
 * documents at once. Each kind of marker is searched for once per occurrence: the next
 * known position is remembered, so a stream without `...` lines costs one failed search,
 * not one per document.
 */
class MarkerFinder {
  private readonly needles: NeedleFinder;
  constructor(private readonly s: string) {
    this.needles = new NeedleFinder(s);
  }

  /** The newline before the next `ch` marker line at or after `from`, or -1. */
  private find(from: number, needle: string, ch: number): number {
    let i = this.needles.indexOf(needle, from - 1);
    while (i >= 0 && !markerAt(this.s, i + 1, ch)) i = this.needles.indexOf(needle, i + 1);
    return i;
  }

  /** The next line start at or after `from` (which is itself a line start) holding a marker, or -1. */
  next(from: number): number {
    const dash = this.find(from, '\n---', DASH);
    const dots = this.find(from, '\n...', DOT);
    if (dash < 0 && dots < 0) return -1;
    const at = dash < 0 ? dots : dots < 0 ? dash : Math.min(dash, dots);
    return at + 1;
  }
}

/**
 * Splits `input` into segments. A segment starts at a `---` line (or at the start of
 * the stream, or after a `...` line) and runs to the next boundary. Text that holds no
 * content and sits before a `---` line (a stream preamble, or comments after `...`)
 * is kept as a segment of its own, marked empty.
 */
export function splitStream(input: string): Segment[] {
  const segments: Segment[] = [];
  const n = input.length;
  let segStart = 0;
  let bodyOffset = 0;

  const close = (end: number) => {
    if (end <= segStart) return;
    segments.push({
      index: segments.length,
      start: segStart,
      end,
      bodyOffset,
      empty: !hasContent(input, segStart + bodyOffset, end),
    });
    segStart = end;
    bodyOffset = 0;
  };

  // A byte order mark may precede the first marker; it stays in the first segment.
  let pos = input.charCodeAt(0) === BOM ? 1 : 0;
  // The first line has no newline before it.
  const markers = new MarkerFinder(input);
  let at = markerAt(input, pos, DASH) || markerAt(input, pos, DOT) ? pos : markers.next(pos + 1);
  while (at >= 0) {
    const eol = lineEnd(input, at);
    if (input.charCodeAt(at) === DASH) {
      // `---` begins a new document; what came before is the previous segment.
      if (at > segStart && !(at === 1 && input.charCodeAt(0) === BOM)) close(at);
      bodyOffset = eol - segStart;
    } else {
      // `...` ends the current document; the marker line stays with it.
      close(eol);
    }
    pos = eol;
    at = pos < n ? markers.next(pos) : -1;
  }
  close(n);
  return segments;
}
