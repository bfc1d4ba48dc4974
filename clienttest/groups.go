package clienttest

// testCase is one check of a client: its name within its group, whether
// it is safe and meaningful against a live app, the fake it needs, and the
// check itself.
type testCase struct {
	name string
	live bool
	opts []Option
	run  func(e *env)
}

// capability is one of the client interfaces, probed at run time.
type capability struct {
	iface   string
	methods string
	has     func(any) bool
}

func implements[T any](c any) bool {
	_, ok := c.(T)
	return ok
}

var (
	capUsers = capability{"clienttest.UserClient",
		"TagUsers, UntagUsers, DeleteUsersPermanently", implements[UserClient]}
	capProfile = capability{"clienttest.ProfileClient",
		"SetProfileAttributes, UnsetProfileAttributes, PushProfileAttributes, PullProfileAttributes, GetProfileAttributes", implements[ProfileClient]}
	capCategories = capability{"clienttest.CategoryClient",
		"SetCategoryPreferences, GetCategoryPreferences", implements[CategoryClient]}
	capDevices = capability{"clienttest.DeviceClient",
		"EnablePush, DisablePush, GetDevices, AllDeviceTokens", implements[DeviceClient]}
	capSegments = capability{"clienttest.SegmentClient",
		"GetSegments, GetSegmentUsers", implements[SegmentClient]}
	capChannels = capability{"clienttest.ChannelClient",
		"EnableMail, DisableMail, UpdateEmail, EnableSms, DisableSms, UpdateMsisdn", implements[ChannelClient]}
	capApproval = capability{"clienttest.ApprovalClient",
		"SendPushApproval", implements[ApprovalClient]}

	// capabilities lists the client interfaces.
	capabilities = []capability{capUsers, capProfile, capCategories, capDevices, capSegments, capChannels, capApproval}

	// capAny is met by a client implementing any of them.
	capAny = capability{"any client interface", "UserClient, ProfileClient, …", func(c any) bool {
		for _, k := range capabilities {
			if k.has(c) {
				return true
			}
		}
		return false
	}}
)

// group is a family of cases that need the same interface; its name is the
// first part of the cases' names.
type group struct {
	name  string
	cap   capability
	cases func() []testCase
}

// groups lists every case of the suite, in the order they run.
var groups = []group{
	{"auth", capAny, authCases},
	{"transport", capAny, transportCases},
	{"tags", capUsers, tagCases},
	{"users", capUsers, userCases},
	{"profile", capProfile, profileCases},
	{"categories", capCategories, categoryCases},
	{"devices", capDevices, deviceCases},
	{"segments", capSegments, segmentCases},
	{"email", capChannels, emailCases},
	{"sms", capChannels, smsCases},
	{"approval", capApproval, approvalCases},
}
