package clienttest

import "testing"

// A long failure message is cut at a character, never inside one.
func TestClipKeepsWholeCharacters(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{name: "short", in: "abc", n: 5, want: "abc"},
		{name: "exact", in: "abcde", n: 5, want: "abcde"},
		{name: "ascii", in: "abcdef", n: 3, want: "abc…"},
		{name: "inside a character", in: "aüb", n: 2, want: "a…"},
		{name: "after a character", in: "aüb", n: 3, want: "aü…"},
		{name: "inside the first", in: "ü", n: 1, want: "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in, tt.n); got != tt.want {
				t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
