package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps test code out of what ships: the binary links no
// testing package, and mockserver, which programs embed, pulls in neither
// testing nor go-cmp nor gofakeit (the seed generator stays in fixtures).
// The binary carries the time zone database, for -time-zone in images
// that have none.
func TestDependencies(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	tests := []struct {
		pkg       string
		forbidden []string
		required  []string
	}{
		{pkg: "github.com/netmera-mock/netmera-mock/cmd/netmera-mock", forbidden: []string{"testing"}, required: []string{"time/tzdata"}},
		{pkg: "github.com/netmera-mock/netmera-mock/mockserver", forbidden: []string{"testing", "github.com/google/go-cmp/cmp",
			"github.com/brianvoe/gofakeit/v6", "github.com/netmera-mock/netmera-mock/fixtures", "github.com/netmera-mock/netmera-mock/contracts"}},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", tt.pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", tt.pkg, err)
			}
			deps := map[string]bool{}
			for _, d := range strings.Fields(string(out)) {
				deps[d] = true
			}
			for _, f := range tt.forbidden {
				if deps[f] {
					t.Errorf("%s depends on %s", tt.pkg, f)
				}
			}
			for _, r := range tt.required {
				if !deps[r] {
					t.Errorf("%s does not depend on %s", tt.pkg, r)
				}
			}
		})
	}
}
