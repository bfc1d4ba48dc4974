package mockserver

// NotImplemented lists the endpoints answered 501, for the tests.
func NotImplemented() []struct{ Method, Path string } {
	out := make([]struct{ Method, Path string }, len(notImplemented))
	for i, ep := range notImplemented {
		out[i].Method, out[i].Path = ep.method, ep.path
	}
	return out
}
