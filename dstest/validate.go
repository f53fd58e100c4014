package dstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/zsdata/digitalspace/internal/ident"
	"github.com/zsdata/digitalspace/internal/wire"
)

// apiError is a DSP/1 error code with its message.
type apiError struct{ code, msg string }

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func formatErr(format string, args ...any) *apiError {
	return &apiError{code: wire.CodeDS2001, msg: fmt.Sprintf(format, args...)}
}

// decodeObject decodes a JSON object strictly enough: one value, an object,
// unknown fields ignored, no trailing data.
func decodeObject(body []byte, v any) *apiError {
	if !utf8.Valid(body) {
		return formatErr("body is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return formatErr("body is not valid JSON of the expected shape: %v", err)
	}
	if dec.More() {
		return formatErr("trailing data after the JSON object")
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return formatErr("body must be a JSON object")
	}
	return nil
}

// decodeOptionalObject accepts an empty body or a JSON object (calls 3, 4).
func decodeOptionalObject(body []byte) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	return decodeObject(body, &m)
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func textField(name, v string, minLen, maxLen int) *apiError {
	if n := runes(v); n < minLen || n > maxLen {
		return formatErr("%s must be %d-%d characters", name, minLen, maxLen)
	}
	return nil
}

func absURL(name, v string, httpOnly bool) *apiError {
	if len(v) > 2048 {
		return formatErr("%s too long", name)
	}
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || u.Host == "" && httpOnly {
		return formatErr("%s must be an absolute URL", name)
	}
	if httpOnly && u.Scheme != "http" && u.Scheme != "https" {
		return formatErr("%s must be http or https", name)
	}
	return nil
}

// parseCreate parses and format-checks (DS2001) the body of call 1 or, with
// serviceCode, of call 5. It returns the request and its ttlSeconds.
func parseCreate(body []byte, serviceCode bool) (*wire.CreateAuthorization, int, *apiError) {
	var present map[string]json.RawMessage
	if e := decodeObject(body, &present); e != nil {
		return nil, 0, e
	}
	var req wire.CreateAuthorization
	if e := decodeObject(body, &req); e != nil {
		return nil, 0, e
	}
	for _, f := range []string{"subject", "scenario", "matter", "items", "purpose", "org", "system", "operator", "clientIp"} {
		if v, ok := present[f]; !ok || string(v) == "null" {
			return nil, 0, formatErr("missing required field %s", f)
		}
	}
	if req.Subject != wire.SubjectPersonal && req.Subject != wire.SubjectLegal {
		return nil, 0, formatErr("subject must be personal or legal")
	}
	if serviceCode {
		if req.Scenario != wire.ScenarioServiceCode {
			return nil, 0, formatErr("scenario of a service code must be service_code")
		}
	} else if req.Scenario == wire.ScenarioServiceCode || !validScenario(req.Subject, req.Scenario) {
		return nil, 0, formatErr("scenario %q is not a %s scenario of this call", req.Scenario, req.Subject)
	}
	if err := ident.ValidMatterCode(req.Matter.Code); err != nil {
		return nil, 0, formatErr("matter.code: %v", err)
	}
	if e := textField("matter.name", req.Matter.Name, 1, 100); e != nil {
		return nil, 0, e
	}
	if n := len(req.Items); n < 1 || n > 50 {
		return nil, 0, formatErr("items must hold 1-50 items")
	}
	seen := map[string]bool{}
	for i, it := range req.Items {
		if it.Kind != wire.ItemLicense && it.Kind != wire.ItemData {
			return nil, 0, formatErr("items[%d].kind must be license or data", i)
		}
		if e := textField(fmt.Sprintf("items[%d].code", i), it.Code, 1, 64); e != nil {
			return nil, 0, e
		}
		if it.Kind == wire.ItemLicense && !validTypeCode(it.Code) {
			return nil, 0, formatErr("items[%d].code must be a 21-character certificateTypeCode", i)
		}
		if e := textField(fmt.Sprintf("items[%d].name", i), it.Name, 1, 100); e != nil {
			return nil, 0, e
		}
		if seen[it.Code] {
			return nil, 0, formatErr("items[%d].code %q repeated", i, it.Code)
		}
		seen[it.Code] = true
	}
	if e := textField("purpose", req.Purpose, 2, 200); e != nil {
		return nil, 0, e
	}
	if e := textField("org.name", req.Org.Name, 1, 100); e != nil {
		return nil, 0, e
	}
	if err := ident.ValidUSCC(req.Org.Code); err != nil {
		return nil, 0, formatErr("org.code: %v", err)
	}
	if e := textField("system.name", req.System.Name, 1, 100); e != nil {
		return nil, 0, e
	}
	if e := checkOperator(&req.Operator); e != nil {
		return nil, 0, e
	}
	if _, err := netip.ParseAddr(req.ClientIP); err != nil {
		return nil, 0, formatErr("clientIp is not an IP address")
	}
	ttl := wire.DefaultTTLSeconds
	if _, ok := present["ttlSeconds"]; ok {
		if req.TTLSeconds < wire.MinTTLSeconds || req.TTLSeconds > wire.MaxTTLSeconds {
			return nil, 0, formatErr("ttlSeconds must be %d-%d", wire.MinTTLSeconds, wire.MaxTTLSeconds)
		}
		ttl = req.TTLSeconds
	}
	if req.CallbackURL != "" {
		if e := absURL("callbackUrl", req.CallbackURL, true); e != nil {
			return nil, 0, e
		}
	}
	if e := textField("terminalId", req.TerminalID, 0, 64); e != nil {
		return nil, 0, e
	}
	if serviceCode {
		req.Holder, req.ScanCode, req.DataCode = nil, "", ""
		return &req, ttl, nil
	}
	if req.Holder != nil {
		if e := checkHolder(req.Subject, req.Holder); e != nil {
			return nil, 0, e
		}
	}
	switch req.Scenario {
	case wire.ScenarioYSSCode, wire.ScenarioYSTCode:
		if e := textField("scanCode", req.ScanCode, 1, 512); e != nil {
			return nil, 0, e
		}
	case wire.ScenarioDataCode:
		if err := ident.ValidDataCode(req.DataCode); err != nil {
			return nil, 0, formatErr("dataCode must be 6 digits")
		}
		if req.Holder == nil {
			return nil, 0, formatErr("missing required field holder")
		}
	case wire.ScenarioMobileApp, wire.ScenarioH5:
		if req.ReturnURL == "" {
			return nil, 0, formatErr("missing required field returnUrl")
		}
		if e := absURL("returnUrl", req.ReturnURL, false); e != nil {
			return nil, 0, e
		}
	}
	return &req, ttl, nil
}

func validTypeCode(c string) bool {
	if len(c) != 21 {
		return false
	}
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if !(ch >= '0' && ch <= '9' || ch >= 'A' && ch <= 'Z') {
			return false
		}
	}
	return true
}

func checkOperator(op *wire.Operator) *apiError {
	if e := textField("operator.name", op.Name, 1, 50); e != nil {
		return e
	}
	if err := ident.ValidHolderID(op.IDType, op.IDNumber); err != nil {
		return formatErr("operator id: %v", err)
	}
	switch op.Method {
	case "face", "sms", "yzy", "ca", "password":
	default:
		return formatErr("operator.method must be face, sms, yzy, ca or password")
	}
	if _, err := time.Parse(time.RFC3339, op.VerifiedAt); err != nil {
		return formatErr("operator.verifiedAt must be RFC 3339")
	}
	return nil
}

func checkHolder(subject string, h *wire.Holder) *apiError {
	if err := ident.ValidHolderID(h.IDType, h.IDNumber); err != nil {
		return formatErr("holder id: %v", err)
	}
	if (subject == wire.SubjectLegal) != (h.IDType == wire.IDTypeUSCC) {
		return formatErr("holder.idType %s does not fit subject %s", h.IDType, subject)
	}
	return nil
}
