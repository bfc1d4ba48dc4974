package mockserver

import (
	"testing"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
)

// The conformance rules judge by what Netmera documents, the routes by
// what the fake accepts: for every endpoint the fake serves, an array
// body in routes.go (with or without the auto policy's single object) is
// what the rules know as documented arrays, and X-netmera-os the same.
func TestConformanceAgreesWithRoutes(t *testing.T) {
	s := newEmptyServer(t)
	for name, ep := range s.api {
		for method, h := range ep.methods {
			array := h.flags&arrayBody != 0 && h.flags&objectBody == 0
			if got := conformance.DocumentsArray(name); got != array {
				t.Errorf("%s %s: routes.go says an array body only %v, the conformance rules %v", method, name, array, got)
			}
			os := h.flags&osHeaderRequired != 0
			if got := conformance.NeedsOSHeader(name); got != os {
				t.Errorf("%s %s: routes.go says X-netmera-os is required %v, the conformance rules %v", method, name, os, got)
			}
		}
	}
}
