package state_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

func TestNewTenantRejects(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(d *state.Dataset)
		wantErr string // a fragment the error must name
	}{
		{name: "nil dataset", wantErr: "no dataset"},
		{name: "future version", edit: func(d *state.Dataset) { d.Version = 2 }, wantErr: "version 2"},
		{name: "negative version", edit: func(d *state.Dataset) { d.Version = -1 }, wantErr: "version -1"},
		{name: "duplicate extId", edit: func(d *state.Dataset) { d.Users[2].ExtID = "u1" }, wantErr: `"u1" defined twice`},
		{name: "empty extId", edit: func(d *state.Dataset) { d.Users[2].ExtID = "" }, wantErr: "empty extId"},
		{name: "device of unknown user", edit: func(d *state.Dataset) { d.Devices[0].ExtID = "ghost" }, wantErr: `"ghost" does not exist`},
		{name: "unknown platform", edit: func(d *state.Dataset) { d.Devices[0].Platform = "HUAWEI" }, wantErr: `"HUAWEI"`},
		{name: "lower-case platform", edit: func(d *state.Dataset) { d.Devices[0].Platform = "ios" }, wantErr: `"ios"`},
		{name: "duplicate token", edit: func(d *state.Dataset) { d.Devices[1].Token = "tok1" }, wantErr: `"tok1" used twice`},
		{name: "duplicate installation", edit: func(d *state.Dataset) { d.Devices[1].InstallationID = "i1" }, wantErr: `"i1" defined twice`},
		{name: "empty installationId", edit: func(d *state.Dataset) { d.Devices[1].InstallationID = "" }, wantErr: "empty installationId"},
		{name: "undefined attribute", edit: func(d *state.Dataset) { d.Users[0].Profile["shoeSize"] = 42 }, wantErr: `"shoeSize" is not defined`},
		{name: "string for INTEGER", edit: func(d *state.Dataset) { d.Users[0].Profile["age"] = "34" }, wantErr: `"age"`},
		{name: "fraction for INTEGER", edit: func(d *state.Dataset) { d.Users[0].Profile["age"] = 34.5 }, wantErr: `"age"`},
		{name: "INTEGER past 2^53", edit: func(d *state.Dataset) { d.Users[0].Profile["age"] = int64(1<<53 + 1) }, wantErr: `"age"`},
		{name: "string for DATE", edit: func(d *state.Dataset) { d.Users[0].Profile["dateOfBirth"] = "1989-10-14" }, wantErr: `"dateOfBirth"`},
		{name: "number for BOOLEAN", edit: func(d *state.Dataset) { d.Users[1].Profile["isSubscribed"] = 1 }, wantErr: `"isSubscribed"`},
		{name: "bool for DOUBLE", edit: func(d *state.Dataset) { d.Users[1].Profile["score"] = true }, wantErr: `"score"`},
		{name: "scalar for array", edit: func(d *state.Dataset) { d.Users[0].Profile["lastVisitedCategories"] = "shopping" }, wantErr: `"lastVisitedCategories"`},
		{name: "wrong array element", edit: func(d *state.Dataset) { d.Users[1].Profile["luckyNumbers"] = []any{7, "8"} }, wantErr: `"luckyNumbers"`},
		{name: "array for scalar", edit: func(d *state.Dataset) { d.Users[0].Profile["name"] = []any{"Ann"} }, wantErr: `"name"`},
		{name: "unknown category", edit: func(d *state.Dataset) { d.Users[0].Categories[0].Category = "promotions" }, wantErr: `"promotions" is not defined`},
		{name: "unknown channel", edit: func(d *state.Dataset) { d.Users[0].Categories[0].Channel = "WHATSAPP" }, wantErr: `"WHATSAPP"`},
		{name: "empty channel", edit: func(d *state.Dataset) { d.Users[0].Categories[0].Channel = "" }, wantErr: "unknown channel"},
		{name: "segment of unknown member", edit: func(d *state.Dataset) { d.Segments[0].Members[1] = "ghost" }, wantErr: `"ghost" does not exist`},
		{name: "bad segment type", edit: func(d *state.Dataset) { d.Segments[0].Type = "DYNAMIC" }, wantErr: `"DYNAMIC"`},
		{name: "duplicate segment", edit: func(d *state.Dataset) { d.Segments[1].ID = 10 }, wantErr: "segment 10 defined twice"},
		{name: "duplicate message", edit: func(d *state.Dataset) { d.Messages[1].MessageID = 100 }, wantErr: "message 100 defined twice"},
		{name: "bad message status", edit: func(d *state.Dataset) { d.Messages[1].Status = "SENT" }, wantErr: `"SENT"`},
		{name: "duplicate attribute", edit: func(d *state.Dataset) { d.Attributes[1].Code = "name" }, wantErr: `"name" defined twice`},
		{name: "unknown dataType", edit: func(d *state.Dataset) { d.Attributes[0].DataType = "TEXT" }, wantErr: `"TEXT"`},
		{name: "empty attribute code", edit: func(d *state.Dataset) { d.Attributes[0].Code = "" }, wantErr: "empty code"},
		{name: "email not a string", edit: func(d *state.Dataset) { d.Attributes[1].DataType = state.TypeInteger }, wantErr: `"email": must be a STRING`},
		{name: "msisdn an array", edit: func(d *state.Dataset) { d.Attributes[2].IsArray = true }, wantErr: `"msisdn": must be a STRING`},
		{name: "duplicate category", edit: func(d *state.Dataset) { d.Categories[1].Name = catPromotions }, wantErr: "defined twice"},
		{name: "empty category name", edit: func(d *state.Dataset) { d.Categories[1].Name = "" }, wantErr: "empty name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d *state.Dataset
			if tt.edit != nil {
				d = smallDataset()
				tt.edit(d)
			}
			tn, err := state.NewTenant(d, state.Settings{})
			if err == nil || tn != nil {
				t.Fatalf("NewTenant = %v, %v; want no tenant and an error naming %s", tn, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewTenant error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewTenantAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(d *state.Dataset)
	}{
		{name: "the small dataset"},
		{name: "version 0 is current", edit: func(d *state.Dataset) { d.Version = 0 }},
		{name: "empty dataset", edit: func(d *state.Dataset) { *d = state.Dataset{} }},
		{name: "DATE as float64 from JSON", edit: func(d *state.Dataset) { d.Users[0].Profile["dateOfBirth"] = float64(624315600000) }},
		{name: "INTEGER as json.Number", edit: func(d *state.Dataset) { d.Users[0].Profile["age"] = json.Number("34") }},
		{name: "integral json.Number in exponent form", edit: func(d *state.Dataset) { d.Users[0].Profile["age"] = json.Number("3.4e1") }},
		{name: "INTEGER at 2^53", edit: func(d *state.Dataset) { d.Users[0].Profile["age"] = int64(1 << 53) }},
		{name: "DOUBLE given an int", edit: func(d *state.Dataset) { d.Users[1].Profile["score"] = 3 }},
		{name: "duplicate segment member counted once", edit: func(d *state.Dataset) { d.Segments[1].Members = []string{"u1", "u1"} }},
		{name: "untracked user with devices", edit: func(d *state.Dataset) { d.Devices[5].ExtID = "u4" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := smallDataset()
			if tt.edit != nil {
				tt.edit(d)
			}
			tn := MustTenant(t, d, state.Settings{})
			MustConsistent(t, tn)
			if got := tn.Export().Version; got != state.CurrentVersion {
				t.Errorf("Export().Version = %d, want %d", got, state.CurrentVersion)
			}
		})
	}
}

func TestNewTenantLeavesUntrackedOutOfSegments(t *testing.T) {
	d := smallDataset()
	d.Segments[0].Members = []string{"u4", "u1", "u4"}
	tn := MustTenant(t, d, state.Settings{})
	_, page, _, err := tn.SegmentUsers(10, 0, 100)
	MustOK(t, "SegmentUsers(10)", err)
	if len(page) != 1 || page[0].ExtID != "u1" {
		t.Errorf("SegmentUsers(10) of members [u4 u1 u4], u4 untracked = %+v, want u1 only", page)
	}
	if n := *segmentCount(t, tn, 10); n != 1 {
		t.Errorf("Segments() userCount of 10 = %d, want 1", n)
	}
	MustConsistent(t, tn)
}

func TestNewTenantStoresNormalizedValues(t *testing.T) {
	d := smallDataset()
	d.Users[0].Profile["age"] = json.Number("34")
	d.Users[1].Profile["score"] = 3
	tn := MustTenant(t, d, state.Settings{})
	got := map[string]any{"u1.age": MustUser(t, tn, "u1").Profile["age"], "u2.score": MustUser(t, tn, "u2").Profile["score"],
		"u2.luckyNumbers": MustUser(t, tn, "u2").Profile["luckyNumbers"], "u1.dateOfBirth": MustUser(t, tn, "u1").Profile["dateOfBirth"]}
	want := map[string]any{"u1.age": int64(34), "u2.score": float64(3), "u2.luckyNumbers": []any{int64(7)}, "u1.dateOfBirth": int64(624315600000)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored profile values (-want +got):\n%s", diff)
	}
}

func TestNewTenantDefaultAttributes(t *testing.T) {
	tn := MustTenant(t, &state.Dataset{Users: []state.UserRecord{{ExtID: "a", Profile: map[string]any{"age": 3, "externalSegments": []any{"x"}}}}}, state.Settings{})
	if diff := cmp.Diff(state.DefaultAttributes(), tn.Attributes()); diff != "" {
		t.Errorf("Attributes() of a dataset defining none (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(state.DefaultAttributes(), tn.Export().Attributes); diff != "" {
		t.Errorf("Export().Attributes of a dataset defining none (-want +got):\n%s", diff)
	}
}

// mutateAll runs one of each kind of write on smallDataset's tenant, the
// ones that create values an export must carry back (auto-defined keys,
// empty arrays, empty MSISDNs, untracked users, approved messages).
func mutateAll(tb testing.TB, tn *state.Tenant) {
	tb.Helper()
	MustOK(tb, "TagUsers", tn.TagUsers([]string{"New", "Sport"}, []string{"u3", "u1"}))
	_, err := tn.UntagUsers([]string{"VIP"}, []string{"u1"})
	MustOK(tb, "UntagUsers", err)
	MustOK(tb, "SetProfileAttributes", tn.SetProfileAttributes([]state.ProfileEntry{
		{ExtID: "u3", Values: map[string]any{"age": json.Number("51"), "score": 0.1, "brandNew": "x", "isSubscribed": false}},
		{DeviceToken: "tok4", Values: map[string]any{"dateOfBirth": float64(1e12)}},
	}))
	MustOK(tb, "PushProfileAttributes", tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"luckyNumbers": []any{}}}}))
	for range 2 {
		MustOK(tb, "PullProfileAttributes", tn.PullProfileAttributes([]state.ProfileEntry{{ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{7}}}}))
	}
	tn.UpdateMsisdn("u2", "")
	tn.UpdateEmail("u3", "carol@example.com")
	MustOK(tb, "SetCategoryPreferences", tn.SetCategoryPreferences([]state.CategoryEntry{{ExtID: "u2", Category: catWeekly, Enable: boolp(false)}}))
	MustOK(tb, "ApprovePushes", tn.ApprovePushes([]int64{100}))
	MustOK(tb, "SetPush", tn.SetPush("", "tok2", true))
	MustOK(tb, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"u2"}))
}

func TestExportRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		dataset  func() *state.Dataset
		settings state.Settings
		mutate   func(testing.TB, *state.Tenant)
	}{
		{name: "as loaded", dataset: smallDataset},
		{name: "after writes", dataset: smallDataset, mutate: mutateAll},
		{name: "after writes, auto-define", dataset: smallDataset, settings: state.Settings{AutoDefine: true}, mutate: mutateAll},
		{name: "after writes, permanent delete off", dataset: smallDataset, settings: state.Settings{PermanentDeleteOff: true}, mutate: mutateAll},
		{name: "addresses stored in an app without address attributes", dataset: func() *state.Dataset {
			return &state.Dataset{Attributes: []state.AttributeDef{{Code: "age", DataType: state.TypeInteger}},
				Users: []state.UserRecord{{ExtID: "a"}}}
		}, mutate: func(tb testing.TB, tn *state.Tenant) {
			tn.UpdateEmail("a", "a@example.com")
			tn.UpdateMsisdn("a", "+90555")
		}},
		{name: "big", dataset: func() *state.Dataset { return bigDataset(300) }, mutate: func(tb testing.TB, tn *state.Tenant) {
			MustOK(tb, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(0, 150)))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, tt.dataset(), tt.settings)
			if tt.mutate != nil {
				tt.mutate(t, tn)
			}
			MustConsistent(t, tn)
			first := tn.Export()
			again := MustTenant(t, first, tt.settings).Export()
			if diff := cmp.Diff(first, again); diff != "" {
				t.Fatalf("Export → NewTenant → Export differs (-first +again):\n%s", diff)
			}
			b1, err := json.Marshal(first)
			MustOK(t, "json.Marshal(Export())", err)
			for _, useNumber := range []bool{false, true} {
				var d state.Dataset
				dec := json.NewDecoder(bytes.NewReader(b1))
				if useNumber {
					dec.UseNumber()
				}
				MustOK(t, "decoding the exported JSON", dec.Decode(&d))
				b2, err := json.Marshal(MustTenant(t, &d, tt.settings).Export())
				MustOK(t, "json.Marshal", err)
				if !bytes.Equal(b1, b2) {
					t.Errorf("JSON of Export → load (UseNumber %v) → Export differs:\nfirst: %s\nagain: %s", useNumber, b1, b2)
				}
			}
		})
	}
}

func TestExportAndLoadDoNotAlias(t *testing.T) {
	d := smallDataset()
	tn := MustTenant(t, d, state.Settings{})
	// before comes from another tenant, so that it shares nothing with tn.
	before := MustTenant(t, smallDataset(), state.Settings{}).Export()
	d.Messages[0].Platforms[0] = "CHANGED"
	d.Users[0].Tags[0] = "CHANGED"
	d.Users[0].Profile["lastVisitedCategories"].([]any)[0] = "CHANGED"
	d.Segments[0].Members[0] = "CHANGED"
	MustUnchanged(t, "editing the loaded Dataset", before, tn)

	exp := tn.Export()
	exp.Messages[0].Platforms[0] = "CHANGED"
	exp.Users[0].Profile["lastVisitedCategories"].([]any)[0] = "CHANGED"
	exp.Segments[0].Members[0] = "CHANGED"
	MustUnchanged(t, "editing an exported Dataset", before, tn)

	m, _ := tn.Message(100)
	m.Platforms[0] = "CHANGED"
	p, _ := tn.ProfileAttributes("u1", "")
	p["lastVisitedCategories"].([]any)[0] = "CHANGED"
	MustUnchanged(t, "editing Message and ProfileAttributes results", before, tn)
}

func TestReplace(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	mutateAll(t, tn)
	before := tn.Export()

	bad := bigDataset(10)
	bad.Devices[9].ExtID = "ghost"
	if err := tn.Replace(bad); err == nil {
		t.Fatalf("Replace(dataset with a device of an unknown user) = nil, want an error")
	}
	MustUnchanged(t, "a failing Replace", before, tn)
	if err := tn.Replace(nil); err == nil {
		t.Fatalf("Replace(nil) = nil, want an error")
	}
	MustUnchanged(t, "Replace(nil)", before, tn)

	MustOK(t, "Replace(bigDataset(10))", tn.Replace(bigDataset(10)))
	MustConsistent(t, tn)
	want := MustTenant(t, bigDataset(10), state.Settings{}).Export()
	if diff := cmp.Diff(want, tn.Export()); diff != "" {
		t.Errorf("Export after Replace (-want +got):\n%s", diff)
	}
	if tn.HasUser("u1") != true || tn.HasUser("u3") != true || tn.HasUser("u10") {
		t.Errorf("after Replace HasUser(u1, u3, u10) = %v %v %v, want true true false", tn.HasUser("u1"), tn.HasUser("u3"), tn.HasUser("u10"))
	}
}

func TestCounts(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	want := state.Counts{Users: 4, Devices: 6, Segments: 3, Messages: 3}
	if diff := cmp.Diff(want, tn.Counts()); diff != "" {
		t.Errorf("Counts() (-want +got):\n%s", diff)
	}
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"u1"}))
	want = state.Counts{Users: 3, Devices: 3, Segments: 3, Messages: 3}
	if diff := cmp.Diff(want, tn.Counts()); diff != "" {
		t.Errorf("Counts() after deleting u1 (-want +got):\n%s", diff)
	}
}
