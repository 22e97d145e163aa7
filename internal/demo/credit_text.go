package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"qcity/internal/credit"
)

// Texts and files of the demo's credit records: the violations and legal bases of
// penalty decisions, the serious-list circumstances that fit them, the notes officials
// write, and the small PDF and PNG files enterprises upload with their applications.

// violation is one kind of offence a bureau penalises: its description, the article it
// is punished under, and the serious-list circumstance (Order 44 Arts. 5–11) it falls
// under when it is serious.
type violation struct {
	Domain credit.Domain
	Text   string
	Basis  string
	Circ   string // Order 44 circumstance code; "" if it never grounds a listing
	Grave  bool   // only ever decided with a heavier penalty
}

var violations = []violation{
	// Food (食品安全法).
	{credit.DomainFood, "经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项", "5.5", false},
	{credit.DomainFood, "经抽样检验，其经营的食品农药残留、兽药残留超过食品安全标准限量", "《中华人民共和国食品安全法》第一百二十四条第一款第（一）项", "5.4", false},
	{credit.DomainFood, "食品经营者未按规定查验供货者的许可证和食品出厂检验合格证明文件", "《中华人民共和国食品安全法》第一百二十六条第一款第（三）项", "", false},
	{credit.DomainFood, "餐饮服务提供者未按规定对餐具、饮具进行清洗消毒", "《中华人民共和国食品安全法》第一百二十六条第一款第（五）项", "", false},
	{credit.DomainFood, "食品经营场所卫生条件不符合要求，从业人员未取得健康证明从事接触直接入口食品的工作", "《中华人民共和国食品安全法》第一百二十六条第一款第（六）项", "", false},
	{credit.DomainFood, "未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条第一款", "5.1", false},
	{credit.DomainFood, "在食品中添加食品添加剂以外的化学物质和其他可能危害人体健康的物质", "《中华人民共和国食品安全法》第一百二十三条第一款第（一）项", "5.2", true},
	{credit.DomainFood, "经营未按规定进行检疫或者检疫不合格的肉类", "《中华人民共和国食品安全法》第一百二十三条第一款第（四）项", "5.3", true},
	{credit.DomainFood, "对食品作疾病预防、治疗功能的虚假宣传", "《中华人民共和国食品安全法》第一百四十条第五款", "5.7", false},
	// Product quality (产品质量法, certification).
	{credit.DomainQuality, "销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品", "《中华人民共和国产品质量法》第四十九条", "7.2", false},
	{credit.DomainQuality, "在产品中掺杂、掺假，以次充好", "《中华人民共和国产品质量法》第五十条", "7.2", true},
	{credit.DomainQuality, "销售失效、变质的产品", "《中华人民共和国产品质量法》第五十二条", "", false},
	{credit.DomainQuality, "产品标识不符合《中华人民共和国产品质量法》的规定", "《中华人民共和国产品质量法》第五十四条", "", false},
	{credit.DomainQuality, "伪造、冒用他人的厂名、厂址和认证标志", "《中华人民共和国产品质量法》第五十三条", "7.5", false},
	{credit.DomainQuality, "销售应当取得而未取得强制性产品认证（CCC）的产品", "《强制性产品认证管理规定》第五十六条", "7.6", false},
	{credit.DomainQuality, "生产经营的产品经省级监督抽查不合格并公告，复查仍不合格", "《中华人民共和国产品质量法》第十七条", "7.3", true},
	// Special equipment (特种设备安全法).
	{credit.DomainSpecialEquipment, "使用未经定期检验的电梯", "《中华人民共和国特种设备安全法》第八十四条第（一）项", "7.1", false},
	{credit.DomainSpecialEquipment, "特种设备使用单位未按规定办理使用登记", "《中华人民共和国特种设备安全法》第八十三条第（一）项", "", false},
	{credit.DomainSpecialEquipment, "特种设备作业人员未取得相应资格从事作业", "《中华人民共和国特种设备安全法》第八十六条第（一）项", "", false},
	{credit.DomainSpecialEquipment, "气瓶充装单位为不符合安全技术规范要求的气瓶充装", "《中华人民共和国特种设备安全法》第八十四条第（三）项", "7.1", true},
	// Drugs, devices, cosmetics.
	{credit.DomainDrug, "销售劣药", "《中华人民共和国药品管理法》第一百一十七条第一款", "6.1", false},
	{credit.DomainDrug, "未凭处方销售处方药", "《药品流通监督管理办法》第三十八条第一款", "", false},
	{credit.DomainDrug, "经营未取得医疗器械注册证的第二类医疗器械", "《医疗器械监督管理条例》第八十六条第（三）项", "6.2", false},
	{credit.DomainDrug, "经营使用禁止用于化妆品生产的原料生产的化妆品", "《化妆品监督管理条例》第五十九条", "6.3", true},
	{credit.DomainDrug, "销售假药", "《中华人民共和国药品管理法》第一百一十六条", "6.1", true},
	// Other fields.
	{credit.DomainOther, "不按规定明码标价", "《明码标价和禁止价格欺诈规定》第二十一条", "", false},
	{credit.DomainOther, "利用标价进行价格欺诈", "《中华人民共和国价格法》第四十条", "9.2", false},
	{credit.DomainOther, "发布虚假广告", "《中华人民共和国广告法》第五十五条第一款", "9.4", false},
	{credit.DomainOther, "对商品的性能、功能、质量作虚假的商业宣传", "《中华人民共和国反不正当竞争法》第二十条第一款", "9.1", false},
	{credit.DomainOther, "销售侵犯注册商标专用权的商品", "《中华人民共和国商标法》第六十条第二款", "9.1", false},
	{credit.DomainOther, "使用不合格的计量器具，短斤缺两", "《中华人民共和国计量法实施细则》第四十三条", "8.2", false},
	{credit.DomainOther, "以预收款方式提供服务后未按约定提供服务，拒不退还预付款", "《侵害消费者权益行为处罚办法》第十五条", "8.1", true},
	{credit.DomainOther, "未依法取得营业执照从事经营活动", "《无证无照经营查处办法》第十四条", "10.1", false},
	{credit.DomainOther, "提交虚假材料取得市场主体登记", "《中华人民共和国市场主体登记管理条例》第四十四条", "10.2", true},
}

// violationsOf returns the violations of a domain; grave selects those decided with a
// heavier penalty that can ground a serious-list listing.
func violationsOf(d credit.Domain, serious bool) []violation {
	var out []violation
	for _, v := range violations {
		if v.Domain == d && (!serious || v.Circ != "") && (serious || !v.Grave) {
			out = append(out, v)
		}
	}
	return out
}

// Statements and notes.
const (
	stmtAbnormalReport   = "本单位已补报并公示%d年度报告，现申请移出经营异常名录（个体工商户申请恢复正常记载状态）。"
	stmtAbnormalAddress  = "本单位已办理住所变更登记，可通过登记的住所取得联系，申请移出经营异常名录。"
	stmtAbnormalAdhoc    = "本单位已通过国家企业信用信息公示系统公示责令公示的即时信息，申请移出经营异常名录。"
	stmtPenalty          = "本单位已全面履行行政处罚决定，缴清罚没款，主动消除危害后果和不良影响，公示期满六个月（食品、药品、特种设备领域一年），申请提前停止公示。"
	stmtSerious          = "本单位列入严重违法失信名单已满一年，已履行行政处罚决定，完成整改，未再受到较重行政处罚，申请提前移出。"
	noteApproveAbnormal  = "经核查，当事人已补报并公示年度报告，符合移出条件，决定移出。"
	noteApproveAddress   = "经核查，当事人已变更登记住所并能够取得联系，决定移出。"
	noteApproveAdhoc     = "经核查，当事人已公示即时信息，决定移出。"
	noteApprovePenalty   = "经审查，申请符合《市场监督管理信用修复管理办法》第六条规定的条件，决定提前停止公示。"
	noteRejectPenalty    = "经核查，当事人罚款尚未缴清，不符合信用修复条件，不予修复。"
	noteApproveSerious   = "经审查，符合《市场监督管理严重违法失信名单管理办法》第十六条规定的提前移出条件，决定提前移出。"
	noteRelist           = "经查，当事人申请提前移出时提交的整改材料系伪造，依据《市场监督管理严重违法失信名单管理办法》第二十条撤销移出决定，重新列入，公示期重新计算。"
	noteHearing          = "当事人申请听证，听证会依法举行，当事人陈述申辩理由不成立，维持拟列入意见。"
	noteApprovalConsent  = "经市局审核同意列入（上级部门同意列入意见书已存档）。"
	noteRejectSerious    = "经审核，现有证据不足以认定当事人具有主观故意，不予列入严重违法失信名单。"
	noteAnnul            = "经行政复议，原行政处罚决定认定事实不清，复议机关决定撤销。"
	objectionRejected    = "本企业因负责人外出未能按时报送年度报告，请求不予列入经营异常名录。"
	objectionUpheld      = "本企业已于6月28日通过国家企业信用信息公示系统提交年度报告，因系统故障未能成功报送，有提交记录截图为证，请求撤销列入决定。"
	noteObjectionReject  = "经核查，当事人未在规定期限内报送年度报告，异议理由不成立。"
	noteObjectionUphold  = "经核查公示系统日志，当事人确于期限内提交年度报告，因系统故障未成功报送，异议成立，撤销列入决定。"
	noteAdhocFacts       = "责令其于期限内公示行政许可取得、变更信息（食品经营许可证变更），逾期未公示。"
	noteUnreachableFacts = "向登记的住所邮寄挂号信两次均被退回，经实地核查，登记的住所无该单位经营。"
	noteNameChangeFacts  = "企业名称与他人在先注册商标相同，人民法院判决其停止使用该名称，经责令后逾期未办理名称变更登记（《企业名称登记管理规定》第二十三条）。"
)

// seriousFacts describes the facts of a serious-list proposal.
func seriousFacts(v violation, fineYuan int64) string {
	return fmt.Sprintf("当事人%s，违法行为持续时间长、社会危害较大，主观故意明显，已被处以罚款%d元的较重行政处罚，符合列入严重违法失信名单的情形。", v.Text, fineYuan)
}

// Files an enterprise uploads: a good-faith commitment letter (守信承诺书) and proof of
// correction. They are small but real: a one-page PDF and a PNG photo stand-in.

// demoPDF returns a one-page PDF whose page shows lines of ASCII text, with a correct
// cross-reference table.
func demoPDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 760 Td 16 TL\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// demoPNG returns a small PNG: a red seal-like ring on white, shaded by seed so two
// photos differ.
func demoPNG(seed uint64) []byte {
	const n = 48
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	shade := uint8(seed % 64)
	for y := range n {
		for x := range n {
			dx, dy := x-n/2, y-n/2
			r2 := dx*dx + dy*dy
			c := color.NRGBA{255, 255 - shade, 255 - shade, 255}
			if r2 <= 20*20 && r2 >= 16*16 || r2 <= 3*3 {
				c = color.NRGBA{200, 16, 32, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// commitmentFiles returns the commitment letter and the evidence of an application.
func commitmentFiles(uscc, date, evidence string, photo bool, seed uint64) []credit.Upload {
	files := []credit.Upload{
		{Name: "信用修复承诺书.pdf", Role: "commitment", Data: demoPDF("Credit repair commitment letter", "USCC "+uscc, "Signed and sealed on "+date)},
		{Name: evidence + ".pdf", Role: "evidence", Data: demoPDF("Evidence of correction", "USCC "+uscc, "Dated "+date)},
	}
	if photo {
		files = append(files, credit.Upload{Name: "整改现场照片.png", Role: "evidence", Data: demoPNG(seed)})
	}
	return files
}
