package clienttest

// TestingT lets the tests drive the suite with a recorder of their own.
type TestingT = testingT

// RunT is Run over any TestingT.
func RunT(t TestingT, f Factory, opts ...RunOption) { run(t, f, opts...) }

// CaseNames lists the suite's cases, "group/case", in the order they run.
func CaseNames() []string {
	var out []string
	for _, g := range groups {
		for _, c := range g.cases() {
			out = append(out, g.name+"/"+c.name)
		}
	}
	return out
}

// LiveCaseNames lists the cases that also run against a live app.
func LiveCaseNames() []string {
	var out []string
	for _, g := range groups {
		for _, c := range g.cases() {
			if c.live {
				out = append(out, g.name+"/"+c.name)
			}
		}
	}
	return out
}
