package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero"
)

// maxMemoryPages is runtimeConfig.memory.maxPages of the extism/v1 flavour's
// plugin.yaml (/plugin.yaml at the repo root): 8192 pages of 64 KiB = 512 MiB.
// Keep the two in step so both flavours fail (or not) on the same inputs.
const maxMemoryPages = 8192

// The dependency versions this binary was built with; go.mod pins the ones
// Helm v4.3.1 embeds (extism go-sdk v1.7.1, wazero v1.12.0).
var extismVersion, wazeroVersion = depVersion("github.com/extism/go-sdk"), depVersion("github.com/tetratelabs/wazero")

// hostError marks failures of the host itself (as opposed to the plugin).
type hostError struct{ err error }

func (e *hostError) Error() string { return e.err.Error() }
func (e *hostError) Unwrap() error { return e.err }

type timing struct {
	CompileMs     float64 `json:"compileMs"`
	InstantiateMs float64 `json:"instantiateMs"`
	CallMs        float64 `json:"callMs"`
	TotalMs       float64 `json:"totalMs"`
	CacheHit      bool    `json:"cacheHit"`
}

func (t timing) write(w io.Writer) {
	line, _ := json.Marshal(t)
	fmt.Fprintf(w, "%s\n", line)
}

type callResult struct {
	output []byte
	timing timing
}

// callPlugin compiles, instantiates and calls helm_plugin_main the way Helm's
// ExtismV1PluginRuntime.Invoke does (internal/plugin/runtime_extismv1.go):
// WASI on with no env, no args, no stdin/stdout/stderr and no preopened
// directories, real wall clock, compiler engine closing on context done, no
// host functions, no timeout. Memory limits are those of our plugin.yaml; keys it
// leaves out are 0 for Helm, and so they are 0 here (Extism vars disabled). HTTP:
// only `hosts` (the --kube-proxy host, see live.go), bodies up to maxHTTPResponseBytes.
func callPlugin(wasmPath, cacheDir string, input []byte, hosts []string) (res callResult, err error) {
	ctx := withReservedMemory(context.Background())

	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return res, &hostError{fmt.Errorf("reading %s: %w", wasmPath, err)}
	}

	// Helm builds its runtime with WithCloseOnContextDone(true). That makes wazero check for
	// cancellation at every function entry and loop back-edge, which costs about 4x on the
	// QuickJS interpreter loop (1 MB pass-through: 4.4 s with it, 1.0 s without, measured
	// 2026-11-25). warden-exec has no timeout to honour (neither has Helm's subprocess
	// runtime), so it leaves the checks out; outputs are the same either way.
	// WithMemoryCapacityFromMax reserves the memory limit up front instead of copying linear
	// memory on every grow: pages never touched cost nothing, and a 10 MB stream peaks at
	// ~210 MiB RSS instead of ~470 MiB (measured 2026-11-25).
	rc := wazero.NewRuntimeConfigCompiler().WithMemoryCapacityFromMax(true)
	filesBefore := -1
	if cacheDir != "" {
		// Like Helm, but a cache that cannot be created is not fatal.
		if cc, cerr := wazero.NewCompilationCacheWithDir(cacheDir); cerr == nil {
			rc = rc.WithCompilationCache(cc)
			defer cc.Close(ctx)
			if timingEnabled() {
				filesBefore = countCacheFiles(cacheDir)
			}
		}
	}

	manifest := extism.Manifest{
		Wasm:         []extism.Wasm{extism.WasmData{Data: wasm, Name: wasmPath}},
		Memory:       &extism.ManifestMemory{MaxPages: maxMemoryPages, MaxHttpResponseBytes: maxHTTPResponseBytes},
		AllowedHosts: hosts,
		AllowedPaths: map[string]string{},
	}
	config := extism.PluginConfig{
		RuntimeConfig:             rc,
		EnableWasi:                true,
		EnableHttpResponseHeaders: true,
	}

	t0 := time.Now()
	compiled, err := extism.NewCompiledPlugin(ctx, manifest, config, nil)
	res.timing.CompileMs = msSince(t0)
	if err != nil {
		return res, fmt.Errorf("loading %s: %w", wasmPath, err)
	}
	defer compiled.Close(ctx)
	if filesBefore > 0 {
		res.timing.CacheHit = countCacheFiles(cacheDir) == filesBefore
	}

	t1 := time.Now()
	plugin, err := compiled.Instance(ctx, extism.PluginInstanceConfig{
		ModuleConfig: wazero.NewModuleConfig().WithSysWalltime(),
	})
	res.timing.InstantiateMs = msSince(t1)
	if err != nil {
		return res, fmt.Errorf("instantiating plugin: %w", err)
	}
	defer plugin.Close(ctx)
	// Helm routes PDK log calls to slog.Debug and never enables them; same here.
	plugin.SetLogger(func(extism.LogLevel, string) {})

	t2 := time.Now()
	rcode, output, err := plugin.CallWithContext(ctx, entryFunctionName, input)
	res.timing.CallMs = msSince(t2)
	if err != nil {
		return res, err
	}
	if rcode != 0 {
		// Helm treats this as a failure too (with a useless message).
		return res, fmt.Errorf("%s returned %d without an error message", entryFunctionName, rcode)
	}
	res.output = output
	return res, nil
}

// countCacheFiles counts finished entries in the compilation cache (wazero
// writes <name>.<random>.tmp and renames it when done).
func countCacheFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(d.Name(), ".tmp") {
			n++
		}
		return nil
	})
	return n
}

func depVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "unknown"
}
