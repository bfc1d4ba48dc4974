package parallel

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestForRunsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		counts := make([]atomic.Int32, n)
		For(n, func(i int) { counts[i].Add(1) })
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Errorf("For(%d): index %d ran %d times, want 1", n, i, c)
			}
		}
	}
}

func TestChunksCoversTheRangeAndReportsTheLowestError(t *testing.T) {
	tests := []struct {
		n, size int
		failAt  []int // pieces (by lo) that fail
		wantErr string
	}{
		{n: 0, size: 4},
		{n: 10, size: 4},
		{n: 10, size: 4, failAt: []int{8, 4}, wantErr: "piece 4"},
		{n: 3, size: 100, failAt: []int{0}, wantErr: "piece 0"},
		{n: 3, size: 0, failAt: []int{2}, wantErr: "piece 2"}, // size 0 means 1
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%d", tt.n, tt.size), func(t *testing.T) {
			seen := make([]atomic.Int32, tt.n)
			err := Chunks(tt.n, tt.size, func(lo, hi int) error {
				if hi-lo > max(tt.size, 1) || lo >= hi {
					t.Errorf("piece [%d,%d) is not of 1..%d items", lo, hi, max(tt.size, 1))
				}
				for i := lo; i < hi; i++ {
					seen[i].Add(1)
				}
				for _, f := range tt.failAt {
					if f == lo {
						return errors.New(fmt.Sprint("piece ", lo))
					}
				}
				return nil
			})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("Chunks error = %q, want %q", got, tt.wantErr)
			}
			for i := range seen {
				if c := seen[i].Load(); c != 1 {
					t.Errorf("index %d covered %d times, want 1", i, c)
				}
			}
		})
	}
}
