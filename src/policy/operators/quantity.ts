// Kubernetes resource quantities (`100m`, `1Gi`, `1e3`) and Go durations (`1h30m`),
// parsed the way Kyverno's Go code does (resource.ParseQuantity, time.ParseDuration).

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The value of a quantity as a number, or undefined when `s` is not a quantity. */
export function parseQuantity(s: string): number | undefined {
  if (s.length === 0) return undefined;
  let i = 0;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    i++;
  }
  const numStart = i;
  let digits = 0;
  let dots = 0;
  while (i < s.length && (isDigit(s.charCodeAt(i)) || s[i] === '.')) {
    if (s[i] === '.') dots++;
    else digits++;
    i++;
  }
  if (digits === 0 || dots > 1) return undefined;
  const num = Number(s.slice(numStart, i));
  if (!isFinite(num)) return undefined;
  const suffix = s.slice(i);
  let mult: number | undefined;
  if (suffix in BINARY) mult = BINARY[suffix];
  else if (suffix in DECIMAL) mult = DECIMAL[suffix];
  else if (suffix[0] === 'e' || suffix[0] === 'E') {
    let j = 1;
    if (suffix[j] === '+' || suffix[j] === '-') j++;
    if (j >= suffix.length) return undefined;
    for (let k = j; k < suffix.length; k++) if (!isDigit(suffix.charCodeAt(k))) return undefined;
    mult = Math.pow(10, Number(suffix.slice(1)));
  }
  if (mult === undefined) return undefined;
  return sign * num * mult;
}

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** A Go duration in nanoseconds, or undefined when `s` is not one (`"0"` is 0). */
export function parseDuration(s: string): number | undefined {
  let i = 0;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    i++;
  }
  if (s.slice(i) === '0') return 0;
  if (i >= s.length) return undefined;
  let total = 0;
  while (i < s.length) {
    const start = i;
    let sawDigit = false;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      i++;
      sawDigit = true;
    }
    if (s[i] === '.') {
      i++;
      while (i < s.length && isDigit(s.charCodeAt(i))) {
        i++;
        sawDigit = true;
      }
    }
    if (!sawDigit) return undefined;
    const n = Number(s.slice(start, i));
    const u = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s.charCodeAt(i))) i++;
    const unit = s.slice(u, i);
    const mult = UNITS[unit];
    if (mult === undefined) return undefined;
    total += n * mult;
  }
  return sign * total;
}

/** Go's `%f` formatting of a float64 (six decimals). */
export function formatFloatF(n: number): string {
  return n.toFixed(6);
}

/** Go's strconv.FormatFloat(v, 'E', -1, 64), e.g. `1E+00`, `1.5E+01`. */
export function formatFloatE(n: number): string {
  const s = n.toExponential(); // "1.5e+1"
  const [m, e] = s.split('e');
  const sign = e[0] === '-' ? '-' : '+';
  let digits = e.replace(/^[+-]/, '');
  if (digits.length < 2) digits = '0' + digits;
  return `${m}E${sign}${digits}`;
}

/** Go's fmt.Sprint / %v of a JSON value (numbers as float64 %v). */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatFloatG(v);
  if (Array.isArray(v)) return '[' + v.map(goSprint).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return 'map[' + Object.keys(o).sort().map((k) => `${k}:${goSprint(o[k])}`).join(' ') + ']';
  }
  return String(v);
}

/** Go's %v for a float64: shortest digits, exponent form when the exponent is < -4 or >= 6 (`1e+06`). */
export function formatFloatG(n: number): string {
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = n.toExponential().split('e');
    const sign = e[0] === '-' ? '-' : '+';
    let d = e.replace(/^[+-]/, '');
    if (d.length < 2) d = '0' + d;
    return `${m}e${sign}${d}`;
  }
  return String(n);
}
