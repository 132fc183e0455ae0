package auth

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"github.com/focusflow/focusflow"
	"golang.org/x/crypto/scrypt"
)

// Legacy hashes come from the original Flask app, which used Werkzeug's
// generate_password_hash. Its format is "method$salt$hexdigest" where the
// salt is used as its literal UTF-8 bytes (never decoded) and method is one
// of:
//
//	pbkdf2:<hash>:<iterations>   digest = PBKDF2-HMAC-<hash>, digest-size output
//	scrypt:<n>:<r>:<p>           digest = scrypt, 64-byte output
//
// generate_password_hash always writes the parameters out in full. Shorter
// method strings ("pbkdf2", "pbkdf2:sha256", "scrypt") can only have been
// written by hand; Werkzeug fills them in from the defaults of whichever
// version does the checking, so we use Werkzeug 3.1's: pbkdf2 sha256 with
// 1,000,000 iterations (600,000 in 2.3/3.0, 260,000 in 2.0–2.2) and scrypt
// 32768:8:1 (unchanged since scrypt support arrived in 2.3).
//
// Werkzeug's older unsalted/plain/HMAC methods are not supported: the Flask
// app never used them.
const (
	werkzeugPBKDF2Iterations = 1_000_000
	werkzeugScryptN          = 1 << 15
	werkzeugScryptR          = 8
	werkzeugScryptP          = 1
	werkzeugScryptKeyLen     = 64

	// Sanity limits for parameters read from the database, well above
	// anything Werkzeug ever generated (see the argon2 bounds for why).
	maxPBKDF2Iterations = 10_000_000
	maxScryptN          = 1 << 20
	maxScryptR          = 32
	maxScryptP          = 16
	maxScryptMemory     = 1 << 30 // bytes, = 128·N·r
	maxScryptWork       = 1 << 23 // N·r·p: 32× Werkzeug's default
)

// werkzeugHash is a parsed legacy hash.
type werkzeugHash struct {
	salt   string
	digest []byte

	pbkdf2Hash func() hash.Hash // nil for scrypt
	iter       int
	n, r, p    int
}

func parseWerkzeug(encoded string) (*werkzeugHash, error) {
	method, rest, found := strings.Cut(encoded, "$")
	if !found {
		return nil, errors.New("auth: unrecognised password hash format")
	}
	salt, hexDigest, found := strings.Cut(rest, "$")
	if !found || salt == "" || hexDigest == "" {
		return nil, errors.New("auth: malformed Werkzeug hash")
	}
	digest, err := hex.DecodeString(hexDigest)
	if err != nil {
		return nil, errors.New("auth: malformed Werkzeug hash digest")
	}
	w := &werkzeugHash{salt: salt, digest: digest}

	name, args, _ := strings.Cut(method, ":")
	var fields []string
	if args != "" {
		fields = strings.Split(args, ":")
	}
	switch name {
	case "pbkdf2":
		if err := w.parsePBKDF2(fields); err != nil {
			return nil, err
		}
	case "scrypt":
		if err := w.parseScrypt(fields); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("auth: unsupported password hash method %q", focusflow.Shorten(name, 20))
	}
	return w, nil
}

func (w *werkzeugHash) parsePBKDF2(fields []string) error {
	hashName, iter := "sha256", werkzeugPBKDF2Iterations
	switch len(fields) {
	case 0:
	case 1:
		hashName = fields[0]
	case 2:
		hashName = fields[0]
		n, err := strconv.Atoi(fields[1])
		if err != nil || n < 1 || n > maxPBKDF2Iterations {
			return fmt.Errorf("auth: Werkzeug pbkdf2 iterations %q out of range", focusflow.Shorten(fields[1], 20))
		}
		iter = n
	default:
		return errors.New("auth: malformed Werkzeug pbkdf2 method")
	}
	var size int
	switch hashName {
	case "sha1":
		w.pbkdf2Hash, size = sha1.New, sha1.Size
	case "sha224":
		w.pbkdf2Hash, size = sha256.New224, sha256.Size224
	case "sha256":
		w.pbkdf2Hash, size = sha256.New, sha256.Size
	case "sha384":
		w.pbkdf2Hash, size = sha512.New384, sha512.Size384
	case "sha512":
		w.pbkdf2Hash, size = sha512.New, sha512.Size
	default:
		return fmt.Errorf("auth: unsupported Werkzeug pbkdf2 hash %q", focusflow.Shorten(hashName, 20))
	}
	if len(w.digest) != size {
		return errors.New("auth: Werkzeug pbkdf2 digest has the wrong length")
	}
	w.iter = iter
	return nil
}

func (w *werkzeugHash) parseScrypt(fields []string) error {
	n, r, p := werkzeugScryptN, werkzeugScryptR, werkzeugScryptP
	switch len(fields) {
	case 0:
	case 3:
		var vals [3]int
		for i, f := range fields {
			v, err := strconv.Atoi(f)
			if err != nil {
				return errors.New("auth: malformed Werkzeug scrypt parameters")
			}
			vals[i] = v
		}
		n, r, p = vals[0], vals[1], vals[2]
	default:
		return errors.New("auth: malformed Werkzeug scrypt method")
	}
	// Check each bound before multiplying so the products cannot overflow.
	if n < 2 || n > maxScryptN || n&(n-1) != 0 || r < 1 || r > maxScryptR || p < 1 || p > maxScryptP ||
		128*n*r > maxScryptMemory || n*r*p > maxScryptWork {
		return fmt.Errorf("auth: Werkzeug scrypt parameters %d:%d:%d out of range", n, r, p)
	}
	if len(w.digest) != werkzeugScryptKeyLen {
		return errors.New("auth: Werkzeug scrypt digest has the wrong length")
	}
	w.n, w.r, w.p = n, r, p
	return nil
}

func (w *werkzeugHash) verify(password string) (bool, error) {
	var got []byte
	var err error
	if w.pbkdf2Hash != nil {
		got, err = pbkdf2.Key(w.pbkdf2Hash, password, []byte(w.salt), w.iter, len(w.digest))
	} else {
		got, err = scrypt.Key([]byte(password), []byte(w.salt), w.n, w.r, w.p, werkzeugScryptKeyLen)
	}
	if err != nil {
		return false, fmt.Errorf("auth: legacy hash: %w", err)
	}
	return subtle.ConstantTimeCompare(got, w.digest) == 1, nil
}
