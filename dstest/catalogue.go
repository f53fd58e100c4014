package dstest

import "github.com/zsdata/digitalspace/internal/wire"

// licenseType describes one synthetic license type (证照类型) of the
// simulator's catalogue: its 21-character certificateTypeCode (the defining
// authority's USCC + 3 digits) and the local authority that issues it.
type licenseType struct {
	Code, Name             string
	Subject                string // personal or legal
	IssuerName, IssuerCode string
	YearsValid             int // 0: long-term (长期)
}

// License type codes of the default catalogue (synthetic).
const (
	codeIDCard       = "11100000000013338W001" // 居民身份证
	codeHukou        = "11100000000013338W032" // 居民户口簿
	codeMarriage     = "111000000000140181001" // 结婚证
	codeRealEstate   = "11100000MB01032879001" // 不动产权证书
	codeSocialCard   = "11100000717802208N001" // 社会保障卡
	codeDiploma      = "111000000000120045001" // 毕业证书
	codeBizLicense   = "11100000000018005K001" // 营业执照
	codeFoodLicense  = "11100000000018005K002" // 食品经营许可证
	codeConstruction = "11100000000019713D001" // 建筑业企业资质证书
	codeSafety       = "11100000000019713D002" // 安全生产许可证
)

// catalogue returns the license types the simulator can issue.
func catalogue() []licenseType {
	return []licenseType{
		{codeIDCard, "居民身份证", wire.SubjectPersonal, "中山市公安局", "11442000MB2C00060N", 20},
		{codeHukou, "居民户口簿", wire.SubjectPersonal, "中山市公安局", "11442000MB2C00060N", 0},
		{codeMarriage, "结婚证", wire.SubjectPersonal, "中山市民政局", "11442000MB2C00070P", 0},
		{codeRealEstate, "不动产权证书", wire.SubjectPersonal, "中山市自然资源局", "11442000MB2C00080Q", 0},
		{codeSocialCard, "社会保障卡", wire.SubjectPersonal, "中山市人力资源和社会保障局", "11442000MB2C00050M", 10},
		{codeDiploma, "毕业证书", wire.SubjectPersonal, "中山市教育局", "11442000MB2C00090R", 0},
		{codeBizLicense, "营业执照", wire.SubjectLegal, "中山市市场监督管理局", "11442000MB2C00010H", 0},
		{codeFoodLicense, "食品经营许可证", wire.SubjectLegal, "中山市市场监督管理局", "11442000MB2C00010H", 5},
		{codeConstruction, "建筑业企业资质证书", wire.SubjectLegal, "中山市住房和城乡建设局", "11442000MB2C00020J", 5},
		{codeSafety, "安全生产许可证", wire.SubjectLegal, "中山市住房和城乡建设局", "11442000MB2C00020J", 3},
	}
}

func lic(code string) RegItem {
	for _, t := range catalogue() {
		if t.Code == code {
			return RegItem{Kind: wire.ItemLicense, Code: t.Code, Name: t.Name}
		}
	}
	return RegItem{Kind: wire.ItemLicense, Code: code, Name: code}
}

func dat(code, name string) RegItem { return RegItem{Kind: wire.ItemData, Code: code, Name: name} }

// Data items of the default registry.
func dataHukouAddress() RegItem { return dat("hukou.address", "户籍地址") }
func dataMarital() RegItem      { return dat("civil.marital_status", "婚姻状况") }
func dataIncome() RegItem       { return dat("tax.monthly_income", "月收入") }
func dataGJJBalance() RegItem   { return dat("gjj.balance", "住房公积金账户余额") }
func dataSocialMonths() RegItem { return dat("si.paid_months", "社保累计缴费月数") }
func dataInsured() RegItem      { return dat("si.insured_staff", "单位参保人数") }
func dataTaxCredit() RegItem    { return dat("tax.credit_level", "纳税信用等级") }
func dataAnnualReport() RegItem { return dat("market.annual_report", "企业年报公示状态") }
func dataBizStatus() RegItem    { return dat("market.reg_status", "企业登记状态") }

func matter(code, name, subject string, items ...RegItem) RegMatter {
	return RegMatter{Code: code, Name: name, Subject: subject, Items: items}
}

// DefaultRegistry returns the §9 registry: the six Zhongshan systems with
// their §8 scenarios plus data_code for every system, TEST key k2026a and
// TEST paasTokens, and at least two matters each.
func DefaultRegistry() *Registry {
	p, l := wire.SubjectPersonal, wire.SubjectLegal
	sc, yss, yst, h5, app, dc := wire.ScenarioServiceCode, wire.ScenarioYSSCode, wire.ScenarioYSTCode, wire.ScenarioH5, wire.ScenarioMobileApp, wire.ScenarioDataCode
	sys := func(paasID, name, org, orgCode string, personal, legal []string, matters ...RegMatter) RegSystem {
		return RegSystem{
			PaasID: paasID, PaasToken: DefaultPaasToken(paasID), SystemName: name, OrgName: org, OrgCode: orgCode,
			Scenarios: RegScenario{Personal: append(personal, dc), Legal: legal},
			Keys:      []RegKey{{KeyID: TestClientKeyID, PublicKeyPEM: TestClientPublicKeyPEM}},
			Matters:   matters,
		}
	}
	return &Registry{Systems: []RegSystem{
		sys("zs-scdj-001", "中山市商事登记全程电子化智能申报审批平台", "中山市市场监督管理局", "11442000MB2C00010H",
			[]string{sc}, []string{sc},
			matter("ZS-SCDJ-GT-001", "个体工商户设立登记", p, lic(codeIDCard), dataHukouAddress()),
			matter("ZS-SCDJ-BG-001", "企业变更登记", l, lic(codeBizLicense), dataAnnualReport()),
			matter("ZS-SCDJ-ZX-001", "企业注销登记", l, lic(codeBizLicense), dataTaxCredit()),
		),
		sys("zs-yzt-001", "中山市一照通行服务平台", "中山市市场监督管理局", "11442000MB2C00010H",
			[]string{sc}, []string{sc},
			matter("ZS-YZT-GT-001", "个体工商户一照通行", p, lic(codeIDCard), lic(codeHukou), dataHukouAddress()),
			matter("ZS-YZT-SP-001", "食品经营许可申请", l, lic(codeBizLicense), lic(codeFoodLicense), dataBizStatus()),
		),
		sys("zs-zjj-001", "中山市住房和城乡建设管理信息系统", "中山市住房和城乡建设局", "11442000MB2C00020J",
			[]string{yss, sc, h5}, []string{sc, h5},
			matter("ZS-ZJJ-WQ-001", "商品房网签备案", p, lic(codeIDCard), lic(codeHukou), lic(codeMarriage), dataHukouAddress(), dataMarital()),
			matter("ZS-ZJJ-BZ-001", "住房保障申请", p, lic(codeIDCard), lic(codeHukou), lic(codeRealEstate), dataIncome()),
			matter("ZS-ZJJ-ZZ-001", "建筑业企业资质延续", l, lic(codeBizLicense), lic(codeConstruction), lic(codeSafety), dataInsured()),
		),
		sys("zs-gjj-001", "新一代住房公积金管理系统", "中山市住房公积金管理中心", "12442000MB2C00040H",
			[]string{yss, app, h5}, []string{yst, h5},
			matter("ZS-GJJ-TQ-001", "住房公积金提取", p, lic(codeIDCard), lic(codeHukou), lic(codeMarriage), lic(codeRealEstate), dataGJJBalance(), dataHukouAddress()),
			matter("ZS-GJJ-DK-001", "住房公积金贷款", p, lic(codeIDCard), lic(codeMarriage), lic(codeRealEstate), dataIncome(), dataGJJBalance()),
			matter("ZS-GJJ-JC-001", "单位住房公积金缴存登记", l, lic(codeBizLicense), dataInsured()),
		),
		sys("zs-ggzy-001", "中山市公共资源交易平台", "中山市公共资源交易中心", "11442000MB2C00030K",
			[]string{yss, sc}, []string{yst, sc},
			matter("ZS-GGZY-ZJ-001", "评标专家入库申请", p, lic(codeIDCard), lic(codeDiploma), dataSocialMonths()),
			matter("ZS-GGZY-TB-001", "投标主体信息登记", l, lic(codeBizLicense), lic(codeConstruction), lic(codeSafety), dataTaxCredit()),
		),
		sys("zs-rsj-001", "公共服务网上自助申报系统", "中山市人力资源和社会保障局", "11442000MB2C00050M",
			[]string{sc}, []string{sc},
			matter("ZS-RSJ-SY-001", "失业保险金申领", p, lic(codeIDCard), lic(codeSocialCard), dataSocialMonths()),
			matter("ZS-RSJ-LH-001", "灵活就业人员参保登记", p, lic(codeIDCard), lic(codeHukou), dataHukouAddress()),
			matter("ZS-RSJ-DW-001", "单位参保登记", l, lic(codeBizLicense), dataInsured()),
		),
	}}
}
