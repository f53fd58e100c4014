package errors

// UserMessage returns a Chinese message fit to show an end user: it says
// what happened and what to do, and never holds internal detail.
func (e *Error) UserMessage() string {
	if e.d.UserMessage != "" {
		return e.d.UserMessage
	}
	if m, ok := codeMessages[e.d.Code]; ok {
		return m
	}
	return UserMessageForKind(e.d.Kind)
}

// UserMessageFor returns the end-user message for any error: that of the
// *Error in its chain, or a generic one.
func UserMessageFor(err error) string {
	if e, ok := As(err); ok {
		return e.UserMessage()
	}
	return kindMessages[Unknown]
}

// UserMessageForKind returns the end-user message of a kind.
func UserMessageForKind(k Kind) string {
	if m, ok := kindMessages[k]; ok {
		return m
	}
	return kindMessages[Unknown]
}

var kindMessages = map[Kind]string{
	Unknown:    "系统繁忙，请稍后重试。",
	Network:    "暂时无法连接省数字空间，请稍后重试；如持续出现，请联系系统管理员。",
	NoResponse: "省数字空间响应超时，请稍后重试。",
	Platform:   "省数字空间暂时无法办理该请求，请稍后重试或联系窗口工作人员。",
	Validation: "提交的信息有误，请核对后重新提交。",
	Signature:  "与省数字空间的安全校验未通过，请联系系统管理员。",
	Throttled:  "当前办理人数较多，请稍候片刻再试。",
	Fused:      "用证服务已暂停（调用量达到熔断阈值），请联系系统管理员。",
	Canceled:   "操作已取消。",
}

var codeMessages = map[string]string{
	"GW401":          "系统接入凭证校验未通过，请联系系统管理员。",
	"GW403":          "本系统尚未开通省数字空间接入，请联系系统管理员。",
	"DS1001":         "与省数字空间的签名校验未通过，请联系系统管理员。",
	"DS1002":         "系统时间与省数字空间不一致，请联系系统管理员校准时间。",
	"DS1003":         "请求重复提交，请重新发起。",
	"DS1004":         "系统密钥未在省数字空间登记，请联系系统管理员。",
	"DS1005":         "当前网络地址未获准访问省数字空间，请联系系统管理员。",
	"DS2001":         "提交的信息格式有误，请核对后重新提交。",
	"DS2002":         "用证单位或用证系统信息与登记不符，请联系系统管理员。",
	"DS2003":         "本系统未开通该事项或证照的用证权限，请联系系统管理员。",
	"DS3001":         "未找到对应的授权记录，请确认后重试（如码已失效，请重新出示或扫码）。",
	"DS3002":         "该授权当前状态不能办理此操作，请刷新后重试。",
	"DS3003":         "授权已过期，请重新发起授权。",
	"DS3005":         "请求编号重复，请重新发起。",
	"DS4001":         "当前办理人数较多，请稍候片刻再试。",
	"DS5000":         "省数字空间内部错误，请稍后重试。",
	"DS5003":         "省数字空间正在维护，请稍后重试。",
	CodeConfig:       "用证系统配置有误，请联系系统管理员。",
	CodeBadSignature: "与省数字空间的安全校验未通过，请联系系统管理员。",
	CodeReplay:       "与省数字空间的安全校验未通过，请联系系统管理员。",
	CodeClockSkew:    "系统时间与省数字空间不一致，请联系系统管理员校准时间。",
	CodeRateLimited:  "当前办理人数较多，请稍候片刻再试。",
	CodeCircuitOpen:  "省数字空间暂时不可用，系统已暂停请求，请稍后重试。",
	CodeDeadline:     "省数字空间响应超时，请稍后重试。",
	CodeEnvelope:     "证照数据解密失败，请联系系统管理员。",
	CodeTooLarge:     "数据量超出限制，请联系系统管理员。",
}
