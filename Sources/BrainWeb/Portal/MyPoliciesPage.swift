import BrainApps
import BrainCore
import BrainSecurity
import BrainStore
import Foundation
import Hummingbird

extension Portal {
    /// Where an enterprise supplies a fact a criterion lacks: its monthly figures, the diagnosis, or (facts officials
    /// import) whom to ask.
    static func supply(_ fact: String) -> (href: String?, text: String) {
        switch fact {
        case "revenue_last_year", "output_last_year", "profit_last_year", "tax_last_year", "rd_expense_last_year", "rd_share_last_year",
             "revenue_growth", "output_growth", "export_share", "employees":
            return ("/my/figures", "补报月度数据")
        case "digital_level": return ("/my/diagnosis", "完成转型问诊")
        default: return (nil, "该数据由主管部门导入，请联系所在地工业和信息化部门")
        }
    }

    /// 我的政策: every policy in plain Chinese — criteria as sentences with names, the firm's own figures, a link to supply
    /// a missing one — with 文号, issuer, validity, the award's steps and 公示 dates, the total received, and 申报 only
    /// where an application makes sense.
    func myPolicies(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        guard let uscc = p.ownEnterprise else { return message(context, "仅限企业用户", "“我的政策”面向企业用户。", status: .forbidden) }
        let mine: EnterprisePolicies
        do { mine = try await services.policyOffice.enterprisePolicies(uscc, cube: services.cubes.cube) } catch let e as AppError where e.kind == .unavailable {
            return message(context, "暂不可用", "政策匹配尚未完成，请稍后再试。", status: .serviceUnavailable)
        }
        var c = frame(context, title: "我的政策", active: "/my/policies")
        let outcomeName: [MatchOutcome: String] = [.eligible: "符合全部条件", .incomplete: "部分条件缺少数据", .ineligible: "有条件不满足"]
        let stateName: [CriterionState: String] = [.met: "满足", .unmet: "不满足", .unknown: "缺数据"]
        c["company"] = mine.name
        c["received"] = NumberFormat.amount(mine.received, decimals: 2)
        c["receivedCount"] = mine.receivedCount
        c["underWay"] = mine.underWay
        c["canApplyCount"] = mine.canApply
        c["policies"] = mine.items.map { m -> [String: Any] in
            let award = m.award.map { a -> [String: Any] in
                let state = AwardState(stored: a.state) ?? .pending
                let paid = a.history.last { $0.state == AwardState.paid.rawValue }
                let reason = state == .rejected ? a.history.last { $0.state == AwardState.rejected.rawValue }?.note : nil
                return compact(["state": state.nameZh, "cls": state == .paid ? "up" : state == .rejected ? "down" : "",
                                "amount": PolicyAward.countable(a.amount).map { NumberFormat.amount($0, decimals: 2) },
                                "publicity": a.publicityFrom.map { "公示期 \($0) 至 \(a.publicityUntil ?? "")" },
                                "paidAt": paid.map { PortalTime.beijing($0.at) }, "reason": reason,
                                "steps": a.history.map { ["at": PortalTime.beijing($0.at), "state": (AwardState(stored: $0.state) ?? .pending).nameZh,
                                                          "note": $0.note ?? ""] }])
            }
            var elements = [m.issuer]
            elements.append(m.documentNo.flatMap { $0.isEmpty ? nil : "文号 \($0)" } ?? "文号未登记")
            elements.append("有效期 \(m.validFrom.isEmpty ? "不限" : m.validFrom) 至 \(m.validUntil.isEmpty ? "不限" : m.validUntil)")
            if let r = m.regionNames, !r.isEmpty { elements.append("适用：" + r.joined(separator: "、")) }
            return compact([
                "id": m.policyId, "name": m.policyName, "category": m.category, "way": m.autoGrant ? "免申即享" : "需申报",
                "status": m.status == .inForce ? nil : m.status.nameZh, "elements": elements.joined(separator: " · "),
                "summary": m.summary.isEmpty ? nil : m.summary, "amountRule": m.amountRule,
                "outcome": outcomeName[m.outcome], "outcomeClass": m.outcome == .eligible ? "up" : m.outcome == .ineligible ? "down" : "",
                "amount": m.amount.map { NumberFormat.amount($0, decimals: 2) }, "award": award,
                "canApply": m.canApply, "applyNote": m.canApply || m.award != nil ? nil : m.applyNote,
                "criteria": m.criteria.map { r -> [String: Any] in
                    let supplies = (r.missing ?? []).map { Self.supply($0) }
                    var links: [[String: String]] = []
                    for s in supplies where !links.contains(where: { $0["text"] == s.text }) { links.append(compact(["href": s.href, "text": s.text]) as! [String: String]) }
                    return compact(["sentence": r.sentence ?? r.criterion, "state": stateName[r.state], "stateClass": r.state == .met ? "up" : r.state == .unmet ? "down" : "",
                                    "value": r.value, "supply": links.isEmpty ? nil : links])
                }])
        }
        c["csrf"] = csrf.token(session: context.sessionID ?? "")
        if let applied = request.uri.queryParameters["applied"] {
            let name = mine.items.first { $0.policyId == applied }?.policyName ?? String(applied)
            c["notice"] = "已提交“\(name)”的申报，等待审核。"
        }
        return renderer.page("policies", c)
    }

    func apply(_ request: Request, _ context: BrainContext) async throws -> Response {
        guard let p = context.principal else { return PortalRenderer.redirect("/login") }
        let form = try await FormBody.parse(request)
        guard checkCSRF(form, context) else { return csrfRefusal(context) }
        guard p.can(.applyPolicies), let uscc = p.scope, let id = context.parameters.get("id") else { return message(context, "无权操作", "只有企业用户可以申报。", status: .forbidden) }
        do {
            _ = try await services.policies.apply(policy: id, uscc: uscc, by: p.username, note: form["note"], cube: services.cubes.cube)
        } catch let e as PolicyProblem {
            let why: String
            if e.description.hasPrefix("no policy") { why = "没有这项政策。" }
            else if e.description.contains("免申即享") { why = "该政策免申即享，无需申报：条件满足且数据完整时系统自动认定。" }
            else if e.description.contains("already") { why = "该政策已申报或已兑现，不能重复申报。" }
            else if e.field == "note" { why = "申报说明最多 \(AwardFlow.maxNote) 字。" }
            else { why = "该政策目前不受理申报（未生效、已过期或已撤销）。" }
            return message(context, "无法申报", why, status: .conflict)
        }
        try await services.ledger.record(AuditEvent(actor: p.username, action: "POST /my/policies/{id}/apply", target: "policy:\(id)", source: request.clientAddress(context),
                                                    detail: BrainServer.auditDetail(["uscc": uscc, "via": "portal"])))
        return PortalRenderer.redirect("/my/policies?applied=\(id)")
    }
}
