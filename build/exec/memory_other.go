//go:build !unix

package main

import "context"

// withReservedMemory: elsewhere wazero's own allocation (a Go slice of the limit's
// capacity, see host.go) is used.
func withReservedMemory(ctx context.Context) context.Context { return ctx }
