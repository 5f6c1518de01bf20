import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One requirement checked by `glimpse doctor`: what was found, and how to fix it when it is missing.
public struct HealthCheck: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Present and working.
        case ok
        /// Missing, but Glimpse can run without it (a feature is unavailable until it is fixed).
        case warning
        /// Missing, and Glimpse cannot work until it is fixed.
        case failed
    }

    public var name: String
    public var status: Status
    public var detail: String
    /// What to do about it; empty when the check passed.
    public var fix: String

    public init(name: String, status: Status, detail: String, fix: String = "") {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }
}

extension HealthCheck {
    /// Loads ONNX Runtime and runs a one-node graph through it.
    public static func onnxRuntime(libraryPath: String? = nil) -> HealthCheck {
        let name = "ONNX Runtime"
        do {
            let runtime = try OnnxRuntime.load(libraryPath: libraryPath)
            let graph = GraphBuilder(name: "doctor")
            let x = graph.input("x", .float, [2])
            graph.output(graph.add(x, graph.constant(floats: [1, 2])), name: "y")
            let session = try InferenceSession(runtime: runtime, modelBytes: graph.model().serializedBytes(),
                                               options: SessionOptions(intraOpThreads: 1))
            let y = try session.run(["x": Tensor(shape: [2], floats: [40, 40])])["y"]?.floats()
            guard y == [41, 42] else {
                return HealthCheck(name: name, status: .failed, detail: "\(runtime.version) at \(runtime.libraryPath) computed \(y ?? []) instead of [41, 42]",
                                   fix: "Reinstall it with scripts/bootstrap.")
            }
            return HealthCheck(name: name, status: .ok, detail: "\(runtime.version) at \(runtime.libraryPath)")
        } catch {
            return HealthCheck(name: name, status: .failed, detail: error.localizedDescription,
                               fix: "Run scripts/bootstrap, or set \(OnnxRuntime.libraryEnvironmentVariable) to a libonnxruntime shared library (1.16 or newer).")
        }
    }

    /// Creates `directory` if needed and proves it writable by writing and removing a file.
    public static func writableDirectory(_ purpose: String, _ directory: URL, environmentVariable: String) -> HealthCheck {
        let name = "\(purpose) directory"
        let probe = directory.appending(path: ".glimpse-doctor-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("ok".utf8).write(to: probe)
            try FileManager.default.removeItem(at: probe)
            return HealthCheck(name: name, status: .ok, detail: "\(directory.path) is writable")
        } catch {
            return HealthCheck(name: name, status: .failed, detail: "\(directory.path) is not writable (\(error.localizedDescription))",
                               fix: "Make it writable, or set \(environmentVariable) to a writable folder.")
        }
    }

    /// Whether a shared library can be loaded by the system loader (by soname).
    public static func systemLibrary(_ soname: String, purpose: String, debianPackage: String) -> HealthCheck {
        let name = "library \(soname)"
        guard let handle = dlopen(soname, RTLD_LAZY | RTLD_LOCAL) else {
            return HealthCheck(name: name, status: .warning, detail: "not found (needed for \(purpose))",
                               fix: "Run scripts/bootstrap, or install the Debian package \(debianPackage).")
        }
        dlclose(handle)
        return HealthCheck(name: name, status: .ok, detail: "found (\(purpose))")
    }
}
