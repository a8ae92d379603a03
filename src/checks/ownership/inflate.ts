// gunzip (RFC 1952 around RFC 1951 deflate) in plain TypeScript, for the plugin: the engine has
// no zlib, and Helm stores every release gzipped. Decoding only; the output length is checked
// against the gzip trailer, the CRC is not (the API server already guards the bytes).

export class InflateError extends Error {}

/** Canonical Huffman code as (count per length, symbols by code). */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function huffman(lengths: Uint8Array | number[], n: number): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < n; i++) counts[lengths[i]]++;
  counts[0] = 0;
  const offs = new Uint16Array(16);
  for (let len = 1; len < 16; len++) offs[len] = offs[len - 1] + counts[len - 1];
  const symbols = new Uint16Array(n);
  for (let i = 0; i < n; i++) if (lengths[i] !== 0) symbols[offs[lengths[i]]++] = i;
  return { counts, symbols };
}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let FIXED: { lit: Huffman; dist: Huffman } | undefined;

function fixedCodes(): { lit: Huffman; dist: Huffman } {
  if (!FIXED) {
    const l: number[] = [];
    for (let i = 0; i < 288; i++) l.push(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
    const d: number[] = [];
    for (let i = 0; i < 30; i++) d.push(5);
    FIXED = { lit: huffman(l, 288), dist: huffman(d, 30) };
  }
  return FIXED;
}

class Inflater {
  private pos: number;
  private bitBuf = 0;
  private bitCnt = 0;
  out: Uint8Array;
  len = 0;

  constructor(private readonly src: Uint8Array, start: number, sizeHint: number) {
    this.pos = start;
    this.out = new Uint8Array(Math.max(1024, sizeHint));
  }

  private bits(n: number): number {
    let b = this.bitBuf;
    while (this.bitCnt < n) {
      if (this.pos >= this.src.length) throw new InflateError('the compressed data ends early');
      b |= this.src[this.pos++] << this.bitCnt;
      this.bitCnt += 8;
    }
    this.bitBuf = b >>> n;
    this.bitCnt -= n;
    return b & ((1 << n) - 1);
  }

  private decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.counts[len];
      if (code - count < first) return h.symbols[index + (code - first)];
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw new InflateError('invalid Huffman code');
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.out.length) return;
    let size = this.out.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.out.subarray(0, this.len));
    this.out = next;
  }

  private stored(): void {
    this.bitBuf = 0;
    this.bitCnt = 0;
    if (this.pos + 4 > this.src.length) throw new InflateError('the compressed data ends early');
    const n = this.src[this.pos] | (this.src[this.pos + 1] << 8);
    const nn = this.src[this.pos + 2] | (this.src[this.pos + 3] << 8);
    if ((n ^ 0xffff) !== nn) throw new InflateError('a stored block has a bad length');
    this.pos += 4;
    if (this.pos + n > this.src.length) throw new InflateError('the compressed data ends early');
    this.ensure(n);
    this.out.set(this.src.subarray(this.pos, this.pos + n), this.len);
    this.len += n;
    this.pos += n;
  }

  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        if (this.len >= this.out.length) this.ensure(1);
        this.out[this.len++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        const li = sym - 257;
        if (li >= 29) throw new InflateError('invalid length code');
        const length = LEN_BASE[li] + this.bits(LEN_EXTRA[li]);
        const di = this.decode(dist);
        if (di >= 30) throw new InflateError('invalid distance code');
        const d = DIST_BASE[di] + this.bits(DIST_EXTRA[di]);
        if (d > this.len) throw new InflateError('a distance points before the start');
        this.ensure(length);
        const o = this.out;
        let from = this.len - d;
        for (let k = 0; k < length; k++) o[this.len++] = o[from++];
      }
    }
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    const cl = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) cl[CL_ORDER[i]] = this.bits(3);
    const clh = huffman(cl, 19);
    const lengths = new Uint8Array(nlen + ndist);
    let i = 0;
    while (i < nlen + ndist) {
      const sym = this.decode(clh);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let rep: number;
      let val = 0;
      if (sym === 16) {
        if (i === 0) throw new InflateError('a repeat with nothing before it');
        val = lengths[i - 1];
        rep = 3 + this.bits(2);
      } else if (sym === 17) rep = 3 + this.bits(3);
      else rep = 11 + this.bits(7);
      if (i + rep > nlen + ndist) throw new InflateError('too many code lengths');
      while (rep-- > 0) lengths[i++] = val;
    }
    this.codes(huffman(lengths, nlen), huffman(lengths.subarray(nlen), ndist));
  }

  run(): number {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) {
        const f = fixedCodes();
        this.codes(f.lit, f.dist);
      } else if (type === 2) this.dynamic();
      else throw new InflateError('invalid block type 3');
    }
    return this.pos;
  }
}

/** Decompresses one gzip member; throws InflateError when the data is not gzip or is damaged. */
export function gunzip(data: Uint8Array): Uint8Array {
  if (data.length < 18 || data[0] !== 0x1f || data[1] !== 0x8b) throw new InflateError('not gzip data');
  if (data[2] !== 8) throw new InflateError('gzip with a method other than deflate');
  const flags = data[3];
  let p = 10;
  if (flags & 4) p += 2 + (data[p] | (data[p + 1] << 8));
  if (flags & 8) while (p < data.length && data[p++] !== 0);
  if (flags & 16) while (p < data.length && data[p++] !== 0);
  if (flags & 2) p += 2;
  const n = data.length;
  const isize = (data[n - 4] | (data[n - 3] << 8) | (data[n - 2] << 16) | (data[n - 1] << 24)) >>> 0;
  const inf = new Inflater(data, p, isize);
  inf.run();
  if (inf.len >>> 0 !== isize) throw new InflateError(`the decompressed size ${inf.len} differs from the gzip trailer's ${isize}`);
  return inf.out.subarray(0, inf.len);
}
