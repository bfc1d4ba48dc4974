package state

// idLimit counts the unique identifiers a whole request names, per kind, so
// that a request over the limit can be refused before anything is applied.
type idLimit struct {
	seen map[idKey]struct{}
}

type idKey struct{ kind, id string }

// Identifier kinds counted against the per-request limit.
const (
	idExt      = "extId"
	idToken    = "deviceToken"
	idEmail    = "email"
	idMsisdn   = "msisdn"
	idIID      = "iid"
	idWhatsApp = "wpNumber"
)

func newIDLimit() *idLimit { return &idLimit{seen: make(map[idKey]struct{})} }

func (l *idLimit) add(kind string, ids ...string) *idLimit {
	for _, id := range ids {
		if id != "" {
			l.seen[idKey{kind, id}] = struct{}{}
		}
	}
	return l
}

// check returns the limit error when the request names more unique
// identifiers than the tenant allows.
func (l *idLimit) check(s Settings) error {
	if max := s.maxIDs(); len(l.seen) > max {
		code := s.LimitCode
		if code == 0 {
			code = CodeInvalidJSON
		}
		return Invalidf(code, "Maximum %d unique external IDs or device tokens per request, got %d", max, len(l.seen))
	}
	return nil
}
