// Splits a multi-document YAML stream into segments without parsing it.
//
// Every byte of the input belongs to exactly one segment, in order, so joining the
// segments' text gives the input back unchanged. Boundaries follow the YAML 1.2
// rules for document markers: a line that starts (column 0) with `---` or `...`
// followed by a space, a tab, or the end of the line. Such lines are forbidden
// inside any scalar, so splitting there never cuts a block scalar in half; a
// `---` that is indented (as inside a literal block) is content, not a marker.

export interface Segment {
  /** 0-based position in the stream. */
  index: number;
  /** Offset of the first character in the input string. */
  start: number;
  /** Offset just past the last character. */
  end: number;
  /** The exact original text (input.slice(start, end)). */
  text: string;
  /** Offset inside `text` where the document's content begins (after the `---` line). */
  bodyOffset: number;
  /** 1-based line number in the stream of the segment's first line. */
  line: number;
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

function countLines(s: string, from: number, to: number, acc: number): number {
  let n = acc;
  let pos = s.indexOf('\n', from);
  while (pos >= 0 && pos < to) {
    n++;
    pos = s.indexOf('\n', pos + 1);
  }
  return n;
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
  let line = 1;
  let pos = 0;

  const close = (end: number) => {
    if (end <= segStart) return;
    const text = input.slice(segStart, end);
    segments.push({
      index: segments.length,
      start: segStart,
      end,
      text,
      bodyOffset,
      line,
      empty: !hasContent(input, segStart + bodyOffset, end),
    });
    line = countLines(input, segStart, end, line);
    segStart = end;
    bodyOffset = 0;
  };

  // A byte order mark may precede the first marker.
  if (input.charCodeAt(0) === BOM) pos = 1;

  while (pos < n) {
    const c = input.charCodeAt(pos);
    if (c === DASH && markerAt(input, pos, DASH)) {
      // `---` begins a new document; what came before is the previous segment.
      const startsHere = pos === segStart || (segStart === 0 && pos === 1 && input.charCodeAt(0) === BOM);
      if (!startsHere) close(pos);
      const eol = lineEnd(input, pos);
      bodyOffset = eol - segStart;
      pos = eol;
      continue;
    }
    if (c === DOT && markerAt(input, pos, DOT)) {
      // `...` ends the current document; the marker line stays with it.
      const eol = lineEnd(input, pos);
      close(eol);
      pos = eol;
      continue;
    }
    pos = lineEnd(input, pos);
  }
  close(n);

  // A content-free segment directly followed by a document that starts with `---`
  // stays separate (it is the prefix of that document in YAML terms, but keeping it
  // apart lets the later document's own text begin with its marker).
  return segments;
}
