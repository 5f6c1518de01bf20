import Foundation
import Testing
@testable import GlimpseRuntime

@Suite("Inference sessions")
struct InferenceSessionTests {
    /// y = x · Wᵀ + b, with W and b declared inline.
    private func linearModel(weight: [Float], bias: [Float]) -> ONNXModel {
        let graph = GraphBuilder(name: "linear")
        let x = graph.input("x", .float, ["batch", 3])
        let w = graph.initializer(TensorDeclaration(name: "w", shape: [2, 3], floats: weight))
        let b = graph.initializer(TensorDeclaration(name: "b", shape: [2], floats: bias))
        graph.output(graph.gemm(x, w, b, transB: true), name: "y", .float, ["batch", 2])
        return graph.model()
    }

    @Test("a graph built in Swift runs and computes the right numbers")
    func runsLinear() throws {
        let runtime = try OnnxRuntime.shared()
        let model = linearModel(weight: [1, 2, 3, -1, 0, 0.5], bias: [0.25, -2])
        let session = try InferenceSession(runtime: runtime, modelBytes: model.serializedBytes(), options: SessionOptions(intraOpThreads: 1))
        let x = try Tensor(shape: [2, 3], floats: [1, 1, 1, 2, 0, -4])
        let y = try session.run(["x": x])["y"]
        #expect(y?.shape == [2, 2])
        #expect(try y?.floats() == [6.25, -2.5, -9.75, -6])
    }

    @Test("inputs and outputs are reported with their types and symbolic dimensions")
    func metadata() throws {
        let session = try InferenceSession(runtime: .shared(), modelBytes: linearModel(weight: .init(repeating: 0, count: 6), bias: [0, 0]).serializedBytes())
        #expect(session.inputs == [ValueMetadata(name: "x", elementType: 1, shape: [.symbolic("batch"), .fixed(3)])])
        #expect(session.outputs.map(\.name) == ["y"])
    }

    @Test("weights lent from memory replace the declared initializer")
    func borrowedInitializer() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-borrowed-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // The declared file holds zeros: a result other than zero can only come from the lent buffer.
        try Data(count: 16).write(to: folder.appending(path: "zeros.bin"))
        let graph = GraphBuilder(name: "borrowed")
        let x = graph.input("x", .float, [1, 4])
        let w = graph.initializer(TensorDeclaration(name: "w", elementType: .float, shape: [4, 1],
                                                    contents: .external(location: "zeros.bin", offset: 0, length: 16)))
        graph.output(graph.matMul(x, w), name: "y")
        let storage = Storage(values: [1, 10, 100, 1000])
        let buffer = storage.values.withUnsafeBytes { bytes in
            InitializerBuffer(name: "w", elementType: .float, shape: [4, 1], bytes: bytes, owner: storage)
        }
        var options = SessionOptions()
        options.externalDataFolder = folder
        let session = try InferenceSession(runtime: .shared(), modelBytes: graph.model().serializedBytes(), options: options, initializers: [buffer])
        let y = try session.run(["x": Tensor(shape: [1, 4], floats: [1, 2, 3, 4])])["y"]
        #expect(try y?.floats() == [4321])
    }

    @Test("external data is read from the model folder")
    func externalData() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-external-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = [UInt8](repeating: 7, count: 8)
        let floats: [Float] = [2, 3]
        try Data(header + floats.withUnsafeBytes { Array($0) }).write(to: folder.appending(path: "weights.bin"))
        let graph = GraphBuilder(name: "external")
        let x = graph.input("x", .float, [2])
        let w = graph.initializer(TensorDeclaration(name: "w", elementType: .float, shape: [2],
                                                    contents: .external(location: "weights.bin", offset: 8, length: 8)))
        graph.output(graph.mul(x, w), name: "y")
        var options = SessionOptions()
        options.externalDataFolder = folder
        let session = try InferenceSession(runtime: .shared(), modelBytes: graph.model().serializedBytes(), options: options)
        #expect(try session.run(["x": Tensor(shape: [2], floats: [5, 7])])["y"]?.floats() == [10, 21])
    }

    @Test("bytes that are not a model give ONNX Runtime's message, not a crash")
    func invalidModel() throws {
        #expect {
            try InferenceSession(runtime: .shared(), modelBytes: Array("not a model".utf8))
        } throws: { error in
            guard case RuntimeError.onnxRuntime(let operation, _, let message) = error else { return false }
            return operation == "CreateSessionFromArray" && !message.isEmpty
        }
    }

    @Test("an operator ONNX Runtime does not know is reported when the session is created")
    func unknownOperator() throws {
        let graph = GraphBuilder(name: "unknown")
        let x = graph.input("x", .float, [1])
        graph.output(graph.op("NoSuchOperator", x), name: "y")
        #expect(throws: RuntimeError.self) {
            try InferenceSession(runtime: .shared(), modelBytes: graph.model().serializedBytes())
        }
    }

    @Test("wrong input names, shapes and types are errors")
    func badFeeds() throws {
        let session = try InferenceSession(runtime: .shared(), modelBytes: linearModel(weight: .init(repeating: 1, count: 6), bias: [0, 0]).serializedBytes())
        #expect(throws: RuntimeError.unknownName("z", kind: "input", known: ["x"])) {
            try session.run(["z": Tensor(shape: [1, 3], floats: [1, 2, 3])])
        }
        #expect(throws: RuntimeError.self) { try session.run(["x": Tensor(shape: [1, 4], floats: [1, 2, 3, 4])]) }
        #expect(throws: RuntimeError.self) { try session.run(["x": Tensor(shape: [1, 3], int64s: [1, 2, 3])]) }
        #expect(throws: RuntimeError.self) { try session.run([:]) }
        #expect(throws: RuntimeError.self) {
            try session.run(["x": Tensor(shape: [1, 3], floats: [1, 2, 3])], outputs: ["nope"])
        }
    }

    @Test("outputs kept in ONNX Runtime read as the copies do and feed another run")
    func keptOutputs() throws {
        let first = try InferenceSession(runtime: .shared(), modelBytes: linearModel(weight: [1, 2, 3, -1, 0, 0.5], bias: [0.25, -2]).serializedBytes())
        let graph = GraphBuilder(name: "double")
        let y = graph.input("y", .float, ["batch", 2])
        let offset = graph.input("offset", .float, [1])
        graph.output(graph.add(graph.mul(y, graph.scalar(2)), offset), name: "z")
        let second = try InferenceSession(runtime: .shared(), modelBytes: graph.model().serializedBytes())
        let x = try Tensor(shape: [2, 3], floats: [1, 1, 1, 2, 0, -4])

        let kept = try #require(try first.runKeeping(["x": x])["y"])
        #expect(kept.shape == [2, 2] && kept.elementType == .float)
        #expect(try kept.tensor().floats() == [6.25, -2.5, -9.75, -6])
        #expect(try kept.withFloats(Array.init) == [6.25, -2.5, -9.75, -6])
        let offsetOne = try Tensor(shape: [1], floats: [1])
        let z = try second.run(["offset": offsetOne], values: ["y": kept])["z"]
        #expect(try z?.floats() == [13.5, -4, -18.5, -11])
        // The value is not consumed: it feeds a second run, and a kept result chains on.
        let chained = try #require(try second.runKeeping(["offset": offsetOne], values: ["y": kept])["z"])
        #expect(try chained.withFloats(Array.init) == [13.5, -4, -18.5, -11])

        #expect(throws: RuntimeError.self) { try second.run(["offset": offsetOne, "y": kept.tensor()], values: ["y": kept]) }
        #expect(throws: RuntimeError.unknownName("w", kind: "input", known: ["y", "offset"])) {
            try second.run(["offset": offsetOne], values: ["w": kept])
        }
        let counts = try #require(try InferenceSession(runtime: .shared(), modelBytes: {
            let graph = GraphBuilder(name: "shape")
            graph.output(graph.op("Shape", graph.input("x", .float, ["batch", 3])), name: "s", .int64)
            return graph.model().serializedBytes()
        }()).runKeeping(["x": x])["s"])
        #expect(counts.elementType == .int64)
        #expect(throws: RuntimeError.unsupportedElementType(7)) { try counts.withFloats { $0.count } }
        #expect(try counts.tensor().int64s() == [2, 3])
    }

    @Test("a tensor's element count must match its shape")
    func tensorShapeChecked() {
        #expect(throws: RuntimeError.tensorShapeMismatch(shape: [2, 2], elementCount: 3)) {
            try Tensor(shape: [2, 2], floats: [1, 2, 3])
        }
        #expect(throws: RuntimeError.self) { try Tensor(shape: [-1], floats: []) }
    }

    @Test("every session has a pool of its own, one thread per physical core by default, which stops spinning when its run returns")
    func ownThreadPools() async throws {
        #expect(SessionOptions(intraOpThreads: 3).poolThreads == 3)
        #expect(SessionOptions().poolThreads == ModelThreads.current.count)
        #expect((1...ProcessInfo.processInfo.activeProcessorCount).contains(PhysicalCores.count))
        #expect(SessionOptions().sessionConfigEntries["session.force_spinning_stop"] == "1")
        var spinning = SessionOptions(intraOpThreads: 2)
        spinning.configEntries["session.force_spinning_stop"] = "0"
        #expect(spinning.sessionConfigEntries["session.force_spinning_stop"] == "0")
        let model = linearModel(weight: [1, 2, 3, -1, 0, 0.5], bias: [0.25, -2]).serializedBytes()
        // Sessions of each kind run from several tasks at once give the same results.
        let sessions = try [SessionOptions(), SessionOptions(intraOpThreads: 2), SessionOptions(intraOpThreads: 1)].map {
            try InferenceSession(runtime: .shared(), modelBytes: model, options: $0)
        }
        let x = try Tensor(shape: [2, 3], floats: [1, 1, 1, 2, 0, -4])
        try await withThrowingTaskGroup(of: [Float]?.self) { group in
            for index in 0..<12 {
                group.addTask { try sessions[index % sessions.count].run(["x": x])["y"]?.floats() }
            }
            for try await y in group { #expect(y == [6.25, -2.5, -9.75, -6]) }
        }
    }

    @Test("sessions share the process's arena unless they turn their arena off; both kinds run side by side")
    func sharedArena() async throws {
        #expect(SessionOptions().sessionConfigEntries["session.use_env_allocators"] == "1")
        var own = SessionOptions(intraOpThreads: 1)
        own.memoryArena = false
        #expect(own.sessionConfigEntries["session.use_env_allocators"] == nil)
        let model = linearModel(weight: [1, 2, 3, -1, 0, 0.5], bias: [0.25, -2]).serializedBytes()
        let sessions = try [SessionOptions(), own, SessionOptions(intraOpThreads: 1)].map {
            try InferenceSession(runtime: .shared(), modelBytes: model, options: $0)
        }
        // Inputs of growing size, so the shared arena grows while other sessions' runs take and give back memory.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<24 {
                group.addTask {
                    let rows = 1 + (index * 97) % 2_000
                    let x = try Tensor(shape: [rows, 3], floats: (0..<(rows * 3)).map { Float($0 % 7) - 3 })
                    let y = try sessions[index % sessions.count].run(["x": x])["y"]!.floats()
                    let values = try x.floats()
                    return (0..<rows).allSatisfy { row in
                        let (a, b, c) = (values[3 * row], values[3 * row + 1], values[3 * row + 2])
                        return y[2 * row] == a + 2 * b + 3 * c + 0.25 && y[2 * row + 1] == -a + 0.5 * c - 2
                    }
                }
            }
            for try await correct in group { #expect(correct) }
        }
    }

    @Test("GLIMPSE_THREADS sets the threads per model when it holds a whole number from 1 to 1024; doctor says which")
    func modelThreadsSetting() {
        func threads(_ setting: String?) -> (Int, ModelThreads.Source) {
            let threads = ModelThreads(setting: setting, physicalCores: 4)
            return (threads.count, threads.source)
        }
        #expect(threads(nil) == (4, .physicalCores))
        #expect(threads("3") == (3, .environment))
        #expect(threads(" 16 ") == (16, .environment))
        #expect(threads("1024") == (1024, .environment))
        for unusable in ["0", "-2", "lots", "", "1025", "2.5", "99999999999999999999"] {
            #expect(threads(unusable) == (4, .unusableEnvironment(unusable)))
        }
        let physical = HealthCheck.modelThreads(ModelThreads(setting: nil, physicalCores: 2))
        #expect(physical.status == .ok && physical.detail.hasPrefix("2 per model, one per physical core"), "\(physical.detail)")
        let set = HealthCheck.modelThreads(ModelThreads(setting: "6", physicalCores: 2))
        #expect(set.status == .ok && set.detail == "6 per model (GLIMPSE_THREADS)")
        let wrong = HealthCheck.modelThreads(ModelThreads(setting: "lots", physicalCores: 2))
        #expect(wrong.status == .warning && wrong.detail.contains("GLIMPSE_THREADS=\"lots\" is not a whole number") && !wrong.fix.isEmpty)
    }

    @Test("physical cores: hyperthreads of one core count once, only the allowed processors count")
    func physicalCoreCount() {
        // Four cores with two hyperthreads each: processors 0–3 are cores 0–3, 4–7 their second threads
        // (Linux numbers them so); a core is named by its processors, as sysfs' thread_siblings_list does.
        let core = { (cpu: Int) -> String? in cpu < 8 ? "\(cpu % 4),\(cpu % 4 + 4)" : nil }
        #expect(PhysicalCores.count(allowed: "0-7", core: core) == 4)
        #expect(PhysicalCores.count(allowed: "0,4", core: core) == 1)
        #expect(PhysicalCores.count(allowed: "0-1,5-6\n", core: core) == 3)
        #expect(PhysicalCores.count(allowed: " 2 ", core: core) == 1)
        #expect(PhysicalCores.count(allowed: "0-9", core: core) == nil)  // no topology for 8 and 9
        for unreadable in ["", "3-1", "a-b", "1-2-3", "-1", ","] {
            #expect(PhysicalCores.count(allowed: unreadable, core: core) == nil, "\(unreadable)")
        }
    }

    @Test("sessions run from several tasks at once")
    func concurrentRuns() async throws {
        let session = try InferenceSession(runtime: .shared(), modelBytes: linearModel(weight: [1, 0, 0, 0, 1, 0], bias: [0, 0]).serializedBytes())
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let value = Float(index)
                    let y = try session.run(["x": Tensor(shape: [1, 3], floats: [value, -value, 9])])["y"]
                    return try y?.floats() == [value, -value]
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}

/// Memory that outlives a session it was lent to.
private final class Storage: @unchecked Sendable {
    let values: [Float]
    init(values: [Float]) { self.values = values }
}
