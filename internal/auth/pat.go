package auth

import (
	"crypto/rand"
	"hash/crc32"
	"math/big"
	"strings"
)

// Personal access tokens look like
//
//	ffpat_<43 base62 characters: 256 random bits><6 base62 characters: CRC-32>
//
// The fixed prefix lets secret scanners recognise a leaked token; the
// checksum lets a mistyped or truncated token be refused without a database
// read. Only a keyed hash of the whole token is ever stored (HashToken).
const (
	PATPrefix     = "ffpat_"
	patRandomLen  = 43 // ⌈256 / log2(62)⌉
	patCheckLen   = 6  // ⌈32 / log2(62)⌉
	PATLength     = len(PATPrefix) + patRandomLen + patCheckLen
	base62Letters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// NewPAT returns a fresh personal access token.
func NewPAT() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand crashes the process instead)
	random := base62(new(big.Int).SetBytes(b), patRandomLen)
	return PATPrefix + random + patChecksum(random)
}

// WellFormedPAT says whether s has a personal access token's shape and a
// correct checksum. It reads no database and tells nothing about whether
// the token exists.
func WellFormedPAT(s string) bool {
	if len(s) != PATLength || !strings.HasPrefix(s, PATPrefix) {
		return false
	}
	body := s[len(PATPrefix):]
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62Letters, body[i]) < 0 {
			return false
		}
	}
	random, check := body[:patRandomLen], body[patRandomLen:]
	return patChecksum(random) == check
}

func patChecksum(random string) string {
	return base62(new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(random)))), patCheckLen)
}

// base62 writes n in exactly width digits, most significant first.
func base62(n *big.Int, width int) string {
	out := make([]byte, width)
	base, mod := big.NewInt(62), new(big.Int)
	for i := width - 1; i >= 0; i-- {
		n.DivMod(n, base, mod)
		out[i] = base62Letters[mod.Int64()]
	}
	return string(out)
}

// PATKey is the key personal access tokens are hashed with for storage.
// It comes from SECRET_KEY, so rotating SECRET_KEY revokes every token.
func PATKey(secret string) []byte { return DeriveKey(secret, "api-token") }
