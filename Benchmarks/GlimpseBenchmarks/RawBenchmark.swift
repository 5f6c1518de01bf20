import Foundation
import GlimpseImage

/// Decoding a camera raw file, LibRaw in its child process included, with `residentMegabytes` of memory
/// touched beforehand: a process that holds the models (several GB) pays more for each fork.
struct RawBenchmark {
    struct Result: Encodable {
        var file: String
        var width: Int
        var height: Int
        var residentMegabytes: Int
        var decodeMilliseconds: Double
        var decodeMinimumMilliseconds: Double
        var sizeMilliseconds: Double
    }

    var file: URL
    var runs: Int
    var residentMegabytes: Int

    func run() throws -> Result {
        let ballast = UnsafeMutableRawPointer.allocate(byteCount: max(residentMegabytes, 1) << 20, alignment: 4096)
        defer { ballast.deallocate() }
        memset(ballast, 1, max(residentMegabytes, 1) << 20)
        let data = try Data(contentsOf: file)
        let image = try ImageDecoder.decode(data)
        func times(_ body: () throws -> Void) rethrows -> [Double] {
            try (0..<runs).map { _ in
                let start = ContinuousClock.now
                try body()
                return milliseconds(ContinuousClock.now - start)
            }.sorted()
        }
        let decode = try times { _ = try ImageDecoder.decode(data) }
        let size = try times { _ = try ImageDecoder.size(of: data) }
        return Result(file: file.lastPathComponent, width: image.width, height: image.height, residentMegabytes: residentMegabytes,
                      decodeMilliseconds: decode[decode.count / 2], decodeMinimumMilliseconds: decode[0],
                      sizeMilliseconds: size[size.count / 2])
    }
}
