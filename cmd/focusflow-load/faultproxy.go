package main

import (
	"net"
	"sync"
)

// proxyMode is what a faultProxy does with the bytes it carries.
type proxyMode int

const (
	// modePass forwards everything both ways.
	modePass proxyMode = iota
	// modeStall keeps every connection open and accepts new ones, but
	// forwards nothing until the mode changes: a database (or Redis) that
	// stopped answering without refusing anything.
	modeStall
	// modeReset cuts every connection with a TCP reset and resets new ones
	// at once: a server that went away.
	modeReset
)

func (m proxyMode) String() string {
	switch m {
	case modePass:
		return "pass"
	case modeStall:
		return "stall"
	case modeReset:
		return "reset"
	}
	return "unknown"
}

// faultProxy is a TCP proxy on loopback in front of a server (PostgreSQL,
// Redis), whose faults are switched from outside with setMode.
type faultProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	mode    proxyMode
	changed chan struct{} // closed and replaced at every mode change
	conns   map[net.Conn]struct{}
}

// newFaultProxy listens on a free loopback port and forwards to target.
func newFaultProxy(target string) (*faultProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &faultProxy{ln: ln, target: target, changed: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	go p.serve()
	return p, nil
}

// addr is the proxy's "127.0.0.1:port".
func (p *faultProxy) addr() string { return p.ln.Addr().String() }

// close stops listening and cuts every connection.
func (p *faultProxy) close() {
	p.ln.Close()
	p.setMode(modeReset)
}

// setMode switches the proxy; switching to reset cuts every connection.
func (p *faultProxy) setMode(m proxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	if m == modeReset {
		for c := range p.conns {
			reset(c)
		}
		clear(p.conns)
	}
}

// state is the current mode and the channel closed at its next change.
func (p *faultProxy) state() (proxyMode, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mode, p.changed
}

// track registers c unless the proxy is resetting, in which case it
// resets c and says so.
func (p *faultProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == modeReset {
		reset(c)
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *faultProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *faultProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.track(c) {
			go p.relay(c)
		}
	}
}

// relay connects c to the target, once the proxy forwards, and copies
// both ways until either side ends.
func (p *faultProxy) relay(c net.Conn) {
	defer p.untrack(c)
	if !p.waitForward() {
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(up) {
		return
	}
	defer p.untrack(up)
	done := make(chan struct{}, 2)
	go func() { p.copy(up, c); done <- struct{}{} }()
	go func() { p.copy(c, up); done <- struct{}{} }()
	<-done
}

// waitForward blocks while the proxy stalls; false when it resets.
func (p *faultProxy) waitForward() bool {
	for {
		m, changed := p.state()
		switch m {
		case modePass:
			return true
		case modeReset:
			return false
		}
		<-changed
	}
}

// copy forwards src to dst chunk by chunk, holding each chunk while the
// proxy stalls; it returns when either side ends or the proxy resets.
func (p *faultProxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.waitForward() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return // either side ended: relay closes both
		}
	}
}

// reset closes c with a TCP reset rather than an orderly close.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
