package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// EnsureSecretKey gives a development instance a stable SecretKey without
// asking the developer for one. When SecretKey is "", it reads
// DATA_DIR/secret_key, or generates 32 random bytes (URL-safe base64, no
// padding) and stores them there (directory 0700, file 0600) so sessions
// survive restarts. generated reports whether a new key was created. The
// key itself is never logged or returned in an error.
//
// In production Load already insists on SECRET_KEY, so this only guards
// against a hand-built Config.
func (c *Config) EnsureSecretKey() (generated bool, err error) {
	if c.SecretKey != "" {
		return false, nil
	}
	if c.Production {
		return false, errors.New("SECRET_KEY: required in production; " + secretKeyHowToCreate)
	}
	path := filepath.Join(c.DataDir, SecretKeyFileName)
	if key, err := readSecretKeyFile(path); err == nil {
		c.SecretKey = key
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}

	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return false, fmt.Errorf("generating a secret key: %w", err)
	}
	key := base64.RawURLEncoding.EncodeToString(buf)
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return false, fmt.Errorf("creating DATA_DIR for the secret key: %w", err)
	}
	// Write a temporary file and link it into place: readers never see a
	// half-written key, and if another process got there first we use its
	// key instead of silently replacing it.
	tmp, err := os.CreateTemp(c.DataDir, ".secret_key-*")
	if err != nil {
		return false, fmt.Errorf("storing the secret key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(key + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("storing the secret key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			// Some file systems have no hard links; a rename is still
			// atomic, it just cannot detect a concurrent writer.
			if rerr := os.Rename(tmp.Name(), path); rerr != nil {
				return false, fmt.Errorf("storing the secret key: %w", rerr)
			}
			c.SecretKey = key
			return true, nil
		}
		existing, rerr := readSecretKeyFile(path)
		if rerr != nil {
			return false, rerr
		}
		c.SecretKey = existing
		return false, nil
	}
	c.SecretKey = key
	return true, nil
}

func readSecretKeyFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		return "", fmt.Errorf("reading the secret key: %w", err)
	}
	key := strings.TrimSpace(string(data))
	if utf8.RuneCountInString(key) < MinSecretKeyLength {
		// Refuse rather than overwrite: the file may be someone's deliberate
		// choice, and replacing it would log everybody out.
		return "", fmt.Errorf("%s holds a key shorter than %d characters; delete the file to have a new key generated", path, MinSecretKeyLength)
	}
	return key, nil
}
