package spec

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/jsonvalue"
)

// countdown is a context that is done after its Err has been asked n
// times: a client that leaves in the middle of a check.
type countdown struct {
	context.Context
	left atomic.Int64
}

func (c *countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func (c *countdown) Done() <-chan struct{} { return nil }

func (c *countdown) Deadline() (time.Time, bool) { return time.Time{}, false }

// TestCheckBodyStopsWhenTheClientLeaves validates a large array body whose
// last element is wrong: with the client there, the element is found;
// with the client gone before or during the check, the check stops with
// the context's error instead of walking on to it.
func TestCheckBodyStopsWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	x := IndexFor(mustDoc(t))
	op := x.Lookup("POST", "/rest/3.0/setCategoryPreferences")
	if op == nil {
		t.Fatal("no operation POST /rest/3.0/setCategoryPreferences")
	}
	body := "[" + strings.Repeat(`{"extId":"id1","category":"Shopping","enable":true},`, 999) + `{"extId":5}]`
	v, _, err := jsonvalue.Parse([]byte(body), jsonvalue.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	if err := op.CheckBody(context.Background(), v); !errors.As(err, &ve) || ve.Message != "Field 'extId' should be a text" {
		t.Fatalf("CheckBody(1000 entries, the last wrong) = %v, want 2004 Field 'extId' should be a text", err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := op.CheckBody(cancelled, v); !errors.Is(err, context.Canceled) {
		t.Errorf("CheckBody(cancelled context) = %v, want context.Canceled", err)
	}
	midway := &countdown{Context: context.Background()}
	midway.left.Store(10)
	if err := op.CheckBody(midway, v); !errors.Is(err, context.Canceled) {
		t.Errorf("CheckBody(a context done after 10 looks) = %v, want context.Canceled before the last entry", err)
	}
	if n := midway.left.Load(); n != -1 {
		t.Errorf("CheckBody went on after the context was done: Err asked %d more times", -1-n)
	}
}

// TestArrayBodiesAreCheckedByElement: the array-bodied operations that take
// large bodies are validated element by element (and so can stop between
// two), not in one walk.
func TestArrayBodiesAreCheckedByElement(t *testing.T) {
	t.Parallel()
	x := IndexFor(mustDoc(t))
	for _, path := range []string{"setProfileAttributes", "unsetProfileAttributes", "pushProfileAttributes", "pullProfileAttributes",
		"setCategoryPreferences", "sendPushApproval"} {
		op := x.Lookup("POST", "/rest/3.0/"+path)
		if op == nil || !byElement(op.Body) {
			t.Errorf("POST %s: validated in one walk, want element by element", path)
		}
	}
}
