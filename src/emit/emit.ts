// Joins the output pieces into one stream. Original documents are emitted as
// their exact input text, so a run that changes nothing returns the input unchanged.

import type { OutputPiece } from '../apply/apply';

export function emitStream(pieces: readonly OutputPiece[]): string {
  const parts: string[] = [];
  let endsWithNewline = true;
  for (const piece of pieces) {
    const text = piece.kind === 'original' ? piece.doc.text : piece.text;
    if (text.length === 0) continue;
    // New text after a document that lacks a final newline would glue onto its last line.
    if (!endsWithNewline && piece.kind !== 'original') parts.push('\n');
    parts.push(text);
    endsWithNewline = text.charCodeAt(text.length - 1) === 10;
  }
  return parts.join('');
}
