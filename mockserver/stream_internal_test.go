package mockserver

import (
	"testing"
)

// TestWatchersChanged checks what the request path pays for the
// inspector's streams: nothing allocated, whoever watches, and a wake-up
// only for the streams of the tenant that changed.
func TestWatchersChanged(t *testing.T) {
	w := newWatchers()
	if n := testing.AllocsPerRun(100, func() { w.changed("a") }); n != 0 {
		t.Errorf("changed with no stream open allocates %.0f times, want 0", n)
	}
	a1, err := w.add("a")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := w.add("a")
	b, _ := w.add("b")
	if n := testing.AllocsPerRun(100, func() { w.changed("a") }); n != 0 {
		t.Errorf("changed with streams open allocates %.0f times, want 0", n)
	}
	<-a1 // woken once, however often changed was called
	<-a2
	select {
	case <-b:
		t.Error("a change of tenant a woke a stream of tenant b")
	default:
	}
	select {
	case <-a1:
		t.Error("a stream was woken twice for changes it had not read yet: wake-ups must coalesce")
	default:
	}
	w.remove("a", a1)
	w.remove("a", a2)
	w.remove("b", b)
	if w.subs.Load() != nil || w.n != 0 {
		t.Errorf("with every stream closed, %d remain and the map is %v; want none and nil (one load on the request path)", w.n, w.subs.Load())
	}
}

// BenchmarkWatchersChanged is the request path's cost of the streams.
func BenchmarkWatchersChanged(b *testing.B) {
	b.Run("none open", func(b *testing.B) {
		w := newWatchers()
		for b.Loop() {
			w.changed("tenant")
		}
	})
	b.Run("another tenant's open", func(b *testing.B) {
		w := newWatchers()
		_, _ = w.add("other")
		for b.Loop() {
			w.changed("tenant")
		}
	})
	b.Run("its own open", func(b *testing.B) {
		w := newWatchers()
		_, _ = w.add("tenant")
		for b.Loop() {
			w.changed("tenant")
		}
	})
}
