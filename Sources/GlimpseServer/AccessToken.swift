import Foundation

/// The secret a client shows to use a server that requires one: in the header
/// `Authorization: Bearer TOKEN`, once as `?token=TOKEN` in a link (the page then keeps it in a cookie),
/// or in that cookie.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible {
    /// The token as clients send it.
    public let value: String

    /// The fewest characters a token may have.
    public static let minimumLength = 16

    /// A token chosen by the user; nil unless it has at least `minimumLength` characters, all of them
    /// safe in a URL and a cookie unescaped (letters, digits, `-`, `.`, `_`, `~`).
    public init?(_ value: String) {
        guard value.count >= Self.minimumLength,
              value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._~".unicodeScalars.contains($0)) })
        else { return nil }
        self.value = value
    }

    /// A new token of 24 random bytes (48 hexadecimal digits) from the system's secure generator.
    public static func random() -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }
        return AccessToken(digits.joined())!
    }

    /// Whether `candidate` is this token, in time that does not depend on where they first differ.
    func matches(_ candidate: some StringProtocol) -> Bool {
        let expected = Array(value.utf8), offered = Array(candidate.utf8)
        var difference = UInt8(expected.count == offered.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < offered.count ? offered[index] : 0)
        }
        return difference == 0
    }

    /// Never the token itself, so that logging a configuration cannot leak it.
    public var description: String { "AccessToken(\(value.count) characters)" }
}
