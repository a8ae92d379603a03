// JS half of the warden engine glue. Evaluated once during Wizer
// pre-initialisation, before the bundle. It receives the native functions of
// glue.c as `native` and installs the js-pdk compatible globals: Host,
// Config, Var, Http, console, TextEncoder, TextDecoder (and the hidden
// __warden_yaml_parse). Nothing here may call
// a native that talks to the Extism host (that happens only at call time).
(function (native) {
  'use strict';
  const g = globalThis;

  function define(obj, name, value) {
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
  }

  // Lone surrogates cannot be encoded as UTF-8: replace them by U+FFFD,
  // like the WHATWG TextEncoder does.
  function wellFormed(s) {
    return s.isWellFormed() ? s : s.toWellFormed();
  }

  // ArrayBuffer stays as is; any ArrayBuffer view becomes a Uint8Array over
  // the same bytes (no copy). The natives accept ArrayBuffer and Uint8Array.
  function bytesOf(value, what) {
    if (value instanceof ArrayBuffer || value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    throw new TypeError(`${what}: expected a string, ArrayBuffer or ArrayBufferView`);
  }

  function stringOrBytes(value, what) {
    return typeof value === 'string' ? wellFormed(value) : bytesOf(value, what);
  }

  // ---- Host -------------------------------------------------------------
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const Host = {
    inputString() {
      return native.inputString();
    },
    inputBytes() {
      return native.inputBytes();
    },
    outputString(output) {
      native.output(wellFormed(String(output)));
      return true;
    },
    outputBytes(output) {
      native.output(bytesOf(output, 'Host.outputBytes'));
      return true;
    },
    getFunctions() {
      return {};
    },
    invokeFunc() {
      throw new Error('Host.invokeFunc: this engine provides no host functions');
    },
    invokeFunc0() {
      throw new Error('Host.invokeFunc0: this engine provides no host functions');
    },
    arrayBufferToBase64(input) {
      const b = new Uint8Array(input);
      let out = '';
      let i = 0;
      for (; i + 2 < b.length; i += 3) {
        const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
        out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
      }
      if (i < b.length) {
        const n = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8);
        out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + '=';
      }
      return out;
    },
    base64ToArrayBuffer(input) {
      const s = String(input).replace(/[\s=]/g, '').replace(/-/g, '+').replace(/_/g, '/');
      const out = new Uint8Array(Math.floor((s.length * 3) / 4));
      let bits = 0;
      let acc = 0;
      let j = 0;
      for (let i = 0; i < s.length; i++) {
        const v = B64.indexOf(s[i]);
        if (v < 0) throw new TypeError('Host.base64ToArrayBuffer: invalid base64');
        acc = (acc << 6) | v;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out[j++] = (acc >> bits) & 255;
        }
      }
      return out.buffer.slice(0, j);
    },
  };
  define(g, 'Host', Host);

  // ---- Config / Var -----------------------------------------------------
  define(g, 'Config', {
    get(key) {
      return native.configGet(wellFormed(String(key)));
    },
  });

  const decoderForVar = { decode: (b) => native.decode(b, false, true) };
  define(g, 'Var', {
    set(name, value) {
      const n = wellFormed(String(name));
      if (value === null || value === undefined) native.varSet(n, null);
      else native.varSet(n, stringOrBytes(value, 'Var.set'));
    },
    getBytes(name) {
      return native.varGet(wellFormed(String(name)));
    },
    getString(name) {
      const b = native.varGet(wellFormed(String(name)));
      return b === null ? null : decoderForVar.decode(b);
    },
  });

  // ---- Http -------------------------------------------------------------
  define(g, 'Http', {
    request(req, body) {
      if (req === null || typeof req !== 'object' || typeof req.url !== 'string') {
        throw new TypeError('Http.request: the request needs a string url');
      }
      const headers = {};
      if (req.headers) {
        for (const k of Object.keys(req.headers)) headers[k] = String(req.headers[k]);
      }
      const json = JSON.stringify({
        url: req.url,
        method: String(req.method || 'GET').toUpperCase(),
        headers,
      });
      const b = body === undefined || body === null ? null : stringOrBytes(body, 'Http.request body');
      return native.httpRequest(wellFormed(json), b);
    },
  });

  // ---- console ----------------------------------------------------------
  function show(v) {
    if (typeof v === 'string') return v;
    if (v instanceof Error) {
      const head = `${v.name}: ${v.message}`;
      return v.stack ? `${head}\n${v.stack}`.trimEnd() : head;
    }
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol' || typeof v === 'function') return String(v);
    if (typeof v === 'object' && v !== null) {
      try {
        const s = JSON.stringify(v);
        if (s !== undefined) return s;
      } catch (_) {
        /* fall through */
      }
    }
    return String(v);
  }
  function logger(level) {
    return function (...args) {
      native.log(level, wellFormed(args.map(show).join(' ')));
    };
  }
  // levels: 0 debug, 1 info, 2 warn, 3 error
  const con = {
    log: logger(1),
    info: logger(1),
    warn: logger(2),
    error: logger(3),
    debug: logger(0),
    trace: logger(0),
  };
  define(g, 'console', con);

  // ---- TextEncoder / TextDecoder (utf-8 only) ----------------------------
  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input = '') {
      return native.encode(wellFormed(String(input)));
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('TextEncoder.encodeInto: destination must be a Uint8Array');
      const s = wellFormed(String(source));
      let read = 0;
      let written = 0;
      for (const ch of s) {
        const cp = ch.codePointAt(0);
        const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + n > destination.length) break;
        if (n === 1) destination[written] = cp;
        else if (n === 2) {
          destination[written] = 0xc0 | (cp >> 6);
          destination[written + 1] = 0x80 | (cp & 63);
        } else if (n === 3) {
          destination[written] = 0xe0 | (cp >> 12);
          destination[written + 1] = 0x80 | ((cp >> 6) & 63);
          destination[written + 2] = 0x80 | (cp & 63);
        } else {
          destination[written] = 0xf0 | (cp >> 18);
          destination[written + 1] = 0x80 | ((cp >> 12) & 63);
          destination[written + 2] = 0x80 | ((cp >> 6) & 63);
          destination[written + 3] = 0x80 | (cp & 63);
        }
        written += n;
        read += ch.length;
      }
      return { read, written };
    }
  }

  const UTF8_LABELS = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];
  // How many bytes at the end of `b` form an incomplete (but so far valid)
  // UTF-8 sequence that a streaming decode must keep for the next chunk.
  function incompleteTail(b) {
    const n = b.length;
    for (let k = 1; k <= 3 && k <= n; k++) {
      const c = b[n - k];
      if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
      const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
      return need > k ? k : 0;
    }
    return 0;
  }
  class TextDecoder {
    #fatal;
    #ignoreBOM;
    #pending = null;
    #atStart = true;
    constructor(label = 'utf-8', options = {}) {
      const l = String(label).trim().toLowerCase();
      if (!UTF8_LABELS.includes(l)) throw new RangeError(`TextDecoder: unsupported encoding '${label}' (only utf-8)`);
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }
    get encoding() {
      return 'utf-8';
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input, options) {
      const stream = Boolean(options && options.stream);
      let bytes = input === undefined || input === null ? new Uint8Array(0) : bytesOf(input, 'TextDecoder.decode');
      if (this.#pending) {
        const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
        const joined = new Uint8Array(this.#pending.length + src.length);
        joined.set(this.#pending, 0);
        joined.set(src, this.#pending.length);
        bytes = joined;
        this.#pending = null;
      }
      if (stream) {
        const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
        const keep = incompleteTail(u8);
        if (keep) {
          this.#pending = u8.slice(u8.length - keep);
          bytes = u8.subarray(0, u8.length - keep);
        }
      }
      // The BOM is stripped only at the very start of a stream.
      const strip = !this.#ignoreBOM && this.#atStart;
      const out = native.decode(bytes, this.#fatal, !strip);
      if (!stream) this.#atStart = true;
      else if (bytes.byteLength > 0) this.#atStart = false;
      return out;
    }
  }
  define(g, 'TextEncoder', TextEncoder);
  define(g, 'TextDecoder', TextDecoder);

  // ---- native YAML reader (native_yaml.c) -------------------------------
  // __warden_yaml_parse(text) -> {value} | string: one YAML document read by
  // libyaml into plain JS values with the `yaml` package's semantics, or the
  // reason the caller must parse it with `yaml` instead (src/read/native-yaml.ts).
  define(g, '__warden_yaml_parse', native.yamlParse);
});
