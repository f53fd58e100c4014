package scenario

import (
	"time"
)

// Subject is the kind of holder: a natural person (个人) or a legal person (法人).
type Subject string

// The two subjects.
const (
	Personal Subject = "personal"
	Legal    Subject = "legal"
)

// Kind names a scenario of DSP/1 §6.1–6.2.
type Kind string

// The scenarios. Each Subject has its own set: personal has YSSCode,
// ServiceCode, MobileApp, H5 and DataCode; legal has YSTCode, ServiceCode
// and H5.
const (
	YSSCode     Kind = "yss_code"     // 粤省事码, scanned by the clerk
	ServiceCode Kind = "service_code" // 办事码, scanned by the holder
	MobileApp   Kind = "mobile_app"   // a mobile app or mini program calls the personal space
	H5          Kind = "h5"           // H5 authorization page inside the 粤省事 or 粤商通 app
	DataCode    Kind = "data_code"    // 数据码: 6-digit code + ID number keyed in by the clerk
	YSTCode     Kind = "yst_code"     // 粤商码, scanned by the clerk
)

// Status is the state of an authorization (§6.3).
type Status string

// The authorization states.
const (
	StatusPending    Status = "PENDING"
	StatusScanned    Status = "SCANNED"
	StatusAuthorized Status = "AUTHORIZED"
	StatusRejected   Status = "REJECTED"
	StatusExpired    Status = "EXPIRED"
	StatusCanceled   Status = "CANCELED"
)

// Final reports whether no further decision can come.
func (s Status) Final() bool {
	switch s {
	case StatusAuthorized, StatusRejected, StatusExpired, StatusCanceled:
		return true
	}
	return false
}

// ItemKind is what an item asks for: a license (证照) or a data item (数据).
type ItemKind string

// The item kinds.
const (
	LicenseItem  ItemKind = "license"
	DataItemKind ItemKind = "data"
)

// Item is one license or data item requested. A license item is requested
// by its certificateTypeCode (证照类型代码).
type Item struct {
	Kind     ItemKind
	Code     string
	Name     string
	Required bool
}

// Matter is a 事项 (the government service being handled).
type Matter struct {
	Code string // 事项编码
	Name string // 事项名称
}

// IDType is the type of an identifier of a holder or operator.
type IDType string

// The identifier types.
const (
	IDCard      IDType = "ID_CARD"       // 居民身份证
	USCC        IDType = "USCC"          // 统一社会信用代码
	Passport    IDType = "PASSPORT"      // 护照
	HKMacaoPass IDType = "HK_MACAO_PASS" // 港澳居民来往内地通行证
	TWPass      IDType = "TW_PASS"       // 台湾居民来往大陆通行证
)

// Operator is the 用证人: the civil servant or agent using the licenses,
// with the result of their real-name verification (实名认证).
type Operator struct {
	Name       string
	IDType     IDType
	IDNumber   string
	Verified   bool
	Method     string // face, sms, yzy (粤政易), ca, password
	VerifiedAt time.Time
}

// HolderType is the type of a holder on the wire: a person or a legal person.
type HolderType string

// The holder types.
const (
	PersonHolder HolderType = "person"
	LegalHolder  HolderType = "legal"
)

// HolderTypeOf returns the holder type of a subject.
func HolderTypeOf(s Subject) HolderType {
	if s == Legal {
		return LegalHolder
	}
	return PersonHolder
}

// Holder is the 持证主体 whose licenses are used.
type Holder struct {
	Type     HolderType
	Name     string
	IDType   IDType
	IDNumber string
}

// Request is the one shape every scenario's typed request becomes.
type Request struct {
	Subject  Subject
	Scenario Kind
	Matter   Matter
	Items    []Item
	Purpose  string // 明示用途, 2–200 characters
	Operator Operator
	ClientIP string        // 访问IP of the end user or terminal
	TTL      time.Duration // 60 s – 30 min; 0 means the platform default (300 s)

	CallbackURL string  // optional
	Holder      *Holder // data_code: required (idType + idNumber)
	ScanCode    string  // yss_code, yst_code
	DataCode    string  // data_code
	ReturnURL   string  // mobile_app, h5
	TerminalID  string  // service_code: the hall screen or handset

	// RequestID is the idempotency key (X-DS-Request-Id), a UUID. Leave it
	// empty for a new one; set it to repeat a call safely, e.g. after a
	// crash: the platform answers the same requestId and body with the same
	// authorization.
	RequestID string
}

// Created is a new authorization (call 1): its id and state, and the
// authorization page or the launch parameters that the scenario needs.
type Created struct {
	AuthorizationID string
	Subject         Subject
	Scenario        Kind
	Status          Status
	ExpiresAt       time.Time
	// AuthPageURL is the authorization page (pushed to the holder's phone, or
	// opened inside the app for h5).
	AuthPageURL string
	// Launch is set for mobile_app.
	Launch *Launch
	// RequestID is the X-DS-Request-Id the call used.
	RequestID string
}

// Launch is what a mobile app needs to open the personal-space mini program.
type Launch struct {
	MiniProgramAppID string
	MiniProgramPath  string
	URL              string
}

// Authorization is an authorization and its current state. The holder is
// masked (脱敏) by the platform.
type Authorization struct {
	ID            string
	Subject       Subject
	Scenario      Kind
	Status        Status
	Matter        Matter
	Items         []Item
	GrantedItems  []string
	Holder        *Holder // masked
	CreatedAt     time.Time
	ScannedAt     time.Time
	DecidedAt     time.Time
	ExpiresAt     time.Time
	UseUntil      time.Time
	CertificateID string
	ServiceCodeID string
}

// ServiceCodeInfo is a 办事码 (service code): a dynamic QR code that lives at
// most 300 s.
type ServiceCodeInfo struct {
	CodeID    string
	QRContent string
	ExpiresAt time.Time
	RefreshAt time.Time
	RequestID string
}
