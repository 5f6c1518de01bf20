import Foundation
import GlimpseModels
import GlimpseRuntime

// Glimpse's benchmarks. Each case runs in its own process (resident memory is per process) and prints
// one JSON object; Benchmarks/run compares them with the peers measured in the same command.
//
//   GlimpseBenchmarks encoder MODEL_DIR [--prepacking on|off] [--weights lend|external] [--threads N] [--runs N]

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return arguments[index + 1]
}

guard arguments.first == "encoder", arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: GlimpseBenchmarks encoder MODEL_DIR [--prepacking on|off] [--weights lend|external] [--threads N] [--runs N]\n".utf8))
    exit(2)
}
let result = try EncoderBenchmark(
    modelDirectory: URL(filePath: arguments[1], directoryHint: .isDirectory),
    prepacking: option("--prepacking", default: "on") == "on",
    lendWeights: option("--weights", default: "lend") == "lend",
    threads: Int(option("--threads", default: "2")) ?? 2,
    runs: Int(option("--runs", default: "20")) ?? 20
).run()
let encoder = JSONEncoder()
encoder.outputFormatting = [.sortedKeys]
print(String(decoding: try encoder.encode(result), as: UTF8.self))
