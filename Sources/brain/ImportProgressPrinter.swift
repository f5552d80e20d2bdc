import BrainData
import Foundation
import Synchronization

/// Shows `brain import`'s progress on standard error: on a terminal one bar redrawn in place (share of the file's bytes,
/// rows, rows a second, rejected rows); elsewhere, with `--progress`, one plain line a part for the logs of scheduled
/// imports; otherwise nothing.
final class ImportProgressPrinter: Sendable {
    enum Mode { case bar, lines, quiet }
    private struct State {
        var start = ContinuousClock.now
        var lastPhase: ImportPhase?
        var lastParts = -1
    }
    let mode: Mode
    private let state = Mutex(State())

    init(terminal: Bool, lines: Bool) {
        mode = terminal ? .bar : (lines ? .lines : .quiet)
    }

    static let phaseNames: [ImportPhase: String] = [.hashing: "hashing", .reading: "reading", .merging: "merging the last part",
                                                    .committing: "committing", .done: "done", .failed: "failed"]

    func show(_ p: ImportProgress) {
        guard mode != .quiet else { return }
        let text: String? = state.withLock { (s: inout State) -> String? in
            let elapsed = (ContinuousClock.now - s.start).components
            let seconds = max(Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18, 0.001)
            let rate = Int(Double(p.rowsRead) / seconds)
            defer { s.lastPhase = p.phase; s.lastParts = p.partsMerged }
            switch mode {
            case .bar:
                return Self.bar(p, rate: rate)
            case .lines:
                // One line when the phase changes and one per part merged (reports within a part are for the bar).
                guard p.phase != s.lastPhase || p.partsMerged != s.lastParts else { return nil }
                return Self.line(p, rate: rate)
            case .quiet:
                return nil
            }
        }
        guard let text else { return }
        if mode == .bar {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        } else {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// Clears the bar before the summary is printed.
    func finish() {
        if mode == .bar { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    static func bar(_ p: ImportProgress, rate: Int, width: Int = 28) -> String {
        let fraction = p.fractionRead ?? 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = p.fractionRead.map { String(format: "%3d%%", Int($0 * 100)) } ?? "  ?%"
        return "\(bar) \(percent)  \(p.rowsRead) rows  \(rate) rows/s  \(p.rowsRejected) rejected  \(phaseNames[p.phase] ?? p.phase.rawValue)"
    }

    static func line(_ p: ImportProgress, rate: Int) -> String {
        let mib = { (b: Int) in String(format: "%.1f", Double(b) / 1_048_576) }
        let bytes = p.bytesTotal > 0 ? " (\(mib(p.bytesRead)) of \(mib(p.bytesTotal)) MiB, \(Int((p.fractionRead ?? 0) * 100))%)" : ""
        return "\(phaseNames[p.phase] ?? p.phase.rawValue): \(p.rowsRead) rows read\(bytes), \(p.rowsAccepted) accepted, \(p.rowsRejected) rejected, \(p.partsMerged) parts merged, \(rate) rows/s"
    }
}
