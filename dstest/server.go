package dstest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"
)

// Server is a simulator listening on a loopback port over real HTTP.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234" (without PathPrefix).
	URL string
	// Sim is the simulator behind it.
	Sim *Sim

	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// NewServer starts a simulator on 127.0.0.1 with a random port.
func NewServer(cfg Config) (*Server, error) {
	sim, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		sim.Close()
		return nil, fmt.Errorf("dstest: listen: %w", err)
	}
	return Serve(sim, ln), nil
}

// Serve serves sim on ln until Close.
func Serve(sim *Sim, ln net.Listener) *Server {
	s := &Server{
		URL: "http://" + ln.Addr().String(), Sim: sim, ln: ln, done: make(chan struct{}),
		srv: &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10},
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			sim.log.Error("dstest: serve", "err", err)
		}
	}()
	return s
}

// Close stops the simulator (callbacks, hanging requests) and the listener,
// closing every connection.
func (s *Server) Close() {
	s.Sim.Close()
	_ = s.srv.Close()
	<-s.done
}

// Start starts a Server for a test and closes it at the end of the test.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatalf("dstest: starting simulator: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}
