package main

// Live cluster state for warden's ownership check, two ways the Wasm flavour cannot offer:
//
//   - --kube-proxy=URL: the plugin GETs object metadata from a `kubectl proxy` through Extism's
//     http_request. Helm's extism/v1 runtime allows only plugin.yaml's runtimeConfig.allowedHosts;
//     warden-exec allows exactly the host named by --kube-proxy (nothing without it), and caps
//     response bodies at maxHTTPResponseBytes (go-sdk fails every non-empty body with a cap of 0).
//   - --snapshot-file=PATH: the host reads the file `warden snapshot --output PATH` wrote and hands
//     the plugin --snapshot=<contents>, so snapshots larger than one command-line argument
//     (Linux MAX_ARG_STRLEN, 128 KiB) still reach it. The Wasm flavour cannot read files: Helm
//     maps no host directory into the guest.

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

const (
	kubeProxyFlag    = "--kube-proxy"
	snapshotFileFlag = "--snapshot-file"
	// maxHTTPResponseBytes matches runtimeConfig.memory.maxHttpResponseBytes in /plugin.yaml: a
	// Helm release Secret (at most 1 MiB of data, base64 in the API's JSON) fits with room.
	maxHTTPResponseBytes = 4 << 20
)

// flagValues returns the values of --name=V and --name V, in order.
func flagValues(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if v, ok := strings.CutPrefix(args[i], name+"="); ok {
			out = append(out, v)
		} else if args[i] == name && i+1 < len(args) {
			out = append(out, args[i+1])
			i++
		}
	}
	return out
}

// allowedHosts are the host names the plugin may reach: those of --kube-proxy URLs.
func allowedHosts(args []string) []string {
	hosts := []string{}
	for _, v := range flagValues(args, kubeProxyFlag) {
		if u, err := url.Parse(v); err == nil && u.Hostname() != "" {
			hosts = append(hosts, u.Hostname())
		}
	}
	return hosts
}

// expandSnapshotFiles replaces --snapshot-file PATH with --snapshot=<file contents>.
func expandSnapshotFiles(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		path, ok := strings.CutPrefix(a, snapshotFileFlag+"=")
		if !ok && a == snapshotFileFlag {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s needs a path", snapshotFileFlag)
			}
			path, ok = args[i+1], true
			i++
		}
		if !ok {
			out = append(out, a)
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", snapshotFileFlag, err)
		}
		out = append(out, "--snapshot="+strings.TrimSpace(string(data)))
	}
	return out, nil
}
