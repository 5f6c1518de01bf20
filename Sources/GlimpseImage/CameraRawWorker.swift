import CRaw
import Foundation

/// The program camera raw files are read in (`RawDecoder`), for `glimpse doctor`.
public enum CameraRawWorker {
    /// The environment variable that names it (`fork`: none, every child a fork of the running process).
    public static let environmentVariable = RawDecoder.workerVariable

    /// Its path, nil when there is none (children are then forks).
    public static var path: String? { RawDecoder.worker }

    /// Starts the worker (or a fork, without one) on bytes that are no raw file and checks that LibRaw
    /// answers that it is none (unsupported, or too short): the process starts, LibRaw loads, and the answer
    /// comes back. Nil when it works, else what went wrong.
    public static func problem() -> String? {
        let bytes: [UInt8] = Array("not a raw file, only a check that LibRaw answers".utf8)
        do {
            _ = try bytes.withUnsafeBytes { try RawDecoder.decode($0, options: DecodingOptions()) }
            return "LibRaw took text for a raw image"
        } catch ImageError.unsupportedFormat, ImageError.truncated {
            return nil
        } catch let ImageError.corrupt(_, reason) {
            return reason
        } catch {
            return error.localizedDescription
        }
    }
}
