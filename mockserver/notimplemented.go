package mockserver

import (
	"net/http"
	"strings"
)

// notImplemented lists Netmera endpoints the fake knows of but does not
// serve yet. They answer 501 with a problem detail naming the endpoint
// (after the API key is checked, as on every endpoint), so that a client
// never mistakes a missing feature for a silent success.
var notImplemented = []struct{ method, path string }{}

func (s *Server) notImplemented(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotImplemented,
		"netmera-mock does not implement "+r.Method+" /"+strings.TrimPrefix(r.URL.Path, "/")+" yet; see docs/fidelity.md")
}
