import ArgumentParser
import GlimpseIndex

/// `--camera NAME` of `search`, `similar` and `export`: only the photos taken with a camera that the words
/// name (`CameraQuery`: `x100v`, `canon`, `iphone 12`, `eos r5`).
enum CameraOption {
    /// The help of `search`; the other commands say what they limit.
    static func help(_ limited: String) -> ArgumentHelp {
        ArgumentHelp("""
            \(limited) only the photos taken with this camera, by the Make and Model their files record: a name \
            (`FUJIFILM X100V`) or whole words of it (x100v, canon, "iphone 12"), without case, hyphens or dots; \
            `glimpse status` lists the cameras.
            """, valueName: "name")
    }

    /// The query of `text`; nil without `--camera`.
    static func query(_ text: String?) throws -> CameraQuery? {
        guard let text else { return nil }
        guard let query = CameraQuery(text) else {
            throw ValidationError("--camera needs a camera's name or a word of it, such as x100v, canon or \"iphone 12\".")
        }
        return query
    }
}
