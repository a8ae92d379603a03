/*
 * warden engine glue: QuickJS-ng inside an Extism plugin module.
 *
 * Life cycle
 *   1. Build time, under Wizer: the export `wizer.initialize` runs the C
 *      constructors, creates the QuickJS runtime and context, installs the
 *      js-pdk globals (prelude.js), reads the CommonJS bundle from WASI stdin,
 *      evaluates it as `(function (module, exports) { ... })` and keeps
 *      `module.exports` alive. Wizer then snapshots linear memory + globals.
 *      Time is pinned while this runs so the snapshot is deterministic, and
 *      no Extism import is ever called (natives that need the host throw).
 *   2. Call time, under Extism: `helm_plugin_main` calls
 *      module.exports.helm_plugin_main(). JS pulls the input itself
 *      (Host.inputString()) and pushes the output (Host.outputString()).
 *      A JS exception becomes error_set(<message>) and return code 1; it never
 *      traps.
 *
 * Extism memory: the host owns blocks we hand to it (output, error, keys,
 * log messages, var values, http requests). We never free a block: some hosts
 * free keys/messages themselves, and the host resets its memory per call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "quickjs.h"
#include "prelude.gen.h" /* generated: static const unsigned char warden_prelude[]; warden_prelude_len */

#ifndef WARDEN_JS_STACK_SIZE
#define WARDEN_JS_STACK_SIZE (1024u * 1024u) /* set by build.mjs; C stack is 8 MiB (-z stack-size) */
#endif

/* ------------------------------------------------------------------ */
/* Extism kernel imports (module "extism:host/env"), as in the PDKs.   */

#define EXTISM_IMPORT(name) __attribute__((import_module("extism:host/env"), import_name(name)))
typedef uint64_t xptr; /* Extism memory offset */

EXTISM_IMPORT("input_length") extern uint64_t extism_input_length(void);
EXTISM_IMPORT("input_load_u8") extern uint32_t extism_input_load_u8(uint64_t);
EXTISM_IMPORT("input_load_u64") extern uint64_t extism_input_load_u64(uint64_t);
EXTISM_IMPORT("alloc") extern xptr extism_alloc(uint64_t);
EXTISM_IMPORT("free") extern void extism_free(xptr);
EXTISM_IMPORT("length") extern uint64_t extism_length(xptr);
EXTISM_IMPORT("load_u8") extern uint32_t extism_load_u8(xptr);
EXTISM_IMPORT("load_u64") extern uint64_t extism_load_u64(xptr);
EXTISM_IMPORT("store_u8") extern void extism_store_u8(xptr, uint32_t);
EXTISM_IMPORT("store_u64") extern void extism_store_u64(xptr, uint64_t);
EXTISM_IMPORT("output_set") extern void extism_output_set(xptr, uint64_t);
EXTISM_IMPORT("error_set") extern void extism_error_set(xptr);
EXTISM_IMPORT("config_get") extern xptr extism_config_get(xptr);
EXTISM_IMPORT("var_get") extern xptr extism_var_get(xptr);
EXTISM_IMPORT("var_set") extern void extism_var_set(xptr, xptr);
EXTISM_IMPORT("http_request") extern xptr extism_http_request(xptr, xptr);
EXTISM_IMPORT("http_status_code") extern int32_t extism_http_status_code(void);
EXTISM_IMPORT("log_info") extern void extism_log_info(xptr);
EXTISM_IMPORT("log_debug") extern void extism_log_debug(xptr);
EXTISM_IMPORT("log_warn") extern void extism_log_warn(xptr);
EXTISM_IMPORT("log_error") extern void extism_log_error(xptr);

/* Copy `len` bytes into a fresh host block. Returns its offset. */
static xptr host_store(const uint8_t *p, size_t len) {
  xptr off = extism_alloc(len);
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t v;
    memcpy(&v, p + i, 8);
    extism_store_u64(off + i, v);
  }
  for (; i < len; i++) extism_store_u8(off + i, p[i]);
  return off;
}

/* Copy a host block into `dst` (which holds at least `len` bytes). */
static void host_load(xptr off, uint8_t *dst, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t v = extism_load_u64(off + i);
    memcpy(dst + i, &v, 8);
  }
  for (; i < len; i++) dst[i] = (uint8_t)extism_load_u8(off + i);
}

/* Read the whole call input into a malloc'd buffer (NUL-terminated). */
static uint8_t *host_input(size_t *plen) {
  size_t len = (size_t)extism_input_length();
  uint8_t *buf = malloc(len + 1);
  if (!buf) return NULL;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t v = extism_input_load_u64(i);
    memcpy(buf + i, &v, 8);
  }
  for (; i < len; i++) buf[i] = (uint8_t)extism_input_load_u8(i);
  buf[len] = 0;
  *plen = len;
  return buf;
}

/* ------------------------------------------------------------------ */
/* Deterministic time during pre-initialisation.                      */
/* Linked with -Wl,--wrap=gettimeofday,--wrap=clock_gettime.          */

static bool g_in_init = false;
#define PINNED_EPOCH_SEC 0 /* 1970-01-01T00:00:00Z while the snapshot is made */

int __real_gettimeofday(struct timeval *restrict tv, void *restrict tz);
int __real_clock_gettime(clockid_t clk, struct timespec *ts);

int __wrap_gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  if (g_in_init) {
    tv->tv_sec = PINNED_EPOCH_SEC;
    tv->tv_usec = 0;
    return 0;
  }
  return __real_gettimeofday(tv, tz);
}

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts) {
  if (g_in_init) {
    ts->tv_sec = PINNED_EPOCH_SEC;
    ts->tv_nsec = 0;
    return 0;
  }
  return __real_clock_gettime(clk, ts);
}

/* ------------------------------------------------------------------ */
/* Engine state (lives in the snapshot).                              */

static JSRuntime *g_rt;
static JSContext *g_ctx;
static JSValue g_exports; /* module.exports of the bundle */

static JSValue throw_in_init(JSContext *ctx, const char *what) {
  return JS_ThrowTypeError(ctx, "%s is not available while the bundle is pre-initialised (top-level code); call it from the entry function", what);
}

/* Bytes of an ArrayBuffer or Uint8Array (pointer into the JS heap). */
static int get_bytes(JSContext *ctx, JSValueConst v, uint8_t **p, size_t *len) {
  static uint8_t empty;
  size_t n = 0;
  uint8_t *b;
  if (JS_IsArrayBuffer(v)) b = JS_GetArrayBuffer(ctx, &n, v);
  else if (JS_GetTypedArrayType(v) == JS_TYPED_ARRAY_UINT8) b = JS_GetUint8Array(ctx, &n, v);
  else {
    JS_ThrowTypeError(ctx, "expected an ArrayBuffer or Uint8Array");
    return -1;
  }
  if (!b) {
    if (JS_HasException(ctx)) return -1; /* detached / out of bounds */
    b = &empty;
    n = 0;
  }
  *p = b;
  *len = n;
  return 0;
}

/* Store a JS string (UTF-8) or bytes in a fresh host block. */
static int store_value(JSContext *ctx, JSValueConst v, xptr *off, size_t *plen) {
  if (JS_IsString(v)) {
    size_t len;
    const char *s = JS_ToCStringLen(ctx, &len, v);
    if (!s) return -1;
    *off = host_store((const uint8_t *)s, len);
    if (plen) *plen = len;
    JS_FreeCString(ctx, s);
    return 0;
  }
  uint8_t *p;
  size_t len;
  if (get_bytes(ctx, v, &p, &len)) return -1;
  *off = host_store(p, len);
  if (plen) *plen = len;
  return 0;
}

/* Backing-store manager for ArrayBuffers that adopt a malloc'd buffer. */
static void *realloc_buf(JSRuntime *rt, void *opaque, void *ptr, size_t size) {
  (void)rt;
  (void)opaque;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

/* A host block as a new ArrayBuffer (one copy, owned by the ArrayBuffer). */
static JSValue block_to_arraybuffer(JSContext *ctx, xptr off) {
  size_t len = (size_t)extism_length(off);
  uint8_t *buf = malloc(len ? len : 1);
  if (!buf) return JS_ThrowOutOfMemory(ctx);
  host_load(off, buf, len);
  return JS_NewArrayBuffer(ctx, buf, len, 0, realloc_buf, NULL, false);
}

/* A host block decoded as UTF-8. */
static JSValue block_to_string(JSContext *ctx, xptr off) {
  size_t len = (size_t)extism_length(off);
  uint8_t *buf = malloc(len + 1);
  if (!buf) return JS_ThrowOutOfMemory(ctx);
  host_load(off, buf, len);
  JSValue s = JS_NewStringLen(ctx, (const char *)buf, len);
  free(buf);
  return s;
}

/* ------------------------------------------------------------------ */
/* Natives handed to prelude.js                                        */

static JSValue n_input_string(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Host.inputString");
  size_t len;
  uint8_t *buf = host_input(&len);
  if (!buf) return JS_ThrowOutOfMemory(ctx);
  JSValue s = JS_NewStringLen(ctx, (const char *)buf, len);
  free(buf);
  return s;
}

static JSValue n_input_bytes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Host.inputBytes");
  size_t len;
  uint8_t *buf = host_input(&len);
  if (!buf) return JS_ThrowOutOfMemory(ctx);
  return JS_NewArrayBuffer(ctx, buf, len, 0, realloc_buf, NULL, false);
}

static JSValue n_output(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Host.outputString/outputBytes");
  xptr off;
  size_t len;
  if (store_value(ctx, argv[0], &off, &len)) return JS_EXCEPTION;
  extism_output_set(off, len);
  return JS_UNDEFINED;
}

static JSValue n_config_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Config.get");
  xptr key;
  if (store_value(ctx, argv[0], &key, NULL)) return JS_EXCEPTION;
  xptr val = extism_config_get(key);
  if (val == 0) return JS_NULL;
  return block_to_string(ctx, val);
}

static JSValue n_var_get(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Var.get");
  xptr key;
  if (store_value(ctx, argv[0], &key, NULL)) return JS_EXCEPTION;
  xptr val = extism_var_get(key);
  if (val == 0) return JS_NULL;
  return block_to_arraybuffer(ctx, val);
}

static JSValue n_var_set(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Var.set");
  xptr key, val = 0;
  if (store_value(ctx, argv[0], &key, NULL)) return JS_EXCEPTION;
  if (!JS_IsNull(argv[1]) && !JS_IsUndefined(argv[1])) {
    if (store_value(ctx, argv[1], &val, NULL)) return JS_EXCEPTION;
  }
  extism_var_set(key, val);
  return JS_UNDEFINED;
}

/* httpRequest(requestJson, body|null) -> {status, body} */
static JSValue n_http_request(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  if (g_in_init) return throw_in_init(ctx, "Http.request");
  xptr req, body = 0;
  if (store_value(ctx, argv[0], &req, NULL)) return JS_EXCEPTION;
  if (!JS_IsNull(argv[1]) && !JS_IsUndefined(argv[1])) {
    if (store_value(ctx, argv[1], &body, NULL)) return JS_EXCEPTION;
  }
  xptr res = extism_http_request(req, body);
  int32_t status = extism_http_status_code();
  JSValue text = res == 0 ? JS_NewStringLen(ctx, "", 0) : block_to_string(ctx, res);
  if (JS_IsException(text)) return text;
  JSValue obj = JS_NewObject(ctx);
  JS_SetPropertyStr(ctx, obj, "status", JS_NewInt32(ctx, status));
  JS_SetPropertyStr(ctx, obj, "body", text);
  return obj;
}

/* log(level, message): 0 debug, 1 info, 2 warn, 3 error */
static JSValue n_log(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  int32_t level = 1;
  JS_ToInt32(ctx, &level, argv[0]);
  size_t len;
  const char *s = JS_ToCStringLen(ctx, &len, argv[1]);
  if (!s) return JS_EXCEPTION;
  if (g_in_init) {
    /* Pre-initialisation: Wizer forwards stderr to the build log. */
    fwrite(s, 1, len, stderr);
    fputc('\n', stderr);
    fflush(stderr);
  } else {
    xptr off = host_store((const uint8_t *)s, len);
    switch (level) {
      case 0: extism_log_debug(off); break;
      case 2: extism_log_warn(off); break;
      case 3: extism_log_error(off); break;
      default: extism_log_info(off); break;
    }
  }
  JS_FreeCString(ctx, s);
  return JS_UNDEFINED;
}

/* encode(string) -> Uint8Array (UTF-8; the prelude made it well-formed) */
static JSValue n_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  size_t len;
  const char *s = JS_ToCStringLen(ctx, &len, argv[0]);
  if (!s) return JS_EXCEPTION;
  JSValue u8 = JS_NewUint8ArrayCopy(ctx, (const uint8_t *)s, len);
  JS_FreeCString(ctx, s);
  return u8;
}

/* Strict UTF-8 validation (no overlongs, no surrogates, <= U+10FFFF). */
static bool utf8_valid(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= n) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k <= need; k++)
      if ((p[i + k] & 0xc0) != 0x80) return false;
    i += need + 1;
  }
  return true;
}

/* decode(bytes, fatal, keepBOM) -> string */
static JSValue n_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
  uint8_t *p;
  size_t len;
  if (get_bytes(ctx, argv[0], &p, &len)) return JS_EXCEPTION;
  bool fatal = JS_ToBool(ctx, argv[1]);
  bool keep_bom = JS_ToBool(ctx, argv[2]);
  if (!keep_bom && len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
    p += 3;
    len -= 3;
  }
  if (fatal && !utf8_valid(p, len)) return JS_ThrowTypeError(ctx, "The encoded data was not valid utf-8");
  return JS_NewStringLen(ctx, (const char *)p, len);
}

/* native_yaml.c: yamlParse(text) -> {value} | reason */
JSValue warden_native_yaml_parse(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv);

static const JSCFunctionListEntry native_funcs[] = {
    JS_CFUNC_DEF("inputString", 0, n_input_string),
    JS_CFUNC_DEF("inputBytes", 0, n_input_bytes),
    JS_CFUNC_DEF("output", 1, n_output),
    JS_CFUNC_DEF("configGet", 1, n_config_get),
    JS_CFUNC_DEF("varGet", 1, n_var_get),
    JS_CFUNC_DEF("varSet", 2, n_var_set),
    JS_CFUNC_DEF("httpRequest", 2, n_http_request),
    JS_CFUNC_DEF("log", 2, n_log),
    JS_CFUNC_DEF("encode", 1, n_encode),
    JS_CFUNC_DEF("decode", 3, n_decode),
    JS_CFUNC_DEF("yamlParse", 1, warden_native_yaml_parse),
};

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* UTF-8 text for a thrown value: Error.message if it is an Error with a
 * non-empty message, else String(value); never empty, never throws. */
static char *exception_text(JSContext *ctx, JSValueConst exc, size_t *plen) {
  static const char fallback[] = "uncaught exception (could not convert it to a string)";
  const char *s = NULL;
  size_t len = 0;
  if (JS_IsError(exc)) {
    JSValue msg = JS_GetPropertyStr(ctx, exc, "message");
    if (JS_IsException(msg)) {
      JS_FreeValue(ctx, JS_GetException(ctx));
    } else {
      if (!JS_IsUndefined(msg)) s = JS_ToCStringLen(ctx, &len, msg);
      if (!s) JS_FreeValue(ctx, JS_GetException(ctx));
      JS_FreeValue(ctx, msg);
    }
    if (s && len == 0) {
      JS_FreeCString(ctx, s);
      s = NULL;
    }
  }
  if (!s) {
    s = JS_ToCStringLen(ctx, &len, exc);
    if (!s) JS_FreeValue(ctx, JS_GetException(ctx));
  }
  char *out;
  if (s && len > 0) {
    out = malloc(len + 1);
    if (out) {
      memcpy(out, s, len);
      out[len] = 0;
    }
  } else {
    len = sizeof(fallback) - 1;
    out = malloc(len + 1);
    if (out) memcpy(out, fallback, len + 1);
  }
  if (s) JS_FreeCString(ctx, s);
  *plen = out ? len : 0;
  return out;
}

/* ------------------------------------------------------------------ */
/* Pre-initialisation (Wizer)                                          */

extern void __wasm_call_ctors(void);

static void init_fail(const char *what) {
  fprintf(stderr, "warden engine: %s\n", what);
  if (g_ctx) {
    JSValue exc = JS_GetException(g_ctx);
    size_t len;
    char *text = exception_text(g_ctx, exc, &len);
    if (text) fprintf(stderr, "%s\n", text);
    free(text);
    if (JS_IsError(exc)) {
      JSValue st = JS_GetPropertyStr(g_ctx, exc, "stack");
      const char *s = JS_ToCString(g_ctx, st);
      if (s) fprintf(stderr, "%s\n", s);
      JS_FreeCString(g_ctx, s);
      JS_FreeValue(g_ctx, st);
    }
    JS_FreeValue(g_ctx, exc);
  }
  fflush(stderr);
  __builtin_trap();
}

static uint8_t *read_all_stdin(size_t *plen) {
  size_t cap = 1 << 20, len = 0;
  uint8_t *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (len + 1 >= cap) {
      cap *= 2;
      uint8_t *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return NULL;
      }
      buf = nb;
    }
    ssize_t n = read(0, buf + len, cap - len - 1);
    if (n < 0) {
      free(buf);
      return NULL;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  buf[len] = 0;
  *plen = len;
  return buf;
}

static void drain_jobs(void) {
  JSContext *c;
  for (;;) {
    int r = JS_ExecutePendingJob(g_rt, &c);
    if (r <= 0) {
      if (r < 0) JS_FreeValue(c, JS_GetException(c)); /* unhandled rejection inside a job */
      if (r == 0) break;
    }
  }
}

static const char bundle_prefix[] = "(function (module, exports) {";
static const char bundle_suffix[] = "\n})";

__attribute__((export_name("wizer.initialize"))) void warden_wizer_initialize(void) {
  __wasm_call_ctors();
  g_in_init = true;

  g_rt = JS_NewRuntime();
  if (!g_rt) init_fail("JS_NewRuntime failed");
  JS_SetMaxStackSize(g_rt, WARDEN_JS_STACK_SIZE);
  JS_UpdateStackTop(g_rt);
  g_ctx = JS_NewContext(g_rt);
  if (!g_ctx) init_fail("JS_NewContext failed");

  /* 1. prelude: installs Host/Config/Var/Http/console/TextEncoder/TextDecoder */
  JSValue pre = JS_Eval(g_ctx, (const char *)warden_prelude, warden_prelude_len, "warden-prelude.js", JS_EVAL_TYPE_GLOBAL);
  if (JS_IsException(pre)) init_fail("prelude failed to evaluate");
  JSValue native = JS_NewObject(g_ctx);
  JS_SetPropertyFunctionList(g_ctx, native, native_funcs, sizeof(native_funcs) / sizeof(native_funcs[0]));
  JSValue r = JS_Call(g_ctx, pre, JS_UNDEFINED, 1, (JSValueConst *)&native);
  if (JS_IsException(r)) init_fail("prelude failed");
  JS_FreeValue(g_ctx, r);
  JS_FreeValue(g_ctx, native);
  JS_FreeValue(g_ctx, pre);

  /* 2. the CommonJS bundle, from stdin */
  size_t blen;
  uint8_t *bundle = read_all_stdin(&blen);
  if (!bundle) init_fail("could not read the bundle from stdin");
  if (blen == 0) init_fail("the bundle on stdin is empty");
  size_t plen = sizeof(bundle_prefix) - 1, slen = sizeof(bundle_suffix) - 1;
  char *src = malloc(plen + blen + slen + 1);
  if (!src) init_fail("out of memory");
  memcpy(src, bundle_prefix, plen);
  memcpy(src + plen, bundle, blen);
  memcpy(src + plen + blen, bundle_suffix, slen);
  src[plen + blen + slen] = 0;
  free(bundle);
  JSValue fn = JS_Eval(g_ctx, src, plen + blen + slen, "bundle.js", JS_EVAL_TYPE_GLOBAL);
  free(src);
  if (JS_IsException(fn)) init_fail("the bundle failed to parse");

  JSValue module = JS_NewObject(g_ctx);
  JSValue exports = JS_NewObject(g_ctx);
  JS_SetPropertyStr(g_ctx, module, "exports", JS_DupValue(g_ctx, exports));
  JSValueConst args[2] = {module, exports};
  r = JS_Call(g_ctx, fn, JS_UNDEFINED, 2, args);
  if (JS_IsException(r)) init_fail("the bundle threw during pre-initialisation");
  JS_FreeValue(g_ctx, r);
  JS_FreeValue(g_ctx, fn);
  JS_FreeValue(g_ctx, exports);
  drain_jobs();

  g_exports = JS_GetPropertyStr(g_ctx, module, "exports");
  JS_FreeValue(g_ctx, module);
  if (!JS_IsObject(g_exports)) init_fail("module.exports is not an object");

  JS_RunGC(g_rt);
  g_in_init = false;
}

/* ------------------------------------------------------------------ */
/* Call time                                                           */

static int32_t fail_with_exception(void) {
  JSValue exc = JS_GetException(g_ctx);
  size_t len;
  char *text = exception_text(g_ctx, exc, &len);
  JS_FreeValue(g_ctx, exc);
  if (text) {
    extism_error_set(host_store((const uint8_t *)text, len));
    free(text);
  } else {
    static const char oom[] = "out of memory while reporting an exception";
    extism_error_set(host_store((const uint8_t *)oom, sizeof(oom) - 1));
  }
  return 1;
}

static int32_t fail_with_text(const char *text) {
  extism_error_set(host_store((const uint8_t *)text, strlen(text)));
  return 1;
}

static int32_t call_export(const char *name) {
  if (!g_ctx || !JS_IsObject(g_exports)) return fail_with_text("warden engine: not pre-initialised (run it through wizer)");
  JS_UpdateStackTop(g_rt);
  JSValue fn = JS_GetPropertyStr(g_ctx, g_exports, name);
  if (JS_IsException(fn)) return fail_with_exception();
  if (!JS_IsFunction(g_ctx, fn)) {
    JS_FreeValue(g_ctx, fn);
    char msg[200];
    snprintf(msg, sizeof msg, "warden engine: module.exports.%s is not a function", name);
    return fail_with_text(msg);
  }
  JSValue ret = JS_Call(g_ctx, fn, g_exports, 0, NULL);
  JS_FreeValue(g_ctx, fn);
  if (JS_IsException(ret)) return fail_with_exception();
  drain_jobs();

  int32_t rc = 0;
  if (JS_IsPromise(ret)) {
    switch (JS_PromiseState(g_ctx, ret)) {
      case JS_PROMISE_REJECTED: {
        JSValue reason = JS_PromiseResult(g_ctx, ret);
        JS_FreeValue(g_ctx, ret);
        JS_Throw(g_ctx, reason);
        return fail_with_exception();
      }
      case JS_PROMISE_PENDING:
        JS_FreeValue(g_ctx, ret);
        return fail_with_text("warden engine: the entry function returned a promise that never settled");
      default: {
        JSValue v = JS_PromiseResult(g_ctx, ret);
        JS_FreeValue(g_ctx, ret);
        ret = v;
      }
    }
  }
  if (JS_IsNumber(ret)) JS_ToInt32(g_ctx, &rc, ret);
  JS_FreeValue(g_ctx, ret);
  return rc;
}

__attribute__((export_name("helm_plugin_main"))) int32_t helm_plugin_main(void) {
  return call_export("helm_plugin_main");
}

/* The kyverno-test runner on files the host read for it: lets the tests prove that the engine
   inside plugin.wasm gives the verdicts the same engine gives in Node, test file by test file. */
__attribute__((export_name("warden_kyverno_test"))) int32_t warden_kyverno_test(void) {
  return call_export("warden_kyverno_test");
}
