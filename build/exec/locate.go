package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

const wasmFileName = "plugin.wasm"

// locateWasm finds plugin.wasm: $WARDEN_WASM, else next to the executable,
// else in the executable's parent directory (the package layout is
// <plugin dir>/bin/warden-exec-<os>-<arch> beside <plugin dir>/plugin.wasm),
// else $HELM_PLUGIN_DIR/plugin.wasm.
func locateWasm() (string, error) {
	if p := os.Getenv("WARDEN_WASM"); p != "" {
		if isFile(p) {
			return p, nil
		}
		return "", fmt.Errorf("WARDEN_WASM=%s: no such file", p)
	}

	var tried []string
	if exe, err := os.Executable(); err == nil {
		// Resolve symlinks so a link to the binary (e.g. in ~/bin) still finds
		// the plugin directory it lives in.
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		dir := filepath.Dir(exe)
		tried = append(tried, filepath.Join(dir, wasmFileName), filepath.Join(filepath.Dir(dir), wasmFileName))
	}
	if d := os.Getenv("HELM_PLUGIN_DIR"); d != "" {
		tried = append(tried, filepath.Join(d, wasmFileName))
	}
	for _, p := range tried {
		if isFile(p) {
			return p, nil
		}
	}
	if len(tried) == 0 {
		return "", errors.New("plugin.wasm not found: set WARDEN_WASM")
	}
	return "", fmt.Errorf("plugin.wasm not found (looked at %s); set WARDEN_WASM or reinstall the warden-exec plugin", strings.Join(tried, ", "))
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// helmCacheHome mirrors helm.sh/helm/v4/pkg/helmpath: $HELM_CACHE_HOME, else
// $XDG_CACHE_HOME/helm, else the OS default (~/.cache/helm on Linux and other
// Unix, ~/Library/Caches/helm on macOS, %TEMP%\helm on Windows — Helm uses
// TEMP there, not LOCALAPPDATA). Empty if nothing can be determined.
func helmCacheHome() string {
	if d := os.Getenv("HELM_CACHE_HOME"); d != "" {
		return filepath.Clean(d)
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		base = osCacheBase()
	}
	if base == "" {
		return ""
	}
	return filepath.Join(base, "helm")
}

func osCacheBase() string {
	switch runtime.GOOS {
	case "windows":
		return os.Getenv("TEMP")
	case "darwin":
		if h := homeDir(); h != "" {
			return filepath.Join(h, "Library", "Caches")
		}
	default:
		if h := homeDir(); h != "" {
			return filepath.Join(h, ".cache")
		}
	}
	return ""
}

// homeDir follows k8s.io/client-go/util/homedir as Helm uses it: $HOME on
// Unix. (On Windows Helm's cache default does not involve the home dir.)
func homeDir() string {
	return os.Getenv("HOME")
}

// compilationCacheDir is $WARDEN_CACHE_DIR, else <helm cache home>/wazero-build
// (the directory Helm itself uses for extism/v1 plugins, so both flavours share
// compiled code). Empty means no cache.
func compilationCacheDir(cacheHome string) string {
	if d := os.Getenv("WARDEN_CACHE_DIR"); d != "" {
		return d
	}
	if cacheHome == "" {
		return ""
	}
	return filepath.Join(cacheHome, "wazero-build")
}
