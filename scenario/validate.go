package scenario

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"

	dserrors "github.com/zsdata/digitalspace/errors"
	"github.com/zsdata/digitalspace/internal/ident"
)

// Identity is the usage system's own registration: who sends the call.
type Identity struct {
	PaasID     string
	OrgName    string
	OrgCode    string
	SystemName string
}

// Limits of the format check (DSP/1 §6.1).
const (
	MaxItems      = 50
	MinPurpose    = 2
	MaxPurpose    = 200
	MinTTL        = 60 * time.Second
	MaxTTL        = 30 * time.Minute
	maxNameRunes  = 100
	maxCodeLength = 64
	maxURLLength  = 2048
	maxScanCode   = 512
)

var personalKinds = []Kind{YSSCode, ServiceCode, MobileApp, H5, DataCode}
var legalKinds = []Kind{YSTCode, ServiceCode, H5}

func invalid(code, field, msg, user string) error {
	return dserrors.Invalid(code, field, msg, user)
}

func formatErr(field, msg, user string) error { return invalid("DS2001", field, msg, user) }

// Check runs the three legality checks of the seed (§3.4.2.3) on r before it
// leaves the system: format (DS2001), source (DS2002) and business type
// (DS2003). It returns nil or a Validation *errors.Error naming the field.
func Check(id Identity, p *Policy, r *Request) error {
	if err := CheckFormat(r); err != nil {
		return err
	}
	return CheckSourceAndBusiness(id, p, r)
}

// CheckFormat is the format check: identifiers and their check characters,
// enumerations, lengths, IP and URLs.
func CheckFormat(r *Request) error {
	if r == nil {
		return formatErr("", "request is nil", "请求内容为空")
	}
	switch r.Subject {
	case Personal:
		if !slices.Contains(personalKinds, r.Scenario) {
			return formatErr("scenario", fmt.Sprintf("scenario %q is not a personal scenario", r.Scenario), "个人用证场景不正确")
		}
	case Legal:
		if !slices.Contains(legalKinds, r.Scenario) {
			return formatErr("scenario", fmt.Sprintf("scenario %q is not a legal scenario", r.Scenario), "法人用证场景不正确")
		}
	default:
		return formatErr("subject", fmt.Sprintf("subject %q must be personal or legal", r.Subject), "持证主体类别应为个人或法人")
	}
	if err := ident.ValidMatterCode(r.Matter.Code); err != nil {
		return formatErr("matter.code", "matter code must be 1-64 of [0-9A-Za-z-]", "事项编码格式不正确")
	}
	if err := checkName("matter.name", r.Matter.Name, "事项名称"); err != nil {
		return err
	}
	if len(r.Items) < 1 || len(r.Items) > MaxItems {
		return formatErr("items", fmt.Sprintf("items must hold 1-%d entries, got %d", MaxItems, len(r.Items)), "所需证照和数据应为1至50项")
	}
	seen := make(map[string]bool, len(r.Items))
	for i, it := range r.Items {
		f := fmt.Sprintf("items[%d]", i)
		if it.Kind != LicenseItem && it.Kind != DataItemKind {
			return formatErr(f+".kind", "item kind must be license or data", "证照或数据类型不正确")
		}
		if it.Code == "" || len(it.Code) > maxCodeLength {
			return formatErr(f+".code", "item code must be 1-64 characters", "证照或数据编码不正确")
		}
		if it.Kind == LicenseItem && len(it.Code) != 21 {
			return formatErr(f+".code", "a license item is requested by its 21-character certificateTypeCode", "证照类型代码应为21位")
		}
		if seen[it.Code] {
			return formatErr(f+".code", "item code "+it.Code+" appears twice", "所需证照和数据重复")
		}
		seen[it.Code] = true
		if err := checkName(f+".name", it.Name, "证照或数据名称"); err != nil {
			return err
		}
	}
	if n := utf8.RuneCountInString(r.Purpose); n < MinPurpose || n > MaxPurpose {
		return formatErr("purpose", fmt.Sprintf("purpose must be %d-%d characters, got %d", MinPurpose, MaxPurpose, n), "用途说明应为2至200个字")
	}
	if err := checkOperator(&r.Operator); err != nil {
		return err
	}
	if _, err := netip.ParseAddr(r.ClientIP); err != nil {
		return formatErr("clientIp", "clientIp must be an IPv4 or IPv6 address", "访问IP格式不正确")
	}
	if r.TTL != 0 && (r.TTL < MinTTL || r.TTL > MaxTTL || r.TTL%time.Second != 0) {
		return formatErr("ttlSeconds", "ttl must be whole seconds in 60 s - 30 min", "授权有效期应为60秒至30分钟")
	}
	if r.CallbackURL != "" {
		if err := checkURL("callbackUrl", r.CallbackURL); err != nil {
			return err
		}
	}
	return checkScenarioFields(r)
}

func checkScenarioFields(r *Request) error {
	needScan := r.Scenario == YSSCode || r.Scenario == YSTCode
	needReturn := r.Scenario == MobileApp || r.Scenario == H5
	isData := r.Scenario == DataCode
	if needScan {
		if r.ScanCode == "" || len(r.ScanCode) > maxScanCode {
			return formatErr("scanCode", "scanCode (the scanned code) is required, at most 512 bytes", "请先扫描持证人出示的码")
		}
	} else if r.ScanCode != "" {
		return formatErr("scanCode", "scanCode is only for yss_code and yst_code", "该场景不需要扫码内容")
	}
	if needReturn {
		if err := checkURL("returnUrl", r.ReturnURL); err != nil {
			return err
		}
	} else if r.ReturnURL != "" {
		return formatErr("returnUrl", "returnUrl is only for mobile_app and h5", "该场景不需要返回地址")
	}
	if isData {
		if err := ident.ValidDataCode(r.DataCode); err != nil {
			return formatErr("dataCode", "dataCode must be 6 digits", "数据码应为6位数字")
		}
		if r.Holder == nil {
			return formatErr("holder", "data_code needs the holder's ID number", "请输入持证人身份证件号码")
		}
	} else if r.DataCode != "" {
		return formatErr("dataCode", "dataCode is only for data_code", "该场景不需要数据码")
	}
	if r.Holder != nil {
		if err := checkHolder(r.Subject, r.Holder); err != nil {
			return err
		}
	}
	if r.Scenario == ServiceCode {
		if r.Holder != nil {
			return formatErr("holder", "a service code names no holder: the holder scans it", "办事码场景不需要持证人信息")
		}
		if len(r.TerminalID) > maxCodeLength {
			return formatErr("terminalId", "terminalId is at most 64 characters", "终端编号过长")
		}
	} else if r.TerminalID != "" {
		return formatErr("terminalId", "terminalId is only for service_code", "该场景不需要终端编号")
	}
	return nil
}

func checkHolder(subject Subject, h *Holder) error {
	if h.Type != "" && h.Type != HolderTypeOf(subject) {
		return formatErr("holder.type", "holder type must match the subject", "持证主体类别与场景不符")
	}
	if subject == Personal && h.IDType == USCC {
		return formatErr("holder.idType", "a personal holder has no USCC", "个人持证人的证件类型不正确")
	}
	if subject == Legal && h.IDType != USCC {
		return formatErr("holder.idType", "a legal holder is identified by its USCC", "法人持证主体应使用统一社会信用代码")
	}
	if err := ident.ValidHolderID(string(h.IDType), h.IDNumber); err != nil {
		return formatErr("holder.idNumber", "holder "+err.Error(), idUserMessage(h.IDType, "持证人"))
	}
	if h.Name != "" {
		return checkName("holder.name", h.Name, "持证人名称")
	}
	return nil
}

func idUserMessage(t IDType, who string) string {
	switch t {
	case IDCard:
		return who + "身份证号码不正确，请核对（含末位校验码）"
	case USCC:
		return who + "统一社会信用代码不正确，请核对（含末位校验码）"
	}
	return who + "证件号码格式不正确"
}

var operatorMethods = []string{"face", "sms", "yzy", "ca", "password"}

func checkOperator(o *Operator) error {
	if err := checkName("operator.name", o.Name, "用证人姓名"); err != nil {
		return err
	}
	if o.IDType == USCC || o.IDType == "" {
		return formatErr("operator.idType", "operator idType must be a personal identifier type", "用证人证件类型不正确")
	}
	if err := ident.ValidHolderID(string(o.IDType), o.IDNumber); err != nil {
		return formatErr("operator.idNumber", "operator "+err.Error(), idUserMessage(o.IDType, "用证人"))
	}
	if !slices.Contains(operatorMethods, o.Method) {
		return formatErr("operator.method", "operator method must be one of face, sms, yzy, ca, password", "用证人实名认证方式不正确")
	}
	if !o.Verified {
		return formatErr("operator.verified", "the operator must have passed real-name verification", "用证人未完成实名认证")
	}
	if o.VerifiedAt.IsZero() {
		return formatErr("operator.verifiedAt", "operator verifiedAt is required", "缺少用证人实名认证时间")
	}
	return nil
}

func checkName(field, s, what string) error {
	n := utf8.RuneCountInString(s)
	if n < 1 || n > maxNameRunes || !utf8.ValidString(s) {
		return formatErr(field, field+" must be 1-100 characters", what+"不能为空且不超过100个字")
	}
	return nil
}

func checkURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || len(s) > maxURLLength || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return formatErr(field, field+" must be an absolute http(s) URL", "回调或返回地址格式不正确")
	}
	return nil
}

// CheckSourceAndBusiness runs the source check (the configured organization
// and system are the ones registered for this paasId: DS2002) and the
// business-type check (scenario, matter and items enabled for the system:
// DS2003).
func CheckSourceAndBusiness(id Identity, p *Policy, r *Request) error {
	if p == nil {
		return nil
	}
	sys, ok := p.System(id.PaasID, id.SystemName)
	if !ok {
		return invalid("DS2002", "system.name", fmt.Sprintf("system %q is not registered for paasId %s", id.SystemName, id.PaasID), "用证系统未登记，请联系系统管理员")
	}
	if sys.OrgCode != id.OrgCode || sys.OrgName != id.OrgName {
		return invalid("DS2002", "org", "organization does not match the registration of system "+id.SystemName, "用证单位与登记信息不符，请联系系统管理员")
	}
	if !sys.Enabled(r.Subject, r.Scenario) {
		return invalid("DS2003", "scenario", fmt.Sprintf("scenario %s/%s is not enabled for %s", r.Subject, r.Scenario, id.SystemName), "本系统未开通该用证场景")
	}
	if sys.Matters == nil {
		return nil
	}
	m, ok := sys.Matter(r.Matter.Code)
	if !ok || (m.Subject != "" && m.Subject != r.Subject) {
		return invalid("DS2003", "matter.code", "matter "+r.Matter.Code+" is not registered for "+id.SystemName, "本系统未开通该事项的用证")
	}
	for i, it := range r.Items {
		if !slices.ContainsFunc(m.Items, func(x Item) bool { return x.Code == it.Code && x.Kind == it.Kind }) {
			return invalid("DS2003", fmt.Sprintf("items[%d].code", i), "item "+it.Code+" is not registered for matter "+m.Code, "该事项未开通所需的证照或数据："+it.Name)
		}
	}
	return nil
}
