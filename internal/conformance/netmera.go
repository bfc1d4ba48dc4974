package conformance

import (
	"strings"

	"github.com/netmera-mock/netmera-mock/internal/journal"
)

// What Netmera documents that the rules judge requests by. The fake
// accepts more than this on purpose (its -single-object auto policy takes
// one object where netmera4j sends one), so the rules keep their own list
// of what Netmera documents rather than the fake's document.

// apiPrefix starts every Netmera path.
const apiPrefix = "/rest/3.0/"

// DefaultMaxIDs is Netmera's limit of unique identifiers per request (S1
// info, S3 user-and-device-management).
const DefaultMaxIDs = 1000

// arrayBodies are the endpoints whose body Netmera documents as an array
// of entries only (S1, S3); sendNotification takes an object or an array.
var arrayBodies = map[string]string{
	"registerUsers":          "",
	"setCategoryPreferences": "",
	"setProfileAttributes":   "",
	"unsetProfileAttributes": "Netmera answers a single object with 2009 Invalid JSON (S2 unset-profile-attributes)",
	"pushProfileAttributes":  "",
	"pullProfileAttributes":  "",
	"deleteProfileAttributes": "the live API answers 200 to a body that is not an array and deletes nothing " +
		"(S2 delete-profile-attribute-from-all-users)",
	"deleteProfileAttributeValue": "netmera4j sends one object here (S5 UserService.java)",
	"fireEvents":                  "",
	"addTesters":                  "entries with extId or email (S2 add-test-devices); the fake takes one object too, as the call answers 200 in every case",
	"sendPushApproval":            "",
}

// osHeaderEndpoints need X-netmera-os: IOS or ANDROID (S1, S3); the newest
// reference says the live server ignores it (S2), which is why the fake's
// -lenient-os exists.
var osHeaderEndpoints = map[string]bool{"getSegments": true, "getSegmentUsers": true}

// pagedEndpoints answer pages with a nextPage link carrying the next
// offset (S1, S2, S3).
var pagedEndpoints = map[string]bool{"getDeviceTokens": true, "getSegmentUsers": true, "getPushResult": true}

// asyncWrites are the writes the real API applies after it answers; the
// text says when, for a finding.
var asyncWrites = map[string]string{
	"registerUsers":          "Netmera validates registerUsers, answers, then processes it asynchronously (S2 register-users)",
	"deleteUsersPermanently": "Netmera deletes users in a background job about a minute after deleteUsersPermanently answers (S1, S3 gdpr)",
	"deleteUsers":            "Netmera untracks users after deleteUsers answers, asynchronously (S2 delete-users)",
}

// idKinds maps the body members that name users or devices to the kind
// of identifier they count as against the per-request limit.
var idKinds = map[string]string{
	"extId": "extId", "extIds": "extId", "externalId": "extId",
	"deviceToken": "deviceToken", "deviceTokens": "deviceToken",
	"email": "email", "emailList": "email",
	"msisdn": "msisdn", "msisdnList": "msisdn",
}

// idLists are the members holding a list of identifiers: what a client
// splits a large request along.
var idLists = []string{"extIds", "deviceTokens", "emailList", "msisdnList"}

// opaqueMembers hold data, not identifiers: IDs are not looked for inside
// them (a profile attribute may well be called "email").
var opaqueMembers = map[string]bool{"profile": true, "message": true, "params": true, "customJson": true}

// keyParams are query parameter names that carry an API key, compared
// without case, '-' or '_'.

func isKeyParam(name string) bool {
	return journal.IsSecretParam(name)
}

// endpointName is a Netmera path without its prefix ("tagUsers"), or ""
// for a path outside the API.
func endpointName(path string) string {
	name, ok := strings.CutPrefix(path, apiPrefix)
	if !ok {
		return ""
	}
	return name
}

// DocumentsArray reports whether Netmera documents endpoint's body (a
// name under /rest/3.0/, "setProfileAttributes") as an array of entries
// only.
func DocumentsArray(endpoint string) bool {
	_, ok := arrayBodies[endpoint]
	return ok
}

// NeedsOSHeader reports whether Netmera documents X-netmera-os as required
// on endpoint.
func NeedsOSHeader(endpoint string) bool { return osHeaderEndpoints[endpoint] }
