// Package refclient is a small, correct client of the Netmera REST API:
// the reference that clienttest's own tests run the suite against. Its
// Defects switch on one deliberate bug each, so that the tests can check
// that the suite catches every one of them.
package refclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/netmera-mock/netmera-mock/clienttest"
)

// Defects are deliberate bugs; the zero value is a correct client.
type Defects struct {
	NoBatching        bool   // sends every ID of a call in one request
	IgnoreNextPage    bool   // reads only the first page of a listing
	KeyHeader         string // sends the API key in this header instead of X-netmera-api-key
	SwallowCodes      bool   // returns errors without Netmera's code and text
	ObjectBodies      bool   // sends one object per request where Netmera wants an array
	JSONEveryResponse bool   // parses every response as JSON, empty 200 bodies included
	NoOSHeader        bool   // sends no X-netmera-os header
	NoContentType     bool   // sends JSON bodies without a Content-Type
	DefaultHTTPClient bool   // ignores the given *http.Client for http.DefaultClient
	IgnoreContext     bool   // sends requests with context.Background()
	TokenOnly         bool   // reads a getDeviceTokens token from "token", never "deviceToken"
	PlainErrors       bool   // returns Netmera's errors as *PlainError, which is no clienttest.APIError
	NestedAttributes  bool   // sends an event's attributes in an "attributes" object instead of beside extId and name
	ClearByUpdate     bool   // "removes" an address or number by updating it to an empty value, which Netmera keeps or stores
	NumericKey        bool   // sends sendNotification's notificationKey as a JSON number, not a text
	UnbatchedSends    bool   // sends every ID and token of a SendNotification in one request
	FirstResultPage   bool   // reads only the first page of getPushResult
	StatusAsText      bool   // sends inbox statuses as JSON texts ("2") where Netmera wants numbers
}

// MaxIDs is Netmera's limit of unique identifiers per request.
const MaxIDs = 1000

// Client is a Netmera client for one app.
type Client struct {
	base string
	key  string
	hc   *http.Client
	d    Defects
	// OS is the X-netmera-os header of getSegmentUsers.
	OS string
}

// New returns a client of the API at baseURL (scheme and host) with key.
func New(baseURL, apiKey string, hc *http.Client, d Defects) *Client {
	if hc == nil || d.DefaultHTTPClient {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), key: apiKey, hc: hc, d: d, OS: "ANDROID"}
}

// Error is a failed request: Netmera's code and text when the answer was
// its error envelope, the HTTP status and body otherwise.
type Error struct {
	Status  int
	Code    int
	Message string
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("netmera: error %d: %s (HTTP %d)", e.Code, e.Message, e.Status)
	}
	return fmt.Sprintf("netmera: HTTP %d: %s", e.Status, e.Message)
}

// NetmeraCode returns the code of Netmera's error envelope.
func (e *Error) NetmeraCode() int { return e.Code }

// NetmeraMessage returns the text of Netmera's error envelope.
func (e *Error) NetmeraMessage() string { return e.Message }

// PlainError is a Netmera error as many clients return it: the code and
// text in fields, without the methods of clienttest.APIError.
type PlainError struct {
	Code    int
	Message string
}

func (e *PlainError) Error() string { return fmt.Sprintf("netmera %d: %s", e.Code, e.Message) }

// endpoint is the URL of a Netmera path with a query.
func (c *Client) endpoint(path string, q url.Values) string {
	u := c.base + "/rest/3.0/" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// next resolves a nextPage link against the base URL.
func (c *Client) next(link string) (string, error) {
	base, err := url.Parse(c.base + "/")
	if err != nil {
		return "", err
	}
	u, err := base.Parse(link)
	if err != nil {
		return "", fmt.Errorf("netmera: bad nextPage %q: %w", link, err)
	}
	return u.String(), nil
}

// do sends one request with a JSON body (when body is not nil) and decodes
// the JSON answer into out (when out is not nil and the answer has a body).
func (c *Client) do(ctx context.Context, method, rawURL string, body any, os string, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	if c.d.IgnoreContext {
		ctx = context.Background()
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return err
	}
	keyHeader := "X-netmera-api-key"
	if c.d.KeyHeader != "" {
		keyHeader = c.d.KeyHeader
	}
	req.Header.Set(keyHeader, c.key)
	if body != nil && !c.d.NoContentType {
		req.Header.Set("Content-Type", "application/json")
	}
	if os != "" && !c.d.NoOSHeader {
		req.Header.Set("X-netmera-os", os)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		if c.d.SwallowCodes {
			return fmt.Errorf("netmera: request failed: %s", resp.Status)
		}
		var env struct {
			Code  int    `json:"code"`
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &env) == nil && env.Code != 0 {
			if c.d.PlainErrors {
				return &PlainError{Code: env.Code, Message: env.Error}
			}
			return &Error{Status: resp.StatusCode, Code: env.Code, Message: env.Error}
		}
		return &Error{Status: resp.StatusCode, Message: strings.TrimSpace(string(b))}
	}
	if out == nil && c.d.JSONEveryResponse {
		out = new(any)
	}
	if out == nil || len(bytes.TrimSpace(b)) == 0 && !c.d.JSONEveryResponse {
		return nil // writes answer 200 with no body
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("netmera: reading the answer to %s %s: %w", method, req.URL.Path, err)
	}
	return nil
}

func (c *Client) post(ctx context.Context, path string, body any) error {
	return c.do(ctx, http.MethodPost, c.endpoint(path, nil), body, "", nil)
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, c.endpoint(path, q), nil, "", out)
}

// postArray posts entries as one JSON array.
func postArray[T any](ctx context.Context, c *Client, path string, entries []T) error {
	if !c.d.ObjectBodies {
		return c.post(ctx, path, entries)
	}
	for _, e := range entries {
		if err := c.post(ctx, path, e); err != nil {
			return err
		}
	}
	return nil
}

// batches splits items, in order, into runs naming at most MaxIDs unique
// keys each.
func (c *Client) batches(n int, key func(i int) string) [][2]int {
	return c.batchesOf(n, MaxIDs, key)
}

// batchesOf splits items, in order, into runs naming at most limit unique
// keys each (any number with NoBatching).
func (c *Client) batchesOf(n, limit int, key func(i int) string) [][2]int {
	return c.batchesMulti(n, limit, func(i int) []string { return []string{key(i)} })
}

// batchesMulti is batchesOf for items naming several keys each (empty
// keys count for nothing; keys of different kinds must differ, as "ext:"
// and "token:" prefixes make them).
func (c *Client) batchesMulti(n, limit int, keys func(i int) []string) [][2]int {
	if c.d.NoBatching {
		limit = math.MaxInt
	}
	var out [][2]int
	start, seen := 0, map[string]bool{}
	for i := range n {
		fresh := 0
		ks := keys(i)
		for j, k := range ks {
			if k != "" && !seen[k] && !slices.Contains(ks[:j], k) {
				fresh++
			}
		}
		if len(seen)+fresh > limit && i > start {
			out = append(out, [2]int{start, i})
			start, seen = i, map[string]bool{}
		}
		for _, k := range ks {
			if k != "" {
				seen[k] = true
			}
		}
	}
	if n > start || n == 0 {
		out = append(out, [2]int{start, n})
	}
	return out
}

// eachBatch calls fn on runs of ids of at most MaxIDs unique IDs.
func (c *Client) eachBatch(ids []string, fn func([]string) error) error {
	for _, b := range c.batches(len(ids), func(i int) string { return ids[i] }) {
		if err := fn(ids[b[0]:b[1]]); err != nil {
			return err
		}
	}
	return nil
}

// The client implements every interface of the suite.
var _ interface {
	clienttest.UserClient
	clienttest.ProfileClient
	clienttest.CategoryClient
	clienttest.DeviceClient
	clienttest.SegmentClient
	clienttest.ChannelClient
	clienttest.ApprovalClient
	clienttest.NotificationClient
	clienttest.PushResultClient
	clienttest.RegistrationClient
	clienttest.EventClient
	clienttest.InboxClient
} = (*Client)(nil)
