package conformance

// rules is every rule, in the order reports list them: the shape of one
// request first, then how requests relate to each other.
var rules = []Rule{
	{
		ID: "document-refused", Title: "Requests Netmera refuses as malformed", Severity: Error,
		Source: "S1 (the official reference's request schemas; 2004 for a value of the wrong type), " +
			"S3 error-responses (2009 Invalid JSON, 2020 a missing parameter); the fake's copy: GET /_mock/openapi.yaml",
		Fix: "Send what the reference describes: the member or parameter the answer names, with its documented type, " +
			"and an array where the body is a list of entries.",
		check: (*checker).documentRefused,
	},
	{
		ID: "unknown-endpoint", Title: "Paths or methods Netmera does not serve", Severity: Error,
		Source: "S1 (the paths and methods of the reference; an unmatched route answers an RFC 9457 problem detail)",
		Fix:    "Use the reference's path and method exactly: paths are case-sensitive, have no trailing slash, and reads are GET with query parameters.",
		check:  (*checker).unknownEndpoint,
	},
	{
		ID: "lenient-shape", Title: "Shapes the fake accepted only because it is lenient", Severity: Error,
		Source: "S1 and S3 (array bodies; X-netmera-os on getSegments and getSegmentUsers); S2 unset-profile-attributes " +
			"(a single object answers 2009); S2 delete-profile-attribute-from-all-users (a body that is not an array is ignored)",
		Fix: "Wrap a single entry in an array ([{…}]) wherever Netmera documents a list of entries, " +
			"and send X-netmera-os: IOS or ANDROID on segment calls, follow-up pages included.",
		check: (*checker).lenientShape,
	},
	{
		ID: "duplicate-member", Title: "A JSON member given twice in one object", Severity: Warning,
		Source: "RFC 8259 §4 (names within an object should be unique; receivers differ on which value wins) [INFERRED]",
		Fix:    "Build the body from a map or a struct, so that each member is written once.",
		check:  (*checker).duplicateMember,
	},
	{
		ID: "notification-key-type", Title: "notificationKey sent as a number", Severity: Error,
		Source: "S1 sendNotification [VERIFIED-LIVE]: a numeric notificationKey answers 400 {\"code\":2004,\"error\":\"Field 'notificationKey' should be a text\"}; " +
			"S1 README: createNotificationDefinition returns the key as an integer",
		Fix:   "Send notificationKey as a JSON string (\"106\"), converting the integer createNotificationDefinition returned.",
		check: (*checker).notificationKeyType,
	},
	{
		ID: "content-type", Title: "A body without Content-Type: application/json", Severity: Error,
		Source: "S1 and S3 setup (JSON bodies, sent as application/json)",
		Fix:    "Send Content-Type: application/json (a charset parameter is fine) with every JSON body.",
		check:  (*checker).contentType,
	},
	{
		ID: "body-on-get", Title: "A body on a GET request", Severity: Warning,
		Source: "S1 (every GET endpoint takes query parameters; the guide's getCategoryPreferences sample shows a JSON body on GET, which S1 corrects)",
		Fix:    "Put the parameters in the query string; servers and proxies drop or ignore a GET body.",
		check:  (*checker).bodyOnGet,
	},
	{
		ID: "api-key-placement", Title: "The API key in the URL, in another header, or twice", Severity: Error,
		Source: "S1 securitySchemes and S3 setup (the REST API key in the X-netmera-api-key header)",
		Fix: "Send the key once, in X-netmera-api-key, and nowhere else: a key in a URL ends up in access logs, " +
			"proxies and error reports, and a second copy may be the one the server reads.",
		check: (*checker).apiKeyPlacement,
	},
	{
		ID: "id-limit", Title: "More than 1000 unique IDs in one request", Severity: Error,
		Source: "S1 info and S3 user-and-device-management (at most 1000 unique external IDs or device tokens per request; split larger payloads)",
		Fix:    "Split the IDs into requests of at most 1000 unique IDs each (repeats count once).",
		check:  (*checker).idLimit,
	},
	{
		ID: "small-batches", Title: "Many small requests where one would do", Severity: Warning,
		Source: "S1 info (up to 1000 IDs per request) [INFERRED: fewer, fuller requests]",
		Fix:    "Collect the IDs of one operation and send them together, up to 1000 per request.",
		check:  (*checker).smallBatches,
	},
	{
		ID: "batch-overlap", Title: "The same ID in consecutive batches", Severity: Warning,
		Source: "S1 info (split larger payloads) [INFERRED: a split must not repeat IDs; an overlap usually means an off-by-one slice]",
		Fix:    "Split with non-overlapping slices: ids[i:min(i+1000, len(ids))] for i stepping by 1000.",
		check:  (*checker).batchOverlap,
	},
	{
		ID: "retry-4xx", Title: "A refused request sent again unchanged", Severity: Error,
		Source: "S3 error-responses (4xx codes describe the request: invalid JSON, a missing parameter, an invalid key, an unknown user) " +
			"[INFERRED: the same request is refused again]",
		Fix:   "Do not retry a 4xx answer (but 429, and 400 with code 2001 \"Retry later\"): surface it to the caller, who must change the request.",
		check: (*checker).retry4xx,
	},
	{
		ID: "retry-backoff", Title: "A retry of a 5xx or 429 without back-off or before Retry-After", Severity: Error,
		Source: "S3 error-responses (2001 \"An unexpected error occurred. Retry later.\"); RFC 9110 §10.2.3 (Retry-After); " +
			"S5 netmera4j NetmeraApi.java (re-sends a 5xx at once) [INFERRED]",
		Fix: "Wait before retrying: honour Retry-After when the answer has one, and otherwise back off exponentially " +
			"(with jitter) from a first wait of at least 100 ms.",
		check: (*checker).retryBackoff,
	},
	{
		ID: "repeated-write", Title: "The same write sent again after it succeeded", Severity: Warning,
		Source: "S5 netmera4j UserService.java (removeTagFromUsers posts to tagUsers, so a remove repeats the add) [INFERRED]",
		Fix: "Send a write once; to undo one, call its inverse (untagUsers for tagUsers, disablePush for enablePush…). " +
			"A write that is not idempotent (sendNotification) acts twice.",
		check: (*checker).repeatedWrite,
	},
	{
		ID: "pagination-offset", Title: "A page asked for with an offset no nextPage gave", Severity: Error,
		Source: "S2 list-device-tokens (\"call the nextPage URL from the response\"; none on the last page), " +
			"S2 list-segment-users (an opaque offset token in nextPage)",
		Fix:   "Follow nextPage as the answer gives it, and stop at the page without one; never compute offsets.",
		check: (*checker).paginationOffset,
	},
	{
		ID: "pagination-stopped", Title: "A listing walk that stopped before its last page", Severity: Warning,
		Source: "S2 list-device-tokens and list-segment-users (nextPage is present while more entries exist)",
		Fix:    "Keep requesting nextPage until an answer has none, retrying a failed page rather than giving up on the walk.",
		check:  (*checker).paginationStopped,
	},
	{
		ID: "async-read-back", Title: "A read right after a write Netmera applies later", Severity: Warning,
		Source: "S2 register-users (processed asynchronously); S1 and S3 gdpr (deleteUsersPermanently runs as a background job about a minute later); " +
			"the fake applies both at once",
		Fix: "Do not expect the effect of registerUsers or deleteUsersPermanently to show at once: " +
			"poll with a deadline, or check in tests that the request was sent.",
		check: (*checker).asyncReadBack,
	},
}
