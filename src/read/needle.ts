// Memoised string search over one stream (shared by the splitter and the header scan).

/**
 * Remembers where a needle was last found in one stream, so that scanning documents in
 * order searches each stretch of the stream once per needle. Without it, a document that
 * lacks a key would search on into the documents after it, and a stream of many such
 * documents would cost O(size x documents).
 */
export class NeedleFinder {
  private readonly memo = new Map<string, { from: number; at: number }>();
  constructor(readonly s: string) {}

  indexOf(needle: string, from: number): number {
    const m = this.memo.get(needle);
    if (m && m.from <= from && (m.at < 0 || m.at >= from)) return m.at;
    const at = this.s.indexOf(needle, from);
    this.memo.set(needle, { from, at });
    return at;
  }
}
