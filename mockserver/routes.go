package mockserver

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"
)

// apiPrefix is where every Netmera REST endpoint lives.
const apiPrefix = "/rest/3.0/"

// routes lists the whole surface of the fake, one line per endpoint.
func (s *Server) routes() {
	// Users and tags.
	s.handle(http.MethodPost, "deleteUsersPermanently", s.api(s.deleteUsersPermanently))
	s.handle(http.MethodPost, "tagUsers", s.api(s.tagUsers))
	s.handle(http.MethodPost, "untagUsers", s.api(s.untagUsers))
	s.handle(http.MethodPost, "setCategoryPreferences", s.api(s.setCategoryPreferences))
	s.handle(http.MethodGet, "getCategoryPreferences", s.api(s.getCategoryPreferences))

	// Profile attributes.
	s.handle(http.MethodPost, "setProfileAttributes", s.api(s.setProfileAttributes))
	s.handle(http.MethodPost, "unsetProfileAttributes", s.api(s.unsetProfileAttributes))
	s.handle(http.MethodPost, "deleteProfileAttributes", s.api(s.deleteProfileAttributes))
	s.handle(http.MethodGet, "getProfileAttributes", s.api(s.getProfileAttributes))
	s.handle(http.MethodPost, "pushProfileAttributes", s.api(s.pushProfileAttributes))
	s.handle(http.MethodPost, "pullProfileAttributes", s.api(s.pullProfileAttributes))
	s.handle(http.MethodPost, "deleteProfileAttributeValue", s.api(s.deleteProfileAttributeValue))
	s.handle(http.MethodGet, "app/profile-attributes", s.api(s.listProfileAttributes))

	// Devices and push permission.
	s.handle(http.MethodPost, "enablePush", s.api(s.setPush(true)))
	s.handle(http.MethodPost, "disablePush", s.api(s.setPush(false)))
	s.handle(http.MethodGet, "getDevices", s.api(s.getDevices))
	s.handle(http.MethodGet, "getDeviceTokens", s.api(s.getDeviceTokens))

	// Segments.
	s.handle(http.MethodGet, "getSegments", s.api(s.requireOS(s.getSegments)))
	s.handle(http.MethodGet, "getSegmentUsers", s.api(s.requireOS(s.getSegmentUsers)))

	// Messages.
	s.handle(http.MethodPost, "sendPushApproval", s.api(s.sendPushApproval))

	// Email and SMS.
	s.handle(http.MethodPost, "enableMail", s.api(s.setMail(true)))
	s.handle(http.MethodPost, "disableMail", s.api(s.setMail(false)))
	s.handle(http.MethodPost, "updateEmail", s.api(s.updateEmail))
	s.handle(http.MethodPost, "enableSms", s.api(s.setSms(true)))
	s.handle(http.MethodPost, "disableSms", s.api(s.setSms(false)))
	s.handle(http.MethodPost, "updateMsisdn", s.api(s.updateMsisdn))

	// Netmera endpoints the fake does not implement yet answer 501.
	for _, ep := range notImplemented {
		s.handle(ep.method, ep.path, http.HandlerFunc(s.notImplemented))
	}

	// The control API, under /_mock/.
	s.ctl(http.MethodGet, "health", http.HandlerFunc(s.health))
	s.ctl(http.MethodGet, "ready", http.HandlerFunc(s.ready))
	s.ctl(http.MethodGet, "openapi.yaml", s.openAPI(false))
	s.ctl(http.MethodGet, "openapi.json", s.openAPI(true))
	s.ctl(http.MethodGet, "state", s.control(s.exportState))
	s.ctl(http.MethodPut, "state", s.control(s.importState))
	s.ctl(http.MethodPost, "reset", http.HandlerFunc(s.reset))
	s.ctl(http.MethodPost, "seed", s.control(s.seed))
	s.ctl(http.MethodPost, "users", s.control(s.putUser))
	s.ctl(http.MethodGet, "users", s.control(s.getUser))
	s.ctl(http.MethodPost, "devices", s.control(s.putDevice))
	s.ctl(http.MethodPost, "segments", s.control(s.putSegment))
	s.ctl(http.MethodPost, "attributes", s.control(s.defineAttribute))
	s.ctl(http.MethodPost, "categories", s.control(s.defineCategory))
	s.ctl(http.MethodPost, "messages", s.control(s.createMessage))
	s.ctl(http.MethodGet, "requests", s.control(s.listRequests))
	s.ctl(http.MethodDelete, "requests", s.control(s.clearRequests))
	s.ctl(http.MethodPost, "faults", s.control(s.addFault))
	s.ctl(http.MethodGet, "faults", s.control(s.listFaults))
	s.ctl(http.MethodDelete, "faults", s.control(s.clearFaults))
	s.ctl(http.MethodDelete, "faults/{id}", s.control(s.deleteFault))

	s.router.NotFoundHandler = http.HandlerFunc(s.notFound)
	s.router.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
}

// handle registers one Netmera endpoint under /rest/3.0/.
func (s *Server) handle(method, name string, h http.Handler) {
	path := apiPrefix + name
	s.router.Handle(path, h).Methods(method)
	s.methods[path] = append(s.methods[path], method)
}

// ctl registers one control endpoint under /_mock/.
func (s *Server) ctl(method, name string, h http.Handler) {
	path := controlPrefix + name
	s.router.Handle(path, h).Methods(method)
	s.methods[path] = append(s.methods[path], method)
}

// Routes returns "METHOD /path" for every Netmera endpoint the server
// implements, sorted; endpoints answering 501 are left out.
func (s *Server) Routes() []string {
	skip := map[string]bool{}
	for _, ep := range notImplemented {
		skip[ep.method+" "+apiPrefix+ep.path] = true
	}
	var out []string
	for path, methods := range s.methods {
		if !strings.HasPrefix(path, apiPrefix) {
			continue
		}
		for _, m := range methods {
			if r := m + " " + path; !skip[r] {
				out = append(out, r)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "No static resource "+strings.TrimPrefix(r.URL.Path, "/")+".")
}

// allowed lists the methods the router serves r's path with, patterns
// such as /_mock/faults/{id} included.
func (s *Server) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", strings.Join(s.allowed(r), ", "))
	writeProblem(w, r, http.StatusMethodNotAllowed, "Method '"+r.Method+"' is not supported.")
}
