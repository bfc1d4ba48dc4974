package state

// idLimit counts the unique identifiers a whole request names, per kind, so
// that a request over the limit can be refused before anything is applied.
type idLimit struct {
	seen map[idKey]struct{}
	// addresses counts the unique identifiers of address kinds (see
	// isAddress), which count only when the tenant says so.
	addresses int
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

// isAddress reports whether kind is a channel address (an email, an
// MSISDN, a WhatsApp number). Netmera words its limit as "1000 unique
// external IDs or device tokens per request": addresses count only with
// Settings.CountAddresses. Every other kind counts.
func isAddress(kind string) bool {
	return kind == idEmail || kind == idMsisdn || kind == idWhatsApp
}

func newIDLimit() *idLimit { return &idLimit{seen: make(map[idKey]struct{})} }

func (l *idLimit) add(kind string, ids ...string) *idLimit {
	for _, id := range ids {
		if id == "" {
			continue
		}
		k := idKey{kind, id}
		if _, dup := l.seen[k]; dup {
			continue
		}
		l.seen[k] = struct{}{}
		if isAddress(kind) {
			l.addresses++
		}
	}
	return l
}

// count is how many unique identifiers count toward s's limit.
func (l *idLimit) count(s Settings) int {
	if s.CountAddresses {
		return len(l.seen)
	}
	return len(l.seen) - l.addresses
}

// check returns the limit error when the request names more unique
// identifiers than the tenant allows.
func (l *idLimit) check(s Settings) error {
	if max, n := s.maxIDs(), l.count(s); n > max {
		code := s.LimitCode
		if code == 0 {
			code = CodeInvalidJSON
		}
		return Invalidf(code, "Maximum %d unique external IDs or device tokens per request, got %d", max, n)
	}
	return nil
}
