package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Sources of a golden file, as its manifest entry names them.
const (
	// SourceDocumented files were written by hand from the samples of
	// Netmera's documentation; a recording replaces them.
	SourceDocumented = "documented-samples"
	// SourceLiveRecording files were recorded from a real Netmera app
	// (Options.Record with Options.Live).
	SourceLiveRecording = "live-recording"
	// SourceTargetRecording files were recorded from a target not marked
	// live, such as netmera-mock itself.
	SourceTargetRecording = "target-recording"
)

// How an exchange's recorded answer is compared on replay.
const (
	// CompareExact compares status, media type and the whole scrubbed
	// body as JSON values.
	CompareExact = "exact"
	// CompareShape compares status, media type and the body's shape: the
	// recorded response is already a shape (every value replaced by its
	// JSON type, "url" for absolute URLs, list items merged), and must
	// equal the target's both ways. An empty list matches any list, and
	// type unions match when they share a type.
	CompareShape = "shape"
	// CompareFields compares status and media type exactly, and requires
	// every field of the recorded response (a documentation sample) to be
	// in the target's answer with the same JSON type; fields the sample
	// does not show are not compared.
	CompareFields = "fields"
)

// Exchange is one request of a case and what the target answered,
// scrubbed: the run prefix reads "{prefix}", the target's scheme and host
// "{host}", and the API key never appears.
type Exchange struct {
	Method string `json:"method"`
	// Path is the path and query.
	Path string `json:"path"`
	// APIKey is "valid", "wrong" or "none": which key was sent.
	APIKey string `json:"apiKey"`
	// OS is the X-netmera-os header, when one was sent.
	OS string `json:"os,omitempty"`
	// Body is the request body; nil means none was sent.
	Body *string `json:"body,omitempty"`
	// Derived requests were built from data the target returned; Replay
	// does not send them.
	Derived bool `json:"derived,omitempty"`

	Status int `json:"status"`
	// ContentType is the answer's media type, without parameters.
	ContentType string `json:"contentType,omitempty"`
	// Compare is CompareExact, CompareShape or CompareFields.
	Compare string `json:"compare"`
	// Response is the answer's JSON body, or its shape (CompareShape).
	Response json.RawMessage `json:"response,omitempty"`
	// ResponseText is an answer that is not JSON.
	ResponseText string `json:"responseText,omitempty"`
	// Note says where a documented sample comes from.
	Note string `json:"note,omitempty"`
}

// Golden is one case's golden file.
type Golden struct {
	Case      string     `json:"case"`
	Exchanges []Exchange `json:"exchanges"`
}

// ManifestEntry describes one golden file.
type ManifestEntry struct {
	Case       string `json:"case"`
	Source     string `json:"source"`
	Recorded   string `json:"recorded,omitempty"`
	Sources    string `json:"sources,omitempty"`
	Comparison string `json:"comparison,omitempty"`
}

// Manifest is a golden directory's manifest.json: where each file came
// from and how it is compared.
type Manifest struct {
	Comment string                   `json:"comment,omitempty"`
	Files   map[string]ManifestEntry `json:"files"`
}

// ManifestFile is the manifest's name in a golden directory.
const ManifestFile = "manifest.json"

const recordedComparison = "as recorded: status, media type and body exactly (scrubbed), except 200 answers listing app-wide data or run-dependent keys and times (getSegments, getSegmentUsers, getDeviceTokens, app/profile-attributes, app/events, getPushCategories, sendBulkNotification, createNotificationDefinition, getPushStats, getPushResult, sendEmailAndSms, inbox/getAllInbox), compared by shape"

// GoldenFile is the file name of a case's golden file: "devices/tokens-walk"
// is "devices.tokens-walk.json".
func GoldenFile(caseName string) string {
	return strings.ReplaceAll(caseName, "/", ".") + ".json"
}

// ReadManifest reads dir's manifest; a directory without one has an empty
// manifest.
func ReadManifest(dir string) (Manifest, error) {
	m := Manifest{Files: map[string]ManifestEntry{}}
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("contracts: %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if m.Files == nil {
		m.Files = map[string]ManifestEntry{}
	}
	return m, nil
}

// ReadGolden reads one golden file.
func ReadGolden(path string) (Golden, error) {
	var g Golden
	b, err := os.ReadFile(path)
	if err != nil {
		return g, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("contracts: %s: %w", path, err)
	}
	return g, nil
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// scrubber hides what must not be recorded, or differs from run to run.
type scrubber struct{ prefix, origin, key string }

func (s scrubber) text(t string) string {
	if len(s.key) >= 6 {
		t = strings.ReplaceAll(t, s.key, "{key}")
	}
	t = strings.ReplaceAll(t, s.origin, "{host}")
	return strings.ReplaceAll(t, s.prefix, "{prefix}")
}

func (s scrubber) unscrub(t string) string {
	return strings.ReplaceAll(t, "{prefix}", s.prefix)
}

func (r *runner) scrubber() scrubber {
	return scrubber{prefix: r.prefix, origin: r.base.Scheme + "://" + r.base.Host, key: r.target.APIKey}
}

// shapeOps are the operations whose answers list app-wide data, or hold
// keys and times that differ from run to run: only their shape is
// recorded and compared.
var shapeOps = map[string]bool{"getSegments": true, "getSegmentUsers": true, "getDeviceTokens": true, "appProfileAttributes": true,
	"appEvents": true, "getPushCategories": true,
	"sendBulkNotification": true, "createNotificationDefinition": true, "getPushStats": true, "getPushResult": true,
	"sendEmailAndSms": true, "inboxGetAllInbox": true}

// exchange records one call, scrubbed.
func (r *runner) exchange(req Request, hr *http.Request, out *Response, op string) Exchange {
	sc := r.scrubber()
	e := Exchange{Method: req.Method, Path: sc.text(out.Path), Derived: req.Derived, Status: out.Status,
		ContentType: mediaType(out), Compare: CompareExact}
	switch key := headerValue(hr.Header, HeaderAPIKey); key {
	case r.target.APIKey:
		e.APIKey = "valid"
	case "":
		e.APIKey = "none"
	default:
		e.APIKey = "wrong"
	}
	e.OS = headerValue(hr.Header, HeaderOS)
	if req.Body != nil {
		b := sc.text(string(out.Sent))
		e.Body = &b
	}
	if len(out.Body) == 0 {
		return e
	}
	var v any
	if decodeJSON(out.Body, &v) != nil {
		e.ResponseText = sc.text(string(out.Body))
		return e
	}
	if out.Status == http.StatusOK && shapeOps[op] {
		e.Compare = CompareShape
		e.Response, _ = json.Marshal(skeleton(v))
		return e
	}
	e.Response = json.RawMessage(sc.text(string(out.Body)))
	return e
}

// goldenWriter writes a recording: one golden file per case, then the
// manifest, merged into any manifest already there.
type goldenWriter struct {
	dir, source string

	mu      sync.Mutex
	written map[string]ManifestEntry
}

func (g *goldenWriter) write(name string, ex []Exchange, live bool) error {
	if ex == nil {
		ex = []Exchange{}
	}
	if err := os.MkdirAll(g.dir, 0o755); err != nil {
		return fmt.Errorf("contracts: recording: %w", err)
	}
	file := GoldenFile(name)
	if err := writeJSONFile(filepath.Join(g.dir, file), Golden{Case: name, Exchanges: ex}); err != nil {
		return fmt.Errorf("contracts: recording %s: %w", name, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.written == nil {
		g.written = map[string]ManifestEntry{}
	}
	g.written[file] = ManifestEntry{Case: name, Source: g.source, Recorded: time.Now().UTC().Format(time.DateOnly),
		Comparison: recordedComparison}
	return nil
}

func (g *goldenWriter) flush() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.written) == 0 {
		return nil
	}
	m, err := ReadManifest(g.dir)
	if err != nil {
		return err
	}
	for f, e := range g.written {
		m.Files[f] = e
	}
	if err := writeJSONFile(filepath.Join(g.dir, ManifestFile), m); err != nil {
		return fmt.Errorf("contracts: recording the manifest: %w", err)
	}
	return nil
}
