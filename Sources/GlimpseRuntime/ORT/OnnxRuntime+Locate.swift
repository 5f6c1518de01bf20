import Foundation

extension OnnxRuntime {
    /// One place ONNX Runtime may be loaded from.
    public struct Candidate: Sendable, Equatable {
        /// A file path, or a bare library name for the system loader's search.
        public var path: String
        /// Whether the path is a file that must exist (false for names the system loader resolves).
        public var mustExist: Bool
        /// Whether the user named this path; failing to load it is then an error, not a reason to go on.
        public var isExplicit: Bool
    }

    /// The library file name inside a folder that holds ONNX Runtime.
    static var libraryFileName: String {
        #if os(macOS)
        "libonnxruntime.dylib"
        #else
        "libonnxruntime.so"
        #endif
    }

    /// Where Glimpse looks for ONNX Runtime, in order:
    /// 1. `explicit` (a command-line option), then `GLIMPSE_ORT_LIBRARY`;
    /// 2. `../lib/glimpse/` beside the executable (an installed layout);
    /// 3. `.deps/onnxruntime/lib/` in a folder above the executable (a checkout set up by scripts/bootstrap);
    /// 4. the system loader's search (`LD_LIBRARY_PATH`, the linker cache).
    public static func candidatePaths(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executableURL: URL? = Bundle.main.executableURL
    ) -> [Candidate] {
        if let explicit, !explicit.isEmpty {
            return [Candidate(path: explicit, mustExist: true, isExplicit: true)]
        }
        if let fromEnvironment = environment[libraryEnvironmentVariable], !fromEnvironment.isEmpty {
            return [Candidate(path: fromEnvironment, mustExist: true, isExplicit: true)]
        }
        var candidates: [Candidate] = []
        if let executableURL {
            let folder = executableURL.resolvingSymlinksInPath().deletingLastPathComponent()
            let installed = folder.deletingLastPathComponent().appending(path: "lib/glimpse/\(libraryFileName)")
            candidates.append(Candidate(path: installed.path, mustExist: true, isExplicit: false))
            var directory = folder
            for _ in 0..<8 {
                let bootstrapped = directory.appending(path: ".deps/onnxruntime/lib/\(libraryFileName)")
                candidates.append(Candidate(path: bootstrapped.path, mustExist: true, isExplicit: false))
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        #if os(macOS)
        candidates.append(Candidate(path: libraryFileName, mustExist: false, isExplicit: false))
        #else
        candidates.append(Candidate(path: "libonnxruntime.so.1", mustExist: false, isExplicit: false))
        candidates.append(Candidate(path: libraryFileName, mustExist: false, isExplicit: false))
        #endif
        return candidates
    }
}
