package ui_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// The inspector tested in a real browser: Debian's chromium, headless,
// driven with chromedp. One browser serves every subtest.

var update = flag.Bool("update", false, "write the screenshots of docs/inspector.md into docs/inspector/")

const (
	browserKey = "inspector-key"
	adminToken = "s3cret-admin"
	// wait bounds every wait for the page.
	wait = 15 * time.Second
)

// browserPath finds chromium, or skips the test saying how to get it.
func browserPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("the inspector's browser tests need chromium: apt-get install chromium (or set CHROME_PATH)")
	return ""
}

// fake is a fake served over a real listener, with a client that speaks
// to it as a test suite would.
type fake struct {
	URL string
}

func newFake(t *testing.T, opts mockserver.Options) *fake {
	t.Helper()
	store, err := state.NewStore(fixtures.Seed(fixtures.Options{Seed: 1, Users: 60}), state.Settings{}, browserKey)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.CloseStreams() // the page's stream would hold Close up
		ts.Close()
	})
	return &fake{URL: ts.URL}
}

// do sends one request to the fake with the tenant's key and returns its
// status.
func (f *fake) do(t *testing.T, method, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, f.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-netmera-api-key", browserKey)
	if strings.HasPrefix(path, "/_mock/") {
		req.Header.Set("Authorization", "Bearer "+adminToken) // for a locked control API
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// browser starts one headless chromium for the whole test and returns a
// tab's context.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := browserPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 860),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// do runs steps in the tab, bounded by wait; a failure says which step
// and what the page shows in its error areas.
func do(t *testing.T, ctx context.Context, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v (the page says: %s)", step, err, pageSays(ctx))
	}
}

// pageSays is what the page shows in its error areas and its status.
func pageSays(ctx context.Context) string {
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(c, chromedp.Evaluate[string](`[...document.querySelectorAll('.error')].map(e => e.textContent).filter(Boolean).join(' | ') + ' | status: ' + document.getElementById('conn-text').textContent`))
	return s
}

// until waits until the JavaScript expression is true in the page.
func until(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		t.Fatalf("waiting until %s (%s): %v (the page says: %s)", what, expr, err, pageSays(ctx))
	}
}

// eval returns the value of a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// screenshot writes the page as docs/inspector/name.png with -update.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !*update {
		return
	}
	do(t, ctx, "settling before the screenshot "+name, chromedp.Evaluate[chromedp.Void](`document.getElementById('toast').classList.remove('show')`),
		chromedp.Sleep(300*time.Millisecond))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "docs", "inspector")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// open loads the page and enters the key (and the admin token when
// given), then waits until the page is live.
func open(t *testing.T, ctx context.Context, f *fake, view string) {
	t.Helper()
	do(t, ctx, "opening the page",
		chromedp.Navigate(f.URL+"/_mock/ui/#"+view),
		chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("key-input")),
		chromedp.SendKeys(chromedp.ID("key-input"), browserKey),
		submit("connect-form"))
	until(t, ctx, "the page is live", `document.getElementById('conn-text').textContent === 'Live'`)
}

// submit submits a form as pressing its button does (chromedp.Submit
// calls form.submit(), which skips the page's submit handlers).
func submit(form string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.getElementById('` + form + `').requestSubmit()`)
}

// setField sets a form field's value and tells the page, as typing does.
func setField(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; `+
		`e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()`, id, value))
}

// image is the notification's picture, inline so that no test needs the
// network: a parcel on a blue ground.
const image = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHZpZXdCb3g9JzAgMCAzMjAgMTYwJz48cmVjdCB3aWR0aD0nMzIwJyBoZWlnaHQ9JzE2MCcgZmlsbD0nIzBiNTdkMCcvPjxwYXRoIGQ9J00xMjAgNTVsNDAtMjAgNDAgMjB2NTBsLTQwIDIwLTQwLTIweicgZmlsbD0nI2Y0YjQwMCcvPjxwYXRoIGQ9J00xMjAgNTVsNDAgMjAgNDAtMjBNMTYwIDc1djUwJyBzdHJva2U9JyM3YTRmMDAnIHN0cm9rZS13aWR0aD0nMycgZmlsbD0nbm9uZScvPjwvc3ZnPg=="

func TestInspector(t *testing.T) {
	ctx := browser(t)
	f := newFake(t, mockserver.Options{JournalSize: 10_000})
	open(t, ctx, f, "requests")

	t.Run("a request appears without reloading", func(t *testing.T) {
		if got := f.do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1","id2"]}`); got != http.StatusOK {
			t.Fatalf("tagUsers = %d, want 200", got)
		}
		until(t, ctx, "tagUsers is listed", `[...document.querySelectorAll('#req-window .row')].some(r => r.textContent.includes('tagUsers'))`)
		f.do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
		f.do(t, http.MethodGet, "/rest/3.0/getProfileAttributes", "")                                             // 400: no user named
		f.do(t, http.MethodPost, "/rest/3.0/setProfileAttributes", `[{"extId":"id2","profile":{"name":"Jane"}}]`) // 200
		until(t, ctx, "four requests are listed", `document.querySelectorAll('#req-window .row').length === 4`)
		if got := eval[string](t, ctx, `document.querySelector('#req-window .row .path').textContent`); got != "setProfileAttributes" {
			t.Errorf("the first row is %q, want the newest request, setProfileAttributes", got)
		}
	})

	t.Run("a request opens with its key masked and as curl", func(t *testing.T) {
		do(t, ctx, "opening tagUsers", chromedp.Click(`//div[@role="option"][contains(., "tagUsers")]`))
		until(t, ctx, "the detail shows", `document.querySelector('#req-detail pre.json') !== null`)
		detail := eval[string](t, ctx, `document.getElementById('req-detail').textContent`)
		for _, want := range []string{`"tag": "Sport"`, "X-Netmera-Api-Key", "Copy as curl"} {
			if !strings.Contains(detail, want) {
				t.Errorf("the detail of tagUsers lacks %q:\n%s", want, detail)
			}
		}
		if strings.Contains(detail, browserKey) {
			t.Errorf("the detail shows the API key %q in clear", browserKey)
		}
		curl := eval[string](t, ctx, `document.querySelector('#req-detail details pre').textContent`)
		for _, want := range []string{"curl -X POST", f.URL + "/rest/3.0/tagUsers", `"X-netmera-api-key: $NETMERA_API_KEY"`, `--data-raw '{"tag":"Sport","extIds":["id1","id2"]}'`} {
			if !strings.Contains(curl, want) {
				t.Errorf("copy as curl lacks %q:\n%s", want, curl)
			}
		}
		screenshot(t, ctx, "requests")
	})

	t.Run("filters by path, status and extId", func(t *testing.T) {
		for _, tt := range []struct {
			name, field, value string
			want               int
		}{
			{name: "status class", field: "req-status", value: "4xx", want: 1},
			{name: "exact status", field: "req-status", value: "200", want: 3},
			{name: "path", field: "req-path", value: "profile", want: 2},
			{name: "extId", field: "req-ext", value: "id2", want: 2},
		} {
			t.Run(tt.name, func(t *testing.T) {
				do(t, ctx, "filtering", setField(tt.field, tt.value))
				until(t, ctx, fmt.Sprintf("%d rows are shown", tt.want), fmt.Sprintf(`document.querySelectorAll('#req-window .row').length === %d`, tt.want))
				do(t, ctx, "clearing the filter", setField(tt.field, ""))
				until(t, ctx, "all rows are back", `document.querySelectorAll('#req-window .row').length === 4`)
			})
		}
	})

	t.Run("keyboard moves through the list", func(t *testing.T) {
		do(t, ctx, "Home, then ArrowDown", chromedp.Focus(chromedp.ID("req-rows")), chromedp.KeyEvent(kb.Home), chromedp.KeyEvent(kb.ArrowDown))
		until(t, ctx, "the second newest is selected", `document.getElementById('req-rows').getAttribute('aria-activedescendant') === document.querySelectorAll('#req-window .row')[1].id`)
	})

	t.Run("a user is found by extId, email and token", func(t *testing.T) {
		for _, tt := range []struct{ by, value string }{
			{by: "extId", value: "id1"},
			{by: "email", value: "john.brown@example.com"},
			{by: "token", value: "a1b2c3d4e5f6g7"},
		} {
			t.Run(tt.by, func(t *testing.T) {
				do(t, ctx, "finding "+tt.value,
					chromedp.Navigate(f.URL+"/_mock/ui/#users"),
					chromedp.WaitVisible(chromedp.ID("user-value")),
					setField("user-by", tt.by),
					setField("user-value", tt.value),
					submit("user-form"))
				until(t, ctx, "id1 is shown", `(document.querySelector('#user-result h3') || {}).textContent === 'User id1'`)
			})
		}
		shown := eval[string](t, ctx, `document.getElementById('user-result').textContent`)
		for _, want := range []string{"Sport", "Devices", "Android", "Category preferences", "Segments", "Inbox", "Deliveries"} {
			if !strings.Contains(shown, want) {
				t.Errorf("the user view of id1 lacks %q:\n%s", want, shown)
			}
		}
		screenshot(t, ctx, "users")
	})

	t.Run("a fault added in the page fails the next request", func(t *testing.T) {
		do(t, ctx, "adding a rule",
			chromedp.Navigate(f.URL+"/_mock/ui/#faults"),
			chromedp.WaitVisible(chromedp.ID("fault-path")),
			setField("fault-path", "getDevices"),
			setField("fault-status", "503"),
			setField("fault-code", "2001"),
			submit("fault-form"))
		until(t, ctx, "the rule is listed", `document.getElementById('fault-list').textContent.includes('getDevices')`)
		if got := f.do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", ""); got != http.StatusServiceUnavailable {
			t.Errorf("getDevices after the rule = %d, want 503", got)
		}
		until(t, ctx, "the rule counts its hit", `[...document.querySelectorAll('#fault-list td')].some(td => td.textContent === '1')`)
		screenshot(t, ctx, "faults")
		do(t, ctx, "removing it", chromedp.Click(`//button[starts-with(@aria-label, "Remove rule")]`))
		until(t, ctx, "no rule is left", `document.getElementById('fault-list').textContent.includes('No rule')`)
		if got := f.do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", ""); got != http.StatusOK {
			t.Errorf("getDevices after the rule was removed = %d, want 200", got)
		}
	})

	t.Run("a push is drawn as the phone shows it", func(t *testing.T) {
		do(t, ctx, "opening notifications", chromedp.Navigate(f.URL+"/_mock/ui/#notifications"), chromedp.WaitVisible(chromedp.ID("notif-list")))
		if got := f.do(t, http.MethodPost, "/_mock/devices", `{"extId":"id1","platform":"IOS","token":"ios-token-id1","deviceModel":"iPhone 15","pushPermitted":true}`); got != http.StatusOK {
			t.Fatalf("POST /_mock/devices = %d, want 200", got)
		}
		body := `{"message":{"title":"Your order","text":"Your order A-17 has shipped","platforms":["IOS","ANDROID"],` +
			`"ios":{"mediaUrl":"` + image + `"},"android":{"mediaUrl":"` + image + `"},` +
			`"buttonSet":{"id":1,"Track":"https://example.com/track","Later":"https://example.com/later"},` +
			`"click":{"deeplink":"myshop://orders/A-17"}},"target":{"extId":["id1","ghost-user"]}}`
		if got := f.do(t, http.MethodPost, "/rest/3.0/sendBulkNotification", body); got != http.StatusOK {
			t.Fatalf("sendBulkNotification = %d, want 200", got)
		}
		until(t, ctx, "the delivery card shows", `[...document.querySelectorAll('.phone .p-title')].some(e => e.textContent === 'Your order')`)
		card := eval[string](t, ctx, `document.querySelector('.phone').textContent`)
		for _, want := range []string{"Your order A-17 has shipped", "Track", "Later", "myshop://orders/A-17", "id1", "SUCCESS"} {
			if !strings.Contains(card, want) {
				t.Errorf("the delivery card lacks %q:\n%s", want, card)
			}
		}
		if !eval[bool](t, ctx, `document.querySelector('.phone img.p-img') !== null`) {
			t.Error("the delivery card draws no image")
		}
		left := eval[string](t, ctx, `document.querySelector('.notif').textContent`)
		if !strings.Contains(left, "ghost-user") || !strings.Contains(left, "no user has this extId") {
			t.Errorf("the notification does not say why ghost-user was left out:\n%s", left)
		}
		screenshot(t, ctx, "notifications")
	})

	t.Run("thousands of requests render a window", func(t *testing.T) {
		do(t, ctx, "opening requests", chromedp.Navigate(f.URL+"/_mock/ui/#requests"), chromedp.WaitVisible(chromedp.ID("req-rows")))
		const n, clients = 3000, 4
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for c := range clients {
			wg.Go(func() {
				for i := c; i < n; i += clients {
					req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/rest/3.0/getProfileAttributes?extId=user-%03d", f.URL, i%50), nil)
					req.Header.Set("X-netmera-api-key", browserKey)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						errs <- err
						return
					}
					res.Body.Close()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		until(t, ctx, "every request is counted", fmt.Sprintf(`/^%d requests$/.test(document.getElementById('req-count').textContent)`, n+7))
		if rows := eval[int](t, ctx, `document.querySelectorAll('#req-window .row').length`); rows > 100 {
			t.Errorf("%d rows in the page for %d requests, want a window of at most 100", rows, n+7)
		}
		do(t, ctx, "scrolling to the end", chromedp.Evaluate[chromedp.Void](`(() => { const b = document.getElementById('req-rows'); b.scrollTop = b.scrollHeight; b.dispatchEvent(new Event('scroll')); })()`))
		until(t, ctx, "the oldest request is drawn", `[...document.querySelectorAll('#req-window .row .path')].some(p => p.textContent === 'tagUsers')`)
	})

	t.Run("on a phone", func(t *testing.T) {
		do(t, ctx, "a phone's screen", chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.URL+"/_mock/ui/#notifications"))
		until(t, ctx, "the card shows", `document.querySelector('.phone') !== null`)
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the page is %d px wide on a 390 px screen: it scrolls sideways", w)
		}
		screenshot(t, ctx, "phone")
		do(t, ctx, "a laptop's screen again", chromedp.EmulateViewport(1280, 860))
	})

	t.Run("the key never reaches a URL", func(t *testing.T) {
		urls := eval[[]string](t, ctx, `performance.getEntriesByType('resource').map(e => e.name).concat([location.href])`)
		for _, u := range urls {
			if strings.Contains(u, browserKey) {
				t.Errorf("the page requested %s, with the key in the URL", u)
			}
		}
		if len(urls) < 3 {
			t.Errorf("only %d URLs seen, want the page's fetches too: %v", len(urls), urls)
		}
	})

	t.Run("the admin token is asked for", func(t *testing.T) {
		locked := newFake(t, mockserver.Options{AdminToken: adminToken})
		do(t, ctx, "entering the key",
			chromedp.Navigate(locked.URL+"/_mock/ui/#requests"),
			chromedp.Evaluate[chromedp.Void](`sessionStorage.clear()`),
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.ID("key-input")),
			chromedp.SendKeys(chromedp.ID("key-input"), browserKey),
			submit("connect-form"),
			chromedp.WaitVisible(chromedp.ID("admin-input")))
		if msg := eval[string](t, ctx, `document.getElementById('connect-error').textContent`); !strings.Contains(msg, "admin token") {
			t.Errorf("the page says %q, want it to ask for the admin token", msg)
		}
		do(t, ctx, "entering the token",
			chromedp.SendKeys(chromedp.ID("key-input"), browserKey),
			chromedp.SendKeys(chromedp.ID("admin-input"), adminToken),
			submit("connect-form"))
		until(t, ctx, "the page is live", `document.getElementById('conn-text').textContent === 'Live'`)
		locked.do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"t","extIds":["id1"]}`)
		until(t, ctx, "the request is listed", `document.querySelectorAll('#req-window .row').length === 1`)
	})
}
