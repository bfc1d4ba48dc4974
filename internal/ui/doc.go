// Package ui is the inspector: a page that shows what the fake received
// and what it would have delivered, for one tenant at a time. Its HTML,
// CSS and JavaScript are embedded in the binary (no build step, no
// network); mockserver serves them under /_mock/ui/:
//
//	func (s *Server) serveUI(w http.ResponseWriter, r *http.Request) {
//		ui.Serve(w, r, mux.Vars(r)["file"]) // "" is the page itself
//	}
//
// The page holds no data of its own: it asks the control API for
// everything, with the tenant's API key (entered in the page, kept in the
// browser's sessionStorage) in the X-netmera-api-key header, and the
// admin token, when the server has one, as a bearer token. It hears of
// changes through GET /_mock/stream, read with fetch so that the key
// stays in a header.
package ui
