// gocheck loads a warden plugin.wasm the way Helm v4.3.1 does (extism go-sdk
// v1.7.1 on wazero v1.12.0: compiler, compilation cache, WASI, wall clock)
// and calls its entry function once or more, printing output, error and
// timings. It is a manual check tool, not part of the plugin.
//
//	go run . -wasm plugin.wasm -input '{"manifests":"","extraArgs":[]}'
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"
)

type kv map[string]string

func (m kv) String() string { return fmt.Sprint(map[string]string(m)) }
func (m kv) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want key=value, got %q", s)
	}
	m[k] = v
	return nil
}

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	wasm := flag.String("wasm", "plugin.wasm", "module to load")
	entry := flag.String("entry", "helm_plugin_main", "function to call")
	input := flag.String("input", `{"manifests":"","extraArgs":[]}`, "input text, or @file to read it from a file")
	cacheDir := flag.String("cache", "", "wazero compilation cache dir (like HELM_CACHE_HOME/wazero-build); empty = in-memory")
	calls := flag.Int("n", 1, "number of calls (each on a fresh plugin instance, as Helm does)")
	maxVar := flag.Int64("max-var-bytes", 0, "memory.maxVarBytes (Helm default 0 = vars disabled)")
	maxHTTP := flag.Int64("max-http-bytes", 0, "memory.maxHttpResponseBytes (Helm default 0)")
	quiet := flag.Bool("q", false, "do not print the output")
	closeOnDone := flag.Bool("close-on-done", true, "wazero WithCloseOnContextDone (Helm sets it)")
	config := kv{}
	flag.Var(config, "config", "config key=value (repeatable)")
	var hosts list
	flag.Var(&hosts, "allow-host", "allowed HTTP host (repeatable)")
	flag.Parse()

	data := []byte(*input)
	if strings.HasPrefix(*input, "@") {
		b, err := os.ReadFile((*input)[1:])
		if err != nil {
			fail(err)
		}
		data = b
	}

	ctx := context.Background()
	var cache wazero.CompilationCache
	if *cacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(*cacheDir)
		if err != nil {
			fail(err)
		}
		cache = c
	} else {
		cache = wazero.NewCompilationCache()
	}
	if hosts == nil {
		hosts = list{}
	}

	for i := 0; i < *calls; i++ {
		t0 := time.Now()
		manifest := extism.Manifest{
			Wasm:         []extism.Wasm{extism.WasmFile{Path: *wasm, Name: *wasm}},
			Memory:       &extism.ManifestMemory{MaxVarBytes: *maxVar, MaxHttpResponseBytes: *maxHTTP},
			Config:       config,
			AllowedHosts: hosts,
			AllowedPaths: map[string]string{},
		}
		pc := extism.PluginConfig{
			ModuleConfig: wazero.NewModuleConfig().WithSysWalltime(),
			RuntimeConfig: wazero.NewRuntimeConfigCompiler().
				WithCloseOnContextDone(*closeOnDone).
				WithCompilationCache(cache),
			EnableWasi:                true,
			EnableHttpResponseHeaders: true,
		}
		p, err := extism.NewPlugin(ctx, manifest, pc, nil)
		if err != nil {
			fail(fmt.Errorf("load: %w", err))
		}
		t1 := time.Now()
		rc, out, err := p.Call(*entry, data)
		t2 := time.Now()
		fmt.Fprintf(os.Stderr, "call %d: load+compile %v, call %v, rc=%d, output %d bytes\n", i+1, t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), rc, len(out))
		if err != nil {
			fmt.Printf("ERROR: %v\n", err)
		} else if !*quiet {
			fmt.Printf("%s\n", out)
		}
		p.Close(ctx)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
