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

	// Users and app data: registration, untracking, definitions, testers.
	s.handle(http.MethodPost, "registerUsers", s.registerUsers, arrayBody)
	s.handle(http.MethodPost, "deleteUsers", s.deleteUsers, objectBody)
	s.handle(http.MethodGet, "getPushCategories", s.getPushCategories, 0)
	s.handle(http.MethodGet, "app/events", s.listEvents, 0)
	s.handle(http.MethodPost, "addTesters", s.addTesters, arrayBody|oneObjectOK)

	// Events.
	s.handle(http.MethodPost, "fireEvents", s.fireEvents, arrayBody)

	// Email, SMS and WhatsApp addresses.
	s.handle(http.MethodPost, "addEmail", s.addAddresses("emailList", (*state.Tenant).AddEmails), objectBody)
	s.handle(http.MethodPost, "removeEmail", s.removeField((*state.Tenant).RemoveEmail), objectBody)
	s.handle(http.MethodPost, "addMsisdn", s.addAddresses("msisdnList", (*state.Tenant).AddMsisdns), objectBody)
	s.handle(http.MethodPost, "removeMsisdn", s.removeField((*state.Tenant).RemoveMsisdn), objectBody)
	s.handle(http.MethodPost, "enableWhatsApp", s.setWhatsApp(true), objectBody)
	s.handle(http.MethodPost, "disableWhatsApp", s.setWhatsApp(false), objectBody)
	s.handle(http.MethodPost, "updateWhatsApp", s.updateWhatsApp, objectBody)
	s.handle(http.MethodPost, "removeWhatsApp", s.removeField((*state.Tenant).RemoveWhatsApp), objectBody)

	// Geofences.
	s.handle(http.MethodPost, "geofence/add", s.addGeofence, objectBody)

	// Notifications: definitions, sends, statistics, results, live activities.
	s.handle(http.MethodPost, "sendBulkNotification", s.sendBulkNotification, objectBody)
	s.handle(http.MethodPost, "sendNotification", s.sendNotification, objectBody|arrayBody)
	s.handle(http.MethodPost, "createNotificationDefinition", s.createNotificationDefinition, objectBody)
	s.handle(http.MethodPost, "update-live-activity", s.updateLiveActivity, objectBody)
	s.handle(http.MethodGet, "getPushStats", s.getPushStats, 0)
	s.handle(http.MethodGet, "getPushResult", s.getPushResult, 0)

	// Email and SMS sends.
	s.handle(http.MethodPost, "sendEmailAndSms", s.sendEmailAndSms, objectBody)
	s.handle(http.MethodPost, "sendBulkEmail", s.sendBulkEmail, objectBody)
	s.handle(http.MethodPost, "sendEmailWithAttachment", s.sendEmailWithAttachment, 0) // multipart/form-data

	// Inbox.
	s.handle(http.MethodPost, "inbox/getAllInbox", s.getAllInbox, objectBody)
	s.handle(http.MethodGet, "inbox/get", s.getInboxMessage, 0)
	s.handle(http.MethodPost, "inbox/statusChange", s.inboxStatusChange, objectBody)

	// Targeting counts.
	s.handle(http.MethodPost, "targeting/count", s.targetingCount, objectBody)
	s.handle(http.MethodPost, "targeting/count-batch", s.targetingCountBatch, objectBody)

}

// controlRoutes lists the control API under /_mock/, one line per
// endpoint; the router is built once per process (controlRouter).
func controlRoutes(ctl func(method, name string, h ctlHandler)) {
	ctl(http.MethodGet, "health", (*Server).health)
	ctl(http.MethodGet, "ready", (*Server).ready)
	ctl(http.MethodGet, "openapi.yaml", (*Server).openAPIYAML)
	ctl(http.MethodGet, "openapi.json", (*Server).openAPIJSON)
	ctl(http.MethodGet, "state", tenantControl((*Server).exportState))
	ctl(http.MethodPut, "state", tenantControl((*Server).importState))
	ctl(http.MethodPost, "reset", (*Server).reset)
	ctl(http.MethodPost, "seed", tenantControl((*Server).seed))
	ctl(http.MethodPost, "users", tenantControl((*Server).putUser))
	ctl(http.MethodGet, "users", tenantControl((*Server).getUser))
	ctl(http.MethodGet, "contacts", tenantControl((*Server).getContact))
	ctl(http.MethodPost, "devices", tenantControl((*Server).putDevice))
	ctl(http.MethodPost, "segments", tenantControl((*Server).putSegment))
	ctl(http.MethodGet, "segments", tenantControl((*Server).listSegments))
	ctl(http.MethodPost, "attributes", tenantControl((*Server).defineAttribute))
	ctl(http.MethodPost, "categories", tenantControl((*Server).defineCategory))
	ctl(http.MethodPost, "messages", tenantControl((*Server).createMessage))
	ctl(http.MethodGet, "requests", tenantControl((*Server).listRequests))
	ctl(http.MethodGet, "requests/{seq}", tenantControl((*Server).getRequest))
	ctl(http.MethodDelete, "requests", tenantControl((*Server).clearRequests))
	ctl(http.MethodGet, "conformance", (*Server).conformanceReport)
	ctl(http.MethodPost, "faults", tenantControl((*Server).addFault))
	ctl(http.MethodGet, "faults", tenantControl((*Server).listFaults))
	ctl(http.MethodDelete, "faults", tenantControl((*Server).clearFaults))
	ctl(http.MethodDelete, "faults/{id}", tenantControl((*Server).deleteFault))
	ctl(http.MethodGet, "registrations", tenantControl((*Server).listRegistrations))
	ctl(http.MethodPut, "registrations", tenantControl((*Server).setRegistrationDelay))
	ctl(http.MethodPost, "registrations/apply", tenantControl((*Server).applyRegistrations))
	ctl(http.MethodPost, "events/definitions", tenantControl((*Server).defineEvent))
	ctl(http.MethodGet, "events", tenantControl((*Server).listFiredEvents))
	ctl(http.MethodGet, "geofences", tenantControl((*Server).listGeofences))
	ctl(http.MethodGet, "notifications", tenantControl((*Server).listNotifications))
	ctl(http.MethodPost, "notifications", tenantControl((*Server).createNotification))
	ctl(http.MethodDelete, "notifications", tenantControl((*Server).clearNotifications))
	ctl(http.MethodGet, "notifications/{id}", tenantControl((*Server).getNotification))
	ctl(http.MethodPost, "notifications/{key}/click", tenantControl((*Server).clickNotification))
	ctl(http.MethodGet, "deliveries", tenantControl((*Server).listDeliveries))
	ctl(http.MethodGet, "definitions", tenantControl((*Server).listDefinitions))
	ctl(http.MethodGet, "live-activities", tenantControl((*Server).getLiveActivity))
	ctl(http.MethodGet, "clock", tenantControl((*Server).getClock))
	ctl(http.MethodPut, "clock", tenantControl((*Server).setClock))
	ctl(http.MethodPost, "clock/advance", tenantControl((*Server).advanceClock))
	ctl(http.MethodGet, "inbox", tenantControl((*Server).getInbox))
	ctl(http.MethodGet, "stream", (*Server).stream)
	ctl(http.MethodGet, "ui", (*Server).serveUI)
	ctl(http.MethodGet, "ui/", (*Server).serveUI)
	ctl(http.MethodGet, "ui/{file}", (*Server).serveUI)
}

// apiFunc is one Netmera endpoint: it acts on the caller's tenant with the
// request the chain parsed and validated, and returns the response body
// (nil for Netmera's empty 200, noContent{} for a 204) or an error
// carrying Netmera's code.
type apiFunc func(t *state.Tenant, c *call) (any, error)

// flags say what an endpoint's request looks like, for the chain.
type flags uint8

const (
	objectBody       flags = 1 << iota // a JSON object body (with arrayBody: an object or an array)
	arrayBody                          // a JSON array body
	oneObjectOK                        // with arrayBody: the auto policy takes a single object
	osHeaderRequired                   // X-netmera-os: IOS or ANDROID
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

// Routes returns "METHOD /path" for every Netmera endpoint the server
// implements, sorted.
func (s *Server) Routes() []string {
	var out []string
	for _, ep := range s.api {
		for m := range ep.methods {
			out = append(out, m+" "+ep.path)
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
