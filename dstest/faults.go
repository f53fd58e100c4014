package dstest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/zsdata/digitalspace/internal/wire"
)

// Fault kinds of §9 and §11.15.
const (
	FaultLatency     = "latency"
	FaultError       = "error"
	FaultHang        = "hang"
	FaultReset       = "reset"
	FaultUnsigned5xx = "unsigned5xx"
	FaultBadSig      = "badsig"
)

// FaultRule is one fault-injection rule (故障注入). Path is a regular
// expression matched against the request path after PathPrefix (e.g.
// "^/dsp/v1/authorizations$"); Probability defaults to 1.
type FaultRule struct {
	Path        string   `json:"path"`
	Probability *float64 `json:"probability,omitempty"`
	Kind        string   `json:"kind"`
	MS          int      `json:"ms,omitempty"`
	Code        string   `json:"code,omitempty"`
}

type faultRule struct {
	FaultRule
	re *regexp.Regexp
	p  float64
}

// SetFaults replaces the whole rule set (§11.15). An invalid rule set is
// refused and the previous one kept.
func (s *Sim) SetFaults(rules []FaultRule) error {
	compiled := make([]*faultRule, 0, len(rules))
	for i, r := range rules {
		re, err := regexp.Compile(r.Path)
		if err != nil {
			return &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: fmt.Sprintf("rule %d: path: %v", i, err)}
		}
		p := 1.0
		if r.Probability != nil {
			p = *r.Probability
		}
		if p < 0 || p > 1 || r.MS < 0 || r.MS > 3_600_000 {
			return &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: fmt.Sprintf("rule %d: probability must be 0..1 and ms 0..3600000", i)}
		}
		switch r.Kind {
		case FaultLatency, FaultHang, FaultReset, FaultUnsigned5xx, FaultBadSig:
		case FaultError:
			if _, ok := wire.LookupCode(r.Code); !ok {
				return &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: fmt.Sprintf("rule %d: unknown code %q", i, r.Code)}
			}
		default:
			return &SimError{Status: http.StatusBadRequest, Code: wire.CodeDS2001, Message: fmt.Sprintf("rule %d: unknown kind %q", i, r.Kind)}
		}
		compiled = append(compiled, &faultRule{FaultRule: r, re: re, p: p})
	}
	s.mu.Lock()
	s.faults = compiled
	s.mu.Unlock()
	return nil
}

// ClearFaults removes every fault rule.
func (s *Sim) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// Faults returns the current rule set.
func (s *Sim) Faults() []FaultRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FaultRule, len(s.faults))
	for i, f := range s.faults {
		out[i] = f.FaultRule
	}
	return out
}

// applyFaults runs the matching rules: every latency rule waits, then the
// first other rule that fires acts. It reports whether the request is done.
func (s *Sim) applyFaults(w http.ResponseWriter, rc *reqCtx, rel string) bool {
	s.mu.Lock()
	var fire []*faultRule
	for _, f := range s.faults {
		if f.re.MatchString(rel) && (f.p >= 1 || rand.Float64() < f.p) {
			fire = append(fire, f)
		}
	}
	s.mu.Unlock()
	r := rc.r
	for _, f := range fire {
		switch f.Kind {
		case FaultLatency:
			if !s.sleep(r, time.Duration(f.MS)*time.Millisecond) {
				reset(w)
				return true
			}
			continue
		case FaultBadSig:
			rc.badsig = true
			continue
		case FaultError:
			if wire.IsGatewayCode(f.Code) {
				gatewayReject(w, f.Code)
			} else {
				s.writeSigned(w, rc.requestID, s.errAnswer(rc, 0, f.Code, "injected fault"), false)
			}
		case FaultUnsigned5xx:
			writeGateway(w, http.StatusBadGateway, 502, "bad gateway")
		case FaultReset:
			reset(w)
		case FaultHang:
			_, _ = drain(r)
			d := time.Duration(f.MS) * time.Millisecond
			if d == 0 {
				d = 24 * time.Hour
			}
			s.sleep(r, d)
			reset(w)
		}
		s.log.Info("fault injected", "kind", f.Kind, "path", rel)
		return true
	}
	return false
}

func drain(r *http.Request) (int64, error) {
	var n int64
	buf := make([]byte, 32<<10)
	for n <= 2*wire.MaxRequestBody {
		m, err := r.Body.Read(buf)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// sleep waits d; false when the client left or the simulator closed first.
func (s *Sim) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}

// reset closes the connection without an answer (a TCP RST where possible).
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		writeGateway(w, http.StatusBadGateway, 502, "connection reset (simulated)")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
