import Foundation

/// A bundled data file that is missing, does not decode, or breaks a rule of its content. It names the file and the
/// entry (or the decoding error's coding path, e.g. `chains[3].links[2].stage`), so that the defect can be found.
public struct BundledDataError: Error, CustomStringConvertible, Equatable {
    /// The file name, e.g. `chains-jiangxi.json`.
    public let file: String
    public let message: String

    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

/// Reads the JSON data files bundled as resources (`Sources/<Module>/Resources/`). Seeded content that is data (the chain
/// catalogue, the questionnaire, the demo service catalogue) lives in those files rather than in Swift literals; each
/// content type decodes and validates its file with these helpers and keeps a `static let` that traps when the file is
/// broken, since a bundled file that fails to load is a build defect, not a run-time condition.
public enum BundledData {
    /// The contents of `Resources/<file>` in `bundle` (pass the module's `Bundle.module`).
    public static func data(_ file: String, in bundle: Bundle) throws -> Data {
        let name = (file as NSString).deletingPathExtension, ext = (file as NSString).pathExtension
        guard let url = bundle.url(forResource: name, withExtension: ext, subdirectory: "Resources") else {
            throw BundledDataError(file: file, "missing from the bundle \(bundle.bundlePath)")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw BundledDataError(file: file, "cannot be read: \(error.localizedDescription)")
        }
    }

    /// Decodes JSON `data` read from `file`; a failure names the file and where in it decoding stopped.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw BundledDataError(file: file, describe(error))
        } catch {
            throw BundledDataError(file: file, "does not decode: \(error)")
        }
    }

    /// The value of a `static let` over bundled data: `body`'s result, or a stop with its error's precise message.
    public static func loaded<T>(_ body: () throws -> T) -> T {
        do {
            return try body()
        } catch {
            fatalError("bundled data file is broken (a build defect): \(error)")
        }
    }

    /// A coding path as written in the file's terms: `chains[3].links[2].stage`.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out.isEmpty ? "the top level" : out
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            let at = context.codingPath.isEmpty ? "the top level" : path(context.codingPath)
            return "missing key \"\(key.stringValue)\" at \(at)"
        case .typeMismatch(let type, let context):
            return "at \(path(context.codingPath)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "at \(path(context.codingPath)): expected \(type), found null"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return "at \(path(context.codingPath)): \(context.debugDescription)\(underlying)"
        @unknown default:
            return "does not decode: \(error)"
        }
    }
}
