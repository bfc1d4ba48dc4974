package contracts_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/contracts"
)

const goldenDir = "testdata/golden"

// TestReplayGolden replays the golden answers, documented samples or live
// recordings, against the fake: any difference is drift between the fake
// and what Netmera documents or answered.
func TestReplayGolden(t *testing.T) {
	f := mustFake(t, nil)
	results, err := contracts.Replay(context.Background(), f.target(), goldenDir)
	if err != nil {
		t.Fatalf("Replay(fake, %s) = %v", goldenDir, err)
	}
	if len(results) == 0 {
		t.Fatalf("Replay(fake, %s) replayed no file", goldenDir)
	}
	for _, r := range results {
		if r.Replayed == 0 && r.Skipped == 0 {
			t.Errorf("%s (case %s) holds no exchange", r.File, r.Case)
		}
		for _, d := range r.Diffs {
			t.Errorf("%s (%s, case %s): the fake answers differently from the golden file:\n%s", r.File, r.Source, r.Case, d)
		}
	}
}

// TestGoldenManifest checks that the manifest describes every golden
// file, each named after a case of the suite.
func TestGoldenManifest(t *testing.T) {
	m, err := contracts.ReadManifest(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]contracts.Case{}
	for _, c := range contracts.Cases() {
		names[contracts.GoldenFile(c.Name)] = c
	}
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	for _, path := range files {
		file := filepath.Base(path)
		if file == contracts.ManifestFile {
			continue
		}
		g, err := contracts.ReadGolden(path)
		if err != nil {
			t.Errorf("ReadGolden(%s) = %v", path, err)
			continue
		}
		e, ok := m.Files[file]
		switch {
		case !ok:
			t.Errorf("%s is not in %s", file, contracts.ManifestFile)
		case e.Case != g.Case || contracts.GoldenFile(e.Case) != file:
			t.Errorf("%s: the manifest says case %q, the file %q; the file name must be GoldenFile(case)", file, e.Case, g.Case)
		case !slices.Contains([]string{contracts.SourceDocumented, contracts.SourceLiveRecording, contracts.SourceTargetRecording}, e.Source):
			t.Errorf("%s: source %q is not one of the known sources", file, e.Source)
		case e.Comparison == "":
			t.Errorf("%s: the manifest does not say how the file is compared", file)
		}
		if _, ok := names[file]; !ok {
			t.Errorf("%s is named after no case of the suite", file)
		}
	}
	for file := range m.Files {
		if _, err := os.Stat(filepath.Join(goldenDir, file)); err != nil {
			t.Errorf("the manifest lists %s, which does not exist", file)
		}
	}
}

// TestRecordReplayRoundTrip records the live-safe cases from the fake and
// replays the recording against a fresh fake: no drift, and nothing the
// recording must not hold (the key, the run prefix, the host).
func TestRecordReplayRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := mustFake(t, nil)
	rep := contracts.Run(context.Background(), f.target(), contracts.Options{Live: true, AllowDestructive: true, Record: dir})
	if rep.Failed() {
		t.Fatalf("recording run: %s", rep.Summary())
	}
	m, err := contracts.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		e, ok := m.Files[contracts.GoldenFile(r.Name)]
		if recorded := r.Status != contracts.StatusSkip; ok != recorded || (ok && e.Source != contracts.SourceLiveRecording) {
			t.Errorf("%s (%s): manifest entry %+v, present %v; want a live-recording entry exactly for cases that ran", r.Name, r.Status, e, ok)
		}
	}
	host := strings.TrimPrefix(f.URL, "http://")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, path := range files {
		b, _ := os.ReadFile(path)
		for _, secret := range []string{fakeKey, rep.Prefix, host} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s holds %q, which a recording must scrub", path, secret)
			}
		}
	}
	results, err := contracts.Replay(context.Background(), mustFake(t, nil).target(), dir)
	if err != nil {
		t.Fatal(err)
	}
	replayed := 0
	for _, r := range results {
		replayed += r.Replayed
		for _, d := range r.Diffs {
			t.Errorf("%s: a recording of the fake does not replay against the fake:\n%s", r.File, d)
		}
	}
	if replayed < 100 {
		t.Errorf("the round trip replayed %d exchanges; the live-safe cases make far more", replayed)
	}
}

// TestReplayShowsDrift replays a recording of the fake against broken
// servers: the diff must name the drift.
func TestReplayShowsDrift(t *testing.T) {
	dir := t.TempDir()
	rep := contracts.Run(context.Background(), mustFake(t, nil).target(), contracts.Options{Live: true, Record: dir,
		Run: regexp.MustCompile(`^(auth/wrong-key|devices/tokens-walk|tags/unknown-users)$`)})
	if rep.Failed() {
		t.Fatalf("recording run: %s", rep.Summary())
	}
	tests := []struct {
		name     string
		wrap     func(http.Handler) http.Handler
		file     string
		wantDiff string // a line of the diff
	}{
		{"wrong envelope", messageEnvelope, "auth.wrong-key.json", `"message"`},
		{"relative nextPage", relativeNextPage, "devices.tokens-walk.json", `"url"`},
		{"JSON body on writes", writesAnswerJSON, "tags.unknown-users.json", `"application/json"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			results, err := contracts.Replay(context.Background(), mustFake(t, tc.wrap).target(), dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				got := strings.Join(r.Diffs, "\n")
				if r.File == tc.file && !strings.Contains(got, tc.wantDiff) {
					t.Errorf("replaying %s against a server that %s: diffs %q, want one mentioning %s", r.File, tc.name, got, tc.wantDiff)
				}
			}
		})
	}
}
