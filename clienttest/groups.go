package clienttest

// testCase is one check of a client: its name within its group, the
// client methods it calls, whether it is safe and meaningful against a
// live app, the fake it needs, and the check itself.
type testCase struct {
	name string
	// needs names the methods the case calls; it is skipped unless the
	// client has them all. Empty means any: the auth and transport cases
	// call whichever methods the client has.
	needs []string
	live  bool
	opts  []Option
	run   func(e *env)
}

// group is a family of cases; its name is the first part of the cases'
// names.
type group struct {
	name  string
	cases func() []testCase
}

// groups lists every case of the suite, in the order they run.
var groups = []group{
	{"auth", authCases},
	{"transport", transportCases},
	{"tags", tagCases},
	{"users", userCases},
	{"profile", profileCases},
	{"categories", categoryCases},
	{"devices", deviceCases},
	{"segments", segmentCases},
	{"email", emailCases},
	{"sms", smsCases},
	{"addresses", addressCases},
	{"whatsapp", whatsAppCases},
	{"approval", approvalCases},
	{"notifications", notificationCases},
	{"pushresults", pushResultCases},
	{"inbox", inboxCases},
	{"events", eventCases},
}
