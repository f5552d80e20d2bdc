import Foundation

/// Stored times (ISO 8601, UTC) as officials read them: Beijing time, to the minute.
enum PortalTime {
    static func beijing(_ iso: String) -> String {
        let parsed = (try? Date(iso, strategy: .iso8601)) ?? (try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        guard let date = parsed else { return iso }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
