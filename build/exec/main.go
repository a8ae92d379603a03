// Command warden-exec runs warden's plugin.wasm as a Helm post-renderer
// subprocess.
//
// Released Helm 4 versions cannot hand manifests to an extism/v1 post-renderer
// (helm/helm#31832), so warden also ships a `runtime: subprocess` flavour whose
// executable is this program. It hosts the very same plugin.wasm with the same
// Extism Go SDK and wazero versions that Helm v4.3.1 embeds, configured the way
// Helm configures it, so both flavours behave alike.
//
// Protocol (Helm 4 subprocess post-renderer, and Helm 3 --post-renderer):
//
//	stdin   the rendered manifests (read completely)
//	argv    the --post-renderer-args, passed unchanged to the plugin as extraArgs
//	stdout  the post-rendered manifests, byte for byte as the plugin returned them
//	exit    0 success; 1 the plugin failed (error set, trap, bad output);
//	        2 the host could not run the plugin (wasm missing, unreadable stdin)
//
// The only argument warden-exec interprets itself is `--version`, and only when
// it is the sole argument and stdin is a terminal (so a post-render run with
// `--post-renderer-args=--version` still reaches the plugin). `--report-file`
// is read (not removed) to know where to write the report; see report.go.
// `--snapshot-file=PATH` is replaced by `--snapshot=<contents of PATH>`, and the
// host of `--kube-proxy=URL` becomes the plugin's only allowed HTTP host; see live.go.
//
// Environment:
//
//	WARDEN_WASM         path of plugin.wasm (else searched, see locate.go)
//	WARDEN_CACHE_DIR    wazero compilation cache dir (else <helm cache>/wazero-build)
//	WARDEN_NO_TTY=1     never write the report to /dev/tty
//	WARDEN_EXEC_TIMING=1  print one JSON timing line to stderr
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/term"
	"io"
	"os"
	"strings"
	"time"
)

// version is set by build.mjs with -ldflags "-X main.version=<plugin version>".
var version = "dev"

// Exit codes.
const (
	exitOK            = 0
	exitPluginFailed  = 1
	exitHostUnusable  = 2
	reportFileFlag    = "--report-file"
	versionFlag       = "--version"
	entryFunctionName = "helm_plugin_main"
)

// inputMessage is Helm's fixed post-renderer input ABI
// (schema.InputMessagePostRendererV1, with manifests as a string).
type inputMessage struct {
	Manifests string   `json:"manifests"`
	ExtraArgs []string `json:"extraArgs"`
}

// outputMessage is warden's output: Helm's OutputMessagePostRendererV1 plus a
// `report` key that Helm ignores and warden-exec delivers to the user.
type outputMessage struct {
	Manifests *string `json:"manifests"`
	Report    *struct {
		Text     string `json:"text"`
		ExitCode int    `json:"exitCode"`
	} `json:"report"`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	start := time.Now()

	if len(args) == 1 && args[0] == versionFlag && isTerminal(stdin) {
		fmt.Fprintf(stdout, "warden-exec %s (extism go-sdk %s, wazero %s)\n", version, extismVersion, wazeroVersion)
		return exitOK
	}
	if isTerminal(stdin) {
		fmt.Fprintln(stderr, "warden-exec: reads Kubernetes manifests on stdin; use it as a Helm post-renderer, or pipe manifests into it")
		return exitHostUnusable
	}

	cacheHome := helmCacheHome()
	sinks := reportSinks{stderr: stderr, file: reportFilePath(args, cacheHome)}

	manifests, err := io.ReadAll(stdin)
	if err != nil {
		sinks.deliver(fmt.Sprintf("warden: reading manifests from stdin: %v", err), true)
		return exitHostUnusable
	}

	wasmPath, err := locateWasm()
	if err != nil {
		sinks.deliver("warden: "+err.Error(), true)
		return exitHostUnusable
	}

	// Helm sends [] when there are no args; expandSnapshotFiles never returns nil.
	extraArgs, err := expandSnapshotFiles(args)
	if err != nil {
		sinks.deliver("warden: "+err.Error(), true)
		return exitHostUnusable
	}
	input, err := json.Marshal(inputMessage{Manifests: string(manifests), ExtraArgs: extraArgs})
	if err != nil {
		sinks.deliver(fmt.Sprintf("warden: encoding plugin input: %v", err), true)
		return exitHostUnusable
	}

	res, err := callPlugin(wasmPath, compilationCacheDir(cacheHome), input, allowedHosts(args))
	if timingEnabled() {
		res.timing.TotalMs = msSince(start)
		res.timing.write(stderr)
	}
	if err != nil {
		// The plugin's own error texts already start with "warden: "; say it once.
		msg := err.Error()
		if !strings.HasPrefix(msg, "warden: ") {
			msg = "warden: " + msg
		}
		sinks.deliver(msg, true)
		var hostErr *hostError
		if errors.As(err, &hostErr) {
			return exitHostUnusable
		}
		return exitPluginFailed
	}

	var out outputMessage
	if err := json.Unmarshal(res.output, &out); err != nil {
		sinks.deliver(fmt.Sprintf("warden: plugin output is not valid: %v", err), true)
		return exitPluginFailed
	}
	if out.Manifests == nil {
		sinks.deliver("warden: plugin output has no \"manifests\" string", true)
		return exitPluginFailed
	}

	reportText := ""
	if out.Report != nil {
		reportText = out.Report.Text
	}
	sinks.deliver(reportText, false)

	if _, err := io.WriteString(stdout, *out.Manifests); err != nil {
		fmt.Fprintf(stderr, "warden: writing manifests to stdout: %v\n", err)
		return exitHostUnusable
	}
	return exitOK
}

// isTerminal asks the terminal driver, so /dev/null (also a character device) is not one.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}

func timingEnabled() bool { return os.Getenv("WARDEN_EXEC_TIMING") == "1" }

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}
