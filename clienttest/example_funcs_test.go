package clienttest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"slices"

	"github.com/netmera-mock/netmera-mock/clienttest"
)

// shopClient stands for a client written before the suite, shaped its own
// way: variadic IDs, its own device type and options, its own error type.
type shopClient struct {
	base, key string
	hc        *http.Client
}

type shopDevice struct {
	OS, PushToken string
	Allowed       bool
}

type shopDeviceQuery struct{ AllowedOnly bool }

type shopError struct {
	Code int
	Text string
}

func (e *shopError) Error() string { return fmt.Sprintf("shop: netmera error %d: %s", e.Code, e.Text) }

func (c *shopClient) Tag(ctx context.Context, tag string, extIDs ...string) error {
	return c.send(ctx, http.MethodPost, "tagUsers", map[string]any{"tag": tag, "extIds": extIDs}, nil)
}

func (c *shopClient) Devices(ctx context.Context, extID string, q shopDeviceQuery) ([]shopDevice, error) {
	path := "getDevices?extId=" + url.QueryEscape(extID)
	if q.AllowedOnly {
		path += "&pushPermitted=true"
	}
	var page struct {
		Devices []struct {
			Platform, Token string
			PushPermitted   bool
		}
	}
	if err := c.send(ctx, http.MethodGet, path, nil, &page); err != nil {
		return nil, err
	}
	var out []shopDevice
	for _, d := range page.Devices {
		out = append(out, shopDevice{OS: d.Platform, PushToken: d.Token, Allowed: d.PushPermitted})
	}
	return out, nil
}

func (c *shopClient) send(ctx context.Context, method, path string, body, out any) error {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/rest/3.0/"+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("X-netmera-api-key", c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e := &shopError{}
		if err := json.NewDecoder(resp.Body).Decode(&struct {
			Code  *int    `json:"code"`
			Error *string `json:"error"`
		}{&e.Code, &e.Text}); err != nil {
			return fmt.Errorf("shop: HTTP %d", resp.StatusCode)
		}
		return e
	}
	if out == nil {
		return nil // a write is acknowledged with an empty body
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// A client shaped its own way is adapted with a Funcs: one field per
// method it has, converting its types; the others stay nil, and their
// cases are skipped.
func ExampleFuncs() {
	factory := func(baseURL, apiKey string, hc *http.Client) (any, error) {
		c := &shopClient{base: baseURL, key: apiKey, hc: hc}
		return clienttest.Funcs{
			TagUsers: func(ctx context.Context, tag string, extIDs []string) error {
				return c.Tag(ctx, tag, extIDs...)
			},
			GetDevices: func(ctx context.Context, extID string, onlyPermitted bool) ([]clienttest.Device, error) {
				ds, err := c.Devices(ctx, extID, shopDeviceQuery{AllowedOnly: onlyPermitted})
				out := make([]clienttest.Device, len(ds))
				for i, d := range ds {
					out[i] = clienttest.Device{Platform: d.OS, Token: d.PushToken, PushPermitted: d.Allowed}
				}
				return out, err
			},
			AsAPIError: func(err error) (int, string, bool) {
				var e *shopError
				if errors.As(err, &e) {
					return e.Code, e.Text, true
				}
				return 0, "", false
			},
		}, nil
	}
	// In a test, the factory goes to the suite:
	//
	//	clienttest.Run(t, factory)
	//
	// Here the adapter is called by hand against the fake.
	t := &exampleT{}
	defer t.finish()
	srv := clienttest.NewServer(t)
	ctx := context.Background()

	c, err := factory(srv.URL, srv.APIKey, srv.Client)
	if err != nil {
		log.Fatal(err)
	}
	f := c.(clienttest.Funcs)
	if err := f.TagUsers(ctx, "VIP", []string{"id1", "id2"}); err != nil {
		log.Fatal(err)
	}
	u, _ := srv.User("id2")
	fmt.Println("id2 tagged VIP:", slices.Contains(u.Tags, "VIP"))
	devices, err := f.GetDevices(ctx, "id1", false)
	fmt.Printf("id1's devices: %+v %v\n", devices, err)

	bad, err := factory(srv.URL, "wrong-key", srv.Client)
	if err != nil {
		log.Fatal(err)
	}
	err = bad.(clienttest.Funcs).TagUsers(ctx, "VIP", []string{"id1"})
	code, text, _ := f.AsAPIError(err)
	fmt.Printf("with a wrong key: %v, read as code %d, text %q\n", err, code, text)
	// Output:
	// id2 tagged VIP: true
	// id1's devices: [{InstallationID: ExtID: Platform:ANDROID Token:a1b2c3d4e5f6g7 DeviceModel: PushPermitted:true}] <nil>
	// with a wrong key: shop: netmera error 2010: API key is invalid, read as code 2010, text "API key is invalid"
}
