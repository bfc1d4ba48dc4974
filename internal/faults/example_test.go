package faults_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/netmera-mock/netmera-mock/internal/faults"
)

func Example() {
	set := faults.NewSet(1)
	rule, err := set.Add("key-1a2b3c4d", faults.Rule{
		Method: "post", Path: "/rest/3.0/tagUsers",
		Status: 429, Code: 429, Error: "Too many requests", RetryAfter: 2, Times: 1,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("added", rule.ID, rule.Method, rule.Path)

	// What the HTTP layer does for each request, twice here.
	for range 2 {
		rule, ok := set.Match("key-1a2b3c4d", "POST", "/rest/3.0/tagUsers", nil)
		if !ok {
			fmt.Println("no fault: served normally")
			continue
		}
		if err := faults.Sleep(context.Background(), rule.Latency()); err != nil {
			return
		}
		w := httptest.NewRecorder()
		faults.Apply(w, rule)
		fmt.Print(w.Code, " Retry-After: ", w.Header().Get("Retry-After"), " ", w.Body.String())
	}

	_, ok := set.Match("key-99999999", "POST", "/rest/3.0/tagUsers", nil)
	fmt.Println("another tenant matched:", ok)

	_, err = set.Add("key-1a2b3c4d", faults.Rule{Path: "/rest/3.0/tagUsers", Status: 503, Body: "down", Code: 1})
	fmt.Println(err)
	// Output:
	// added f1 POST /rest/3.0/tagUsers
	// 429 Retry-After: 2 {"code":429,"error":"Too many requests"}
	// no fault: served normally
	// another tenant matched: false
	// faults: invalid rule: body excludes code and error: give a raw body or a Netmera envelope
}
