package feeds

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Access holds the tokens of a private feed. Only their SHA-256 sums are
// kept, so a token is compared in time that depends on neither its length
// nor how much of it matches, and no token sits in memory as text.
type Access struct {
	sums [][sha256.Size]byte
}

// NewAccess returns the rule that admits exactly the given tokens.
func NewAccess(tokens []string) *Access {
	a := &Access{sums: make([][sha256.Size]byte, len(tokens))}
	for i, t := range tokens {
		a.sums[i] = sha256.Sum256([]byte(t))
	}
	return a
}

// Allows reports whether token opens the feed. Every configured token is
// compared, whichever matches, so timing tells nothing about which one did.
// A nil Access (a public feed) allows everyone.
func (a *Access) Allows(token string) bool {
	if a == nil {
		return true
	}
	sum := sha256.Sum256([]byte(token))
	ok := 0
	for i := range a.sums {
		ok |= subtle.ConstantTimeCompare(sum[:], a.sums[i][:])
	}
	return ok == 1 && token != ""
}
