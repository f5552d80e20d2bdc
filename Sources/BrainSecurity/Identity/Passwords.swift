import HummingbirdBcrypt

/// bcrypt password hashing and the minimum password rule.
public enum Passwords {
    /// bcrypt cost; 12 is about a quarter second here, acceptable for logins.
    public static let cost: UInt8 = 12
    /// bcrypt cost of a generated initial password: about 95 random bits need no slow hash to resist guessing, it is
    /// replaced at the first login, and a file of 10,000 accounts then takes minutes instead of most of an hour.
    public static let initialCost: UInt8 = 10

    public static func hash(_ password: String, cost: UInt8 = Passwords.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// bcrypt reads a password as a C string and stops at a NUL byte (and at 72 bytes): a password holding a control
    /// character never verifies, so "secret\0anything" is not "secret".
    public static func verify(_ password: String, hash: String) -> Bool {
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            _ = Bcrypt.verify("decoy", hash: hash)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Returns why a new password is too weak, or nil: at least 10 characters from at least 3 of
    /// lower case, upper case, digits and symbols.
    public static func weakness(_ password: String) -> String? {
        if password.count < 10 { return "password needs at least 10 characters" }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "password must not contain control characters" }
        if password.utf8.count > 72 { return "password must be at most 72 bytes (bcrypt reads no further)" }
        var classes = 0
        if password.contains(where: \.isLowercase) { classes += 1 }
        if password.contains(where: \.isUppercase) { classes += 1 }
        if password.contains(where: \.isNumber) { classes += 1 }
        if password.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
        if classes < 3 { return "password needs at least three of: lower case, upper case, digits, symbols" }
        return nil
    }

    /// A random password that satisfies the rule (for the first administrator).
    public static func generate() -> String {
        let lower = Array("abcdefghijkmnpqrstuvwxyz"), upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("23456789")
        var g = SystemRandomNumberGenerator()
        var chars: [Character] = (0..<6).map { _ in lower.randomElement(using: &g)! }
        chars += (0..<4).map { _ in upper.randomElement(using: &g)! }
        chars += (0..<4).map { _ in digits.randomElement(using: &g)! }
        chars.shuffle(using: &g)
        return String(chars)
    }

    /// A one-time initial password for a new account: 16 characters from all four classes (about 90 bits), without
    /// look-alike characters and without characters a CSV cell or a shell would treat specially.
    public static func initial() -> String {
        let lower = Array("abcdefghijkmnpqrstuvwxyz"), upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("23456789"), symbols = Array("#%*?!")
        let all = lower + upper + digits + symbols
        var g = SystemRandomNumberGenerator()
        var chars: [Character] = [lower.randomElement(using: &g)!, upper.randomElement(using: &g)!, digits.randomElement(using: &g)!,
                                  symbols.randomElement(using: &g)!]
        chars += (0..<12).map { _ in all.randomElement(using: &g)! }
        chars.shuffle(using: &g)
        return String(chars)
    }
}
