import Foundation
import Testing
@testable import GlimpseRuntime

/// Loading a library that looks like ONNX Runtime but is too old, built for the test with the C compiler.
@Suite("ONNX Runtime version check")
struct OnnxRuntimeVersionTests {
    /// Compiles a shared library exporting `OrtGetApiBase` whose `GetApi` knows no API newer than 3.
    private func buildOldRuntime() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-old-ort-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = folder.appending(path: "old.c")
        try """
        #include <stddef.h>
        #include <stdint.h>
        static const void *get_api(uint32_t version) { return NULL; }
        static const char *version_string(void) { return "1.3.0"; }
        static const void *base[2] = { (const void *)get_api, (const void *)version_string };
        const void *OrtGetApiBase(void) { return base; }
        """.write(to: source, atomically: true, encoding: .utf8)
        let library = folder.appending(path: "libonnxruntime.so")
        let compiler = Process()
        compiler.executableURL = URL(filePath: "/usr/bin/env")
        compiler.arguments = ["cc", "-shared", "-fPIC", "-o", library.path, source.path]
        try compiler.run()
        compiler.waitUntilExit()
        try #require(compiler.terminationStatus == 0, "the C compiler (cc) is needed for this test")
        return library
    }

    @Test("a library older than the API Glimpse needs is refused with its version")
    func tooOld() throws {
        let library = try buildOldRuntime()
        defer { try? FileManager.default.removeItem(at: library.deletingLastPathComponent()) }
        #expect {
            try OnnxRuntime.load(libraryPath: library.path)
        } throws: { error in
            guard case RuntimeError.onnxRuntimeTooOld(let path, let version, let api) = error else { return false }
            let message = error.localizedDescription
            return path == library.path && version == "1.3.0" && api == 16
                && message.contains("too old") && message.contains("GLIMPSE_ORT_LIBRARY")
        }
    }
}
