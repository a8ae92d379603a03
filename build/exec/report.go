package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Helm 4 captures a subprocess post-renderer's stderr and throws it away; the
// user only reads `plugin "warden-exec" exited with error`. So the report (or
// the failure) goes to three places: stderr (Helm 3, direct use), the
// controlling terminal, and a report file that is rewritten on every run.

type reportSinks struct {
	stderr io.Writer
	file   string // empty: no report file (no cache home and no --report-file)
}

// reportFilePath is the value of the last --report-file=PATH or
// --report-file PATH argument, else <helm cache home>/warden/last-report.txt.
// The arguments are still passed unchanged to the plugin.
func reportFilePath(args []string, cacheHome string) string {
	path := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if v, ok := strings.CutPrefix(a, reportFileFlag+"="); ok {
			path = v
		} else if a == reportFileFlag && i+1 < len(args) {
			path = args[i+1]
			i++
		}
	}
	if path != "" {
		return path
	}
	if cacheHome == "" {
		return ""
	}
	return filepath.Join(cacheHome, "warden", "last-report.txt")
}

// deliver writes text to stderr and the terminal when there is something to
// say (non-empty text or a failure), and always (re)writes the report file so
// that it never shows a previous run's report.
func (s reportSinks) deliver(text string, failed bool) {
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if text != "" || failed {
		io.WriteString(s.stderr, text)
		if !stderrIsTerminal() {
			writeToTerminal(text)
		}
	}
	if s.file != "" {
		if err := writeReportFile(s.file, text); err != nil {
			fmt.Fprintf(s.stderr, "warden: cannot write report file: %v\n", err)
		}
	}
}

func writeReportFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

// stderrIsTerminal: when stderr already reaches a terminal (direct use, Helm 3)
// writing to /dev/tty as well would print the report twice.
func stderrIsTerminal() bool {
	return isTerminal(os.Stderr)
}

// writeToTerminal writes to the controlling terminal if there is one. Helm
// starts plugins without detaching them, so this reaches the user's terminal
// even though Helm discards stderr.
func writeToTerminal(text string) {
	if runtime.GOOS == "windows" || os.Getenv("WARDEN_NO_TTY") == "1" {
		return
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return // no controlling terminal (CI, cron, containers)
	}
	defer tty.Close()
	io.WriteString(tty, text)
}
