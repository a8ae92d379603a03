// Command echo-plugin is a stand-in for warden's plugin.wasm in warden-exec's
// tests. It speaks the same Extism ABI and post-renderer JSON (without the
// Extism PDK, which is not on the Go proxy): it echoes the manifests, and
// reacts to markers found in them:
//
//	FAIL    sets an Extism error and returns 1
//	NORET   returns 1 without setting an error
//	PANIC   panics (the Go runtime exits the module with code 2)
//	REPORT  adds a report text naming the extraArgs
//	PROBE   reports what WASI gives the module (env, args, clock, filesystem)
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o echo.wasm .
package main

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"strings"
	"time"
)

//go:wasmimport extism:host/env input_length
func inputLength() uint64

//go:wasmimport extism:host/env input_load_u8
func inputLoadU8(offset uint64) uint32

//go:wasmimport extism:host/env input_load_u64
func inputLoadU64(offset uint64) uint64

//go:wasmimport extism:host/env store_u64
func storeU64(offset, v uint64)

//go:wasmimport extism:host/env alloc
func alloc(n uint64) uint64

//go:wasmimport extism:host/env store_u8
func storeU8(offset uint64, b uint32)

//go:wasmimport extism:host/env output_set
func outputSet(offset, n uint64)

//go:wasmimport extism:host/env error_set
func errorSet(offset uint64)

func readInput() []byte {
	n := inputLength()
	buf := make([]byte, n)
	i := uint64(0)
	for ; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], inputLoadU64(i))
	}
	for ; i < n; i++ {
		buf[i] = byte(inputLoadU8(i))
	}
	return buf
}

func toExtism(b []byte) uint64 {
	off := alloc(uint64(len(b)))
	i := 0
	for ; i+8 <= len(b); i += 8 {
		storeU64(off+uint64(i), binary.LittleEndian.Uint64(b[i:]))
	}
	for ; i < len(b); i++ {
		storeU8(off+uint64(i), uint32(b[i]))
	}
	return off
}

type report struct {
	Text     string `json:"text"`
	ExitCode int    `json:"exitCode"`
}

//go:wasmexport helm_plugin_main
func helmPluginMain() int32 {
	var in struct {
		Manifests string   `json:"manifests"`
		ExtraArgs []string `json:"extraArgs"`
	}
	if err := json.Unmarshal(readInput(), &in); err != nil {
		errorSet(toExtism([]byte("echo plugin: bad input: " + err.Error())))
		return 1
	}
	m := in.Manifests
	switch {
	case strings.Contains(m, "FAIL"):
		errorSet(toExtism([]byte("echo plugin: manifests contain FAIL")))
		return 1
	case strings.Contains(m, "NORET"):
		return 1
	case strings.Contains(m, "PANIC"):
		panic("echo plugin: PANIC requested")
	}
	rep := report{}
	if strings.Contains(m, "REPORT") {
		args, _ := json.Marshal(in.ExtraArgs)
		rep.Text = "echo report: extraArgs=" + string(args)
	}
	if strings.Contains(m, "PROBE") {
		_, fsErr := os.ReadDir("/")
		probe, _ := json.Marshal(map[string]any{
			"env":        os.Environ(),
			"args":       os.Args,
			"year":       time.Now().Year(),
			"rootFsOpen": fsErr == nil,
		})
		rep.Text = string(probe)
	}
	out, _ := json.Marshal(struct {
		Manifests string `json:"manifests"`
		Report    report `json:"report"`
	}{m, rep})
	outputSet(toExtism(out), uint64(len(out)))
	return 0
}

func main() {}
