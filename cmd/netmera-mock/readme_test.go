package main

import (
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmeListsEveryFlag: the README's flag table names every flag of
// the server, and no flag it does not have, so neither can drift.
func TestReadmeListsEveryFlag(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Flags\n")
	if !ok {
		t.Fatal(`README.md has no "## Flags" section`)
	}
	table, _, _ = strings.Cut(table, "\n\n`netmera-mock healthcheck")
	name := regexp.MustCompile("`-([a-z][a-z-]*)`")
	var documented []string
	for line := range strings.Lines(table) {
		if !strings.HasPrefix(line, "| `-") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "|"), "|") // the Flag column
		for _, m := range name.FindAllStringSubmatch(first, -1) {
			documented = append(documented, m[1])
		}
	}
	fs, _ := serverFlags()
	var flags []string
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f.Name) })
	slices.Sort(documented)
	slices.Sort(flags)
	if diff := cmp.Diff(flags, documented); diff != "" {
		t.Errorf("flags of the server (-) against the README's flag table (+):\n%s", diff)
	}
}
