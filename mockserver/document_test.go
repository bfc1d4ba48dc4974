package mockserver_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/mockserver"
)

// TestRoutesMatchDocument: every operation of the OpenAPI document has a
// route, and every route an operation, so the two cannot drift apart.
func TestRoutesMatchDocument(t *testing.T) {
	doc, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(documented)
	h := MustHarness(t, mockserver.Options{})
	if diff := cmp.Diff(documented, h.Server.Routes()); diff != "" {
		t.Errorf("operations of the OpenAPI document (-) against Server.Routes() (+):\n%s", diff)
	}
}

// TestServesTheDocument: /_mock/openapi.yaml is the embedded document,
// and /_mock/openapi.json the same document as JSON.
func TestServesTheDocument(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	yaml := h.Do(t, http.MethodGet, "/_mock/openapi.yaml", "")
	if yaml.Status != http.StatusOK || string(yaml.Body) != string(contracts.Document()) {
		t.Errorf("GET /_mock/openapi.yaml = %d (%d bytes), want 200 and the embedded document (%d bytes)", yaml.Status, len(yaml.Body), len(contracts.Document()))
	}
	js := h.Do(t, http.MethodGet, "/_mock/openapi.json", "")
	if _, err := contracts.Load(js.Body); js.Status != http.StatusOK || err != nil {
		t.Errorf("GET /_mock/openapi.json = %d, loads as a document: %v", js.Status, err)
	}
}
