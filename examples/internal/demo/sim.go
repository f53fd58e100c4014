package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/zsdata/digitalspace/dstest"
	"github.com/zsdata/digitalspace/scenario"
)

// SimAPI plays the holder's part through the simulator's unsigned /_sim/
// API over HTTP, so the examples work against any DSP/1 simulator.
type SimAPI struct {
	root string
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func (s *SimAPI) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.root+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("simulator %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("simulator %s %s: HTTP %d: %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// SimHolder is a synthetic holder of the simulator.
type SimHolder struct {
	Type     string   `json:"type"`
	Name     string   `json:"name"`
	IDType   string   `json:"idType"`
	IDNumber string   `json:"idNumber"`
	Licenses []string `json:"licenses"`
	ScanCode string   `json:"scanCode"`
	DataCode string   `json:"dataCode"`
}

// Holder returns the holder in the SDK's form.
func (h SimHolder) Holder() *scenario.Holder {
	return &scenario.Holder{Type: scenario.HolderType(h.Type), Name: h.Name, IDType: scenario.IDType(h.IDType), IDNumber: h.IDNumber}
}

// Registry reads GET /_sim/registry: the system's registration data.
func (s *SimAPI) Registry(ctx context.Context) (*dstest.Registry, error) {
	var raw json.RawMessage
	if err := s.call(ctx, "GET", "/_sim/registry", nil, &raw); err != nil {
		return nil, err
	}
	return dstest.LoadRegistry(bytes.NewReader(raw))
}

// Holders lists the simulator's synthetic holders.
func (s *SimAPI) Holders(ctx context.Context) ([]SimHolder, error) {
	var out struct {
		Holders []SimHolder `json:"holders"`
	}
	raw := json.RawMessage{}
	if err := s.call(ctx, "GET", "/_sim/holders", nil, &raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Holders == nil {
		var list []SimHolder
		if err2 := json.Unmarshal(raw, &list); err2 != nil {
			return nil, fmt.Errorf("simulator holders: %w", err2)
		}
		return list, nil
	}
	return out.Holders, nil
}

// Holder returns the first holder of subject that holds every license code.
func (s *SimAPI) Holder(ctx context.Context, subject scenario.Subject, licenses ...string) (SimHolder, error) {
	hs, err := s.Holders(ctx)
	if err != nil {
		return SimHolder{}, err
	}
	for _, h := range hs {
		if h.Type != string(scenario.HolderTypeOf(subject)) {
			continue
		}
		all := true
		for _, l := range licenses {
			found := false
			for _, x := range h.Licenses {
				found = found || x == l
			}
			all = all && found
		}
		if all {
			return h, nil
		}
	}
	return SimHolder{}, fmt.Errorf("no %s holder with licenses %v", subject, licenses)
}

// Scan plays a holder scanning a service code; it returns the authorization id.
func (s *SimAPI) Scan(ctx context.Context, qrContent string, h SimHolder) (string, error) {
	var out struct {
		AuthorizationID string `json:"authorizationId"`
	}
	in := map[string]any{"qrContent": qrContent, "holder": map[string]string{"idType": h.IDType, "idNumber": h.IDNumber}}
	if err := s.call(ctx, "POST", "/_sim/scan", in, &out); err != nil {
		return "", err
	}
	return out.AuthorizationID, nil
}

// Open plays the holder opening the authorization page.
func (s *SimAPI) Open(ctx context.Context, authorizationID string) error {
	return s.call(ctx, "POST", "/_sim/authorizations/"+authorizationID+"/open", map[string]any{}, nil)
}

// Approve plays the holder approving; nil granted grants every item.
func (s *SimAPI) Approve(ctx context.Context, authorizationID string, granted []string) error {
	in := map[string]any{"decision": "approve"}
	if granted != nil {
		in["grantedItems"] = granted
	}
	return s.call(ctx, "POST", "/_sim/authorizations/"+authorizationID+"/decide", in, nil)
}
