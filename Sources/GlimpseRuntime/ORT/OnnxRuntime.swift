import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ONNX Runtime, loaded at run time from a shared library, with its process-wide environment.
///
/// Load it once with ``load(libraryPath:)`` (or ``shared()``) and create sessions from it.
/// Loading never crashes: a missing, foreign or too-old library becomes a ``RuntimeError``
/// that names the paths tried and how to fix it.
public final class OnnxRuntime: @unchecked Sendable {
    /// The environment variable that points Glimpse at a particular ONNX Runtime library.
    public static let libraryEnvironmentVariable = "GLIMPSE_ORT_LIBRARY"

    /// The ONNX Runtime version string, for example `1.32.0`.
    public let version: String
    /// The path the library was loaded from.
    public let libraryPath: String

    let api: ORTFunctions
    /// The process-wide `OrtEnv*`, created with the library and never released.
    let environment: OpaquePointer
    /// `OrtMemoryInfo*` for CPU tensors over caller-owned memory.
    let cpuMemoryInfo: OpaquePointer

    private init(path: String, handle: UnsafeMutableRawPointer) throws {
        typealias GetApiBase = @convention(c) () -> UnsafeRawPointer?
        typealias GetApi = @convention(c) (UInt32) -> UnsafeRawPointer?
        typealias GetVersionString = @convention(c) () -> UnsafePointer<CChar>?

        guard let symbol = dlsym(handle, "OrtGetApiBase") else {
            throw RuntimeError.onnxRuntimeUnloadable(path: path, reason: "it does not export OrtGetApiBase, so it is not ONNX Runtime")
        }
        guard let base = unsafeBitCast(symbol, to: GetApiBase.self)() else {
            throw RuntimeError.onnxRuntimeUnloadable(path: path, reason: "OrtGetApiBase returned nothing")
        }
        // OrtApiBase is two function pointers: GetApi(version), GetVersionString().
        let functions = base.assumingMemoryBound(to: UnsafeRawPointer?.self)
        guard let getApiPointer = functions[0], let versionPointer = functions[1] else {
            throw RuntimeError.onnxRuntimeUnloadable(path: path, reason: "its API base table is empty")
        }
        let version = unsafeBitCast(versionPointer, to: GetVersionString.self)().map { String(cString: $0) } ?? "unknown"
        guard let table = unsafeBitCast(getApiPointer, to: GetApi.self)(ORTFunctions.requiredAPIVersion) else {
            throw RuntimeError.onnxRuntimeTooOld(path: path, version: version, requiredAPI: ORTFunctions.requiredAPIVersion)
        }
        let api = ORTFunctions(table: table.assumingMemoryBound(to: UnsafeRawPointer?.self))

        let env = try Self.makeEnvironment(api)
        var memoryInfo: OpaquePointer?
        try api.check(api.createCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &memoryInfo), "CreateCpuMemoryInfo")
        guard let memoryInfo else {
            throw RuntimeError.onnxRuntimeUnloadable(path: path, reason: "it returned no memory description")
        }
        self.version = version
        self.libraryPath = path
        self.api = api
        self.environment = env
        self.cpuMemoryInfo = memoryInfo
    }

    /// The process-wide environment. Each session has a thread pool of its own (``SessionOptions/intraOpThreads``).
    private static func makeEnvironment(_ api: ORTFunctions) throws -> OpaquePointer {
        var env: OpaquePointer?
        try api.check(api.createEnv(3 /* ORT_LOGGING_LEVEL_ERROR */, "glimpse", &env), "CreateEnv")
        guard let env else { throw RuntimeError.invalidGraph("ONNX Runtime returned no environment") }
        try registerSharedArena(api, in: env)
        return env
    }

    /// Registers one CPU arena with the environment for every session that keeps its arena
    /// (``SessionOptions/memoryArena``): memory one model's run freed serves the next model's run, where
    /// an arena per session would take fresh pages from the system for each model's first runs. Pages the
    /// process touches for the first time cost the kernel (and a virtual machine's host) a page clearing
    /// each: SAM's first transformer run after the encoder took 0.86–0.89 s with arenas of their own and
    /// 0.16–0.38 s sharing one, and the process peaked 450 MB lower (BENCHMARKS.md, 2026-12-05).
    private static func registerSharedArena(_ api: ORTFunctions, in env: OpaquePointer) throws {
        var arenaConfiguration: OpaquePointer?, arenaMemory: OpaquePointer?
        // No limit, and ONNX Runtime's defaults for growth, first chunk and dead bytes.
        try api.check(api.createArenaCfg(0, -1, -1, -1, &arenaConfiguration), "CreateArenaCfg")
        defer { api.releaseArenaCfg(arenaConfiguration) }
        try api.check(api.createCpuMemoryInfo(1 /* OrtArenaAllocator */, 0 /* OrtMemTypeDefault */, &arenaMemory), "CreateCpuMemoryInfo")
        defer { api.releaseMemoryInfo(arenaMemory) }
        guard let arenaConfiguration, let arenaMemory else {
            throw RuntimeError.invalidGraph("ONNX Runtime returned no arena configuration")
        }
        try api.check(api.createAndRegisterAllocator(env, arenaMemory, arenaConfiguration), "CreateAndRegisterAllocator")
    }

    private static let cache = RuntimeCache()

    /// Loads ONNX Runtime from `libraryPath`, or from the first library found by ``candidatePaths(explicit:)``.
    ///
    /// Loading the same path again returns the same instance.
    public static func load(libraryPath: String? = nil) throws -> OnnxRuntime {
        try cache.runtime(explicit: libraryPath) { explicit in
            var tried: [String] = []
            var lastFailure: RuntimeError?
            for candidate in candidatePaths(explicit: explicit) {
                tried.append(candidate.path)
                if candidate.mustExist, !FileManager.default.fileExists(atPath: candidate.path) {
                    if candidate.isExplicit {
                        throw RuntimeError.onnxRuntimeUnloadable(path: candidate.path, reason: "the file does not exist")
                    }
                    continue
                }
                guard let handle = dlopen(candidate.path, RTLD_NOW | RTLD_LOCAL) else {
                    let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
                    if candidate.mustExist || candidate.isExplicit {
                        lastFailure = .onnxRuntimeUnloadable(path: candidate.path, reason: reason)
                        if candidate.isExplicit { throw lastFailure! }
                    }
                    continue
                }
                return try OnnxRuntime(path: candidate.path, handle: handle)
            }
            throw lastFailure ?? RuntimeError.onnxRuntimeNotFound(tried: tried)
        }
    }

    /// The runtime found by the default search (environment variable, bootstrap folder, system).
    public static func shared() throws -> OnnxRuntime { try load() }
}

/// Remembers loaded runtimes by the path asked for, so each library is initialised once.
private final class RuntimeCache: @unchecked Sendable {
    private let lock = NSLock()
    private var runtimes: [String: OnnxRuntime] = [:]

    func runtime(explicit: String?, load: (String?) throws -> OnnxRuntime) throws -> OnnxRuntime {
        lock.lock()
        defer { lock.unlock() }
        let key = explicit ?? ProcessInfo.processInfo.environment[OnnxRuntime.libraryEnvironmentVariable] ?? ""
        if let runtime = runtimes[key] { return runtime }
        let runtime = try load(explicit)
        runtimes[key] = runtime
        return runtime
    }
}
