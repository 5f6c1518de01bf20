import Foundation
import GlimpseModels
import GlimpseRuntime

// Glimpse's benchmarks. Each case runs in its own process (resident memory is per process) and prints
// one JSON object; Benchmarks/run compares them with the peers measured in the same command.
//
//   GlimpseBenchmarks encoder MODEL_DIR [--prepacking on|off] [--weights lend|external] [--attention packed|separate]
//                             [--threads N] [--runs N]
//   GlimpseBenchmarks sentences MODEL_DIR [--threads N] [--count N]
//   GlimpseBenchmarks image JPEG_FILE [--runs N]
//   GlimpseBenchmarks raw RAW_FILE [--runs N] [--resident-mb N]
//   GlimpseBenchmarks clip MODEL_DIR [--threads N] [--runs N] [--sweep]
//   GlimpseBenchmarks blip MODEL_DIR --beam-batches 1,4,8 [--runs N]
//   GlimpseBenchmarks blip MODEL_DIR [--threads N] [--runs N] [--phases [--images N] [--dump DIR]]
//   GlimpseBenchmarks tokenizers CLIP_BPE_DIR BERT_VOCAB_TXT [--count N]
//   GlimpseBenchmarks vector-search [--rows N] [--dimension N] [--k N] [--threads N] [--runs N]
//                                   [--data random|clustered|duplicates] [--compact-file PATH] [--recall-queries N]
//   GlimpseBenchmarks describe BENCH_MODELS TEST_DATA PHOTO [--threads N] [--runs N] [--regions N] [--sam-filters on|off]
//                              [--points-per-side N]
//   GlimpseBenchmarks index-scale [--count N] [--dimension N] [--queries N] [--minilm DIR [--clip DIR]]
//   GlimpseBenchmarks shelf [--count N] [--removed N]
//   GlimpseBenchmarks tags [--count N] [--runs N] [--files A,B,...]
//   GlimpseBenchmarks places [--gazetteer FILE] [--count N] [--runs N]
//   GlimpseBenchmarks search-scale --minilm DIR [--clip DIR] [--count N] [--queries N] [--store FOLDER]
//   GlimpseBenchmarks sam MODEL_DIR [--threads N] [--runs N] [--encoder-runs N] [--generate on|off] [--filters on|off]
//                         [--points-per-side N] [--memory fastest|low] [--dump DIR]
//   GlimpseBenchmarks dump-text-graphs CLIP_DIR MINILM_DIR OUT_DIR   (no timing: the query encoders' graphs as ONNX files)

// Huge pages as glimpse has them (HugePageMemory); GLIMPSE_HUGE_PAGES=0 measures without.
HugePageMemory.restartIfNeeded()

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}

let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
let threads = Int(option("--threads", default: "2")) ?? 2
/// Prints a benchmark's result as one JSON object.
func emit(_ result: some Encodable) throws {
    print(String(decoding: try encoder.encode(result), as: UTF8.self))
}
// A benchmark that fails (a missing model folder, a bad file) says why and exits 1 instead of trapping.
do {
    switch (arguments.first, arguments.count >= 2 ? arguments[1] : nil) {
    case ("encoder", let model?):
        let result = try EncoderBenchmark(
            modelDirectory: URL(filePath: model, directoryHint: .isDirectory),
            prepacking: option("--prepacking", default: "on") == "on",
            lendWeights: option("--weights", default: "lend") == "lend",
            projections: option("--attention", default: "packed") == "separate" ? .separate : .packed,
            threads: threads, runs: Int(option("--runs", default: "20")) ?? 20
        ).run()
        try emit(result)
    case ("sentences", let model?):
        let result = try SentenceBenchmark(
            modelDirectory: URL(filePath: model, directoryHint: .isDirectory),
            threads: threads, count: Int(option("--count", default: "1000")) ?? 1000
        ).run()
        try emit(result)
    case ("clip", let model?) where arguments.contains("--sweep"):
        let result = try CLIPBatchSweep(modelDirectory: URL(filePath: model, directoryHint: .isDirectory), threads: threads,
                                        rounds: Int(option("--runs", default: "5")) ?? 5).run()
        try emit(result)
    case ("clip", let model?):
        let result = try CLIPBenchmark(modelDirectory: URL(filePath: model, directoryHint: .isDirectory), threads: threads,
                                       runs: Int(option("--runs", default: "10")) ?? 10).run()
        try emit(result)
    case ("blip", let model?) where arguments.contains("--phases"):
        if arguments.contains("--dump") {
            try BLIPPhases.dump(URL(filePath: model, directoryHint: .isDirectory), to: URL(filePath: option("--dump", default: "."), directoryHint: .isDirectory))
        }
        let result = try BLIPPhases(modelDirectory: URL(filePath: model, directoryHint: .isDirectory), threads: threads,
                                    images: Int(option("--images", default: "16")) ?? 16).run()
        try emit(result)
    case ("blip", let model?) where arguments.contains("--beam-batches"):
        let result = try BLIPBeamBatchSweep(modelDirectory: URL(filePath: model, directoryHint: .isDirectory), threads: threads,
                                            sizes: option("--beam-batches", default: "1,4,8").split(separator: ",").compactMap { Int($0) },
                                            rounds: Int(option("--runs", default: "3")) ?? 3).run()
        try emit(result)
    case ("blip", let model?):
        let result = try BLIPBenchmark(modelDirectory: URL(filePath: model, directoryHint: .isDirectory), threads: threads,
                                       runs: Int(option("--runs", default: "3")) ?? 3).run()
        try emit(result)
    case ("tokenizers", let clipFolder?) where arguments.count >= 3:
        let result = try TokenizerBenchmark(clipDirectory: URL(filePath: clipFolder, directoryHint: .isDirectory),
                                            bertVocabulary: URL(filePath: arguments[2]),
                                            count: Int(option("--count", default: "20000")) ?? 20000).run()
        try emit(result)
    case ("image", let file?):
        let result = try ImageBenchmark(file: URL(filePath: file), runs: Int(option("--runs", default: "7")) ?? 7).run()
        try emit(result)
    case ("raw", let file?):
        let result = try RawBenchmark(file: URL(filePath: file), runs: Int(option("--runs", default: "7")) ?? 7,
                                      residentMegabytes: Int(option("--resident-mb", default: "0")) ?? 0).run()
        try emit(result)
    case ("vector-search", _):
        let result = try VectorSearchBenchmark(rows: Int(option("--rows", default: "1000000")) ?? 1_000_000,
                                               dimension: Int(option("--dimension", default: "512")) ?? 512,
                                               k: Int(option("--k", default: "100")) ?? 100, threads: threads,
                                               runs: Int(option("--runs", default: "20")) ?? 20).run()
        try emit(result)
    case ("describe", let models?) where arguments.count >= 4:
        var benchmark = DescribeBenchmark(models: URL(filePath: models, directoryHint: .isDirectory),
                                          testData: URL(filePath: arguments[2], directoryHint: .isDirectory),
                                          photo: URL(filePath: arguments[3]), threads: threads,
                                          runs: Int(option("--runs", default: "5")) ?? 5,
                                          regions: Int(option("--regions", default: "20")) ?? 20,
                                          samFilters: option("--sam-filters", default: "off") == "on")
        if let points = Int(option("--points-per-side", default: "")) { benchmark.pointsPerSide = points }
        benchmark.lowMemory = option("--low-memory", default: "off") == "on"
        let result = try benchmark.run()
        try emit(result)
    case ("index-scale", _):
        let result = try IndexScaleBenchmark(count: Int(option("--count", default: "100000")) ?? 100_000,
                                             dimension: Int(option("--dimension", default: "384")) ?? 384,
                                             queries: Int(option("--queries", default: "500")) ?? 500,
                                             minilm: arguments.firstIndex(of: "--minilm").map { _ in
                                                 URL(filePath: option("--minilm", default: ""), directoryHint: .isDirectory)
                                             },
                                             clip: arguments.firstIndex(of: "--clip").map { _ in
                                                 URL(filePath: option("--clip", default: ""), directoryHint: .isDirectory)
                                             }).run()
        try emit(result)
    case ("search-scale", _):
        // The search latency alone, on the store `FullIndexBuilder` leaves; with --store it is built there once
        // and reused by later runs (building 100,000 images takes minutes).
        let count = Int(option("--count", default: "100000")) ?? 100_000
        let store = try FullIndexBuilder(count: count).open(
            at: URL(filePath: option("--store", default: FileManager.default.temporaryDirectory
                .appending(path: "glimpse-search-bench-\(UUID().uuidString)").path), directoryHint: .isDirectory))
        let result = try SearchLatencyBenchmark(
            store: store, minilm: URL(filePath: option("--minilm", default: ""), directoryHint: .isDirectory),
            clip: arguments.firstIndex(of: "--clip").map { _ in URL(filePath: option("--clip", default: ""), directoryHint: .isDirectory) },
            threads: 2, queries: Int(option("--queries", default: "300")) ?? 300
        ).run(images: count, subjects: IndexScaleBenchmark.subjects, places: IndexScaleBenchmark.places)
        try emit(result)
    case ("shelf", _):
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-shelf-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ShelfBenchmark(count: Int(option("--count", default: "20000")) ?? 20_000,
                                        removed: Int(option("--removed", default: "10000")) ?? 10_000, folder: folder).run()
        try emit(result)
    case ("tags", _):
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-tags-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = option("--files", default: "").split(separator: ",").map { URL(filePath: String($0)) }
        let result = try TagsBenchmark(count: Int(option("--count", default: "100000")) ?? 100_000, files: files,
                                       runs: Int(option("--runs", default: "20")) ?? 20, folder: folder).run()
        try emit(result)
    case ("places", _):
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-places-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try PlacesBenchmark(gazetteer: URL(filePath: option("--gazetteer", default: ".deps/places/places.tsv")),
                                         count: Int(option("--count", default: "100000")) ?? 100_000,
                                         runs: Int(option("--runs", default: "5")) ?? 5, folder: folder).run()
        try emit(result)
    case ("sam", let model?):
        let result = try SAMBenchmark(modelDirectory: URL(filePath: model, directoryHint: .isDirectory), threads: threads,
                                      runs: Int(option("--runs", default: "10")) ?? 10,
                                      encoderRuns: Int(option("--encoder-runs", default: "3")) ?? 3,
                                      generate: option("--generate", default: "on") == "on",
                                      filters: option("--filters", default: "on") == "on",
                                      pointsPerSide: Int(option("--points-per-side", default: "32")) ?? 32,
                                      memory: option("--memory", default: "fastest") == "low" ? .low : .fastest,
                                      dump: arguments.firstIndex(of: "--dump").map { _ in
                                          URL(filePath: option("--dump", default: ""), directoryHint: .isDirectory)
                                      }).run()
        try emit(result)
    case ("dump-text-graphs", let clip?) where arguments.count >= 4:
        try TextGraphDump.write(clip: URL(filePath: clip, directoryHint: .isDirectory),
                                minilm: URL(filePath: arguments[2], directoryHint: .isDirectory),
                                to: URL(filePath: arguments[3], directoryHint: .isDirectory))
    default:
        FileHandle.standardError.write(Data("""
            usage: GlimpseBenchmarks encoder MODEL_DIR [--prepacking on|off] [--weights lend|external] [--attention packed|separate] [--threads N] [--runs N]
                   GlimpseBenchmarks sentences MODEL_DIR [--threads N] [--count N]
                   GlimpseBenchmarks image JPEG_FILE [--runs N]
                   GlimpseBenchmarks raw RAW_FILE [--runs N] [--resident-mb N]
                   GlimpseBenchmarks clip MODEL_DIR [--threads N] [--runs N] [--sweep]
                   GlimpseBenchmarks blip MODEL_DIR [--threads N] [--runs N] [--phases [--images N] [--dump DIR]]
                   GlimpseBenchmarks blip MODEL_DIR --beam-batches 1,4,8 [--threads N] [--runs N]
                   GlimpseBenchmarks tokenizers CLIP_BPE_DIR BERT_VOCAB_TXT [--count N]
                   GlimpseBenchmarks vector-search [--rows N] [--dimension N] [--k N] [--threads N] [--runs N]
                                                   [--data random|clustered|duplicates] [--compact-file PATH] [--recall-queries N]
                   GlimpseBenchmarks describe BENCH_MODELS TEST_DATA PHOTO [--threads N] [--runs N] [--regions N] [--sam-filters on|off] [--points-per-side N] [--low-memory on|off]
                   GlimpseBenchmarks index-scale [--count N] [--dimension N] [--queries N] [--minilm DIR [--clip DIR]]
                   GlimpseBenchmarks search-scale --minilm DIR [--clip DIR] [--count N] [--queries N] [--store FOLDER]
                   GlimpseBenchmarks shelf [--count N] [--removed N]
                   GlimpseBenchmarks sam MODEL_DIR [--threads N] [--runs N] [--encoder-runs N] [--generate on|off] [--filters on|off]
                                         [--points-per-side N] [--memory fastest|low] [--dump DIR]
                   GlimpseBenchmarks dump-text-graphs CLIP_DIR MINILM_DIR OUT_DIR

            """.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("GlimpseBenchmarks: \(error)\n".utf8))
    exit(1)
}
