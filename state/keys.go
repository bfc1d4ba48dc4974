package state

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// KeyHash is the SHA-256 of an API key: how the store tells tenants apart
// in memory, so that the key itself is never kept. It is neither written
// nor logged: the state file holds a keyed hash of it under the file's own
// salt (see Store.Save), and logs show KeyID.
type KeyHash [sha256.Size]byte

// HashKey returns the hash the store names key's tenant by.
func HashKey(key string) KeyHash { return sha256.Sum256([]byte(key)) }

// String is the hash in hex.
func (h KeyHash) String() string { return hex.EncodeToString(h[:]) }

// ID is the short name of the tenant used in logs, the same as KeyID.
func (h KeyHash) ID() string {
	sum := keyedHash(logSalt, h)
	return "key-" + hex.EncodeToString(sum[:4])
}

// KeyID is a short name for an API key, safe to log: "key-" and 8 hex
// digits of a keyed hash of the key under a salt drawn at random when the
// process starts. One process always gives a key the same ID, so its logs
// can be followed; but the salt is never shown, so an ID does not let
// anyone confirm a guessed key offline, and IDs change from one run to the
// next.
func KeyID(key string) string {
	if key == "" {
		return "none"
	}
	return HashKey(key).ID()
}

// saltSize is the size of the salts of keyed hashes.
const saltSize = 32

type salt [saltSize]byte

// logSalt keys the hashes of KeyID. It is drawn once, when the process
// starts, and never changes.
var logSalt = newSalt()

// newSalt draws a random salt.
func newSalt() salt {
	var s salt
	_, _ = rand.Read(s[:]) // never fails: the runtime aborts rather than return an error
	return s
}

// keyedHash is HMAC-SHA-256 of a key's hash under a salt: how the state
// file names a tenant (under the file's salt) and how KeyID does (under
// the process's). The salt is the HMAC key, so without it the hash of a
// guessed key cannot be computed.
func keyedHash(s salt, h KeyHash) KeyHash {
	m := hmac.New(sha256.New, s[:])
	m.Write(h[:])
	var out KeyHash
	m.Sum(out[:0])
	return out
}
