import Foundation
import Testing
@testable import GlimpseRuntime

@Suite("Loading ONNX Runtime")
struct OnnxRuntimeLoadingTests {
    @Test("the bootstrapped library loads and reports its version")
    func loadsBootstrappedLibrary() throws {
        let runtime = try OnnxRuntime.shared()
        #expect(runtime.version.hasPrefix("1."))
        #expect(FileManager.default.fileExists(atPath: runtime.libraryPath) || !runtime.libraryPath.contains("/"))
    }

    @Test("a path that does not exist is an error naming the path and the fix")
    func missingExplicitPath() {
        let path = "/nonexistent/libonnxruntime.so"
        #expect {
            try OnnxRuntime.load(libraryPath: path)
        } throws: { error in
            guard case RuntimeError.onnxRuntimeUnloadable(let failed, _) = error else { return false }
            let message = error.localizedDescription
            return failed == path && message.contains("GLIMPSE_ORT_LIBRARY") && message.contains("scripts/bootstrap")
        }
    }

    @Test("a file that is not a shared library is refused, not loaded")
    func notALibrary() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "glimpse-not-a-library-\(UUID()).so")
        try Data("this is not an ELF file".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: RuntimeError.self) { try OnnxRuntime.load(libraryPath: url.path) }
    }

    @Test("a shared library that is not ONNX Runtime is refused with the reason")
    func foreignLibrary() throws {
        let candidates = ["/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1",
                          "/lib/aarch64-linux-gnu/libz.so.1", "/usr/lib/libz.1.dylib"]
        let path = try #require(candidates.first { FileManager.default.fileExists(atPath: $0) })
        #expect {
            try OnnxRuntime.load(libraryPath: path)
        } throws: { error in
            guard case RuntimeError.onnxRuntimeUnloadable(_, let reason) = error else { return false }
            return reason.contains("OrtGetApiBase")
        }
    }

    @Test("the search order is: option, environment variable, installed layout, bootstrap folder, system")
    func searchOrder() {
        let executable = URL(filePath: "/opt/glimpse/checkout/.build/release/glimpse")
        let explicit = OnnxRuntime.candidatePaths(explicit: "/x/lib.so", environment: ["GLIMPSE_ORT_LIBRARY": "/y/lib.so"], executableURL: executable)
        #expect(explicit.map(\.path) == ["/x/lib.so"])
        let fromEnvironment = OnnxRuntime.candidatePaths(environment: ["GLIMPSE_ORT_LIBRARY": "/y/lib.so"], executableURL: executable)
        #expect(fromEnvironment.map(\.path) == ["/y/lib.so"])
        #expect(fromEnvironment[0].isExplicit)
        let searched = OnnxRuntime.candidatePaths(environment: [:], executableURL: executable).map(\.path)
        #expect(searched.first == "/opt/glimpse/checkout/.build/lib/glimpse/\(OnnxRuntime.libraryFileName)")
        #expect(searched.contains("/opt/glimpse/checkout/.deps/onnxruntime/lib/\(OnnxRuntime.libraryFileName)"))
        #expect(searched.last == OnnxRuntime.libraryFileName)
    }

    @Test("not finding any library lists every path tried")
    func notFoundListsPaths() {
        let error = RuntimeError.onnxRuntimeNotFound(tried: ["/a/libonnxruntime.so", "libonnxruntime.so"])
        let message = error.localizedDescription
        #expect(message.contains("/a/libonnxruntime.so"))
        #expect(message.contains("GLIMPSE_ORT_LIBRARY"))
    }
}
