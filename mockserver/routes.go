package mockserver

import (
	"net/http"
	"slices"
	"strings"

	"github.com/netmera-mock/netmera-mock/state"
)

// apiPrefix is where every Netmera REST endpoint lives.
const apiPrefix = "/rest/3.0/"

// routes lists the whole surface of the fake, one line per endpoint.
//
// Netmera's paths are all static, so the chain finds an endpoint with one
// map lookup (gorilla/mux would walk a regular expression per route and
// copy the request twice). The control API, which has path variables, is
// routed by gorilla/mux.
func (s *Server) routes() {
	// Users and tags.
	s.handle(http.MethodPost, "deleteUsersPermanently", s.deleteUsersPermanently, objectBody)
	s.handle(http.MethodPost, "tagUsers", s.tagUsers, objectBody)
	s.handle(http.MethodPost, "untagUsers", s.untagUsers, objectBody)

	// Categories.
	s.handle(http.MethodPost, "setCategoryPreferences", s.setCategoryPreferences, arrayBody)
	s.handle(http.MethodGet, "getCategoryPreferences", s.getCategoryPreferences, 0)

	// Profile attributes.
	s.handle(http.MethodPost, "setProfileAttributes", s.setProfileAttributes, arrayBody)
	s.handle(http.MethodPost, "unsetProfileAttributes", s.unsetProfileAttributes, arrayBody)
	s.handle(http.MethodPost, "pushProfileAttributes", s.pushProfileAttributes, arrayBody)
	s.handle(http.MethodPost, "pullProfileAttributes", s.pullProfileAttributes, arrayBody)
	s.handle(http.MethodPost, "deleteProfileAttributes", s.deleteProfileAttributes, arrayBody|oneObjectOK)
	s.handle(http.MethodPost, "deleteProfileAttributeValue", s.deleteProfileAttributeValue, arrayBody|oneObjectOK)
	s.handle(http.MethodGet, "getProfileAttributes", s.getProfileAttributes, 0)
	s.handle(http.MethodGet, "app/profile-attributes", s.listProfileAttributes, 0)

	// Devices and push permission.
	s.handle(http.MethodPost, "enablePush", s.setPush(true), objectBody)
	s.handle(http.MethodPost, "disablePush", s.setPush(false), objectBody)
	s.handle(http.MethodGet, "getDevices", s.getDevices, 0)
	s.handle(http.MethodGet, "getDeviceTokens", s.getDeviceTokens, 0)

	// Segments.
	s.handle(http.MethodGet, "getSegments", s.getSegments, osHeaderRequired)
	s.handle(http.MethodGet, "getSegmentUsers", s.getSegmentUsers, osHeaderRequired)

	// Messages.
	s.handle(http.MethodPost, "sendPushApproval", s.sendPushApproval, arrayBody)

	// Email and SMS.
	s.handle(http.MethodPost, "enableMail", s.setMail(true), objectBody)
	s.handle(http.MethodPost, "disableMail", s.setMail(false), objectBody)
	s.handle(http.MethodPost, "updateEmail", s.updateAddress("email", (*state.Tenant).UpdateEmail), objectBody)
	s.handle(http.MethodPost, "enableSms", s.setSms(true), objectBody)
	s.handle(http.MethodPost, "disableSms", s.setSms(false), objectBody)
	s.handle(http.MethodPost, "updateMsisdn", s.updateAddress("msisdn", (*state.Tenant).UpdateMsisdn), objectBody)

	// Netmera endpoints the fake does not implement yet answer 501.
	for _, ep := range notImplemented {
		s.handle(ep.method, ep.path, nil, notServed)
	}

	// The control API, under /_mock/.
	s.ctl(http.MethodGet, "health", http.HandlerFunc(s.health))
	s.ctl(http.MethodGet, "ready", http.HandlerFunc(s.ready))
	s.ctl(http.MethodGet, "openapi.yaml", s.openAPI(false))
	s.ctl(http.MethodGet, "openapi.json", s.openAPI(true))
	s.ctl(http.MethodGet, "state", s.tenantControl(s.exportState))
	s.ctl(http.MethodPut, "state", s.tenantControl(s.importState))
	s.ctl(http.MethodPost, "reset", http.HandlerFunc(s.reset))
	s.ctl(http.MethodPost, "seed", s.tenantControl(s.seed))
	s.ctl(http.MethodPost, "users", s.tenantControl(s.putUser))
	s.ctl(http.MethodGet, "users", s.tenantControl(s.getUser))
	s.ctl(http.MethodPost, "devices", s.tenantControl(s.putDevice))
	s.ctl(http.MethodPost, "segments", s.tenantControl(s.putSegment))
	s.ctl(http.MethodPost, "attributes", s.tenantControl(s.defineAttribute))
	s.ctl(http.MethodPost, "categories", s.tenantControl(s.defineCategory))
	s.ctl(http.MethodPost, "messages", s.tenantControl(s.createMessage))
	s.ctl(http.MethodGet, "requests", s.tenantControl(s.listRequests))
	s.ctl(http.MethodDelete, "requests", s.tenantControl(s.clearRequests))
	s.ctl(http.MethodPost, "faults", s.tenantControl(s.addFault))
	s.ctl(http.MethodGet, "faults", s.tenantControl(s.listFaults))
	s.ctl(http.MethodDelete, "faults", s.tenantControl(s.clearFaults))
	s.ctl(http.MethodDelete, "faults/{id}", s.tenantControl(s.deleteFault))

	s.control.NotFoundHandler = http.HandlerFunc(s.notFound)
	s.control.MethodNotAllowedHandler = http.HandlerFunc(s.controlMethodNotAllowed)
}

// apiFunc is one Netmera endpoint: it acts on the caller's tenant with the
// request the chain parsed and validated, and returns the response body
// (nil for Netmera's empty 200) or an error carrying Netmera's code.
type apiFunc func(t *state.Tenant, c *call) (any, error)

// flags say what an endpoint's request looks like, for the chain.
type flags uint8

const (
	objectBody       flags = 1 << iota // a JSON object body
	arrayBody                          // a JSON array body
	oneObjectOK                        // with arrayBody: the auto policy takes a single object
	osHeaderRequired                   // X-netmera-os: IOS or ANDROID
	notServed                          // known to Netmera, not implemented: 501
)

// endpoint is one path under /rest/3.0/ with its methods.
type endpoint struct {
	path    string
	methods map[string]*handler
}

type handler struct {
	fn    apiFunc
	flags flags
}

// handle registers one Netmera endpoint under /rest/3.0/.
func (s *Server) handle(method, name string, fn apiFunc, f flags) {
	ep := s.api[name]
	if ep == nil {
		ep = &endpoint{path: apiPrefix + name, methods: map[string]*handler{}}
		s.api[name] = ep
	}
	ep.methods[method] = &handler{fn: fn, flags: f}
}

// ctl registers one control endpoint under /_mock/.
func (s *Server) ctl(method, name string, h http.Handler) {
	s.control.Handle(controlPrefix+name, h).Methods(method)
}

// Routes returns "METHOD /path" for every Netmera endpoint the server
// implements, sorted; endpoints answering 501 are left out.
func (s *Server) Routes() []string {
	var out []string
	for _, ep := range s.api {
		for m, h := range ep.methods {
			if h.flags&notServed == 0 {
				out = append(out, m+" "+ep.path)
			}
		}
	}
	slices.Sort(out)
	return out
}

// allow lists an endpoint's methods, for a 405's Allow header.
func (ep *endpoint) allow() string {
	var ms []string
	for m := range ep.methods {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return strings.Join(ms, ", ")
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "No static resource "+strings.TrimPrefix(r.URL.Path, "/")+".")
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request, ep *endpoint) {
	w.Header().Set("Allow", ep.allow())
	writeProblem(w, r, http.StatusMethodNotAllowed, "Method '"+r.Method+"' is not supported.")
}
