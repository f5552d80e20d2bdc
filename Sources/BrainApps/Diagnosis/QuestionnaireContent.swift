import Foundation

// The content of the standard questionnaire, modelled on MIIT 《中小企业数字化水平评测指标（2024年版）》 (four areas,
// four levels) with a GB/T 39116-2020 智能制造能力成熟度 self-check for larger firms. Questions and advice are written
// for this platform; they follow the structure of the indicators, not their exact wording.

extension Questionnaire {
    /// The questionnaire every diagnosis uses.
    public static let standard = Questionnaire(
        version: "2024.1",
        title: "中小企业数字化转型问诊（参照《中小企业数字化水平评测指标（2024年版）》）",
        levels: standardLevels,
        areas: standardAreas,
        questions: miitQuestions + maturityQuestions,
        maturityLevels: standardMaturityLevels,
        maturityThreshold: 80
    )

    // MARK: Levels and areas

    private static let standardLevels: [LevelBand] = [
        LevelBand(level: 0, name: "未达一级", minScore: 0, description: "数字化尚处起步阶段，业务流程和基础数据有待梳理规范。"),
        LevelBand(level: 1, name: "一级", minScore: 20, description: "完成基础业务流程梳理与数据规范化，开始简单应用信息技术。"),
        LevelBand(level: 2, name: "二级", minScore: 40, description: "借助信息技术或管理工具，实现单项业务的数字化管理。"),
        LevelBand(level: 3, name: "三级", minScore: 60, description: "主营业务全面实现数字化管控，并应用信息系统开展数据分析。"),
        LevelBand(level: 4, name: "四级", minScore: 80, description: "打通全业务链数据并集成分析，实现数据驱动的业务协同和智能决策。"),
    ]

    /// Area weights: 基础 35, 经营 30, 管理 15, 成效 20. Sub-area weights are shares within their area.
    private static let standardAreas: [Area] = [
        Area(code: "foundation", name: "数字化基础", weight: 35, subareas: [
            Subarea(code: "foundation.equipment", name: "设备数字化", weight: 30),
            Subarea(code: "foundation.network", name: "网络与系统集成", weight: 25),
            Subarea(code: "foundation.data", name: "数据资源与应用", weight: 25),
            Subarea(code: "foundation.security", name: "网络与数据安全", weight: 20),
        ]),
        Area(code: "operation", name: "数字化经营", weight: 30, subareas: [
            Subarea(code: "operation.design", name: "研发设计", weight: 20),
            Subarea(code: "operation.production", name: "生产管控", weight: 35),
            Subarea(code: "operation.procurement", name: "采购与供应链", weight: 25),
            Subarea(code: "operation.sales", name: "营销与服务", weight: 20),
        ]),
        Area(code: "management", name: "数字化管理", weight: 15, subareas: [
            Subarea(code: "management.planning", name: "战略规划与组织", weight: 30),
            Subarea(code: "management.investment", name: "资金投入", weight: 25),
            Subarea(code: "management.talent", name: "人才建设", weight: 25),
            Subarea(code: "management.finance", name: "财务与决策", weight: 20),
        ]),
        Area(code: "outcome", name: "数字化成效", weight: 20, subareas: [
            Subarea(code: "outcome.efficiency", name: "生产效率", weight: 30),
            Subarea(code: "outcome.quality", name: "产品质量", weight: 25),
            Subarea(code: "outcome.green", name: "绿色低碳", weight: 20),
            Subarea(code: "outcome.benefit", name: "经营效益", weight: 25),
        ]),
    ]

    private static let standardMaturityLevels: [MaturityLevel] = [
        MaturityLevel(level: 1, grade: "一级", name: "规划级",
                      description: "开始规划实施智能制造的基础与条件，对设计、生产、物流、销售、服务等核心业务进行流程化管理。"),
        MaturityLevel(level: 2, grade: "二级", name: "规范级",
                      description: "用自动化与信息技术改造、规范核心装备和核心业务，单项业务内部实现数据共享。"),
        MaturityLevel(level: 3, grade: "三级", name: "集成级",
                      description: "装备与系统开展集成，跨业务活动实现数据共享与流程贯通。"),
        MaturityLevel(level: 4, grade: "四级", name: "优化级",
                      description: "挖掘人员、资源、制造数据形成知识与模型，对核心业务进行精准预测和优化。"),
        MaturityLevel(level: 5, grade: "五级", name: "引领级",
                      description: "以模型持续驱动业务优化与创新，实现产业链协同，衍生新的制造模式和商业模式。"),
    ]

    // MARK: Builders

    /// A MIIT question with evenly graded options (worst first): 4 options → 0/33/67/100, 5 → 0/25/50/75/100.
    private static func q(_ id: String, _ subarea: String, _ text: String, _ labels: [String], advice: String) -> Question {
        let step = 100.0 / Double(labels.count - 1)
        let options = labels.enumerated().map { i, label in Option(label: label, points: (Double(i) * step).rounded()) }
        return Question(id: id, subarea: subarea, maturityLevel: nil, largeFirmOnly: false, text: text,
                        options: options, advice: advice)
    }

    /// A GB/T 39116 maturity item: 不满足 0 / 部分满足 50 / 完全满足 100 (worst first, like every question).
    private static func g(_ id: String, level: Int, _ text: String, advice: String) -> Question {
        Question(id: id, subarea: nil, maturityLevel: level, largeFirmOnly: true, text: text,
                 options: [Option(label: "不满足", points: 0), Option(label: "部分满足", points: 50),
                           Option(label: "完全满足", points: 100)],
                 advice: advice)
    }

    // MARK: MIIT questions

    private static let miitQuestions: [Question] = [
        // 数字化基础 · 设备数字化
        q("F1", "foundation.equipment", "关键生产设备数控化率",
          ["低于20%", "20%–40%", "40%–60%", "60%–80%", "80%以上"],
          advice: "优先对瓶颈工序的关键设备实施数控化改造，可结合技改补贴分批推进。"),
        q("F2", "foundation.equipment", "生产设备联网率（可自动采集运行数据的设备占比）",
          ["设备均未联网", "低于30%", "30%–60%", "60%–90%", "90%以上"],
          advice: "加装数据采集网关或边缘终端，先实现关键设备运行状态、产量和能耗的自动采集。"),
        q("F3", "foundation.equipment", "设备运维管理方式",
          ["坏了再修，基本无记录", "纸质台账记录维修保养", "信息系统管理点检与保养计划", "基于运行数据开展预测性维护"],
          advice: "建设设备管理系统，将点检、保养计划线上化，逐步引入基于运行数据的预测性维护。"),
        // 数字化基础 · 网络与系统集成
        q("F4", "foundation.network", "企业网络覆盖情况",
          ["仅办公区有网络", "办公区及部分车间覆盖", "厂区有线/无线网络全覆盖", "全覆盖并部署5G专网、工业PON等工业网络"],
          advice: "推进车间网络改造，结合5G专网或工业以太网实现生产现场网络全覆盖。"),
        q("F5", "foundation.network", "信息系统上云情况",
          ["未使用云服务", "使用云办公、云邮箱等通用应用", "部分核心业务系统上云", "核心业务系统全面上云，并使用工业互联网平台服务"],
          advice: "借助“上云用数赋智”服务，优先将ERP、CRM等业务系统迁移上云，降低建设和运维成本。"),
        q("F6", "foundation.network", "主要业务系统之间的集成程度",
          ["各系统独立运行，数据靠手工转录", "少数系统通过文件导入导出交换数据", "主要系统通过接口实现数据互通", "全业务系统集成，数据实时同步贯通"],
          advice: "梳理ERP、MES、CRM等系统的数据接口，建设集成平台或数据中台，消除信息孤岛。"),
        // 数字化基础 · 数据资源与应用
        q("F7", "foundation.data", "业务数据采集方式",
          ["主要依靠纸质记录", "人工录入电子表格", "在信息系统中录入，少量自动采集", "关键业务数据自动采集", "全流程数据自动采集并实时汇聚"],
          advice: "从订单、生产、库存等关键数据入手，以系统录入替代纸质记录，再逐步实现自动采集。"),
        q("F8", "foundation.data", "数据管理与应用水平",
          ["未开展数据管理", "建立物料、客户等基础数据编码规范", "统一主数据管理并开展统计报表分析", "开展数据建模分析，支撑业务决策", "数据资产化运营，形成数据驱动的业务闭环"],
          advice: "制定物料、客户、供应商等主数据规范，建设统一报表与经营看板，逐步开展数据分析应用。"),
        // 数字化基础 · 网络与数据安全
        q("F9", "foundation.security", "网络安全防护措施",
          ["无专门防护措施", "部署防火墙、杀毒软件等基础防护", "建立安全管理制度并定期开展检查", "通过等级保护测评，具备安全监测与应急响应能力"],
          advice: "完善网络安全管理制度，部署边界防护与终端防护，重要系统按等级保护要求开展测评。"),
        q("F10", "foundation.security", "数据备份与恢复",
          ["不做备份", "不定期人工备份", "定期自动备份", "异地或云端容灾备份，并定期开展恢复演练"],
          advice: "对核心业务数据实施定期自动备份，并建立异地或云端容灾，定期验证可恢复性。"),

        // 数字化经营 · 研发设计
        q("O1", "operation.design", "研发设计工具应用",
          ["手工绘图或未开展研发设计", "使用二维CAD设计", "普遍使用三维CAD及CAE仿真", "应用PLM/PDM统一管理设计数据与版本", "基于协同平台或数字孪生开展协同研发"],
          advice: "推广三维设计与仿真工具，引入PDM/PLM统一管理图纸、BOM和设计变更。"),
        q("O2", "operation.design", "工艺设计与管理",
          ["工艺文件纸质管理", "工艺文件电子化管理", "应用CAPP等工具开展工艺设计", "工艺数据与设计、生产系统贯通"],
          advice: "将工艺文件电子化并集中管理，推动工艺数据与设计BOM、生产工单打通。"),
        // 数字化经营 · 生产管控
        q("O3", "operation.production", "生产计划与排程方式",
          ["凭经验手工排产", "用电子表格编制生产计划", "由ERP生成生产计划", "MES/APS实现车间排程并可动态调整", "基于实时数据的智能排产与协同调度"],
          advice: "以ERP/MES统一生产计划，引入APS高级排程，提升计划准确率和订单准时交付率。"),
        q("O4", "operation.production", "生产过程数据采集与管控",
          ["纸质报工", "电子表格统计生产数据", "系统报工，按班次汇总", "MES实时采集并可视化监控", "全过程实时监控，异常自动预警并闭环处置"],
          advice: "部署MES实现工单、报工、在制品的实时管理，建设车间可视化看板与异常预警机制。"),
        q("O5", "operation.production", "产品质量管控方式",
          ["人工抽检，纸质记录", "检验数据电子化记录", "质量管理系统管理检验与不合格品", "在线检测并实现质量全程追溯", "基于数据分析开展质量预测与工艺优化"],
          advice: "建设质量管理系统，关键工序引入在线检测与批次追溯，运用质量数据分析改进工艺。"),
        // 数字化经营 · 采购与供应链
        q("O6", "operation.procurement", "采购管理方式",
          ["电话、线下采购，无系统支撑", "用电子表格记录采购订单", "ERP管理采购全流程", "通过SRM或供应链平台与供应商在线协同", "基于需求预测与库存数据智能采购"],
          advice: "在ERP中规范请购、下单、到货、对账流程，重点供应商逐步接入在线协同平台。"),
        q("O7", "operation.procurement", "库存与物流管理",
          ["手工台账", "电子表格管理库存", "WMS或ERP实时管理库存", "条码/RFID自动识别出入库，库存实时可视", "库存与生产、销售数据联动，自动补货优化"],
          advice: "应用条码或RFID管理出入库，建设WMS实现库存实时可视，降低库存资金占用。"),
        // 数字化经营 · 营销与服务
        q("O8", "operation.sales", "销售与客户管理",
          ["无系统，由业务员各自管理", "电子表格管理客户与订单", "CRM管理客户与销售过程", "线上线下多渠道销售数据统一管理", "基于客户数据开展精准营销与需求预测"],
          advice: "引入CRM统一管理客户、商机与订单，打通电商等线上渠道数据，开展客户分析。"),
        q("O9", "operation.sales", "售后服务方式",
          ["电话受理，无记录", "电子表格记录服务情况", "服务管理系统在线受理与跟踪", "提供远程运维等在线服务", "基于产品运行数据提供主动服务"],
          advice: "建设售后服务系统实现工单在线流转，条件成熟时为产品加装远程监测，提供主动服务。"),

        // 数字化管理 · 战略规划与组织
        q("M1", "management.planning", "数字化转型战略规划",
          ["尚未考虑", "有初步想法，尚未形成规划", "已制定数字化转型规划", "规划已纳入企业战略，分阶段实施并定期评估"],
          advice: "结合问诊结果制定分阶段的数字化转型规划，明确目标、重点场景和投入计划。"),
        q("M2", "management.planning", "数字化转型组织保障",
          ["无专人负责", "由IT人员兼职推进", "设立专职岗位或部门", "主要负责人牵头，跨部门协同推进"],
          advice: "由企业主要负责人牵头成立转型工作组，明确专职团队和各部门职责。"),
        // 数字化管理 · 资金投入
        q("M3", "management.investment", "近三年数字化投入占营业收入比例",
          ["低于0.5%", "0.5%–1%", "1%–2%", "2%–3%", "3%以上"],
          advice: "将数字化投入纳入年度预算，积极申报数字化转型、技术改造等专项资金支持。"),
        q("M4", "management.investment", "数字化投入的持续性",
          ["无专项预算", "偶发性投入", "设有年度专项预算", "建立稳定投入机制并开展投入效益评估"],
          advice: "建立数字化专项预算和投入效益评估机制，保障项目持续迭代。"),
        // 数字化管理 · 人才建设
        q("M5", "management.talent", "数字化人才（信息化、数据分析等岗位）占员工比例",
          ["无", "低于2%", "2%–5%", "5%–10%", "10%以上"],
          advice: "引进或培养信息化、数据分析骨干，可与高校、服务商联合培养复合型人才。"),
        q("M6", "management.talent", "员工数字技能培训",
          ["未开展", "偶尔参加外部培训", "每年有计划地开展培训", "建立常态化培训与考核激励机制"],
          advice: "制定年度数字技能培训计划，将系统应用能力纳入岗位考核与激励。"),
        // 数字化管理 · 财务与决策
        q("M7", "management.finance", "财务管理方式",
          ["手工记账", "使用财务软件记账核算", "业财一体化，财务与采购、销售、生产数据贯通", "全面预算与精细化成本核算，数据支撑经营决策"],
          advice: "推进业财一体化，打通采购、销售、生产与财务数据，开展产品和订单级成本核算。"),
        q("M8", "management.finance", "经营决策方式",
          ["主要凭经验", "参考人工汇总的报表", "基于系统报表和经营看板决策", "基于数据分析模型的智能辅助决策"],
          advice: "建设经营驾驶舱，统一关键经营指标口径，逐步引入数据分析模型辅助决策。"),

        // 数字化成效 · 生产效率
        q("R1", "outcome.efficiency", "近两年全员劳动生产率变化",
          ["下降", "基本持平", "提升5%以内", "提升5%–15%", "提升15%以上"],
          advice: "围绕瓶颈工序开展自动化、数字化改造，并用数据持续跟踪人均产出。"),
        q("R2", "outcome.efficiency", "近两年订单交付周期变化",
          ["延长", "基本不变", "缩短10%以内", "缩短10%–20%", "缩短20%以上"],
          advice: "打通订单、计划、生产和物流数据，缩短排产与流转等待时间。"),
        // 数字化成效 · 产品质量
        q("R3", "outcome.quality", "产品一次交验合格率",
          ["低于90%", "90%–95%", "95%–98%", "98%–99.5%", "99.5%以上"],
          advice: "采集关键工序质量数据，开展质量根因分析，推动合格率稳步提升。"),
        q("R4", "outcome.quality", "近两年质量损失率（含客户投诉）变化",
          ["上升", "基本持平", "下降10%以内", "下降10%–30%", "下降30%以上"],
          advice: "建立质量问题闭环管理和追溯机制，减少返工、报废和客户投诉。"),
        // 数字化成效 · 绿色低碳
        q("R5", "outcome.green", "能源消耗计量与管理",
          ["未单独计量", "按月人工抄表", "主要用能设备分项计量", "能源管理系统实时监测与优化"],
          advice: "对主要用能设备加装智能电表等计量装置，建设能源管理系统，识别节能空间。"),
        q("R6", "outcome.green", "近两年单位产值综合能耗变化",
          ["上升", "基本持平", "下降5%以内", "下降5%–10%", "下降10%以上"],
          advice: "结合能耗数据开展节能诊断，实施设备能效提升和用能优化改造。"),
        // 数字化成效 · 经营效益
        q("R7", "outcome.benefit", "近两年营业收入增长情况",
          ["下降", "基本持平", "增长10%以内", "增长10%–20%", "增长20%以上"],
          advice: "借助数字化营销和客户数据分析拓展市场，提升订单获取和响应能力。"),
        q("R8", "outcome.benefit", "数字化对运营成本和利润的贡献",
          ["尚未显现", "个别环节成本有所下降", "运营成本明显下降", "成本下降且利润率明显提升"],
          advice: "为数字化项目设定成本、效率量化目标，跟踪投入产出，优先推广见效快的场景。"),
    ]

    // MARK: GB/T 39116 maturity items (大型/中型 enterprises only)

    private static let maturityQuestions: [Question] = [
        g("G1", level: 1, "已制定智能制造发展规划，明确目标、实施路径和投入计划",
          advice: "梳理智能制造现状与差距，制定含目标、路径和投入的中长期规划。"),
        g("G2", level: 1, "设计、生产、物流、销售、服务等核心业务已实现流程化管理，关键数据有记录",
          advice: "梳理核心业务流程并形成制度文件，规范关键业务数据的记录。"),
        g("G3", level: 2, "关键工序采用自动化、数字化装备，并能采集关键运行数据",
          advice: "推进关键工序装备自动化、数字化改造，实现运行数据采集。"),
        g("G4", level: 2, "核心业务建立信息系统（如ERP、MES、PLM）并规范运行",
          advice: "为设计、生产、采购、销售等核心业务部署并规范使用信息系统。"),
        g("G5", level: 2, "建立智能制造人才培养机制及网络与数据安全管理制度",
          advice: "建立智能制造人才培养体系，完善网络与数据安全管理制度。"),
        g("G6", level: 3, "设计、生产、物流、销售等核心业务系统实现集成，跨业务数据共享",
          advice: "建设系统集成平台，打通PLM、ERP、MES、WMS等系统的数据。"),
        g("G7", level: 3, "实现跨部门、跨业务的流程贯通与协同",
          advice: "以端到端流程为主线推进跨部门协同，消除业务断点。"),
        g("G8", level: 3, "建立统一的数据平台，开展数据分析支撑业务",
          advice: "建设统一数据平台，规范数据标准，开展经营与生产数据分析。"),
        g("G9", level: 4, "基于模型和数据分析对工艺、质量、能耗等实现预测与优化",
          advice: "沉淀工艺、质量、能耗模型，开展预测性分析与闭环优化。"),
        g("G10", level: 4, "与供应链上下游实现数据共享和协同优化",
          advice: "推动与核心供应商、客户的数据共享，开展协同计划与库存优化。"),
        g("G11", level: 5, "应用数字孪生、人工智能等技术实现自适应、自决策的智能化生产",
          advice: "在典型场景试点数字孪生与人工智能应用，逐步实现自主决策。"),
        g("G12", level: 5, "形成产业链协同创新模式，对外输出智能制造解决方案或参与标准制定",
          advice: "总结自身实践形成解决方案，带动产业链上下游协同转型。"),
    ]
}
