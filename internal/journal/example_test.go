package journal_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

func Example() {
	j := journal.New(100)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	j.Add(journal.Entry{
		Tenant: "key-1a2b3c4d", Time: at, Method: "POST", Path: "/rest/3.0/tagUsers",
		Header: http.Header{"X-netmera-api-key": {"my-secret-key"}},
		Body:   []byte(`{"tag": "Sport", "extIds": ["u1", "u2"]}`),
		Status: 200,
	})
	j.Add(journal.Entry{
		Tenant: "key-1a2b3c4d", Time: at.Add(time.Second), Method: "GET", Path: "/rest/3.0/getDevices",
		Query: "extId=u1", Status: 400, Response: []byte(`{"code":2004,"error":"Invalid extId"}`),
	})

	fmt.Println("calls to tagUsers:", j.Count(journal.Filter{Tenant: "key-1a2b3c4d", Method: "post", Path: "/rest/3.0/tagUsers"}))
	fmt.Println("calls naming u1:", j.Count(journal.Filter{Tenant: "key-1a2b3c4d", ExtID: "u1"}))
	fmt.Println("calls seen by another tenant:", j.Count(journal.Filter{Tenant: "key-99999999"}))

	first := j.List(journal.Filter{Tenant: "key-1a2b3c4d"})[0]
	// The key is kept as its log ID, whose salt changes with every run.
	fmt.Println("key kept as its log ID:", first.Header.Get("X-Netmera-Api-Key") == state.KeyID("my-secret-key"))
	first.Header = http.Header{"X-Netmera-Api-Key": {"key-…"}}
	b, _ := json.Marshal(first)
	fmt.Println(string(b))
	// Output:
	// calls to tagUsers: 1
	// calls naming u1: 2
	// calls seen by another tenant: 0
	// key kept as its log ID: true
	// {"seq":1,"time":"2025-01-02T03:04:05Z","method":"POST","path":"/rest/3.0/tagUsers","headers":{"X-Netmera-Api-Key":["key-…"]},"body":{"tag":"Sport","extIds":["u1","u2"]},"status":200,"durationMs":0,"extIds":["u1","u2"]}
}
