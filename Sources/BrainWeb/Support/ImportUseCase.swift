import BrainApps
import BrainCore
import BrainData
import BrainSecurity
import BrainStore
import Foundation
import Logging

/// One import as the API, the portal pages and their tests run it: the caller's scope on every side of every row, moves of
/// registered firms only for `enterprises:relocate` and each one in the ledger, the batch in the ledger whatever the
/// outcome (a failure after rows were written is recorded as `failed`), then the in-memory views rebuilt.
extension Services {
    /// `source` is the caller's address for the ledger; `dataSource` is where the file's values come from (nil: 统计局
    /// for officials, 企业自报 for an enterprise, which may deliver nothing else); `sheet` picks the sheet of an XLSX workbook.
    public func runImport(_ data: Data, fileName: String, kind: ImportKind, by principal: Principal, source: String,
                          via: String, dataSource asked: DataSource? = nil, sheet: String? = nil,
                          progress: ImportProgressSink? = nil) async throws -> ImportReport {
        let dataSource = try Self.dataSource(asked, for: principal)
        var report: ImportReport
        do {
            report = try await importer.importData(data, fileName: fileName, kind: kind, actor: principal.username,
                                                   scope: principal.enterpriseScope(in: catalog), mayRelocate: principal.can(.relocateEnterprises),
                                                   source: dataSource, sheet: sheet, progress: progress)
        } catch let e as ImportFileError {
            await recordOrLog(AuditEvent(actor: principal.username, action: "import \(kind.rawValue)", target: fileName, source: source,
                                                outcome: "rejected", detail: BrainServer.auditDetail(["via": via, "reason": String(e.description.prefix(500))])))
            throw e
        } catch {
            // The file was readable but writing failed: say so in the ledger before the caller answers 500.
            await recordOrLog(AuditEvent(actor: principal.username, action: "import \(kind.rawValue)", target: fileName, source: source,
                                                outcome: "failed", detail: BrainServer.auditDetail(["via": via, "error": String(String(describing: error).prefix(500))])))
            throw error
        }
        if demo.holdsDemoData { report.notes.append(DemoState.importNote) }
        try await ledger.record(AuditEvent(actor: principal.username, action: "import \(kind.rawValue)", target: "import:\(report.batchKey)", source: source,
                                           outcome: report.rowsRejected > 0 ? "partial" : "ok",
                                           detail: BrainServer.auditDetail(["via": via, "file": String(fileName.prefix(200)), "dataSource": dataSource.code,
                                                                            "accepted": String(report.rowsAccepted),
                                                                            "rejected": String(report.rowsRejected), "changed": String(report.rowsChanged)])))
        await announceImport(report, fileName: fileName, by: principal, via: via)
        for m in report.moves {
            try await ledger.record(AuditEvent(actor: principal.username, action: "relocate enterprise", target: m.uscc, source: source,
                                               detail: BrainServer.auditDetail(["batch": report.batchKey, "row": String(m.row), "fromRegion": m.fromRegion,
                                                                                "toRegion": m.toRegion, "fromZone": m.fromZone ?? "", "toZone": m.toZone ?? ""])))
        }
        do {
            try await apply(report)
        } catch {
            await recordOrLog(AuditEvent(actor: "system", action: "rebuild after import", target: "import:\(report.batchKey)", source: source,
                                                outcome: "failed", detail: BrainServer.auditDetail(["error": String(String(describing: error).prefix(500))])))
            throw error
        }
        return report
    }

    /// Starts `runImport` as a background job of `principal` (see `ImportJobs`) and answers its first status. What can be
    /// refused before reading the file (the data source, too many running jobs) is refused here; a file that cannot be read
    /// ends the job as failed.
    public func startImportJob(_ data: Data, fileName: String, kind: ImportKind, by principal: Principal, source: String,
                               via: String, dataSource asked: DataSource? = nil, sheet: String? = nil) throws -> ImportJobStatus {
        let dataSource = try Self.dataSource(asked, for: principal)
        return try importJobs.start(kind: kind, fileName: fileName, owner: principal) { progress in
            try await self.runImport(data, fileName: fileName, kind: kind, by: principal, source: source, via: via, dataSource: dataSource,
                                     sheet: sheet, progress: progress)
        }
    }

    /// Where an import's values come from: the one asked, else 统计局 for officials and 企业自报 for an enterprise, which
    /// may deliver nothing else.
    static func dataSource(_ asked: DataSource?, for principal: Principal) throws -> DataSource {
        let dataSource = asked ?? (principal.ownEnterprise != nil ? .selfReport : .statistics)
        if principal.ownEnterprise != nil, dataSource != .selfReport {
            throw AppError.forbidden("an enterprise's own figures are delivered as self-report; source \(dataSource.code) is for the bodies that own it")
        }
        return dataSource
    }
}

extension Services {
    /// Tells the subscribers of import completions that a batch finished (a failure to record the event is logged; the
    /// import itself stands).
    func announceImport(_ report: ImportReport, fileName: String, by principal: Principal, via: String) async {
        let notice = ImportNotice(batch: report.batchKey, kind: report.kind.rawValue, fileName: String(fileName.prefix(200)), actor: principal.username,
                                  via: via, accepted: report.rowsAccepted, rejected: report.rowsRejected, changed: report.rowsChanged,
                                  link: "/data/batches/" + (report.batchKey.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? report.batchKey))
        do { try await subscriptionHub.publish(.importCompleted(notice)) } catch {
            Logger(label: "brain.subscriptions").error("could not announce import \(report.batchKey) to subscribers: \(error)")
        }
    }

    /// Appends to the ledger; a failure is logged as an error (the operator must know an outcome went unrecorded) and does
    /// not hide the error being reported.
    func recordOrLog(_ event: AuditEvent) async {
        do { try await ledger.record(event) } catch {
            Logger(label: "brain.audit").error("could not append to the audit ledger (\(event.action) by \(event.actor)): \(error)")
        }
    }
}
