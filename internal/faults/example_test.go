package faults_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"

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

// A background rule for every path takes a priority number above the
// default 5, so that the specific rules answer first, in whatever order
// they were added; among equal priorities the newest rule answers.
func Example_order() {
	set := faults.NewSet(1)
	add := func(r faults.Rule) {
		if _, err := set.Add("key-1a2b3c4d", r); err != nil {
			panic(err)
		}
	}
	add(faults.Rule{Path: "/rest/3.0/tagUsers", Status: 500, Code: 2001, Error: "An unexpected error occurred. Retry later.", Times: 1})
	add(faults.Rule{Path: "/*", LatencyMS: 250, Priority: 10})
	add(faults.Rule{Path: "/rest/3.0/sendNotification", Status: 200, Body: `{"notificationKey":42}`,
		Headers: map[string]string{"Content-Type": "application/json"}})

	for _, r := range set.List("key-1a2b3c4d") {
		fmt.Println("tried:", r.ID, r.Priority, r.Path)
	}
	for _, path := range []string{"/rest/3.0/tagUsers", "/rest/3.0/tagUsers", "/rest/3.0/sendNotification"} {
		r, _ := set.Match("key-1a2b3c4d", "POST", path, nil)
		w := httptest.NewRecorder()
		if !faults.Apply(w, r) {
			fmt.Println(path, "->", r.ID, "waits", r.Latency(), "then is served")
			continue
		}
		fmt.Println(path, "->", r.ID, w.Code, w.Header().Get("Content-Type"), strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// tried: f3 5 /rest/3.0/sendNotification
	// tried: f1 5 /rest/3.0/tagUsers
	// tried: f2 10 /*
	// /rest/3.0/tagUsers -> f1 500 application/json {"code":2001,"error":"An unexpected error occurred. Retry later."}
	// /rest/3.0/tagUsers -> f2 waits 250ms then is served
	// /rest/3.0/sendNotification -> f3 200 application/json {"notificationKey":42}
}
