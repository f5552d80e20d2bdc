import BrainStore

/// The demo service catalogue: government, industry and local resources with their solutions.
///
/// Every name is invented for illustration (bodies marked “示范” are generic stand-ins, companies are fictional), and
/// every telephone number is fictional. The solutions live in `SeededSolutions.swift`.
public enum SeededCatalogue {
    public static let providers: [ServiceProvider] = governmentProviders + industryProviders + localProviders

    public static let solutions: [ServiceSolution] = seededSolutions

    // MARK: 政府资源

    static let governmentProviders: [ServiceProvider] = [
        ServiceProvider(id: "P001", name: "江西省工业互联网创新中心", kind: "government", region: "360100",
                        contact: "0791-86100101 刘主任",
                        description: "省级工业互联网公共服务载体，运营标识解析二级节点，提供5G全连接工厂、工业大数据与平台应用推广等公共服务。"),
        ServiceProvider(id: "P002", name: "南昌市中小企业公共服务平台", kind: "government", region: "360100",
                        contact: "0791-83200202 王经理",
                        description: "面向中小企业的综合性公共服务窗口，提供专精特新培育、管理咨询、人才培训和供需对接服务，部分服务由政府购买、免费提供。"),
        ServiceProvider(id: "P003", name: "江西省检验检测认证总院（示范）", kind: "government", region: "360100",
                        contact: "0791-88300303 陈工",
                        description: "综合性检验检测与认证机构，覆盖计量校准、产品质量检测、食品安全检测及产品认证辅导，具备CMA、CNAS资质。"),
        ServiceProvider(id: "P004", name: "江西省融资担保集团（示范）", kind: "government", region: "360100",
                        contact: "0791-86400404 赵经理",
                        description: "政策性融资担保机构，为中小微工业企业提供技改贷款担保、供应链金融增信，配合落实贷款贴息政策。"),
        ServiceProvider(id: "P005", name: "江西省中小企业数字化转型促进中心（示范）", kind: "government", region: "360100",
                        contact: "0791-87500505 孙处长",
                        description: "承担中小企业数字化转型城市试点相关工作，组织数字化诊断、转型方案评估与数据资产管理辅导。"),
        ServiceProvider(id: "P006", name: "赣州市中小企业公共服务平台", kind: "government", region: "360700",
                        contact: "0797-82600606 钟经理",
                        description: "赣州市中小企业服务窗口，围绕稀土、家具、电子信息等产业集群提供财税、设计、培训等共享服务。"),
        ServiceProvider(id: "P007", name: "江西省节能低碳服务中心（示范）", kind: "government", region: "360100",
                        contact: "0791-86700707 胡工",
                        description: "承担重点用能单位能耗在线监测、节能诊断、绿色工厂评价辅导与碳足迹核算等公益性和技术性服务。"),
        ServiceProvider(id: "P008", name: "江西省网络安全等级保护测评中心（示范）", kind: "government", region: "360100",
                        contact: "0791-88800808 周工",
                        description: "网络安全等级保护测评与数据安全合规服务机构，开展等保测评、风险评估和数据出境合规咨询。"),
        ServiceProvider(id: "P009", name: "江西省科技金融服务中心（示范）", kind: "government", region: "360100",
                        contact: "0791-86900909 吴经理",
                        description: "科技金融公共服务平台，对接银行、担保和投资机构，提供知识产权质押融资、科技信用贷款等服务。"),
    ]

    // MARK: 行业资源

    static let industryProviders: [ServiceProvider] = [
        ServiceProvider(id: "P010", name: "江西省软件行业协会（示范）", kind: "industry", region: "360100",
                        contact: "0791-86101010 黄秘书长",
                        description: "全省软件与信息服务企业的行业组织，组织首席数据官培训、数字工匠实训和软件供需对接活动。"),
        ServiceProvider(id: "P011", name: "江西省有色金属工业协会（示范）", kind: "industry", region: "360100",
                        contact: "0791-86111111 罗秘书长",
                        description: "铜、钨、稀土等有色金属企业的行业组织，提供行业运行分析、价格风险管理培训和技术交流服务。"),
        ServiceProvider(id: "P012", name: "赣企云工业互联网平台（示范）", kind: "industry", region: "360100",
                        contact: "0791-86121212 邓经理",
                        description: "面向省内制造企业的综合型工业互联网平台，提供上云用云、质量追溯、供应链协同和设备管理等平台化应用。"),
        ServiceProvider(id: "P013", name: "赣江新区智能制造共性技术研究院（示范）", kind: "industry", region: "360100",
                        contact: "0791-83131313 彭博士",
                        description: "由高校院所与龙头企业共建的共性技术平台，聚焦装备远程运维、预测性维护和三维协同设计。"),
        ServiceProvider(id: "P014", name: "江西省稀土功能材料共性技术平台（示范）", kind: "industry", region: "360700",
                        contact: "0797-83141414 曾研究员",
                        description: "依托赣州稀土产业集群建设，提供稀土分离冶炼过程控制、材料表征检测和绿色工艺等共性技术服务。"),
        ServiceProvider(id: "P015", name: "景德镇陶瓷产业共性技术服务平台（示范）", kind: "industry", region: "360200",
                        contact: "0798-85151515 余工",
                        description: "服务日用瓷、艺术瓷和建筑陶瓷企业，提供原料与釉料检测、配方优化、窑炉节能等共性技术服务。"),
        ServiceProvider(id: "P016", name: "江西省锂电新能源产业技术创新联盟（示范）", kind: "industry", region: "360900",
                        contact: "0795-83161616 易秘书长",
                        description: "联合宜春、新余等地锂电材料与电池企业、检测机构组建，提供锂电材料检测、电芯安全测试和标准宣贯。"),
        ServiceProvider(id: "P017", name: "江西省中药产业技术创新联盟（示范）", kind: "industry", region: "360900",
                        contact: "0795-87171717 熊主任",
                        description: "立足樟树等中药产业集聚区，围绕中药材溯源、饮片炮制与提取工艺数字化、药品质量合规提供服务。"),
        ServiceProvider(id: "P018", name: "江西省航空产业协会（示范）", kind: "industry", region: "360100",
                        contact: "0791-87181818 万秘书长",
                        description: "联系省内航空整机、零部件与复合材料企业，组织航空制造数字化、无损检测和适航质量体系交流。"),
    ]

    // MARK: 本地服务商（含省外服务商）

    static let localProviders: [ServiceProvider] = [
        ServiceProvider(id: "P019", name: "江西赣数智能科技有限公司", kind: "local", region: "360100",
                        contact: "0791-88191919 王经理",
                        description: "南昌本地智能制造服务商，提供设备联网、MES、食品加工数字化等轻量化、可复制的改造方案。"),
        ServiceProvider(id: "P020", name: "南昌洪城工业软件有限公司", kind: "local", region: "360100",
                        contact: "0791-86202020 李经理",
                        description: "专注中小制造企业的工业软件开发商，产品包括WMS、APS、CRM与人力资源管理SaaS。"),
        ServiceProvider(id: "P021", name: "景德镇瓷都智造科技有限公司", kind: "local", region: "360200",
                        contact: "0798-82212121 冯经理",
                        description: "陶瓷行业智能化服务商，提供窑炉智能燃烧控制、余热利用和陶瓷3D打印数字化设计服务。"),
        ServiceProvider(id: "P022", name: "萍乡萍实节能环保科技有限公司", kind: "local", region: "360300",
                        contact: "0799-66222222 谢经理",
                        description: "节能服务公司（ESCO），以合同能源管理模式开展电机、空压机系统节能改造和能耗监测。"),
        ServiceProvider(id: "P023", name: "九江浔阳石化数字技术有限公司", kind: "local", region: "360400",
                        contact: "0792-82232323 程工",
                        description: "服务九江沿江石化化工企业，提供先进过程控制、园区安全风险监测和双重预防机制数字化。"),
        ServiceProvider(id: "P024", name: "新余钢城智能装备有限公司", kind: "local", region: "360500",
                        contact: "0790-66242424 袁经理",
                        description: "钢铁冶金领域智能化服务商，提供高炉数字孪生、钢材表面缺陷检测和能源管控中心建设。"),
        ServiceProvider(id: "P025", name: "鹰潭铜都物联科技有限公司", kind: "local", region: "360600",
                        contact: "0701-62252525 江经理",
                        description: "依托鹰潭移动物联网产业基础，为铜加工企业提供熔铸、连铸连轧过程的物联感知与智能管控。"),
        ServiceProvider(id: "P026", name: "赣州稀金数字科技有限公司", kind: "local", region: "360700",
                        contact: "0797-88262626 钟经理",
                        description: "服务稀土永磁与钨加工企业，提供数字化车间建设、稀土废料回收溯源等解决方案。"),
        ServiceProvider(id: "P027", name: "吉安井冈电子信息服务有限公司", kind: "local", region: "360800",
                        contact: "0796-82272727 肖经理",
                        description: "吉安电子信息产业配套服务商，提供PCB与电子组装SMT智能工厂、SPC质量管理实施服务。"),
        ServiceProvider(id: "P028", name: "宜春锂都新能源技术服务有限公司", kind: "local", region: "360900",
                        contact: "0795-32282828 晏经理",
                        description: "锂电产业数字化服务商，提供锂电池全流程MES、电池碳足迹与电池护照数据服务。"),
        ServiceProvider(id: "P029", name: "抚州临川数据安全科技有限公司", kind: "local", region: "361000",
                        contact: "0794-82292929 饶经理",
                        description: "网络与数据安全服务商，提供数据分类分级、工控安全防护、数据备份与容灾等服务。"),
        ServiceProvider(id: "P030", name: "上饶信州光伏数字科技有限公司", kind: "local", region: "361100",
                        contact: "0793-82303030 汪经理",
                        description: "光伏产业配套服务商，提供光伏组件工厂智能化升级及工商业分布式光伏加储能建设运营。"),
        ServiceProvider(id: "P031", name: "赣州南康家居智造服务有限公司", kind: "local", region: "360700",
                        contact: "0797-66313131 蔡经理",
                        description: "服务南康家具产业集群，提供定制家具拆单软件、板式生产线智能化改造和柔性生产管理。"),
        ServiceProvider(id: "P032", name: "九江共青纺织数字化服务有限公司", kind: "local", region: "360400",
                        contact: "0792-43323232 陶经理",
                        description: "服务纺织服装与羽绒服饰企业，提供柔性快反供应链、服装3D设计和印染节能改造。"),
        ServiceProvider(id: "P033", name: "深圳鹏智工业视觉科技有限公司", kind: "local", region: "440300",
                        contact: "0755-86333333 林经理",
                        description: "省外工业视觉与机器人集成商，在赣设有服务团队，提供AI视觉检测和机器人工作站集成。"),
        ServiceProvider(id: "P034", name: "杭州云栖智造软件有限公司", kind: "local", region: "330100",
                        contact: "0571-87343434 沈经理",
                        description: "省外工业软件与云服务商，提供云ERP、低代码平台和数字孪生工厂建设，在南昌设有交付中心。"),
        ServiceProvider(id: "P035", name: "上海浦江工业软件有限公司", kind: "local", region: "310100",
                        contact: "021-63353535 顾经理",
                        description: "省外研发设计类工业软件服务商，提供PLM/CAD协同设计、CAE仿真和财务共享实施服务。"),
    ]
}
