import Foundation

/// How ONNX Runtime optimises a graph before running it.
public enum GraphOptimization: Int32, Sendable {
    case disabled = 0
    case basic = 1
    case extended = 2
    case all = 99
}

/// Settings for one inference session.
public struct SessionOptions: Sendable {
    /// Threads of the session's own pool, which runs the work inside each operator: 0 (the default) for
    /// ``ModelThreads/current`` (one per physical core unless `GLIMPSE_THREADS` says otherwise). The
    /// threads spin between the operators of a run and stop spinning when the run returns, so a pool
    /// never holds the cores once its run is over: the next model's run (BLIP's decoder after its vision
    /// pass, MiniLM after CLIP's text tower) and Glimpse's own threads (vector scans, image decoding) have them. A pool left spinning took BLIP's first decoder run after its
    /// vision pass from about 18 to 40 ms; a pool shared by every session, whose threads must sleep between
    /// runs, made search and captions about 6 % slower (BENCHMARKS.md, 2026-12-05).
    public var intraOpThreads: Int = 0
    /// Threads used to run independent operators in parallel; 1 runs them sequentially.
    public var interOpThreads: Int = 1
    public var optimization: GraphOptimization = .all
    /// Pre-packing makes matrix products fastest but keeps a second, packed copy of every weight.
    /// Turn it off to keep resident memory at about the size of the (file-backed) weights, at some speed cost.
    public var prepacking: Bool = true
    /// ONNX Runtime's arena allocator for activations: the one the process's sessions share
    /// (``OnnxRuntime``). Off, the session takes its memory from the system and gives it back.
    public var memoryArena: Bool = true
    /// ONNX Runtime's memory patterns: after the first run with a set of input shapes, later runs with
    /// those shapes take all their activations as one planned block. Each new set of shapes plans and
    /// allocates a new block, so graphs whose shapes change from run to run are better off without.
    public var memoryPattern: Bool = true
    /// The folder that external-data initializers are resolved against (the model folder).
    public var externalDataFolder: URL?
    /// Values for symbolic dimensions known in advance, for example `["batch": 1]`.
    public var freeDimensions: [String: Int] = [:]
    /// Extra `AddSessionConfigEntry` keys and values.
    public var configEntries: [String: String] = [:]
    /// Where to write the optimised graph, for inspection.
    public var optimizedModelURL: URL?

    public init(intraOpThreads: Int = 0, optimization: GraphOptimization = .all, prepacking: Bool = true) {
        self.intraOpThreads = intraOpThreads
        self.optimization = optimization
        self.prepacking = prepacking
    }

    /// The size of the session's pool.
    public var poolThreads: Int { intraOpThreads > 0 ? intraOpThreads : ModelThreads.current.count }

    /// The `AddSessionConfigEntry` keys and values these options set: ``configEntries`` over the ones the
    /// other options imply.
    var sessionConfigEntries: [String: String] {
        var entries: [String: String] = [:]
        if !prepacking { entries["session.disable_prepacking"] = "1" }
        if let folder = externalDataFolder {
            entries["session.model_external_initializers_file_folder_path"] = folder.path
        }
        entries["session.force_spinning_stop"] = "1"
        if memoryArena { entries["session.use_env_allocators"] = "1" }
        return entries.merging(configEntries) { _, explicit in explicit }
    }

    /// Creates the `OrtSessionOptions*`; the caller releases it.
    func makeHandle(_ api: ORTFunctions) throws -> OpaquePointer {
        var created: OpaquePointer?
        try api.check(api.createSessionOptions(&created), "CreateSessionOptions")
        guard let handle = created else { throw RuntimeError.invalidGraph("ONNX Runtime created no session options") }
        do {
            try api.check(api.setIntraOpNumThreads(handle, Int32(clamping: poolThreads)), "SetIntraOpNumThreads")
            try api.check(api.setInterOpNumThreads(handle, Int32(clamping: interOpThreads)), "SetInterOpNumThreads")
            try api.check(api.setSessionGraphOptimizationLevel(handle, optimization.rawValue), "SetSessionGraphOptimizationLevel")
            try api.check(api.setSessionLogSeverityLevel(handle, 3), "SetSessionLogSeverityLevel")
            if !memoryArena { try api.check(api.disableCpuMemArena(handle), "DisableCpuMemArena") }
            if !memoryPattern { try api.check(api.disableMemPattern(handle), "DisableMemPattern") }
            for (key, value) in sessionConfigEntries.sorted(by: { $0.key < $1.key }) {
                try api.check(api.addSessionConfigEntry(handle, key, value), "AddSessionConfigEntry(\(key))")
            }
            for (name, value) in freeDimensions.sorted(by: { $0.key < $1.key }) {
                try api.check(api.addFreeDimensionOverrideByName(handle, name, Int64(value)), "AddFreeDimensionOverrideByName(\(name))")
            }
            if let optimizedModelURL {
                try api.check(api.setOptimizedModelFilePath(handle, optimizedModelURL.path), "SetOptimizedModelFilePath")
            }
        } catch {
            api.releaseSessionOptions(handle)
            throw error
        }
        return handle
    }
}
