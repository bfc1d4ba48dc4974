package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

func wantProblem(tb testing.TB, what string, r reply, want problem) {
	tb.Helper()
	if r.Status != want.Status {
		tb.Errorf("%s = %v, want status %d", what, r, want.Status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	var got problem
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		tb.Errorf("%s: body %q is not a problem detail: %v", what, r.Body, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s: problem detail mismatch (-want +got):\n%s", what, diff)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name, method, path string
		key                string
		instance           string
	}{
		{name: "unknown endpoint", method: http.MethodGet, path: "/rest/3.0/xyz", key: testKey, instance: "/rest/3.0/xyz"},
		{name: "wrong case", method: http.MethodPost, path: "/rest/3.0/TagUsers", key: testKey, instance: "/rest/3.0/TagUsers"},
		{name: "old version", method: http.MethodPost, path: "/rest/2.0/tagUsers", key: testKey, instance: "/rest/2.0/tagUsers"},
		{name: "root", method: http.MethodGet, path: "/", instance: "/"},
		{name: "unknown control", method: http.MethodGet, path: "/_mock/nothing", instance: "/_mock/nothing"},
		{name: "query ignored", method: http.MethodGet, path: "/rest/3.0/nope?extId=id1", key: testKey, instance: "/rest/3.0/nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.DoKey(t, tt.key, tt.method, tt.path, "")
			wantProblem(t, tt.method+" "+tt.path, r, problem{Type: "about:blank", Title: "Not Found", Status: 404,
				Detail: "No static resource " + tt.instance[1:] + ".", Instance: tt.instance})
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		method, path, allow string
	}{
		{http.MethodGet, "/rest/3.0/tagUsers", "POST"},
		{http.MethodPut, "/rest/3.0/setProfileAttributes", "POST"},
		{http.MethodPost, "/rest/3.0/getDevices", "GET"},
		{http.MethodDelete, "/rest/3.0/getDeviceTokens", "GET"},
		{http.MethodPatch, "/rest/3.0/app/profile-attributes", "GET"},
		{http.MethodGet, "/rest/3.0/registerUsers", "POST"},
		{http.MethodPost, "/_mock/state", "GET, PUT"},
		{http.MethodGet, "/_mock/reset", "POST"},
		{http.MethodDelete, "/_mock/health", "GET"},
		{http.MethodGet, "/_mock/faults/some-id", "DELETE"},
		{http.MethodPut, "/_mock/users", "GET, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := h.Do(t, tt.method, tt.path, "")
			wantProblem(t, tt.method+" "+tt.path, r, problem{Type: "about:blank", Title: "Method Not Allowed", Status: 405,
				Detail: "Method '" + tt.method + "' is not supported.", Instance: tt.path})
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
			}
		})
	}
}

// TestDocumentedPathsAreKnown: every operation of Netmera's official
// reference (its 48, S1) and of the newer reference pages (S2) is a route of
// the fake: none answers 404, 405 or 501.
func TestDocumentedPathsAreKnown(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	reference := []string{
		"POST sendBulkNotification", "POST sendNotification", "POST createNotificationDefinition", "GET getPushStats",
		"GET getPushResult", "POST sendPushApproval", "POST sendEmailAndSms", "POST sendEmailWithAttachment",
		"POST sendBulkEmail", "POST addEmail", "POST addMsisdn", "POST geofence/add", "POST fireEvents",
		"POST deleteUsersPermanently", "POST enablePush", "POST disablePush", "POST tagUsers", "POST untagUsers",
		"POST setCategoryPreferences", "GET getCategoryPreferences", "GET getProfileAttributes",
		"POST setProfileAttributes", "POST unsetProfileAttributes", "POST pushProfileAttributes",
		"POST pullProfileAttributes", "POST deleteProfileAttributes", "POST deleteProfileAttributeValue",
		"GET getDevices", "GET getDeviceTokens", "GET getSegments", "GET getSegmentUsers", "POST enableMail",
		"POST disableMail", "POST updateEmail", "POST enableSms", "POST disableSms", "POST removeEmail",
		"POST updateMsisdn", "POST removeMsisdn", "POST enableWhatsApp", "POST disableWhatsApp",
		"POST updateWhatsApp", "POST removeWhatsApp", "POST targeting/count", "POST targeting/count-batch",
		"POST inbox/getAllInbox", "GET inbox/get", "POST inbox/statusChange",
	}
	notes := []string{ // S2, beyond S1
		"POST registerUsers", "POST deleteUsers", "GET getPushCategories", "GET app/events", "GET app/profile-attributes",
		"POST addTesters", "POST update-live-activity",
	}
	if len(reference) != 48 {
		t.Fatalf("the list holds %d operations of the reference, want its 48", len(reference))
	}
	routes := h.Server.Routes()
	for _, op := range append(reference, notes...) {
		method, path, _ := strings.Cut(op, " ")
		t.Run(op, func(t *testing.T) {
			body := ""
			if method == http.MethodPost {
				body = `{}`
			}
			if !slices.Contains(routes, method+" /rest/3.0/"+path) {
				t.Errorf("Server.Routes() lacks %s /rest/3.0/%s, which Netmera documents", method, path)
			}
			r := h.Do(t, method, "/rest/3.0/"+path, body, "X-netmera-os", "IOS")
			if r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed || r.Status == http.StatusNotImplemented {
				t.Errorf("%s /rest/3.0/%s = %v: Netmera documents it, so it must be served", method, path, r)
			}
		})
	}
}
