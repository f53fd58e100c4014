package wire

import (
	"net/url"
	"strconv"
	"strings"
)

// BasePath is the path prefix of every DSP/1 call.
const BasePath = "/dsp/v1"

// SimPrefix is the prefix of the simulator's unsigned control API (§9). It
// lives at the root of the simulator's address, whatever the base path.
const SimPrefix = "/_sim"

// Relative paths of the ten DSP/1 calls (§6), under BasePath.
const (
	PathAuthorizations  = "/authorizations"
	PathServiceCodes    = "/service-codes"
	PathCertificates    = "/certificates"
	PathUsageLogs       = "/usage-logs"
	PathReconciliations = "/reconciliations"
	PathPlatformKeys    = "/platform-keys"
)

// AuthorizationsPath is call 1: POST create an authorization.
func AuthorizationsPath() string { return BasePath + PathAuthorizations }

// AuthorizationPath is call 2: GET one authorization.
func AuthorizationPath(id string) string {
	return BasePath + PathAuthorizations + "/" + url.PathEscape(id)
}

// CancelPath is call 3: POST cancel an authorization.
func CancelPath(id string) string { return AuthorizationPath(id) + "/cancel" }

// DeliveryPath is call 4: POST fetch the delivery envelope.
func DeliveryPath(id string) string { return AuthorizationPath(id) + "/delivery" }

// ServiceCodesPath is call 5: POST create a 办事码 (service code).
func ServiceCodesPath() string { return BasePath + PathServiceCodes }

// ServiceCodeAuthorizationsPath is call 6: GET authorizations started from a service code.
func ServiceCodeAuthorizationsPath(codeID string) string {
	return BasePath + PathServiceCodes + "/" + url.PathEscape(codeID) + "/authorizations"
}

// CertificatePath is call 7: GET a 数据资产凭证 (data asset certificate).
func CertificatePath(certID string) string {
	return BasePath + PathCertificates + "/" + url.PathEscape(certID)
}

// UsageLogsPath is call 8: GET the platform's usage log for a day, with its query.
func UsageLogsPath(date string, pageSize int, pageToken string) string {
	q := url.Values{}
	q.Set("date", date)
	if pageSize > 0 {
		q.Set("pageSize", strconv.Itoa(pageSize))
	}
	if pageToken != "" {
		q.Set("pageToken", pageToken)
	}
	return BasePath + PathUsageLogs + "?" + encodeOrdered(q, "date", "pageSize", "pageToken")
}

// ReconciliationsPath is call 9: POST the day's reconciliation result.
func ReconciliationsPath() string { return BasePath + PathReconciliations }

// PlatformKeysPath is call 10: GET the platform's public keys.
func PlatformKeysPath() string { return BasePath + PathPlatformKeys }

// Route identifies which DSP/1 call a request path (after any gateway prefix)
// is, and extracts its identifier. It returns the route and the id ("" when
// the call takes none); ok is false for an unknown path.
func Route(method, path string) (r RouteName, id string, ok bool) {
	rest, found := strings.CutPrefix(path, BasePath)
	if !found {
		return "", "", false
	}
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	unescape := func(s string) (string, bool) {
		v, err := url.PathUnescape(s)
		return v, err == nil && v != ""
	}
	switch {
	case len(parts) == 1 && parts[0] == "authorizations" && method == "POST":
		return RouteCreateAuthorization, "", true
	case len(parts) == 2 && parts[0] == "authorizations" && method == "GET":
		v, ok := unescape(parts[1])
		return RouteGetAuthorization, v, ok
	case len(parts) == 3 && parts[0] == "authorizations" && parts[2] == "cancel" && method == "POST":
		v, ok := unescape(parts[1])
		return RouteCancelAuthorization, v, ok
	case len(parts) == 3 && parts[0] == "authorizations" && parts[2] == "delivery" && method == "POST":
		v, ok := unescape(parts[1])
		return RouteDelivery, v, ok
	case len(parts) == 1 && parts[0] == "service-codes" && method == "POST":
		return RouteCreateServiceCode, "", true
	case len(parts) == 3 && parts[0] == "service-codes" && parts[2] == "authorizations" && method == "GET":
		v, ok := unescape(parts[1])
		return RouteServiceCodeAuthorizations, v, ok
	case len(parts) == 2 && parts[0] == "certificates" && method == "GET":
		v, ok := unescape(parts[1])
		return RouteGetCertificate, v, ok
	case len(parts) == 1 && parts[0] == "usage-logs" && method == "GET":
		return RouteUsageLogs, "", true
	case len(parts) == 1 && parts[0] == "reconciliations" && method == "POST":
		return RouteReconciliation, "", true
	case len(parts) == 1 && parts[0] == "platform-keys" && method == "GET":
		return RoutePlatformKeys, "", true
	}
	return "", "", false
}

// RouteName names one of the ten DSP/1 calls.
type RouteName string

// The ten DSP/1 calls of §6.
const (
	RouteCreateAuthorization       RouteName = "create_authorization"
	RouteGetAuthorization          RouteName = "get_authorization"
	RouteCancelAuthorization       RouteName = "cancel_authorization"
	RouteDelivery                  RouteName = "delivery"
	RouteCreateServiceCode         RouteName = "create_service_code"
	RouteServiceCodeAuthorizations RouteName = "service_code_authorizations"
	RouteGetCertificate            RouteName = "get_certificate"
	RouteUsageLogs                 RouteName = "usage_logs"
	RouteReconciliation            RouteName = "reconciliation"
	RoutePlatformKeys              RouteName = "platform_keys"
)

// Idempotent reports whether a call is safe to repeat without an
// idempotency key (the GETs). POSTs are made safe by keeping the requestId.
func (r RouteName) Idempotent() bool {
	switch r {
	case RouteGetAuthorization, RouteServiceCodeAuthorizations, RouteGetCertificate, RouteUsageLogs, RoutePlatformKeys:
		return true
	}
	return false
}

func encodeOrdered(q url.Values, keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		v, ok := q[k]
		if !ok || len(v) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v[0]))
	}
	return b.String()
}
