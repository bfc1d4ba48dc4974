package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// seqs returns the Seq of each entry, in order.
func seqs(es []Entry) []uint64 {
	out := []uint64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

// added adds e to j and returns it as List shows it.
func added(j *Journal, e Entry) Entry {
	seq := j.Add(e)
	for _, got := range j.List(Filter{Tenant: e.Tenant}) {
		if got.Seq == seq {
			return got
		}
	}
	return Entry{}
}

// addN adds n entries for tenant, one second apart from t0, with paths
// /p1, /p2, … so they can be told apart.
func addN(j *Journal, tenant string, n int) {
	for i := 1; i <= n; i++ {
		j.Add(Entry{Tenant: tenant, Method: "GET", Path: fmt.Sprintf("/p%d", i), Time: t0.Add(time.Duration(i) * time.Second), Status: 200})
	}
}

func TestBoundPerTenant(t *testing.T) {
	tests := []struct {
		name        string
		limit, adds int
		wantSeqs    []uint64
		wantDropped uint64
	}{
		{name: "under the limit", limit: 5, adds: 3, wantSeqs: []uint64{1, 2, 3}},
		{name: "at the limit", limit: 3, adds: 3, wantSeqs: []uint64{1, 2, 3}},
		{name: "over the limit drops the oldest", limit: 3, adds: 5, wantSeqs: []uint64{3, 4, 5}, wantDropped: 2},
		{name: "limit 1 keeps the last", limit: 1, adds: 4, wantSeqs: []uint64{4}, wantDropped: 3},
		{name: "wraps around more than once", limit: 3, adds: 10, wantSeqs: []uint64{8, 9, 10}, wantDropped: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(tt.limit)
			addN(j, "A", tt.adds)
			addN(j, "B", 1)
			got := j.List(Filter{Tenant: "A"})
			if diff := cmp.Diff(tt.wantSeqs, seqs(got)); diff != "" {
				t.Errorf("List(A) seqs after %d adds with limit %d (-want +got):\n%s", tt.adds, tt.limit, diff)
			}
			for i, e := range got {
				if want := fmt.Sprintf("/p%d", tt.wantSeqs[i]); e.Path != want {
					t.Errorf("List(A)[%d].Path = %q, want %q", i, e.Path, want)
				}
			}
			if d := j.Dropped("A"); d != tt.wantDropped {
				t.Errorf("Dropped(A) = %d, want %d", d, tt.wantDropped)
			}
			if n := j.Count(Filter{Tenant: "A"}); n != len(tt.wantSeqs) {
				t.Errorf("Count(A) = %d, want %d", n, len(tt.wantSeqs))
			}
			if got := seqs(j.List(Filter{Tenant: "B"})); !cmp.Equal(got, []uint64{1}) {
				t.Errorf("List(B) seqs = %v, want [1]: A's traffic must not evict or renumber B", got)
			}
			if d := j.Dropped("B"); d != 0 {
				t.Errorf("Dropped(B) = %d, want 0", d)
			}
			if n := j.Clear("A"); n != len(tt.wantSeqs) {
				t.Errorf("Clear(A) = %d, want %d", n, len(tt.wantSeqs))
			}
			if d := j.Dropped("A"); d != 0 {
				t.Errorf("Dropped(A) after Clear = %d, want 0", d)
			}
			if seq := j.Add(Entry{Tenant: "A", Path: "/after"}); seq != uint64(tt.adds)+1 {
				t.Errorf("Add after Clear gave Seq %d, want %d (Seq is never reused)", seq, tt.adds+1)
			}
		})
	}
}

func TestNewPanicsOnBadLimit(t *testing.T) {
	for _, limit := range []int{0, -1} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%d) did not panic", limit)
				}
			}()
			New(limit)
		})
	}
}

func TestTenantsIsolated(t *testing.T) {
	j := New(10)
	addN(j, "A", 3)
	addN(j, "B", 2)
	any := Filter{Method: "GET", Path: "/*"} // matches every entry of whichever tenant
	tests := []struct {
		name      string
		tenant    string
		wantCount int
	}{
		{name: "A sees its own", tenant: "A", wantCount: 3},
		{name: "B sees its own", tenant: "B", wantCount: 2},
		{name: "the empty tenant is a tenant, not a wildcard", tenant: "", wantCount: 0},
		{name: "an unknown tenant sees nothing", tenant: "C", wantCount: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := any
			f.Tenant = tt.tenant
			got := j.List(f)
			if len(got) != tt.wantCount {
				t.Errorf("List(%q) has %d entries, want %d", tt.tenant, len(got), tt.wantCount)
			}
			for _, e := range got {
				if e.Tenant != tt.tenant {
					t.Errorf("List(%q) returned an entry of tenant %q", tt.tenant, e.Tenant)
				}
			}
			if n := j.Count(f); n != tt.wantCount {
				t.Errorf("Count(%q) = %d, want %d", tt.tenant, n, tt.wantCount)
			}
		})
	}
	if n := j.Clear("A"); n != 3 {
		t.Errorf("Clear(A) = %d, want 3", n)
	}
	if n := j.Count(Filter{Tenant: "B"}); n != 2 {
		t.Errorf("Count(B) after Clear(A) = %d, want 2", n)
	}
	if n := j.Clear("C"); n != 0 {
		t.Errorf("Clear(C) of an unknown tenant = %d, want 0", n)
	}
	if got := j.List(Filter{Tenant: "A"}); got == nil || len(got) != 0 {
		t.Errorf("List(A) after Clear = %#v, want an empty non-nil slice", got)
	}
	j.Add(Entry{Tenant: "A", Method: "GET", Path: "/a"})
	if n := j.ClearAll(); n != 3 {
		t.Errorf("ClearAll() with one entry of A and two of B = %d, want 3", n)
	}
	for _, tenant := range []string{"A", "B"} {
		if n := j.Count(Filter{Tenant: tenant}); n != 0 {
			t.Errorf("Count(%s) after ClearAll = %d, want 0", tenant, n)
		}
	}
	if seq := j.Add(Entry{Tenant: "A", Method: "GET", Path: "/a"}); seq != 5 {
		t.Errorf("Add after ClearAll gave Seq %d, want 5 (Seq is never reused)", seq)
	}
}

func TestFilter(t *testing.T) {
	j := New(100)
	add := func(method, path, query, body string, at time.Duration) {
		j.Add(Entry{Tenant: "T", Method: method, Path: path, Query: query, Body: json.RawMessage(body), Time: t0.Add(at)})
	}
	add("POST", "/rest/3.0/tagUsers", "", `{"tag":"Sport","extIds":["u1","u2"]}`, 1*time.Second)                     // 1
	add("post", "/rest/3.0/untagUsers", "", `{"tag":"Sport","extIds":["u2"]}`, 2*time.Second)                        // 2
	add("GET", "/rest/3.0/getDevices", "extId=u3", "", 3*time.Second)                                                // 3
	add("POST", "/rest/3.0/setProfileAttributes", "", `[{"extId":"u1","profile":{}},{"extId":"u4"}]`, 4*time.Second) // 4
	add("GET", "/rest/3.0/getProfileAttributes", "externalId=u5", "", 5*time.Second)                                 // 5
	add("POST", "/rest/3.0/tagUsers", "", `{"tag":"Music","extIds":["u6"]}`, 6*time.Second)                          // 6
	j.Add(Entry{Tenant: "other", Method: "POST", Path: "/rest/3.0/tagUsers", Body: json.RawMessage(`{"extIds":["u1"]}`), Time: t0})

	tests := []struct {
		name string
		f    Filter
		want []uint64
	}{
		{name: "no filter", f: Filter{}, want: []uint64{1, 2, 3, 4, 5, 6}},
		{name: "method upper matches any case", f: Filter{Method: "POST"}, want: []uint64{1, 2, 4, 6}},
		{name: "method lower matches any case", f: Filter{Method: "get"}, want: []uint64{3, 5}},
		{name: "method with no entries", f: Filter{Method: "DELETE"}, want: []uint64{}},
		{name: "exact path", f: Filter{Path: "/rest/3.0/tagUsers"}, want: []uint64{1, 6}},
		{name: "exact path is not a prefix", f: Filter{Path: "/rest/3.0/tag"}, want: []uint64{}},
		{name: "prefix path", f: Filter{Path: "/rest/3.0/get*"}, want: []uint64{3, 5}},
		{name: "prefix of everything", f: Filter{Path: "*"}, want: []uint64{1, 2, 3, 4, 5, 6}},
		{name: "prefix is case-sensitive", f: Filter{Path: "/rest/3.0/Get*"}, want: []uint64{}},
		{name: "extId in a body list", f: Filter{ExtID: "u2"}, want: []uint64{1, 2}},
		{name: "extId in a top-level array", f: Filter{ExtID: "u4"}, want: []uint64{4}},
		{name: "extId in body list and array", f: Filter{ExtID: "u1"}, want: []uint64{1, 4}},
		{name: "extId in query extId", f: Filter{ExtID: "u3"}, want: []uint64{3}},
		{name: "extId in query externalId", f: Filter{ExtID: "u5"}, want: []uint64{5}},
		{name: "extId nobody named", f: Filter{ExtID: "u9"}, want: []uint64{}},
		{name: "since is inclusive", f: Filter{Since: t0.Add(4 * time.Second)}, want: []uint64{4, 5, 6}},
		{name: "since after everything", f: Filter{Since: t0.Add(time.Hour)}, want: []uint64{}},
		{name: "all together", f: Filter{Method: "post", Path: "/rest/3.0/tag*", ExtID: "u6", Since: t0.Add(2 * time.Second)}, want: []uint64{6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.Tenant = "T"
			if diff := cmp.Diff(tt.want, seqs(j.List(tt.f))); diff != "" {
				t.Errorf("List(%+v) seqs (-want +got):\n%s", tt.f, diff)
			}
			if n := j.Count(tt.f); n != len(tt.want) {
				t.Errorf("Count(%+v) = %d, want %d", tt.f, n, len(tt.want))
			}
		})
	}
}

func TestHeaderMasking(t *testing.T) {
	const key = "nm-SECRET-0123456789abcdef"
	const token = "tok-SECRET-fedcba9876543210"
	tests := []struct {
		name   string
		header http.Header
		check  string // header whose stored value is compared with want
		want   string
	}{
		{name: "canonical name", header: http.Header{"X-Netmera-Api-Key": {key}}, check: "X-Netmera-Api-Key", want: maskValue(key)},
		{name: "Netmera's spelling", header: http.Header{"X-netmera-api-key": {key}}, check: "X-Netmera-Api-Key", want: maskValue(key)},
		{name: "lower case", header: http.Header{"x-netmera-api-key": {key}}, check: "X-Netmera-Api-Key", want: maskValue(key)},
		{name: "upper case", header: http.Header{"X-NETMERA-API-KEY": {key}}, check: "X-Netmera-Api-Key", want: maskValue(key)},
		{name: "name with stray space", header: http.Header{" x-netmera-api-key ": {key}}, check: "X-Netmera-Api-Key", want: maskValue(key)},
		{name: "bearer keeps its scheme", header: http.Header{"authorization": {"Bearer " + token}}, check: "Authorization", want: "Bearer " + maskValue(token)},
		{name: "proxy authorization", header: http.Header{"Proxy-Authorization": {"Basic " + token}}, check: "Proxy-Authorization", want: "Basic " + maskValue(token)},
		{name: "cookie", header: http.Header{"Cookie": {"session=" + token}}, check: "Cookie", want: maskValue("session=" + token)},
		{name: "several values", header: http.Header{"X-Netmera-Api-Key": {key, token}}, check: "X-Netmera-Api-Key", want: maskValue(key)},
		{name: "other headers kept", header: http.Header{"X-Netmera-Api-Key": {key}, "x-netmera-os": {"IOS"}}, check: "X-Netmera-Os", want: "IOS"},
		{name: "empty value stays empty", header: http.Header{"X-Netmera-Api-Key": {""}}, check: "X-Netmera-Api-Key", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(10)
			before := tt.header.Clone()
			e := added(j, Entry{Tenant: "T", Method: "GET", Path: "/p", Header: tt.header, Body: json.RawMessage(`{"a":1}`)})
			if got := e.Header.Get(tt.check); got != tt.want {
				t.Errorf("Add: header %s = %q, want %q", tt.check, got, tt.want)
			}
			if diff := cmp.Diff(before, tt.header); diff != "" {
				t.Errorf("Add modified the caller's header (-before +after):\n%s", diff)
			}
			for what, v := range map[string]any{"the entry": e, "List": j.List(Filter{Tenant: "T"})} {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatalf("json.Marshal(%s): %v", what, err)
				}
				for _, secret := range []string{key, token, key[len(key)-6:], token[len(token)-6:], "SECRET"} {
					if strings.Contains(string(b), secret) {
						t.Errorf("json.Marshal(%s) contains %q:\n%s", what, secret, b)
					}
				}
			}
		})
	}
	if a, b := maskValue(key), maskValue(token); a == b || !strings.HasPrefix(a, "key-") || len(a) != len("key-")+8 {
		t.Errorf("maskValue(key) = %q, maskValue(token) = %q: want distinct key-<8 hex>", a, b)
	}
}

func TestBody(t *testing.T) {
	bigJSON := `{"x":"` + strings.Repeat("a", MaxBody) + `"}`
	exact := `"` + strings.Repeat("b", MaxBody-2) + `"`
	// A 3-byte rune straddling the cut: the prefix must not end in half of it.
	straddle := strings.Repeat("c", MaxBody-1) + "€" + "tail"
	tests := []struct {
		name string
		in   string
		want string // the stored JSON; "" for none
	}{
		{name: "empty", in: "", want: ""},
		{name: "JSON object compacted", in: "{ \"tag\" : \"Sport\",\n \"extIds\": [ \"u1\" ] }\n", want: `{"tag":"Sport","extIds":["u1"]}`},
		{name: "JSON array", in: `[{"extId":"u1"}]`, want: `[{"extId":"u1"}]`},
		{name: "JSON scalar", in: `42`, want: `42`},
		{name: "JSON with html stays as sent", in: `{"a":"<b>&"}`, want: `{"a":"<b>&"}`},
		{name: "text", in: "hello <world> & co", want: `"hello <world> & co"`},
		{name: "broken JSON kept as a string", in: `{"extIds":["u1"`, want: `"{\"extIds\":[\"u1\""`},
		{name: "not UTF-8", in: "a\xffb", want: `"a\ufffdb"`},
		{name: "exactly MaxBody kept whole", in: exact, want: exact},
		{name: "over MaxBody truncated with its size", in: bigJSON, want: `{"truncated":true,"size":` + fmt.Sprint(len(bigJSON)) + `,"prefix":` + mustJSON(t, bigJSON[:MaxBody]) + `}`},
		{name: "truncation does not split a rune", in: straddle, want: `{"truncated":true,"size":` + fmt.Sprint(len(straddle)) + `,"prefix":` + mustJSON(t, straddle[:MaxBody-1]) + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(1)
			in := []byte(tt.in)
			e := added(j, Entry{Tenant: "T", Body: bytes.Clone(in), Response: bytes.Clone(in)})
			if diff := cmp.Diff(tt.want, string(e.Body)); diff != "" {
				t.Errorf("Add(Body %.40q…).Body (-want +got):\n%.2000s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.want, string(e.Response)); diff != "" {
				t.Errorf("Add(Response %.40q…).Response (-want +got):\n%.2000s", tt.in, diff)
			}
			if _, err := json.Marshal(e); err != nil {
				t.Errorf("json.Marshal of the stored entry: %v", err)
			}
		})
	}
}

func mustJSON(tb testing.TB, s string) string {
	tb.Helper()
	return string(encode(s))
}

func TestConcurrent(t *testing.T) {
	const limit, writers, perWriter = 50, 8, 200
	j := New(limit)
	tenants := []string{"A", "B", "C"}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				tenant := tenants[(w+i)%len(tenants)]
				j.Add(Entry{Tenant: tenant, Method: "POST", Path: "/rest/3.0/tagUsers",
					Header: http.Header{"X-Netmera-Api-Key": {"k"}}, Body: json.RawMessage(fmt.Sprintf(`{"extIds":["w%d-%d"]}`, w, i))})
			}
		})
		wg.Go(func() {
			for range perWriter {
				for _, tenant := range tenants {
					es := j.List(Filter{Tenant: tenant, Method: "post"})
					for k := 1; k < len(es); k++ {
						if es[k].Seq <= es[k-1].Seq {
							t.Errorf("List(%s) not oldest first: seq %d after %d", tenant, es[k].Seq, es[k-1].Seq)
							return
						}
					}
					_ = j.Count(Filter{Tenant: tenant, ExtID: "w1-1"})
					_ = j.Dropped(tenant)
				}
			}
		})
	}
	wg.Wait()
	total := uint64(0)
	for _, tenant := range tenants {
		es := j.List(Filter{Tenant: tenant})
		if len(es) != limit {
			t.Errorf("List(%s) has %d entries after %d adds, want %d", tenant, len(es), writers*perWriter, limit)
		}
		last := es[len(es)-1].Seq
		if got, want := j.Dropped(tenant), last-uint64(limit); got != want {
			t.Errorf("Dropped(%s) = %d, want %d (last seq %d, limit %d)", tenant, got, want, last, limit)
		}
		for k, e := range es {
			if e.Seq != last-uint64(limit-1-k) {
				t.Errorf("List(%s)[%d].Seq = %d, want %d: seqs must be consecutive", tenant, k, e.Seq, last-uint64(limit-1-k))
				break
			}
		}
		total += last
	}
	if total != writers*perWriter {
		t.Errorf("seqs over all tenants add up to %d, want %d adds", total, writers*perWriter)
	}
}

// TestHeaderBound: a huge header is cut to MaxHeader and the entry says
// so; a normal one is kept whole.
func TestHeaderBound(t *testing.T) {
	j := New(10)
	big := strings.Repeat("h", 1<<20)
	e := added(j, Entry{Tenant: "T", Header: http.Header{"X-Big": {big}, "Accept": {"*/*"}}})
	kept := 0
	for k, vs := range e.Header {
		kept += len(k)
		for _, v := range vs {
			kept += len(v)
		}
	}
	if kept > MaxHeader || e.Header.Get("Accept") != "*/*" {
		t.Errorf("a 1 MiB header kept %d bytes (Accept %q), want at most %d and Accept kept", kept, e.Header.Get("Accept"), MaxHeader)
	}
	if want := []string{fmt.Sprintf("headers: %d bytes, kept %d", len(big)+len("X-Big")+len("Accept")+3, kept)}; !cmp.Equal(e.Truncated, want) {
		t.Errorf("Truncated = %q, want %q", e.Truncated, want)
	}
	small := added(j, Entry{Tenant: "T", Header: http.Header{"Accept": {"*/*"}}})
	if len(small.Truncated) != 0 {
		t.Errorf("a small header was marked truncated: %q", small.Truncated)
	}
}

// TestByteBudget: a tenant's entries never hold more than its budget;
// the oldest go first and are counted as dropped.
func TestByteBudget(t *testing.T) {
	j := NewSized(1000, 1<<20) // 1 MiB
	body := bytes.Repeat([]byte("b"), MaxBody)
	for range 100 {
		j.Add(Entry{Tenant: "T", Body: body, Response: body, Header: http.Header{"X-Big": {strings.Repeat("h", 1<<20)}}})
	}
	r := j.ring("T", false)
	if r.bytes > 1<<20 {
		t.Errorf("the tenant's journal holds %d bytes, want at most 1 MiB", r.bytes)
	}
	n := j.Count(Filter{Tenant: "T"})
	if n == 0 || uint64(n)+j.Dropped("T") != 100 {
		t.Errorf("Count = %d, Dropped = %d; want some kept and the rest counted as dropped (100 in all)", n, j.Dropped("T"))
	}
	if got := j.List(Filter{Tenant: "T"}); got[len(got)-1].Seq != 100 {
		t.Errorf("the newest entry kept has Seq %d, want 100", got[len(got)-1].Seq)
	}
}

// Tenants lists every tenant with a journal, a cleared one included.
func TestTenants(t *testing.T) {
	j := New(10)
	if got := j.Tenants(); len(got) != 0 {
		t.Errorf("Tenants() of an empty journal = %q", got)
	}
	addN(j, "B", 1)
	addN(j, "A", 2)
	j.Clear("B")
	if diff := cmp.Diff(j.Tenants(), []string{"A", "B"}); diff != "" {
		t.Errorf("Tenants() (-got +want):\n%s", diff)
	}
}

// What the caller adds about the answer is kept, and counts against the
// tenant's byte budget.
func TestAnswerFields(t *testing.T) {
	j := NewSized(10, 1200)
	e := added(j, Entry{Tenant: "A", Method: "GET", Path: "/p", Status: 429, NextPage: "http://h/p?offset=10", RetryAfter: "3", Fault: "f1"})
	if e.NextPage != "http://h/p?offset=10" || e.RetryAfter != "3" || e.Fault != "f1" {
		t.Errorf("List shows nextPage %q, retryAfter %q, fault %q", e.NextPage, e.RetryAfter, e.Fault)
	}
	j.Add(Entry{Tenant: "A", Method: "GET", Path: "/p", NextPage: strings.Repeat("x", 900)})
	if n := j.Count(Filter{Tenant: "A"}); n != 1 {
		t.Errorf("%d entries kept; a long nextPage must count against the budget and evict the first", n)
	}
}

// TestQueryMasking: a key sent in the query (?api_key=, ?apiKey=, ?key=)
// is shown masked, as in a header; other parameters are kept as sent.
func TestQueryMasking(t *testing.T) {
	const key = "nm-SECRET-0123456789abcdef"
	tests := []struct {
		query, want string
	}{
		{"extId=id1&max=10", "extId=id1&max=10"},
		{"api_key=" + key + "&extId=id1", "api_key=" + maskValue(key) + "&extId=id1"},
		{"apiKey=" + key, "apiKey=" + maskValue(key)},
		{"X-Netmera-Api-Key=" + key, "X-Netmera-Api-Key=" + maskValue(key)},
		{"key=" + key + "&key=" + key, "key=" + maskValue(key) + "&key=" + maskValue(key)},
		{"token=device-token", "token=device-token"},
	}
	for _, tt := range tests {
		j := New(1)
		e := added(j, Entry{Tenant: "T", Path: "/rest/3.0/getDevices", Query: tt.query})
		if e.Query != tt.want {
			t.Errorf("Query %q is shown as %q, want %q", tt.query, e.Query, tt.want)
		}
		if strings.Contains(e.Query, "SECRET") {
			t.Errorf("Query %q shows the key in clear: %q", tt.query, e.Query)
		}
	}
}
