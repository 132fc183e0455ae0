package auth

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/focusflow/focusflow"
)

const testPassword = "correct horse battery staple"

// testParams are far below any real policy so the tests stay fast; the
// production parameters get one round trip of their own.
func testParams() Params {
	return Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
}

func TestHashRoundTripDefaultParams(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(DefaultParams, 1, time.Second)
	enc, err := h.Hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(enc) {
		t.Fatalf("encoding %q does not match %s", enc, re)
	}
	ok, rehash, err := h.Verify(ctx, enc, testPassword)
	if !ok || rehash || err != nil {
		t.Fatalf("Verify(right password) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, rehash, err = h.Verify(ctx, enc, "correct horse battery stapler")
	if ok || rehash || err != nil {
		t.Fatalf("Verify(wrong password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}

func TestHashUsesFreshSalt(t *testing.T) {
	h := NewHasher(testParams(), 1, time.Second)
	a, err := h.Hash(context.Background(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(context.Background(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("two hashes of the same password are identical: %q", a)
	}
}

func TestVerifyArgon2id(t *testing.T) {
	ctx := context.Background()
	current := NewHasher(testParams(), 1, time.Second)
	weaker := testParams()
	weaker.Memory = 32
	stronger := testParams()
	stronger.Time = 2
	longerKey := testParams()
	longerKey.KeyLen = 64
	shorterSalt := testParams()
	shorterSalt.SaltLen = 8

	tests := []struct {
		name       string
		made       Params
		password   string
		wantOK     bool
		wantRehash bool
	}{
		{"same params", testParams(), testPassword, true, false},
		{"same params, wrong password", testParams(), "Correct horse battery staple", false, false},
		{"same params, empty password", testParams(), "", false, false},
		{"weaker memory", weaker, testPassword, true, true},
		{"stronger time", stronger, testPassword, true, true},
		{"different key length", longerKey, testPassword, true, true},
		{"different salt length", shorterSalt, testPassword, true, true},
		{"weaker params, wrong password", weaker, "wrong horse battery staple", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := NewHasher(tt.made, 1, time.Second).Hash(ctx, testPassword)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := current.Verify(ctx, enc, tt.password)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || rehash != tt.wantRehash {
				t.Errorf("Verify = %v, %v; want %v, %v", ok, rehash, tt.wantOK, tt.wantRehash)
			}
		})
	}
}

// The vectors were computed with Python's hashlib exactly as Werkzeug does
// (method$salt$hex, the salt used as literal bytes) and cross-checked with
// werkzeug.security.check_password_hash from Werkzeug 3.1.8.
func TestVerifyWerkzeug(t *testing.T) {
	const utf8Password = "pässwörd correct horse"
	tests := []struct {
		name, encoded, password string
	}{
		{"pbkdf2 sha256 260000 (Werkzeug 2.0–2.2 default)",
			"pbkdf2:sha256:260000$NaClNaClNaClNaCl$77db84539a004800d98749a1c8327af9df9df70cb6bbc22d00879669da72679c", testPassword},
		{"pbkdf2 sha256 600000 (Werkzeug 2.3/3.0 default)",
			"pbkdf2:sha256:600000$0123456789abcdef$6c4a646aad10d067add5fb79d9078a16da83d50f81670a8e7593b249e6d94936", testPassword},
		{"pbkdf2 sha256 without iterations",
			"pbkdf2:sha256$ExampleSaltOnly1$3ad9a11f1759cf943a0f0875acd225092d91b1586109bd261403913fe78cf1ba", testPassword},
		{"bare pbkdf2",
			"pbkdf2$ExampleSaltOnly2$836d2326937dd840cdbe1fc6a792b5fe2a4962599b4eef9fcca530067fc9787a", testPassword},
		{"pbkdf2 sha1",
			"pbkdf2:sha1:1000$tEsTsAlT$cf11df9f86684815942337e762f1debb8cda2f0e", testPassword},
		{"pbkdf2 sha512",
			"pbkdf2:sha512:25000$ExampleSalt512xx$8e1d381c4a5f9f39eab7c96abb0c751e140ff9b04cd4e9a250e76adc870963aa974471e964c9a68d8d8be8744c185f8121fd2dc824c815f1dbf40bcfc3d0d342", testPassword},
		{"pbkdf2 non-ASCII password",
			"pbkdf2:sha256:50000$Utf8ExampleSalt1$7ade20d0966993fb00df8b88b7178df81631daf2d25b351d22d350a6f7fbbb3a", utf8Password},
		{"scrypt 32768:8:1 (Werkzeug 3 default)",
			"scrypt:32768:8:1$ScryptExample001$820816612c24171cf52ac04d83645dde16b128f138b8666d288bba95b311250b32fefbc0a196c45b3f557b38049032ca692e95aa6d52563d91b5ec9c3ed5820a", testPassword},
		{"bare scrypt",
			"scrypt$ScryptExample002$5c4ff3787b928a52e311d9f98caffad60e24c62171e76ade2f4c4fdedf7da61896bb410817e194eb2f6d147b9a83e218e264092a3097005f28f504116b5647f7", testPassword},
		{"scrypt 16384:8:1",
			"scrypt:16384:8:1$ScryptExample003$727a9edfc73fdcbd37571e56c93fb36ee8307ed55566831e2d2668b84c16d7f8398702df217d9b8741a3b2caa4fedd3cb90fa5acd19a00cb5ce1bf730d507156", testPassword},
		{"scrypt p=2, non-ASCII password",
			"scrypt:1024:4:2$ScryptExample004$cc715a3f2b6831b149d20d806191fe938cea20a2e14f19860613b8e419306f3931e6aaa0a284ca50073b6bcb34a4fd9a1d33ead80e5a9e4d1d7cd915e3d2bb18", utf8Password},
	}
	ctx := context.Background()
	h := NewHasher(testParams(), 2, time.Second)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(ctx, tt.encoded, tt.password)
			if !ok || !rehash || err != nil {
				t.Errorf("right password: Verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			ok, rehash, err = h.Verify(ctx, tt.encoded, tt.password+" ")
			if ok || rehash || err != nil {
				t.Errorf("wrong password: Verify = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	const goodKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // 32 zero bytes
	const goodSalt = "AAAAAAAAAAAAAAAAAAAAAA"                     // 16 zero bytes
	sha256Hex := strings.Repeat("00", 32)
	scryptHex := strings.Repeat("00", 64)
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"plain text", "correct horse battery staple"},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + goodSalt + "$" + goodKey},
		{"argon2id old version", "$argon2id$v=16$m=64,t=1,p=1$" + goodSalt + "$" + goodKey},
		{"argon2id missing part", "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt},
		{"argon2id params out of order", "$argon2id$v=19$t=1,m=64,p=1$" + goodSalt + "$" + goodKey},
		{"argon2id trailing junk in params", "$argon2id$v=19$m=64,t=1,p=1x$" + goodSalt + "$" + goodKey},
		{"argon2id absurd memory", "$argon2id$v=19$m=4194304,t=1,p=1$" + goodSalt + "$" + goodKey},
		{"argon2id absurd time", "$argon2id$v=19$m=64,t=1000,p=1$" + goodSalt + "$" + goodKey},
		{"argon2id zero threads", "$argon2id$v=19$m=64,t=1,p=0$" + goodSalt + "$" + goodKey},
		{"argon2id threads overflow", "$argon2id$v=19$m=64,t=1,p=256$" + goodSalt + "$" + goodKey},
		{"argon2id bad base64", "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$!!!"},
		{"argon2id padded base64", "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$" + goodKey + "="},
		{"argon2id short salt", "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + goodKey},
		{"argon2id short key", "$argon2id$v=19$m=64,t=1,p=1$" + goodSalt + "$AAAA"},
		{"Werkzeug plain", "plain$$correct horse battery staple"},
		{"Werkzeug salted HMAC", "sha256$NaClNaCl$" + sha256Hex},
		{"pbkdf2 unknown hash", "pbkdf2:md5:1000$NaClNaCl$" + strings.Repeat("00", 16)},
		{"pbkdf2 absurd iterations", "pbkdf2:sha256:10000001$NaClNaCl$" + sha256Hex},
		{"pbkdf2 zero iterations", "pbkdf2:sha256:0$NaClNaCl$" + sha256Hex},
		{"pbkdf2 negative iterations", "pbkdf2:sha256:-5$NaClNaCl$" + sha256Hex},
		{"pbkdf2 too many fields", "pbkdf2:sha256:1000:1$NaClNaCl$" + sha256Hex},
		{"pbkdf2 empty salt", "pbkdf2:sha256:1000$$" + sha256Hex},
		{"pbkdf2 missing digest", "pbkdf2:sha256:1000$NaClNaCl"},
		{"pbkdf2 non-hex digest", "pbkdf2:sha256:1000$NaClNaCl$" + strings.Repeat("zz", 32)},
		{"pbkdf2 digest wrong length", "pbkdf2:sha256:1000$NaClNaCl$" + strings.Repeat("00", 20)},
		{"scrypt absurd N", "scrypt:2097152:1:1$NaClNaCl$" + scryptHex},
		{"scrypt N not a power of two", "scrypt:1000:8:1$NaClNaCl$" + scryptHex},
		{"scrypt absurd r", "scrypt:1024:1000000:1$NaClNaCl$" + scryptHex},
		{"scrypt absurd work", "scrypt:1048576:8:16$NaClNaCl$" + scryptHex},
		{"scrypt two fields", "scrypt:16384:8$NaClNaCl$" + scryptHex},
		{"scrypt digest wrong length", "scrypt:16384:8:1$NaClNaCl$" + sha256Hex},
	}
	ctx := context.Background()
	h := NewHasher(testParams(), 1, time.Second)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(ctx, tt.encoded, testPassword)
			if ok || rehash {
				t.Errorf("Verify = %v, %v; want false, false", ok, rehash)
			}
			if err == nil {
				t.Fatal("Verify returned no error")
			}
			// Malformed hashes are for the log, not for the user.
			if code := focusflow.ErrorCode(err); code != focusflow.EINTERNAL {
				t.Errorf("error %v has code %q; want a plain error", err, code)
			}
		})
	}
}

// holdSlots fills every computation slot of h, as in-flight hashes would,
// and returns a function that frees them.
func holdSlots(h *Hasher) (release func()) {
	for range cap(h.sem) {
		h.sem <- struct{}{}
	}
	return func() {
		for range cap(h.sem) {
			<-h.sem
		}
	}
}

func wantBusy(t *testing.T, what string, err error) {
	t.Helper()
	if focusflow.ErrorCode(err) != focusflow.EUNAVAILABLE {
		t.Errorf("%s: error %v; want EUNAVAILABLE", what, err)
		return
	}
	if msg := focusflow.ErrorMessage(err); msg != "The server is busy; please try again in a moment." {
		t.Errorf("%s: message %q", what, msg)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	ctx := context.Background()
	// A wait of 0 makes the timer path fire at once, so nothing here depends
	// on how long anything takes.
	h := NewHasher(testParams(), 1, 0)
	enc, err := h.Hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	legacy := "pbkdf2:sha1:1000$tEsTsAlT$cf11df9f86684815942337e762f1debb8cda2f0e"

	release := holdSlots(h)
	_, err = h.Hash(ctx, testPassword)
	wantBusy(t, "Hash", err)
	ok, _, err := h.Verify(ctx, enc, testPassword)
	wantBusy(t, "Verify argon2id", err)
	if ok {
		t.Error("Verify reported ok while busy")
	}
	_, _, err = h.Verify(ctx, legacy, testPassword)
	wantBusy(t, "Verify legacy", err)
	wantBusy(t, "DummyVerify", h.DummyVerify(ctx, testPassword))
	release()

	if _, err := h.Hash(ctx, testPassword); err != nil {
		t.Errorf("Hash after the slot was freed: %v", err)
	}
	if ok, _, err := h.Verify(ctx, legacy, testPassword); !ok || err != nil {
		t.Errorf("Verify legacy after the slot was freed = %v, %v", ok, err)
	}
	if err := h.DummyVerify(ctx, testPassword); err != nil {
		t.Errorf("DummyVerify after the slot was freed: %v", err)
	}
	if n := len(h.sem); n != 0 {
		t.Errorf("%d slots still held after all calls returned", n)
	}
}

func TestConcurrencyLimitContext(t *testing.T) {
	h := NewHasher(testParams(), 1, time.Hour)

	// A client that is already gone does not get a slot even if one is free.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.Hash(ctx, testPassword)
	wantBusy(t, "Hash with a cancelled context", err)

	// A context that ends while the caller waits for a slot.
	release := holdSlots(h)
	defer release()
	wctx := newWatchedContext()
	done := make(chan error)
	go func() {
		_, err := h.Hash(wctx, testPassword)
		done <- err
	}()
	<-wctx.watched // Hash is now selecting on Done
	wctx.cancel()
	wantBusy(t, "Hash cancelled while waiting", <-done)
}

// watchedContext tells the test when someone starts waiting on Done, so it
// can cancel exactly while Hash is blocked on a slot.
type watchedContext struct {
	context.Context
	once    sync.Once
	watched chan struct{}
	cancel  context.CancelFunc
}

func newWatchedContext() *watchedContext {
	ctx, cancel := context.WithCancel(context.Background())
	return &watchedContext{Context: ctx, watched: make(chan struct{}), cancel: cancel}
}

func (c *watchedContext) Done() <-chan struct{} {
	c.once.Do(func() { close(c.watched) })
	return c.Context.Done()
}

func TestWaiterGetsFreedSlot(t *testing.T) {
	// With an hour to wait, a caller queued behind a busy slot must succeed
	// once it is freed, whichever goroutine happens to run first.
	h := NewHasher(testParams(), 1, time.Hour)
	release := holdSlots(h)
	done := make(chan error)
	go func() {
		_, err := h.Hash(context.Background(), testPassword)
		done <- err
	}()
	release()
	if err := <-done; err != nil {
		t.Fatalf("queued Hash: %v", err)
	}
}

func TestDummyVerifyMatchesRealCost(t *testing.T) {
	// DummyVerify hides unknown usernames only if it does the same work as a
	// real verification: same argon2id parameters as new hashes.
	h := NewHasher(DefaultParams, 1, time.Second)
	p, _, _, err := decodeArgon2id(h.dummy)
	if err != nil {
		t.Fatal(err)
	}
	if p != DefaultParams {
		t.Errorf("dummy hash params %+v; want %+v", p, DefaultParams)
	}
	if err := NewHasher(testParams(), 1, time.Second).DummyVerify(context.Background(), testPassword); err != nil {
		t.Errorf("DummyVerify: %v", err)
	}
}

func TestNewHasherRejectsBadParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero", Params{}},
		{"zero time", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"zero threads", Params{Memory: 64, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}},
		{"short salt", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}},
		{"short key", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}},
		{"huge memory", Params{Memory: 1<<20 + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("NewHasher did not panic")
				}
			}()
			NewHasher(tt.p, 1, time.Second)
		})
	}
}

func TestDefaultParamsMeetOWASPMinimum(t *testing.T) {
	// OWASP's argon2id floor is m=19456 KiB, t=2, p=1 (or equivalent cost).
	p := DefaultParams
	if p.Memory < 19456 || p.Time < 2 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Errorf("DefaultParams %+v below OWASP minimum", p)
	}
}

func BenchmarkHash(b *testing.B) {
	h := NewHasher(DefaultParams, 1, time.Minute)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// Repetitive and sequential passwords are refused, in any case, forwards
// and backwards; a shorter run inside a longer password is fine.
func TestRepetitiveAndSequentialPasswords(t *testing.T) {
	for _, bad := range []string{"aaaaaaaa", "        ", "ZZZZZZZZZZZZ", "12345678x", "x87654321", "abcdefghij",
		"MY-QWERTYUIOP", "lkjhgfdsa!", "zxcvbnm1", "98765432-a"} {
		if err := CheckPassword(bad, "someone", "someone@example.test"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"1234567 plus words", "abc defg hij kl", "correct horse battery staple", "qwertyu-asdfghj"} {
		if err := CheckPassword(good, "someone", "someone@example.test"); err != nil {
			t.Errorf("%q refused: %v", good, err)
		}
	}
}
