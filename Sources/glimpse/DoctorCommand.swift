import ArgumentParser
import Foundation
import GlimpseHub
import GlimpseImage
import GlimpseIndex
import GlimpseModels
import GlimpseRuntime
import GlimpseSearch

/// `glimpse doctor`: checks every run-time requirement and says how to fix what is missing.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that everything Glimpse needs is installed, and say how to fix what is not."
    )

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var location: IndexLocationOptions

    @Flag(help: "Print the checks as JSON.")
    var json = false

    func run() async throws {
        let directories = GlimpseDirectories()
        var checks = [HealthCheck.onnxRuntime(libraryPath: runtime.ortLibrary)]
        checks.append(.systemLibrary(sqliteLibraryName, purpose: "the index", debianPackage: "libsqlite3-0"))
        checks.append(.hugePages(HugePageMemory.current))
        checks.append(.memory(totalBytes: SystemMemory.totalBytes))
        checks.append(.modelThreads(.current))
        checks.append(Self.cameraRawFiles())
        checks.append(Self.placeNames())
        checks.append(.writableDirectory("cache", directories.cache, environmentVariable: "GLIMPSE_CACHE_DIR"))
        checks.append(.writableDirectory("data", directories.data, environmentVariable: "GLIMPSE_DATA_DIR"))
        checks.append(Self.index(at: location.url))
        checks += KnownModel.defaults.map { model in
            var check = HealthCheck.model(model, in: directories)
            let folder = directories.modelFolder(repository: model.repository)
            if check.status == .ok, let manifest = ModelManifest.read(in: folder),
               model.requiredFiles.allSatisfy({ manifest.files[$0] != nil }) {
                check.detail += ", verified when downloaded (revision \(manifest.revision); `glimpse models verify` re-checks)"
            }
            return check
        }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(checks), as: UTF8.self))
        } else {
            print(DoctorReport(checks: checks).text)
        }
        if checks.contains(where: { $0.status == .failed }) {
            throw ExitCode(1)
        }
    }

    /// The index read through (SQLite's quick check): a damaged one fails, with how to get it back.
    static func index(at url: URL) -> HealthCheck {
        guard FileManager.default.fileExists(atPath: url.path) else {
            return HealthCheck(name: "index", status: .ok, detail: "none yet at \(url.path) (`glimpse index FOLDER` makes it)")
        }
        do {
            let images = try IndexCheck.images(inIndexAt: url)
            return HealthCheck(name: "index", status: .ok, detail: "\(images) image(s) in \(url.path), whole (SQLite's quick check)")
        } catch {
            let reason = if case let IndexError.damaged(_, _, reason) = error { reason } else { error.localizedDescription }
            if reason.contains("newer version") {
                return HealthCheck(name: "index", status: .failed, detail: "\(url.path): \(reason)", fix: "Update Glimpse, then run it again.")
            }
            return HealthCheck(name: "index", status: .failed, detail: "\(url.path): \(reason)",
                               fix: "Put a backup back with `glimpse restore BACKUP` (`glimpse backup` makes them), or move the index "
                                   + "aside and index the folders again with `glimpse index FOLDER`.")
        }
    }

    /// LibRaw answers through its child process; a missing worker is a warning (forks stand in for it).
    static func cameraRawFiles() -> HealthCheck {
        let name = "camera raw files"
        if let problem = CameraRawWorker.problem() {
            return HealthCheck(name: name, status: .warning, detail: "LibRaw did not answer: \(problem)",
                               fix: "Install Debian's libraw20 (scripts/bootstrap does), and build glimpse-raw-worker beside glimpse.")
        }
        guard let worker = CameraRawWorker.path else {
            return HealthCheck(name: name, status: .warning,
                               detail: "LibRaw answers, in forks of the running process (about 0.1 s more per file while the models are loaded)",
                               fix: "Build the worker beside glimpse: swift build -c release --product glimpse-raw-worker (scripts/bootstrap does), "
                                   + "or name it in \(CameraRawWorker.environmentVariable).")
        }
        return HealthCheck(name: name, status: .ok, detail: "LibRaw answers, in \(worker)")
    }

    /// The gazetteer `search --near NAME` reads; missing is a warning (coordinates and photos still work).
    static func placeNames() -> HealthCheck {
        let name = "place names"
        let fix = "Run scripts/fetch-places (scripts/bootstrap does), or set GLIMPSE_PLACES to its places.tsv."
        guard let url = Gazetteer.locate() else {
            return HealthCheck(name: name, status: .warning, detail: "no gazetteer: search --near takes coordinates or a photo only", fix: fix)
        }
        do {
            let gazetteer = try Gazetteer(contentsOf: url)
            guard let london = gazetteer.places(named: "London", limit: 1).first else {
                return HealthCheck(name: name, status: .warning, detail: "\(url.path) does not know London: it is not a gazetteer", fix: fix)
            }
            return HealthCheck(name: name, status: .ok, detail: "\(gazetteer.count) places in \(url.path) (London is \(london.title))")
        } catch {
            return HealthCheck(name: name, status: .warning, detail: "\(url.path) cannot be read (\(error.localizedDescription))", fix: fix)
        }
    }

    private var sqliteLibraryName: String {
        #if os(macOS)
        "libsqlite3.dylib"
        #else
        "libsqlite3.so.0"
        #endif
    }
}

/// The human-readable form of the checks: one line each, the fix indented below what failed.
struct DoctorReport {
    let checks: [HealthCheck]

    var text: String {
        var lines = ["Glimpse \(GlimpseVersion.current)"]
        for check in checks {
            let mark = switch check.status {
            case .ok: "ok  "
            case .warning: "warn"
            case .failed: "FAIL"
            }
            lines.append("[\(mark)] \(check.name): \(check.detail)")
            if !check.fix.isEmpty { lines.append("       fix: \(check.fix)") }
        }
        let failed = checks.filter { $0.status == .failed }.count
        let warnings = checks.filter { $0.status == .warning }.count
        lines.append(failed > 0
            ? "\(failed) requirement(s) missing: Glimpse cannot run until they are fixed."
            : warnings > 0 ? "Glimpse can run; \(warnings) optional item(s) missing (see the fixes above)." : "Everything Glimpse needs is in place.")
        return lines.joined(separator: "\n")
    }
}
