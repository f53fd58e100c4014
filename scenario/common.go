package scenario

import "time"

// Common holds the fields every scenario's typed request shares: what
// self-check item 42 demands on each license call, beside the organization
// and system that the client's configuration supplies.
type Common struct {
	Matter   Matter
	Items    []Item
	Purpose  string // 明示用途, 2–200 characters
	Operator Operator
	ClientIP string        // 访问IP of the end user or terminal
	TTL      time.Duration // 0: the platform default (300 s)

	CallbackURL string // optional
	RequestID   string // optional idempotency key: a UUID (see Request.RequestID)
}

// Request returns the Request of subject and scenario k with c's fields.
func (c Common) Request(subject Subject, k Kind) *Request {
	return &Request{
		Subject: subject, Scenario: k, Matter: c.Matter, Items: c.Items, Purpose: c.Purpose,
		Operator: c.Operator, ClientIP: c.ClientIP, TTL: c.TTL, CallbackURL: c.CallbackURL, RequestID: c.RequestID,
	}
}

// AuthPage is the result of a scenario that leads to an authorization page.
type AuthPage struct {
	AuthorizationID string
	// URL is the authorization page: pushed to the holder's phone (code
	// scenarios) or opened inside the app (h5).
	URL       string
	ExpiresAt time.Time
	RequestID string
}

// AuthPageOf returns the AuthPage of a created authorization.
func AuthPageOf(c *Created) *AuthPage {
	return &AuthPage{AuthorizationID: c.AuthorizationID, URL: c.AuthPageURL, ExpiresAt: c.ExpiresAt, RequestID: c.RequestID}
}
