package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/focusflow/focusflow"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8  // lanes; each lane runs on its own goroutine
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams is the cost for new hashes: 64 MiB, 2 passes, 1 lane. That is
// about 3.4 times the work of OWASP's minimum (m=19456, t=2, p=1) and takes
// roughly 75 ms per hash on a 2-core AMD EPYC (BenchmarkHash), leaving ample
// headroom under the 300 ms budget on slower self-hosting hardware. One lane
// keeps each hash on one core, so the Hasher's concurrency limit is also a
// CPU limit; peak memory is Memory × concurrency.
//
// Raising these later is safe: Verify reports needsRehash for older hashes,
// and callers re-hash on the next successful login.
var DefaultParams = Params{Memory: 64 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on parameters read back from stored hashes. A corrupted or hostile
// row in the users table must not make one login allocate gigabytes or burn
// minutes of CPU, so anything outside these is treated as malformed.
const (
	maxArgonMemory = 1 << 20 // KiB = 1 GiB
	maxArgonTime   = 16
	minSaltLen     = 8 // RFC 9106 minimum
	maxSaltLen     = 64
	minKeyLen      = 16
	maxKeyLen      = 128
)

// Hasher hashes and verifies passwords while bounding how many of these
// deliberately expensive computations run at once, so a burst of logins (or
// an attacker) cannot exhaust CPU and memory.
type Hasher struct {
	params Params
	sem    chan struct{} // buffered; holding a slot = one computation running
	wait   time.Duration
	dummy  string // an argon2id encoding with h's params, for DummyVerify
}

// NewHasher returns a Hasher that runs at most concurrency hash computations
// at once (callers pass runtime.NumCPU()); a caller that cannot get a slot
// within wait gets an EUNAVAILABLE error. It panics if p is out of range:
// that is a programming error that must surface at startup, not at login.
func NewHasher(p Params, concurrency int, wait time.Duration) *Hasher {
	if err := p.validate(); err != nil {
		panic("auth: NewHasher: " + err.Error())
	}
	if concurrency < 1 {
		concurrency = 1
	}
	if wait < 0 {
		wait = 0
	}
	h := &Hasher{params: p, sem: make(chan struct{}, concurrency), wait: wait}
	// All-zero salt and key: DummyVerify only needs the cost to match a real
	// hash; the result is thrown away.
	h.dummy = encodeArgon2id(p, make([]byte, p.SaltLen), make([]byte, p.KeyLen))
	return h
}

func (p Params) validate() error {
	switch {
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxArgonMemory:
		return fmt.Errorf("argon2 memory %d KiB out of range", p.Memory)
	case p.Time < 1 || p.Time > maxArgonTime:
		return fmt.Errorf("argon2 time %d out of range", p.Time)
	case p.Threads < 1:
		return errors.New("argon2 threads must be at least 1")
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2 salt length %d out of range", p.SaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2 key length %d out of range", p.KeyLen)
	}
	return nil
}

// errBusy is built fresh each time: a shared *focusflow.Error would be
// mutable package state.
func errBusy() error {
	return focusflow.Errorf(focusflow.EUNAVAILABLE, "The server is busy; please try again in a moment.")
}

// acquire takes a computation slot, giving up after h.wait or when ctx ends.
func (h *Hasher) acquire(ctx context.Context) (release func(), err error) {
	if ctx.Err() != nil {
		// The client is gone; don't spend a slot on it.
		return nil, errBusy()
	}
	release = func() { <-h.sem }
	select {
	case h.sem <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.sem <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy()
	case <-ctx.Done():
		return nil, errBusy()
	}
}

// Hash returns the PHC-format argon2id encoding of password with a fresh
// random salt, e.g. $argon2id$v=19$m=65536,t=2,p=1$<salt>$<key>.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt) // never fails (crypto/rand crashes the process instead)
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	return encodeArgon2id(h.params, salt, key), nil
}

func encodeArgon2id(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

// Verify reports whether password matches encoded, which is either an
// argon2id hash made by Hash or a legacy Werkzeug hash (pbkdf2 or scrypt)
// from the original Flask app.
//
// needsRehash is true only when ok is true and encoded should be replaced by
// Hash(password): it is a legacy hash, or argon2id with parameters other
// than h's (weaker or stronger: the current policy wins).
//
// A wrong password is ok=false with a nil error. A malformed or unsupported
// encoding is ok=false with a plain (non-focusflow) error for the caller to
// log. If no computation slot frees up in time the error is EUNAVAILABLE.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok bool, needsRehash bool, err error) {
	var check func() (bool, error)
	if strings.HasPrefix(encoded, "$argon2") {
		p, salt, key, err := decodeArgon2id(encoded)
		if err != nil {
			return false, false, err
		}
		needsRehash = p.Memory != h.params.Memory || p.Time != h.params.Time ||
			p.Threads != h.params.Threads || p.SaltLen != h.params.SaltLen || p.KeyLen != h.params.KeyLen
		check = func() (bool, error) {
			got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
			return subtle.ConstantTimeCompare(got, key) == 1, nil
		}
	} else {
		w, err := parseWerkzeug(encoded)
		if err != nil {
			return false, false, err
		}
		needsRehash = true
		check = func() (bool, error) { return w.verify(password) }
	}

	release, err := h.acquire(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	ok, err = check()
	if err != nil || !ok {
		return false, false, err
	}
	return true, needsRehash, nil
}

// DummyVerify does the work of verifying password against an argon2id hash
// with h's parameters and discards the result. Call it when the login name is
// unknown so that case costs the same time as a wrong password and does not
// reveal which names exist.
//
// It returns the same EUNAVAILABLE error Verify would when the server is
// busy (and nil otherwise), so callers can answer "busy" for unknown names
// exactly as they do for known ones; ignoring the result is also fine.
func (h *Hasher) DummyVerify(ctx context.Context, password string) error {
	_, _, err := h.Verify(ctx, h.dummy, password)
	return err
}

// decodeArgon2id parses $argon2id$v=19$m=M,t=T,p=P$salt$key strictly.
func decodeArgon2id(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, errors.New("auth: malformed argon2 hash")
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("auth: unsupported argon2 variant %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("auth: unsupported argon2 version %q", parts[2])
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, errors.New("auth: malformed argon2 parameters")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		s, found := strings.CutPrefix(kv[i], name)
		if !found {
			return p, nil, nil, errors.New("auth: malformed argon2 parameters")
		}
		bits := 32
		if name == "p=" {
			bits = 8
		}
		if vals[i], err = strconv.ParseUint(s, 10, bits); err != nil {
			return p, nil, nil, errors.New("auth: malformed argon2 parameters")
		}
	}
	if salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil {
		return p, nil, nil, errors.New("auth: malformed argon2 salt")
	}
	if key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil {
		return p, nil, nil, errors.New("auth: malformed argon2 key")
	}
	p = Params{
		Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2]),
		SaltLen: uint32(len(salt)), KeyLen: uint32(len(key)),
	}
	if err := p.validate(); err != nil {
		return p, nil, nil, fmt.Errorf("auth: stored argon2 hash rejected: %w", err)
	}
	return p, salt, key, nil
}
