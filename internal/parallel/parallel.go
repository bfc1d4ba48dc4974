// Package parallel runs independent pieces of work on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For runs fn(0), …, fn(n-1) on at most GOMAXPROCS goroutines and returns
// when all have returned. Calls may run in any order and at the same time:
// fn must only write to what its index owns.
func For(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// Chunks splits [0, n) into pieces of at most size (at least 1) and runs
// fn(lo, hi) on each, as For does. It returns the error of the lowest
// piece that failed, so that the error reported does not depend on
// scheduling.
func Chunks(n, size int, fn func(lo, hi int) error) error {
	size = max(size, 1)
	pieces := (n + size - 1) / size
	errs := make([]error, pieces)
	For(pieces, func(c int) {
		errs[c] = fn(c*size, min((c+1)*size, n))
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
