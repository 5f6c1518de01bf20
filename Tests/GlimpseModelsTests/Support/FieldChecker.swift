import Foundation
import Testing

/// The committed fixtures of this test target.
enum Fixtures {
    static var root: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        }
    }

    /// Bytes of `Fixtures/<folder>/<name>.json`.
    static func data(_ folder: String, _ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name + ".json"))
    }

    /// `Fixtures/<folder>/<name>.json` read with `JSONSerialization`, independently of the decoders under test.
    static func object(_ folder: String, _ name: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: data(folder, name))
        return try #require(value as? [String: Any], "\(folder)/\(name).json is not a JSON object")
    }
}

/// Compares decoded values with the JSON transformers wrote, one field at a time, and counts the
/// comparisons so that `finish(covering:)` can fail when a stored property was never compared.
final class FieldChecker {
    let json: [String: Any]
    let context: String
    private(set) var count = 0

    init(_ json: [String: Any], context: String) {
        self.json = json
        self.context = context
    }

    private func expected(_ key: String, _ location: SourceLocation) -> Any? {
        count += 1
        guard let value = json[key] else {
            Issue.record("\(context): the expected JSON has no \"\(key)\"", sourceLocation: location)
            return nil
        }
        return value
    }

    /// `JSONSerialization` gives `NSNumber`s for numbers and booleans alike (and `NSNumber(0)` casts to
    /// `Bool`); booleans are the ones whose Objective-C type is `c`.
    private func isBoolean(_ value: Any?) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    private func number(_ value: Any?) -> Double? {
        guard !isBoolean(value) else { return nil }
        return (value as? NSNumber)?.doubleValue
    }

    /// Equal, or within 2 ulps: Linux Foundation's `JSONSerialization` parses some decimals 1 ulp off
    /// (`0.00392156862745098`, i.e. 1/255), while `JSONDecoder` rounds them correctly. A wrong default
    /// is many orders of magnitude further away.
    private func same(_ expected: Double?, _ actual: Double) -> Bool {
        guard let expected else { return false }
        return expected == actual || abs(expected - actual) <= 2 * max(expected.ulp, actual.ulp)
    }

    private func same(_ expected: [Double?]?, _ actual: [Double]) -> Bool {
        guard let expected, expected.count == actual.count else { return false }
        return zip(expected, actual).allSatisfy { same($0, $1) }
    }

    func int(_ key: String, _ actual: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        #expect(number(value) == Double(actual), "\(context).\(key)", sourceLocation: sourceLocation)
    }

    func double(_ key: String, _ actual: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        #expect(same(number(value), actual), "\(context).\(key): \(String(describing: value)) vs \(actual)",
                sourceLocation: sourceLocation)
    }

    /// `nil` must match JSON `null`.
    func optionalDouble(_ key: String, _ actual: Double?, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        if let actual {
            #expect(same(number(value), actual), "\(context).\(key)", sourceLocation: sourceLocation)
        } else {
            #expect(value is NSNull, "\(context).\(key) should be null", sourceLocation: sourceLocation)
        }
    }

    func bool(_ key: String, _ actual: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        #expect(isBoolean(value) && (value as? Bool) == actual, "\(context).\(key)", sourceLocation: sourceLocation)
    }

    func string(_ key: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        #expect((value as? String) == actual, "\(context).\(key)", sourceLocation: sourceLocation)
    }

    /// `nil` must match JSON `null`.
    func optionalString(_ key: String, _ actual: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        if let actual {
            #expect((value as? String) == actual, "\(context).\(key)", sourceLocation: sourceLocation)
        } else {
            #expect(value is NSNull, "\(context).\(key) should be null", sourceLocation: sourceLocation)
        }
    }

    /// `nil` must match JSON `null`.
    func optionalStrings(_ key: String, _ actual: [String]?, sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation)
        if let actual {
            #expect((value as? [String]) == actual, "\(context).\(key)", sourceLocation: sourceLocation)
        } else {
            #expect(value is NSNull, "\(context).\(key) should be null", sourceLocation: sourceLocation)
        }
    }

    func ints(_ key: String, _ actual: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation) as? [Any]
        #expect(value?.map { number($0) } == actual.map(Double.init), "\(context).\(key)", sourceLocation: sourceLocation)
    }

    func doubles(_ key: String, _ actual: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation) as? [Any]
        #expect(same(value?.map { number($0) }, actual), "\(context).\(key)", sourceLocation: sourceLocation)
    }

    /// A size field, compared as the dictionary transformers writes.
    func size(_ key: String, _ actual: [String: Int], sourceLocation: SourceLocation = #_sourceLocation) {
        let value = expected(key, sourceLocation) as? [String: Any]
        #expect(value?.mapValues { number($0) } == actual.mapValues(Double.init), "\(context).\(key)",
                sourceLocation: sourceLocation)
    }

    /// A checker for the nested object under `key` (counts as one comparison here).
    func nested(_ key: String, sourceLocation: SourceLocation = #_sourceLocation) -> FieldChecker {
        let value = expected(key, sourceLocation) as? [String: Any]
        if value == nil {
            Issue.record("\(context).\(key) is not an object", sourceLocation: sourceLocation)
        }
        return FieldChecker(value ?? [:], context: "\(context).\(key)")
    }

    /// Fails when fewer comparisons were made than `value` has stored properties.
    func finish(covering value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        let stored = Mirror(reflecting: value).children.count
        #expect(count >= stored, "\(context): compared \(count) fields of \(stored)", sourceLocation: sourceLocation)
    }
}
