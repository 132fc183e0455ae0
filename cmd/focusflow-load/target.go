package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// errNotLoopback is returned for a target outside this machine: load is only
// ever sent to loopback addresses.
var errNotLoopback = errors.New("only loopback targets are allowed (127.0.0.0/8, ::1 or localhost)")

// checkTarget parses a --base or --url value and refuses anything that is
// not an http(s) URL on a loopback host.
func checkTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: the scheme must be http or https", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q: credentials in the URL are not supported", raw)
	}
	if !loopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("%q: %w", raw, errNotLoopback)
	}
	return u, nil
}

// loopbackHost reports whether host (no port, no brackets) is "localhost" or
// a loopback IP literal.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	// A zone ("::1%lo") is fine on a loopback address.
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly refuses, at connect time, any address that is not loopback:
// the second line of defence behind checkTarget, covering a "localhost" that
// resolves elsewhere.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("connect to %s: %w", address, errNotLoopback)
	}
	return nil
}

// newClient returns an HTTP client tuned for load: one keep-alive
// connection per worker, no proxy, no compression (as wrk), no redirects
// followed (a redirect is a result to report, and can never lead off this
// machine), and a timeout that bounds every request.
func newClient(conns int, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
		TLSHandshakeTimeout: 5 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// closeIdle releases the client's connections.
func closeIdle(c *http.Client) {
	if tr, ok := c.Transport.(*http.Transport); ok {
		tr.CloseIdleConnections()
	}
}
