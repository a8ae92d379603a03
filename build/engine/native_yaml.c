/*
 * warden engine: native YAML reading.
 *
 * yamlParse(text) reads ONE YAML document with libyaml's event parser and
 * builds the plain JS value directly through the QuickJS C API, with the
 * semantics the TypeScript core gets from the `yaml` package as it uses it:
 *   parseDocument(text, {uniqueKeys: true}).toJS({maxAliasCount: 1000})
 * i.e. YAML 1.2 core schema, mappings as plain objects with String() keys,
 * aliases resolved to the same JS value as their anchor.
 *
 * It returns {value} when the result is certain to equal what `yaml` gives,
 * and otherwise a string naming the reason, in which case the caller parses
 * the document with `yaml` (so errors and rare constructs keep `yaml`'s exact
 * behaviour and messages). Reasons (see src/read/native-yaml.ts):
 *   - anything libyaml rejects (its message and position are in the string);
 *   - text where YAML 1.1 (libyaml) and 1.2 (`yaml`) read differently: tabs
 *     outside block scalar content, NEL, LS, PS, a lone CR, a byte order
 *     mark; flow content indented less than 1.2 requires; `#` right after a
 *     token; `?` in flow collections; anchor names libyaml cuts short; block
 *     scalars with an indentation indicator or leading lines of spaces; an
 *     escaped line break before an empty line; `...` followed by content
 *     (each is explained where it is checked);
 *   - directives, tags, more than one document;
 *   - keys that are collections or aliases, two keys with the same
 *     String() form (duplicates: `yaml` reports them, or keeps the last);
 *   - aliases to unknown or enclosing anchors, or so many aliases that
 *     `yaml`'s alias-expansion limit could be reached (see alias_bound_ok);
 *   - nesting deeper than WARDEN_YAML_MAX_DEPTH (the `yaml` package then
 *     decides, and inside the engine ends in a clean "nested too deeply");
 *   - hex/octal integers beyond 2^53.
 * Nothing here recurses: libyaml's parser keeps its own heap stacks, and the
 * builder below keeps an explicit stack of open collections.
 */
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"
#include "yaml.h"

#ifndef WARDEN_YAML_MAX_DEPTH
#define WARDEN_YAML_MAX_DEPTH 256
#endif
#define MAX_ALIAS_EXPANSION 1000 /* the core's toJS({maxAliasCount: 1000}) */
#define MAX_ANCHORS 4096

/* ------------------------------------------------------------------ */
/* Core schema resolution of plain scalars (the `yaml` package's tests, */
/* in its order: null, bool, int (0o, decimal, 0x), float (nan/inf,     */
/* exponent, plain)).                                                   */

enum plain_kind { P_STR, P_NULL, P_TRUE, P_FALSE, P_NUM, P_UNSURE };

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static bool eq(const unsigned char *s, size_t n, const char *w) {
  size_t k = strlen(w);
  return n == k && memcmp(s, w, k) == 0;
}

/* [0-9]+ from *i; returns the count. */
static size_t digits(const unsigned char *s, size_t n, size_t *i) {
  size_t from = *i;
  while (*i < n && is_digit(s[*i])) (*i)++;
  return *i - from;
}

/* /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/ or
 * /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/ */
static bool is_float(const unsigned char *s, size_t n) {
  size_t i = 0;
  if (i < n && (s[i] == '-' || s[i] == '+')) i++;
  bool dot = false;
  if (i < n && s[i] == '.') {
    i++;
    dot = true;
    if (digits(s, n, &i) == 0) return false;
  } else {
    if (digits(s, n, &i) == 0) return false;
    if (i < n && s[i] == '.') {
      i++;
      dot = true;
      digits(s, n, &i);
    }
  }
  if (i == n) return dot;
  if (s[i] != 'e' && s[i] != 'E') return false;
  i++;
  if (i < n && (s[i] == '-' || s[i] == '+')) i++;
  if (digits(s, n, &i) == 0) return false;
  return i == n;
}

/* Value of [0-9a-fA-F]+ / [0-7]+ digits; false when beyond 2^53 (inexact). */
static bool radix_value(const unsigned char *s, size_t n, int radix, double *out) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    unsigned d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    v = v * (uint64_t)radix + d;
    if (v > (1ull << 53)) return false;
  }
  *out = (double)v;
  return true;
}

/* s is NUL-terminated (libyaml terminates every scalar). */
static enum plain_kind resolve_plain(const unsigned char *s, size_t n, double *num) {
  if (n == 0) return P_NULL;
  unsigned char c = s[0];
  /* Fast path: most plain scalars are words that no core tag matches. */
  if (!(is_digit(c) || c == '-' || c == '+' || c == '.' || c == '~' || c == 'n' || c == 'N' || c == 't' ||
        c == 'T' || c == 'f' || c == 'F'))
    return P_STR;
  if (eq(s, n, "~") || eq(s, n, "null") || eq(s, n, "Null") || eq(s, n, "NULL")) return P_NULL;
  if (eq(s, n, "true") || eq(s, n, "True") || eq(s, n, "TRUE")) return P_TRUE;
  if (eq(s, n, "false") || eq(s, n, "False") || eq(s, n, "FALSE")) return P_FALSE;
  /* 0o[0-7]+ */
  if (n > 2 && s[0] == '0' && s[1] == 'o') {
    size_t i = 2;
    while (i < n && s[i] >= '0' && s[i] <= '7') i++;
    if (i == n) return radix_value(s + 2, n - 2, 8, num) ? P_NUM : P_UNSURE;
  }
  /* [-+]?[0-9]+ : parseInt(str, 10), correctly rounded like strtod */
  {
    size_t i = (c == '-' || c == '+') ? 1 : 0;
    if (digits(s, n, &i) > 0 && i == n) {
      *num = strtod((const char *)s, NULL);
      return P_NUM;
    }
  }
  /* 0x[0-9a-fA-F]+ */
  if (n > 2 && s[0] == '0' && s[1] == 'x') {
    size_t i = 2;
    while (i < n && (is_digit(s[i]) || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f'))) i++;
    if (i == n) return radix_value(s + 2, n - 2, 16, num) ? P_NUM : P_UNSURE;
  }
  /* [-+]?\.(inf|Inf|INF) | \.nan | \.NaN | \.NAN */
  {
    size_t i = (c == '-' || c == '+') ? 1 : 0;
    const unsigned char *r = s + i;
    size_t m = n - i;
    if (eq(r, m, ".inf") || eq(r, m, ".Inf") || eq(r, m, ".INF")) {
      *num = c == '-' ? -__builtin_inf() : __builtin_inf();
      return P_NUM;
    }
    if (i == 0 && (eq(s, n, ".nan") || eq(s, n, ".NaN") || eq(s, n, ".NAN"))) {
      *num = __builtin_nan("");
      return P_NUM;
    }
  }
  if (is_float(s, n)) {
    *num = strtod((const char *)s, NULL); /* parseFloat: correctly rounded */
    return P_NUM;
  }
  return P_STR;
}

/* ------------------------------------------------------------------ */
/* Builder                                                             */

typedef struct {
  char *name;
  JSValue value; /* JS_UNINITIALIZED while the anchored collection is open */
  int depth;     /* alias nesting depth of the node (see alias_bound_ok) */
} anchor_t;

typedef struct {
  bool is_map;
  bool flow;         /* [..] / {..} */
  yaml_mark_t mark;  /* block collections: end mark of the start event (see block_column) */
  int alias_depth;   /* max alias nesting depth of the children */
  int anchor;        /* index in anchors, or -1 */
  JSValue obj;       /* the object (maps) */
  size_t base;       /* first item in the value stack (sequences) */
  JSAtom key;        /* pending key (maps), JS_ATOM_NULL if none */
  bool have_key;
} frame_t;

typedef struct {
  JSContext *ctx;
  const unsigned char *text; /* the UTF-8 input */
  size_t len;
  uint32_t *lines;           /* byte offset of each line start, built on first use */
  size_t nlines;
  int flow_depth;            /* open flow collections */
  size_t flow_line;          /* line of the outermost open flow collection's [ or { */
  size_t flow_from;          /* its byte offset */
  bool tabs;                 /* the text has tab characters */
  bool block_at_end;         /* a block scalar runs to the end of the text */
  size_t *tab_lines;         /* [first, last] content lines of each block scalar (when tabs) */
  size_t ntab_lines, cap_tab_lines;
  int flow_required;         /* its continuation indent (0: none) */
  frame_t *frames;
  size_t nframes, cap_frames;
  JSValue *items; /* sequence items, shared by all open sequences */
  size_t nitems, cap_items;
  anchor_t *anchors;
  size_t nanchors, cap_anchors;
  JSValue root;
  bool have_root;
  uint64_t aliases;  /* alias nodes seen */
  int max_alias_depth;
  char reason[256]; /* why the document goes to the `yaml` package */
  bool oom;         /* a QuickJS exception is pending */
} builder_t;

static bool fallback(builder_t *b, const char *fmt, const char *arg) {
  if (!b->reason[0]) snprintf(b->reason, sizeof b->reason, fmt, arg ? arg : "");
  return false;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return true;
  size_t n = *cap ? *cap * 2 : 16;
  while (n < need) n *= 2;
  void *q = realloc(*p, n * size);
  if (!q) return false;
  *p = q;
  *cap = n;
  return true;
}

static bool ascii(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] & 0x80) return false;
  return true;
}

/* JS value of a scalar event. Sets *unsure when `yaml` must decide. */
static JSValue scalar_value(builder_t *b, const yaml_event_t *ev, bool *unsure) {
  const unsigned char *s = ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
    double num = 0;
    switch (resolve_plain(s, n, &num)) {
      case P_NULL: return JS_NULL;
      case P_TRUE: return JS_TRUE;
      case P_FALSE: return JS_FALSE;
      case P_NUM: return JS_NewNumber(b->ctx, num);
      case P_UNSURE: *unsure = true; return JS_UNDEFINED;
      case P_STR: break;
    }
  }
  return JS_NewStringLen(b->ctx, (const char *)s, n);
}

/* Property key of a scalar, as String(value) (null gives ""). */
static JSAtom key_atom(builder_t *b, const yaml_event_t *ev, JSValueConst value) {
  JSContext *ctx = b->ctx;
  if (JS_IsNull(value)) return JS_NewAtomLen(ctx, "", 0);
  if (JS_IsString(value)) {
    const unsigned char *s = ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    /* JS_NewAtomLen looks existing atoms up by raw bytes: only safe for ASCII. */
    if (ascii(s, n)) return JS_NewAtomLen(ctx, (const char *)s, n);
  }
  return JS_ValueToAtom(ctx, value);
}

static int find_anchor(builder_t *b, const char *name) {
  for (size_t i = b->nanchors; i-- > 0;)
    if (strcmp(b->anchors[i].name, name) == 0) return (int)i;
  return -1;
}

static int add_anchor(builder_t *b, const char *name, JSValue value, int depth) {
  if (b->nanchors >= MAX_ANCHORS) return fallback(b, "more than %s anchors", "4096"), -1;
  if (!grow((void **)&b->anchors, &b->cap_anchors, b->nanchors + 1, sizeof(anchor_t))) return -2;
  char *copy = strdup(name);
  if (!copy) return -2;
  anchor_t *a = &b->anchors[b->nanchors];
  a->name = copy;
  a->value = value;
  a->depth = depth;
  return (int)b->nanchors++;
}

/* Hand a finished node to its parent (or make it the root). Takes `value`.
 * kind: 0 scalar, 1 collection, 2 alias. */
static bool emit(builder_t *b, JSValue value, int alias_depth, int kind, const yaml_event_t *ev) {
  JSContext *ctx = b->ctx;
  if (b->nframes == 0) {
    b->root = value;
    b->have_root = true;
    return true;
  }
  frame_t *f = &b->frames[b->nframes - 1];
  if (alias_depth > f->alias_depth) f->alias_depth = alias_depth;
  if (!f->is_map) {
    if (!grow((void **)&b->items, &b->cap_items, b->nitems + 1, sizeof(JSValue))) {
      JS_FreeValue(ctx, value);
      b->oom = true;
      JS_ThrowOutOfMemory(ctx);
      return false;
    }
    b->items[b->nitems++] = value;
    return true;
  }
  if (!f->have_key) {
    if (kind != 0) {
      JS_FreeValue(ctx, value);
      return fallback(b, kind == 1 ? "a mapping key is a collection" : "a mapping key is an alias", NULL);
    }
    JSAtom atom = key_atom(b, ev, value);
    JS_FreeValue(ctx, value);
    if (atom == JS_ATOM_NULL) {
      b->oom = true;
      return false;
    }
    int has = JS_GetOwnProperty(ctx, NULL, f->obj, atom);
    if (has != 0) {
      JS_FreeAtom(ctx, atom);
      if (has < 0) {
        b->oom = true;
        return false;
      }
      return fallback(b, "two mapping keys read as the same property name", NULL);
    }
    f->key = atom;
    f->have_key = true;
    return true;
  }
  int r = JS_DefinePropertyValue(ctx, f->obj, f->key, value, JS_PROP_C_W_E);
  JS_FreeAtom(ctx, f->key);
  f->key = JS_ATOM_NULL;
  f->have_key = false;
  if (r < 0) {
    b->oom = true;
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* Indentation of flow content inside block collections                */
/*
 * YAML 1.2 (and `yaml`) require every continuation line of a flow node (a
 * quoted scalar, a [..] or {..} collection) that stands in a block collection
 * to be indented more than that collection's entries; libyaml (1.1) does not
 * check. `yaml`'s lexer: a continuation line of a quoted scalar needs at least
 * `required` spaces unless it is blank; a line inside a flow collection too,
 * unless it is blank, a comment line, or the collection's closing ] or } at
 * one column less. At the root nothing is required. Documents that break the
 * rule go to `yaml`, which reports them.
 */

static bool build_lines(builder_t *b) {
  if (b->lines) return true;
  size_t n = 1;
  for (const unsigned char *p = b->text, *end = b->text + b->len; (p = memchr(p, '\n', end - p)); p++) n++;
  b->lines = malloc(n * sizeof(uint32_t));
  if (!b->lines) return false;
  size_t i = 0;
  b->lines[i++] = 0;
  for (size_t k = 0; k < b->len; k++)
    if (b->text[k] == '\n') b->lines[i++] = (uint32_t)(k + 1);
  b->nlines = n;
  return true;
}

/* Byte offset of a mark (libyaml counts characters; lines end at LF here). */
static size_t mark_offset(builder_t *b, yaml_mark_t m) {
  if (m.line >= b->nlines) return b->len;
  size_t p = b->lines[m.line];
  for (size_t c = 0; c < m.column && p < b->len; c++) {
    unsigned char ch = b->text[p];
    p += ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
  }
  return p < b->len ? p : b->len;
}

/* Column of the entries of block collection f: a mapping's start event ends
 * at its first key; a sequence's at its first '-' (block sequence) or just
 * after it (a sequence written at its key's indentation). */
static int block_column(builder_t *b, const frame_t *f) {
  if (f->is_map) return (int)f->mark.column;
  size_t at = mark_offset(b, f->mark);
  if (at < b->len && b->text[at] == '-') return (int)f->mark.column;
  return (int)f->mark.column - 1;
}

/* Indentation the continuation lines of flow content need here (0: none). */
static int required_indent(builder_t *b) {
  for (size_t i = b->nframes; i-- > 0;)
    if (!b->frames[i].flow) return block_column(b, &b->frames[i]) + 1;
  return 0;
}

/* Lines (from, to] of the text: see above. `close_col` >= 0: line `to` may
 * hold the closing bracket of a flow collection at that column. */
static bool check_lines(builder_t *b, size_t from, size_t to, int required, bool in_flow, long close_col) {
  if (required <= 0) return true;
  for (size_t l = from + 1; l <= to && l < b->nlines; l++) {
    size_t p = b->lines[l];
    int k = 0;
    while (p + k < b->len && b->text[p + k] == ' ') k++;
    if (k >= required) continue;
    unsigned char c = p + k < b->len ? b->text[p + k] : '\n';
    if (c == '\n' || (c == '\r' && p + k + 1 < b->len && b->text[p + k + 1] == '\n')) continue;
    if (in_flow && c == '#') continue;
    if (in_flow && l == to && (c == ']' || c == '}') && k == required - 1 && k == close_col) continue;
    return fallback(b, "a continuation line indented less than YAML 1.2 requires", NULL);
  }
  return true;
}

/* libyaml takes '#' as a comment even right after a token; YAML 1.2 and
 * `yaml` need white space before it. */
static bool hash_follows(builder_t *b, yaml_mark_t end) {
  size_t at = mark_offset(b, end);
  return at < b->len && b->text[at] == '#';
}

/* Inside flow collections: '#' right after [ { or , (libyaml: a comment, YAML
 * 1.2: an error), and any '?' (libyaml: always a key indicator there, YAML
 * 1.2: only before white space). */
static bool flow_text_problem(builder_t *b, size_t from, size_t to) {
  for (size_t i = from + 1; i < to && i < b->len; i++) {
    unsigned char c = b->text[i];
    if (c == '?') return true;
    if (c == '#' && (b->text[i - 1] == ',' || b->text[i - 1] == '[' || b->text[i - 1] == '{')) return true;
  }
  return false;
}

/*
 * A block scalar header with an indentation indicator (`|2`, `>-1`): `yaml`
 * drops trailing lines of spaces by the first line's indentation, libyaml by
 * the indicated one. Also `|#`: a comment without white space before it.
 */
static const char *block_header_problem(builder_t *b, const yaml_event_t *ev) {
  size_t p = mark_offset(b, ev->start_mark);
  if (ev->data.scalar.anchor) { /* &name then blanks: names are [A-Za-z0-9_-] for libyaml */
    while (p < b->len && b->text[p] != ' ' && b->text[p] != '\n') p++;
    while (p < b->len && b->text[p] == ' ') p++;
  }
  if (p >= b->len || (b->text[p] != '|' && b->text[p] != '>')) return "a block scalar header it could not find";
  for (p++; p < b->len; p++) {
    unsigned char c = b->text[p];
    if (c >= '0' && c <= '9') return "a block scalar with an indentation indicator";
    if (c != '+' && c != '-') break;
  }
  if (p < b->len && b->text[p] == '#') return "a comment not separated by white space";
  /* Leading lines of only spaces, more indented than the first line with
   * content: an error for `yaml` (libyaml takes the indentation from them). */
  const unsigned char *nl = memchr(b->text + p, '\n', b->len - p);
  size_t most = 0;
  for (p = nl ? (size_t)(nl - b->text) + 1 : b->len; p < b->len;) {
    size_t k = 0;
    while (p + k < b->len && b->text[p + k] == ' ') k++;
    unsigned char c = p + k < b->len ? b->text[p + k] : '\n';
    if (c != '\n' && c != '\r') return most > k ? "a block scalar with leading lines of spaces" : NULL;
    if (k > most) most = k;
    nl = memchr(b->text + p, '\n', b->len - p);
    p = nl ? (size_t)(nl - b->text) + 1 : b->len;
  }
  return most > 0 ? "a block scalar with only lines of spaces" : NULL;
}

/* `\` at the end of a line followed by an empty line, in a double-quoted
 * scalar: the spec (libyaml) keeps the empty line as "\n", `yaml` folds. */
static bool escaped_break_before_empty_line(builder_t *b, size_t from, size_t to) {
  for (size_t i = from; i < to && i + 1 < b->len; i++) {
    if (b->text[i] != '\\') continue;
    size_t j = i + 1;
    if (b->text[j] == '\r') j++;
    if (j >= b->len || b->text[j] != '\n') continue;
    for (j++; j < b->len && b->text[j] == ' '; j++) {}
    if (j < b->len && (b->text[j] == '\n' || b->text[j] == '\r')) return true;
  }
  return false;
}

/* An anchor (&name) or alias (*name) at `start`: libyaml ends the name at the
 * first character outside [A-Za-z0-9_-], YAML 1.2 only at white space or a
 * flow indicator (`&a:b` is the anchor "a:b" for `yaml`). */
static bool name_ends_cleanly(builder_t *b, yaml_mark_t start, const yaml_char_t *name) {
  size_t p = mark_offset(b, start) + 1 + strlen((const char *)name);
  if (p >= b->len) return true;
  unsigned char c = b->text[p];
  return c == ' ' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}';
}

/* Common checks of a node's start: properties, and the column of content that
 * opens a new line inside a block collection (libyaml does not check that
 * quoted and block scalars and flow collections are indented there). */
static bool node_start_ok(builder_t *b, const yaml_event_t *ev, const yaml_char_t *anchor, size_t content_col) {
  if (anchor && !name_ends_cleanly(b, ev->start_mark, anchor)) return fallback(b, "an anchor name libyaml reads differently", NULL);
  bool is_key = b->nframes > 0 && b->frames[b->nframes - 1].is_map && !b->frames[b->nframes - 1].have_key;
  if (b->flow_depth == 0 && !is_key && (long)content_col < required_indent(b))
    return fallback(b, "content indented less than YAML 1.2 requires", NULL);
  return true;
}

static bool open_collection(builder_t *b, bool is_map, bool flow, const yaml_event_t *ev, const yaml_char_t *anchor) {
  JSContext *ctx = b->ctx;
  if (anchor || flow) {
    if (!build_lines(b)) {
      b->oom = true;
      JS_ThrowOutOfMemory(ctx);
      return false;
    }
    if (!node_start_ok(b, ev, anchor, flow ? ev->end_mark.column - 1 : (size_t)INT32_MAX)) return false;
  }
  if (b->nframes >= WARDEN_YAML_MAX_DEPTH) {
    char n[16];
    snprintf(n, sizeof n, "%d", WARDEN_YAML_MAX_DEPTH);
    return fallback(b, "nested deeper than %s levels", n);
  }
  if (!grow((void **)&b->frames, &b->cap_frames, b->nframes + 1, sizeof(frame_t))) {
    b->oom = true;
    JS_ThrowOutOfMemory(ctx);
    return false;
  }
  frame_t *f = &b->frames[b->nframes];
  memset(f, 0, sizeof *f);
  f->is_map = is_map;
  f->flow = flow;
  f->mark = ev->end_mark;
  f->anchor = -1;
  f->key = JS_ATOM_NULL;
  f->obj = JS_UNDEFINED;
  f->base = b->nitems;
  if (is_map) {
    f->obj = JS_NewObject(ctx);
    if (JS_IsException(f->obj)) {
      b->oom = true;
      return false;
    }
  }
  b->nframes++;
  if (flow && b->flow_depth++ == 0) {
    if (!build_lines(b)) {
      b->oom = true;
      JS_ThrowOutOfMemory(ctx);
      return false;
    }
    b->flow_line = ev->end_mark.line; /* the [ or { itself (start_mark may be an anchor) */
    b->flow_from = mark_offset(b, ev->end_mark) - 1;
    b->nframes--; /* the collection's own frame does not count */
    b->flow_required = required_indent(b);
    b->nframes++;
  }
  if (anchor) {
    int a = add_anchor(b, (const char *)anchor, JS_UNINITIALIZED, 0);
    if (a == -2) {
      b->oom = true;
      JS_ThrowOutOfMemory(ctx);
    }
    if (a < 0) return false;
    b->frames[b->nframes - 1].anchor = a;
  }
  return true;
}

static bool close_collection(builder_t *b, const yaml_event_t *ev) {
  JSContext *ctx = b->ctx;
  frame_t f = b->frames[--b->nframes];
  bool bad = false;
  if (f.flow) {
    bool last = --b->flow_depth == 0;
    if (hash_follows(b, ev->end_mark) || (last && flow_text_problem(b, b->flow_from, mark_offset(b, ev->end_mark)))) {
      fallback(b, "a '#' or '?' that libyaml reads differently in a flow collection", NULL);
      bad = true;
    } else if (last && ev->start_mark.line > b->flow_line &&
               !check_lines(b, b->flow_line, ev->start_mark.line, b->flow_required, true, (long)ev->start_mark.column)) {
      bad = true;
    }
  }
  if (bad) {
    JS_FreeValue(ctx, f.obj);
    for (size_t i = f.base; i < b->nitems; i++) JS_FreeValue(ctx, b->items[i]);
    b->nitems = f.base;
    return false;
  }
  JSValue v;
  if (f.is_map) {
    v = f.obj;
  } else {
    size_t n = b->nitems - f.base;
    v = n ? JS_NewArrayFrom(ctx, (int)n, b->items + f.base) /* takes the items */ : JS_NewArray(ctx);
    b->nitems = f.base;
    if (JS_IsException(v)) {
      b->oom = true;
      return false;
    }
  }
  if (f.anchor >= 0) {
    b->anchors[f.anchor].value = JS_DupValue(ctx, v);
    b->anchors[f.anchor].depth = f.alias_depth;
  }
  return emit(b, v, f.alias_depth, 1, NULL);
}

/*
 * `yaml`'s toJS throws "Excessive alias count" when, at some alias of an
 * anchor X, count(X) * aliasCount(X) > maxAliasCount, where count(X) is the
 * number of aliases of X resolved so far and aliasCount(X) is getAliasCount(X):
 * 1 for a scalar, the max over the items of a collection, and for an alias of
 * Y inside X count(Y) * aliasCount(Y). With A aliases in the document every
 * count is <= A, so by induction getAliasCount(node) <= A^d(node) where d is
 * the alias nesting depth tracked here (0 for scalars, max over items, 1 +
 * d(Y) for an alias of Y). The document can only reach the limit if
 * A^(max over aliases of 1 + d(Y)) > limit; we hand such documents to `yaml`.
 */
static bool alias_bound_ok(builder_t *b) {
  if (b->aliases == 0) return true;
  double p = 1;
  for (int i = 0; i < b->max_alias_depth; i++) {
    p *= (double)b->aliases;
    if (p > MAX_ALIAS_EXPANSION) return false;
  }
  return true;
}

static bool on_event(builder_t *b, yaml_event_t *ev, int *docs) {
  JSContext *ctx = b->ctx;
  switch (ev->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_NO_EVENT:
      return true;
    case YAML_DOCUMENT_START_EVENT:
      if (++*docs > 1) return fallback(b, "more than one document", NULL);
      if (ev->data.document_start.version_directive ||
          ev->data.document_start.tag_directives.start != ev->data.document_start.tag_directives.end)
        return fallback(b, "a directive", NULL);
      return true;
    case YAML_SCALAR_EVENT: {
      if (ev->data.scalar.tag) return fallback(b, "a tag (%s)", (const char *)ev->data.scalar.tag);
      yaml_scalar_style_t style = ev->data.scalar.style;
      if (style == YAML_PLAIN_SCALAR_STYLE && b->flow_depth > 0 && ev->data.scalar.length == 1 &&
          memchr("-?:", ev->data.scalar.value[0], 3))
        return fallback(b, "an indicator character alone in a flow collection", NULL);
      if (style != YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.anchor) {
        if (!build_lines(b)) {
          b->oom = true;
          JS_ThrowOutOfMemory(ctx);
          return false;
        }
        /* the content's column: known without an anchor (start_mark is the anchor otherwise) */
        size_t col = style == YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.anchor ? INT32_MAX : ev->start_mark.column;
        if (!node_start_ok(b, ev, ev->data.scalar.anchor, col)) return false;
      }
      if (style != YAML_PLAIN_SCALAR_STYLE) {
        if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE) {
          const char *why = block_header_problem(b, ev);
          if (why) return fallback(b, "%s", why);
          if (mark_offset(b, ev->end_mark) >= b->len) b->block_at_end = true;
          /* Content lines: after the header line, before the line the scalar's end
           * mark is on (libyaml ends it on the next line). With an anchor the
           * header may not be on the start line: such a scalar allows no tabs. */
          if (b->tabs && !ev->data.scalar.anchor && ev->end_mark.line > ev->start_mark.line + 1) {
            if (!grow((void **)&b->tab_lines, &b->cap_tab_lines, b->ntab_lines + 2, sizeof(size_t))) {
              b->oom = true;
              JS_ThrowOutOfMemory(ctx);
              return false;
            }
            b->tab_lines[b->ntab_lines++] = ev->start_mark.line + 1;
            b->tab_lines[b->ntab_lines++] = ev->end_mark.line - 1;
          }
        } else {
          if (hash_follows(b, ev->end_mark)) return fallback(b, "a comment not separated by white space", NULL);
          if (ev->end_mark.line > ev->start_mark.line) {
            if (ev->data.scalar.anchor) return fallback(b, "a multi-line quoted scalar with an anchor", NULL);
            if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
                escaped_break_before_empty_line(b, mark_offset(b, ev->start_mark), mark_offset(b, ev->end_mark)))
              return fallback(b, "an escaped line break before an empty line in a double-quoted scalar", NULL);
            if (!check_lines(b, ev->start_mark.line, ev->end_mark.line, required_indent(b), false, -1)) return false;
          }
        }
      }
      bool unsure = false;
      JSValue v = scalar_value(b, ev, &unsure);
      if (unsure) return fallback(b, "an integer beyond 2^53 in hex or octal", NULL);
      if (JS_IsException(v)) {
        b->oom = true;
        return false;
      }
      if (ev->data.scalar.anchor) {
        JSValue copy = JS_DupValue(ctx, v);
        int a = add_anchor(b, (const char *)ev->data.scalar.anchor, copy, 0);
        if (a < 0) { /* the anchor table did not take the copy */
          JS_FreeValue(ctx, copy);
          JS_FreeValue(ctx, v);
          if (a == -2) {
            b->oom = true;
            JS_ThrowOutOfMemory(ctx);
          }
          return false;
        }
      }
      return emit(b, v, 0, 0, ev);
    }
    case YAML_ALIAS_EVENT: {
      if (!build_lines(b)) {
        b->oom = true;
        JS_ThrowOutOfMemory(ctx);
        return false;
      }
      if (!name_ends_cleanly(b, ev->start_mark, ev->data.alias.anchor))
        return fallback(b, "an alias name libyaml reads differently", NULL);
      int a = find_anchor(b, (const char *)ev->data.alias.anchor);
      if (a < 0) return fallback(b, "an alias of an unknown anchor (%s)", (const char *)ev->data.alias.anchor);
      if (JS_IsUninitialized(b->anchors[a].value))
        return fallback(b, "an alias inside its own anchor (%s)", (const char *)ev->data.alias.anchor);
      if (++b->aliases > MAX_ALIAS_EXPANSION) /* A^D > limit for any D >= 1: decided already */
        return fallback(b, "aliases that could reach the alias expansion limit", NULL);
      int d = b->anchors[a].depth + 1;
      if (d > b->max_alias_depth) b->max_alias_depth = d;
      return emit(b, JS_DupValue(ctx, b->anchors[a].value), d, 2, ev);
    }
    case YAML_SEQUENCE_START_EVENT:
      if (ev->data.sequence_start.tag) return fallback(b, "a tag (%s)", (const char *)ev->data.sequence_start.tag);
      return open_collection(b, false, ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE, ev,
                             ev->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
      if (ev->data.mapping_start.tag) return fallback(b, "a tag (%s)", (const char *)ev->data.mapping_start.tag);
      return open_collection(b, true, ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE, ev,
                             ev->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      return close_collection(b, ev);
  }
  return true;
}

static void builder_free(builder_t *b) {
  JSContext *ctx = b->ctx;
  for (size_t i = 0; i < b->nframes; i++) {
    JS_FreeValue(ctx, b->frames[i].obj);
    if (b->frames[i].key != JS_ATOM_NULL) JS_FreeAtom(ctx, b->frames[i].key);
  }
  for (size_t i = 0; i < b->nitems; i++) JS_FreeValue(ctx, b->items[i]);
  for (size_t i = 0; i < b->nanchors; i++) {
    JS_FreeValue(ctx, b->anchors[i].value);
    free(b->anchors[i].name);
  }
  free(b->frames);
  free(b->items);
  free(b->anchors);
  free(b->lines);
  free(b->tab_lines);
}

/*
 * Bytes where libyaml (YAML 1.1) and `yaml` (YAML 1.2) may read the same
 * text differently: tab (indentation and separation rules differ; noted in
 * *tabs and allowed only inside block scalar content, see tabs_ok), NEL, LS
 * and PS (line breaks in 1.1 only), a CR without LF (a line break for
 * libyaml, not for `yaml`), byte order marks.
 */
static const char *unsafe_char(const unsigned char *s, size_t n, bool *tabs) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c == '\t') *tabs = true; /* allowed in block scalar content only: see tabs_ok */
      if (c == '\r' && (i + 1 >= n || s[i + 1] != '\n')) return "a carriage return that is not part of CR LF";
      continue;
    }
    if (c == 0xc2 && i + 1 < n && s[i + 1] == 0x85) return "a NEL (U+0085) character";
    if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
      return "a U+2028/U+2029 line separator";
    if (c == 0xef && i + 2 < n && s[i + 1] == 0xbb && s[i + 2] == 0xbf) return "a byte order mark";
  }
  return NULL;
}

/*
 * A document end marker (`...`) followed by anything but blank and comment
 * lines, or a second one: libyaml skips it, `yaml` sees another document.
 */
static bool doc_end_problem(const unsigned char *s, size_t n) {
  for (size_t p = 0; p + 3 <= n;) {
    if (s[p] == '.' && s[p + 1] == '.' && s[p + 2] == '.' && (p + 3 == n || s[p + 3] == ' ' || s[p + 3] == '\n' || s[p + 3] == '\r')) {
      size_t q = p + 3;
      bool comment = false;
      for (; q < n; q++) {
        unsigned char c = s[q];
        if (c == '\n') comment = false;
        else if (c == '#' && (q == 0 || s[q - 1] == ' ' || s[q - 1] == '\n')) comment = true;
        else if (!comment && c != ' ' && c != '\r') return true;
      }
      return false;
    }
    const unsigned char *nl = memchr(s + p, '\n', n - p);
    if (!nl) break;
    p = (size_t)(nl - s) + 1;
  }
  return false;
}

/*
 * Tabs: YAML 1.1 (libyaml) and 1.2 (`yaml`) differ on tabs as indentation and
 * separation, but inside a block scalar's content both keep a tab after the
 * indentation as text (and both reject one inside the indentation). So a
 * document may have tabs only on content lines of block scalars.
 */
static bool tabs_ok(builder_t *b) {
  size_t line = 0, r = 0;
  for (size_t i = 0; i < b->len; i++) {
    unsigned char c = b->text[i];
    if (c == '\n') line++;
    else if (c == '\t') {
      while (r < b->ntab_lines && b->tab_lines[r + 1] < line) r += 2;
      if (r >= b->ntab_lines || line < b->tab_lines[r]) return false;
    }
  }
  return true;
}

/* yamlParse(text) -> {value} | reason (string): see the top of this file. */
JSValue warden_native_yaml_parse(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  (void)this_val;
  if (argc < 1 || !JS_IsString(argv[0])) return JS_ThrowTypeError(ctx, "yamlParse: expected a string");
  size_t len;
  const char *text = JS_ToCStringLen(ctx, &len, argv[0]);
  if (!text) return JS_EXCEPTION;
  if (len > UINT32_MAX - 2) {
    JS_FreeCString(ctx, text);
    return JS_NewString(ctx, "a text over 4 GiB");
  }

  bool tabs = false;
  const char *unsafe = unsafe_char((const unsigned char *)text, len, &tabs);
  if (unsafe) {
    JS_FreeCString(ctx, text);
    return JS_NewString(ctx, unsafe);
  }

  /*
   * `yaml` reads a last line without a line break as if it had one (a block
   * scalar that ends the text keeps its final "\n" under clip/keep), and drops
   * a last line of only spaces; libyaml follows the spec there. Give libyaml
   * the text with the spaces dropped and the line break added.
   */
  const unsigned char *in = (const unsigned char *)text;
  unsigned char *copy = NULL;
  size_t n = len;
  if (doc_end_problem(in, len)) {
    JS_FreeCString(ctx, text);
    return JS_NewString(ctx, "content or a second marker after a document end marker (...)");
  }
  while (n > 0 && in[n - 1] == ' ') n--;
  if (n > 0 && in[n - 1] != '\n') n = len; /* the spaces end a line with content: keep them */
  bool trimmed = n < len; /* see block_at_end */
  if (n > 0 && in[n - 1] != '\n') {
    copy = malloc(n + 2);
    if (!copy) {
      JS_FreeCString(ctx, text);
      return JS_ThrowOutOfMemory(ctx);
    }
    memcpy(copy, in, n);
    copy[n++] = '\n';
    copy[n] = 0;
    in = copy;
  }

  builder_t b;
  memset(&b, 0, sizeof b);
  b.ctx = ctx;
  b.root = JS_UNDEFINED;
  b.text = in;
  b.len = n;
  b.tabs = tabs;

  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    JS_FreeCString(ctx, text);
    return JS_ThrowOutOfMemory(ctx);
  }
  yaml_parser_set_input_string(&parser, in, n);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

  int docs = 0;
  bool ok = true;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      if (parser.error == YAML_MEMORY_ERROR) {
        b.oom = true;
        JS_ThrowOutOfMemory(ctx);
      } else {
        snprintf(b.reason, sizeof b.reason, "libyaml: %s%s%s at line %lu, column %lu",
                 parser.problem ? parser.problem : "error", parser.context ? " " : "",
                 parser.context ? parser.context : "", (unsigned long)parser.problem_mark.line + 1,
                 (unsigned long)parser.problem_mark.column + 1);
      }
      ok = false;
      break;
    }
    bool done = ev.type == YAML_STREAM_END_EVENT;
    ok = on_event(&b, &ev, &docs);
    yaml_event_delete(&ev);
    if (!ok || done) break;
  }
  yaml_parser_delete(&parser);
  /* A last line of only spaces (dropped above) after a block scalar that runs
   * to the end: `yaml` keeps it as content when it is more indented than the
   * scalar, else drops it. Leave that to `yaml`. */
  if (ok && trimmed && b.block_at_end) {
    ok = false;
    fallback(&b, "a last line of only spaces after a block scalar", NULL);
  }
  if (ok && b.tabs && !tabs_ok(&b)) {
    ok = false;
    fallback(&b, "a tab character outside block scalar content", NULL);
  }
  JS_FreeCString(ctx, text);
  free(copy);
  b.text = NULL;

  if (ok && !alias_bound_ok(&b)) {
    ok = false;
    fallback(&b, "aliases that could reach the alias expansion limit", NULL);
  }
  if (!ok) {
    if (b.have_root) JS_FreeValue(ctx, b.root);
    builder_free(&b);
    if (b.oom) return JS_EXCEPTION;
    return JS_NewString(ctx, b.reason[0] ? b.reason : "unknown");
  }
  builder_free(&b);
  JSValue out = JS_NewObject(ctx);
  if (JS_IsException(out)) {
    if (b.have_root) JS_FreeValue(ctx, b.root);
    return out;
  }
  /* no document at all (empty text, only comments): null, like `yaml` */
  JSValue v = b.have_root ? b.root : JS_NULL;
  if (JS_DefinePropertyValueStr(ctx, out, "value", v, JS_PROP_C_W_E) < 0) {
    JS_FreeValue(ctx, out);
    return JS_EXCEPTION;
  }
  return out;
}
