package wire

import (
	"encoding/json"

	"github.com/zsdata/digitalspace/sign"
)

// Limits and windows of the protocol.
const (
	MaxRequestBody  = 1 << 20  // 1 MiB (§1)
	MaxResponseBody = 32 << 20 // 32 MiB (§1)
	// ReplayWindowSeconds is the allowed clock distance of a timestamp (§2.4).
	ReplayWindowSeconds = 180
	// NonceTTLSeconds is how long a nonce is remembered (§2.4).
	NonceTTLSeconds = 360
	// ServiceCodeMaxSeconds is the longest life of a 办事码 (§6.2).
	ServiceCodeMaxSeconds = 300
	// UseWindowSeconds is useUntil − decidedAt (§6.3).
	UseWindowSeconds = 1800
	// DefaultTTLSeconds, MinTTLSeconds and MaxTTLSeconds bound ttlSeconds (§6.1).
	DefaultTTLSeconds = 300
	MinTTLSeconds     = 60
	MaxTTLSeconds     = 1800
	// DefaultPageSize and MaxPageSize bound usage-log pages (§11.12).
	DefaultPageSize = 100
	MaxPageSize     = 500
)

// Subjects (持证主体类别).
const (
	SubjectPersonal = "personal"
	SubjectLegal    = "legal"
)

// Scenarios of §6.1 and §6.2.
const (
	ScenarioYSSCode     = "yss_code"
	ScenarioMobileApp   = "mobile_app"
	ScenarioH5          = "h5"
	ScenarioDataCode    = "data_code"
	ScenarioYSTCode     = "yst_code"
	ScenarioServiceCode = "service_code"
)

// Authorization states (§6.3).
const (
	StatusPending    = "PENDING"
	StatusScanned    = "SCANNED"
	StatusAuthorized = "AUTHORIZED"
	StatusRejected   = "REJECTED"
	StatusExpired    = "EXPIRED"
	StatusCanceled   = "CANCELED"
)

// Identifier types of a holder or operator (§4).
const (
	IDTypeIDCard      = "ID_CARD"
	IDTypeUSCC        = "USCC"
	IDTypePassport    = "PASSPORT"
	IDTypeHKMacaoPass = "HK_MACAO_PASS"
	IDTypeTWPass      = "TW_PASS"
)

// Item kinds.
const (
	ItemLicense = "license"
	ItemData    = "data"
)

// Callback event types (§6.4).
const (
	EventScanned    = "authorization.scanned"
	EventAuthorized = "authorization.authorized"
	EventRejected   = "authorization.rejected"
	EventExpired    = "authorization.expired"
	EventCanceled   = "authorization.canceled"
)

// Usage-log actions (§6.5).
const (
	ActionCreate      = "create"
	ActionCancel      = "cancel"
	ActionDelivery    = "delivery"
	ActionServiceCode = "service_code"
)

// Response is the envelope of every /dsp/v1 answer (§6, §11.1).
type Response struct {
	Code      string          `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"requestId"`
	Data      json.RawMessage `json:"data,omitempty"`
}

// CodeOK is the code of a success.
const CodeOK = "0"

// GatewayError is the unsigned body of a gateway rejection (§2.6).
type GatewayError struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Org is the 用证单位 (using organization).
type Org struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

// System is the 用证系统 (usage system).
type System struct {
	Name string `json:"name"`
}

// Operator is the 用证人 (the civil servant or agent using the licenses).
type Operator struct {
	Name       string `json:"name"`
	IDType     string `json:"idType"`
	IDNumber   string `json:"idNumber"`
	Verified   bool   `json:"verified"`
	Method     string `json:"method"`
	VerifiedAt string `json:"verifiedAt"`
}

// Holder is the 持证主体 (license holder).
type Holder struct {
	Type     string `json:"type,omitempty"`
	Name     string `json:"name,omitempty"`
	IDType   string `json:"idType"`
	IDNumber string `json:"idNumber"`
}

// Matter is the 事项 (government service matter).
type Matter struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Item is one license or data item requested.
type Item struct {
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
}

// LicenseFile is the file of an electronic license.
type LicenseFile struct {
	Format  string `json:"format"`
	SM3     string `json:"sm3"`
	Content string `json:"content"` // base64
}

// License is a 电子证照 (electronic license), field names after GB/T 36903.
type License struct {
	CertificateIdentifier           string            `json:"certificateIdentifier"`
	CertificateTypeCode             string            `json:"certificateTypeCode"`
	CertificateTypeName             string            `json:"certificateTypeName"`
	CertificateNumber               string            `json:"certificateNumber"`
	CertificateHolderName           string            `json:"certificateHolderName"`
	CertificateHolderCode           string            `json:"certificateHolderCode"`
	CertificateHolderTypeCode       string            `json:"certificateHolderTypeCode"`
	CertificateIssuingAuthorityName string            `json:"certificateIssuingAuthorityName"`
	CertificateIssuingAuthorityCode string            `json:"certificateIssuingAuthorityCode"`
	CertificateIssuedDate           string            `json:"certificateIssuedDate"`
	CertificateEffectiveDate        string            `json:"certificateEffectiveDate"`
	CertificateExpiringDate         string            `json:"certificateExpiringDate"`
	CertificateAreaCode             string            `json:"certificateAreaCode"`
	File                            LicenseFile       `json:"file"`
	Metadata                        map[string]string `json:"metadata,omitempty"`
}

// DataItem is one delivered data item.
type DataItem struct {
	Code  string          `json:"code"`
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// Ledger names the blockchain record of a certificate.
type Ledger struct {
	Name        string `json:"name"`
	TxID        string `json:"txId"`
	BlockHeight int64  `json:"blockHeight"`
}

// Certificate is the 数据资产凭证 (data asset certificate).
type Certificate struct {
	CertID          string   `json:"certId"`
	AuthorizationID string   `json:"authorizationId"`
	PaasID          string   `json:"paasId"`
	OrgCode         string   `json:"orgCode"`
	MatterCode      string   `json:"matterCode"`
	Purpose         string   `json:"purpose"`
	HolderDigest    string   `json:"holderDigest"`
	GrantedItems    []string `json:"grantedItems"`
	AuthorizedAt    string   `json:"authorizedAt"`
	ExpiresAt       string   `json:"expiresAt"`
	Ledger          Ledger   `json:"ledger"`
	KeyID           string   `json:"keyId"`
	Signature       string   `json:"signature"`
}

// Authorization is an authorization request and its state.
type Authorization struct {
	AuthorizationID string   `json:"authorizationId"`
	Subject         string   `json:"subject"`
	Scenario        string   `json:"scenario"`
	Status          string   `json:"status"`
	Matter          Matter   `json:"matter"`
	Items           []Item   `json:"items"`
	GrantedItems    []string `json:"grantedItems"`
	Holder          *Holder  `json:"holder,omitempty"`
	CreatedAt       string   `json:"createdAt"`
	ScannedAt       string   `json:"scannedAt,omitempty"`
	DecidedAt       string   `json:"decidedAt,omitempty"`
	ExpiresAt       string   `json:"expiresAt"`
	UseUntil        string   `json:"useUntil,omitempty"`
	CertificateID   string   `json:"certificateId,omitempty"`
	ServiceCodeID   string   `json:"serviceCodeId,omitempty"`
}

// CreateAuthorization is the body of call 1 (and, without scanCode,
// dataCode, holder and returnUrl, of call 5).
type CreateAuthorization struct {
	Subject     string   `json:"subject"`
	Scenario    string   `json:"scenario"`
	Matter      Matter   `json:"matter"`
	Items       []Item   `json:"items"`
	Purpose     string   `json:"purpose"`
	Org         Org      `json:"org"`
	System      System   `json:"system"`
	Operator    Operator `json:"operator"`
	ClientIP    string   `json:"clientIp"`
	TTLSeconds  int      `json:"ttlSeconds,omitempty"`
	CallbackURL string   `json:"callbackUrl,omitempty"`
	Holder      *Holder  `json:"holder,omitempty"`
	ScanCode    string   `json:"scanCode,omitempty"`
	DataCode    string   `json:"dataCode,omitempty"`
	ReturnURL   string   `json:"returnUrl,omitempty"`
	TerminalID  string   `json:"terminalId,omitempty"`
}

// AuthPage is the authorization page the holder sees.
type AuthPage struct {
	URL string `json:"url"`
}

// MiniProgram is how a mobile app launches the personal-space mini program.
type MiniProgram struct {
	AppID string `json:"appId"`
	Path  string `json:"path"`
}

// Launch is what a mobile app needs to open the authorization.
type Launch struct {
	MiniProgram MiniProgram `json:"miniProgram"`
	URL         string      `json:"url"`
}

// CreatedAuthorization is the data of a call 1 answer.
type CreatedAuthorization struct {
	AuthorizationID string    `json:"authorizationId"`
	Subject         string    `json:"subject"`
	Scenario        string    `json:"scenario"`
	Status          string    `json:"status"`
	ExpiresAt       string    `json:"expiresAt"`
	AuthPage        *AuthPage `json:"authPage,omitempty"`
	Launch          *Launch   `json:"launch,omitempty"`
}

// ServiceCode is the data of a call 5 answer: a 办事码.
type ServiceCode struct {
	CodeID    string `json:"codeId"`
	QRContent string `json:"qrContent"`
	ExpiresAt string `json:"expiresAt"`
	RefreshAt string `json:"refreshAt"`
}

// ServiceCodeAuthorizations is the data of a call 6 answer.
type ServiceCodeAuthorizations struct {
	Authorizations []Authorization `json:"authorizations"`
}

// SealedDelivery is the data of a call 4 answer.
type SealedDelivery struct {
	AuthorizationID string    `json:"authorizationId"`
	Envelope        *Envelope `json:"envelope"`
}

// Envelope is an SM2-SM4-GCM envelope (§3); sign seals and opens it.
type Envelope = sign.Envelope

// EnvelopeAlg is the only envelope algorithm of DSP/1.
const EnvelopeAlg = sign.EnvelopeAlg

// Delivery is the plaintext inside a delivery envelope.
type Delivery struct {
	Licenses    []License    `json:"licenses"`
	Data        []DataItem   `json:"data"`
	Certificate *Certificate `json:"certificate"`
}

// UsageRecord is one entry of the platform's usage log (§6.5).
type UsageRecord struct {
	RecordID        string `json:"recordId"`
	RequestID       string `json:"requestId"`
	AuthorizationID string `json:"authorizationId"`
	PaasID          string `json:"paasId"`
	OrgCode         string `json:"orgCode"`
	MatterCode      string `json:"matterCode"`
	HolderDigest    string `json:"holderDigest"`
	OperatorDigest  string `json:"operatorDigest"`
	ClientIP        string `json:"clientIp"`
	Action          string `json:"action"`
	Result          string `json:"result"`
	OccurredAt      string `json:"occurredAt"`
}

// UsageLogPage is the data of a call 8 answer.
type UsageLogPage struct {
	Records       []UsageRecord `json:"records"`
	NextPageToken string        `json:"nextPageToken"`
}

// Reconciliation is the body of call 9.
type Reconciliation struct {
	Date          string   `json:"date"`
	LocalCount    int      `json:"localCount"`
	RemoteCount   int      `json:"remoteCount"`
	Matched       int      `json:"matched"`
	MissingLocal  []string `json:"missingLocal"`
	MissingRemote []string `json:"missingRemote"`
	Mismatched    []string `json:"mismatched"`
}

// Receipt is the data of a call 9 answer.
type Receipt struct {
	ReceiptID string `json:"receiptId"`
}

// PlatformKey is one platform public key (§2.5).
type PlatformKey struct {
	KeyID        string `json:"keyId"`
	PublicKeyPEM string `json:"publicKeyPem"`
	NotBefore    string `json:"notBefore"`
	NotAfter     string `json:"notAfter"`
}

// PlatformKeys is the data of a call 10 answer.
type PlatformKeys struct {
	Keys []PlatformKey `json:"keys"`
}

// CallbackEvent is the body of a callback (§6.4).
type CallbackEvent struct {
	EventID       string        `json:"eventId"`
	Type          string        `json:"type"`
	OccurredAt    string        `json:"occurredAt"`
	Authorization Authorization `json:"authorization"`
}

// CallbackAck is the answer a receiver gives to an accepted callback.
type CallbackAck struct {
	Code string `json:"code"`
}

// TimeLayout is the layout of JSON timestamps (RFC 3339 with offset).
const TimeLayout = "2006-01-02T15:04:05Z07:00"

// DateLayout is the layout of dates (YYYY-MM-DD).
const DateLayout = "2006-01-02"
