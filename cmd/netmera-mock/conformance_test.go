package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// With -report-on-exit, a graceful shutdown leaves every tenant's
// conformance report behind: JUnit XML for a .xml file, JSON otherwise,
// each tenant named by its log ID and no key in clear.
func TestReportOnExit(t *testing.T) {
	t.Parallel()
	const key, other = "report-key-Secret-1", "report-key-Secret-2"
	for _, name := range []string{"netmera.xml", "netmera.json"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			addr, logs, stop := startRun(t, "-api-key", key+","+other, "-users", "10", "-report-on-exit", path)
			base := "http://" + addr
			mustCall(t, http.MethodPost, base+"/rest/3.0/tagUsers", key, `{"tag":"T"}`, 400)                  // refused by the document
			mustCall(t, http.MethodGet, base+"/rest/3.0/getDevices?extId=id1&api_key="+other, other, "", 200) // the key in the URL
			if err := stop(); err != nil {
				t.Fatalf("run after cancel = %v; logs:\n%s", err, logs)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("no report after the shutdown: %v; logs:\n%s", err, logs)
			}
			if strings.Contains(string(b), key) || strings.Contains(string(b), other) {
				t.Errorf("the report holds a key in clear:\n%s", b)
			}
			for _, id := range []string{state.KeyID(key), state.KeyID(other)} {
				if !strings.Contains(string(b), id) {
					t.Errorf("the report does not name tenant %s:\n%s", id, b)
				}
			}
			var failures int
			if strings.HasSuffix(name, ".xml") {
				var doc struct {
					Failures int `xml:"failures,attr"`
				}
				err = xml.Unmarshal(b, &doc)
				failures = doc.Failures
			} else {
				var doc struct {
					Reports []struct{ Summary struct{ Failed int } }
				}
				err = json.Unmarshal(b, &doc)
				for _, r := range doc.Reports {
					failures += r.Summary.Failed
				}
			}
			if err != nil || failures != 2 {
				t.Errorf("the report: %v, %d failed rules; want document-refused and api-key-placement\n%s", err, failures, b)
			}
			if !strings.Contains(logs.String(), `"msg":"conformance report written"`) {
				t.Errorf("the shutdown did not log the report:\n%s", logs)
			}
			if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp-*")); len(leftovers) > 0 {
				t.Errorf("temporary files left: %q", leftovers)
			}
		})
	}
}

func TestReportOnExitFolderMissing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing", "report.xml")
	err := run(t.Context(), []string{"-addr", "127.0.0.1:0", "-users", "1", "-report-on-exit", path}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-report-on-exit "+path+": its folder does not exist") {
		t.Errorf("run with -report-on-exit in a missing folder = %v, want it refused at start", err)
	}
}
