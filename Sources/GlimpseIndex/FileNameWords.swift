import Foundation

/// The words of a file's name that say something about the picture — `golden-retriever-puppy.jpg`,
/// `Grandma's 80th birthday.heic` — searched with its description: pictures saved from the web and photos
/// people renamed carry them.
///
/// The names cameras, phones and programs give say nothing and yield none: `IMG_0042`, `DSC01234`,
/// `PXL_20230101_123456789`, `IMG-20190714-WA0001`, `Screenshot 2019-07-14 at 15.02.11`, `image (3)`,
/// `photo-1503023345310-bd7c1de61c7d`. Numbers, counters and codes are left out of the words kept
/// (`kitten-3277268_1920` gives `kitten`).
public enum FileNameWords {
    /// The telling words of the name of the file at `path`, in their order, joined by spaces; nil when none.
    public static func of(path: String) -> String? {
        let name = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path[...]
        guard !name.isEmpty, !name.hasPrefix(".") else { return nil }
        let stem = String(name.utf8.lastIndex(of: UInt8(ascii: ".")).map { name[..<$0] } ?? name)
        let tokens = tokens(of: stem).filter { !generic.contains($0.lowercased()) }.flatMap(camelCaseWords)
        // Beside a hash (`bd7c1de61c7d`), a run of the letters a–f (`beef`) is part of it.
        let hashed = tokens.contains { $0.count >= 6 && $0.allSatisfy(\.isHexDigit) && $0.contains(where: \.isNumber) }
        let words = tokens.filter { isWord($0) && !(hashed && $0.allSatisfy(\.isHexDigit)) }
        guard words.contains(where: isTelling) else { return nil }
        return words.joined(separator: " ")
    }

    /// Runs of letters, digits and apostrophes; everything else separates.
    static func tokens(of stem: String) -> [String] {
        let bytes = stem.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // Most names are ASCII: split their bytes, without grapheme breaking (a search reads names per result).
            return bytes.split { !(isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "'")) }
                .map { $0.drop { $0 == UInt8(ascii: "'") } }
                .map { String(decoding: $0.reversed().drop { $0 == UInt8(ascii: "'") }.reversed(), as: UTF8.self) }
                .filter { !$0.isEmpty }
        }
        return stem.split { !($0.isLetter || $0.isNumber || $0 == "'" || $0 == "’") }
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'’")) }
            .filter { !$0.isEmpty }
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Whether a token is a word worth searching: not a number, counter or code, not what cameras and programs write.
    static func isWord(_ token: String) -> Bool {
        let lower = token.lowercased()
        if generic.contains(lower) { return false }
        if token.utf8.contains(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) || token.contains(where: \.isNumber) {
            return isOrdinal(lower)
        }
        let letters = lower.unicodeScalars
        if letters.allSatisfy(\.isASCII) {
            // `dsc`, `pxl`, `mg`, `pm`: letters without a vowel are a maker's prefix or an abbreviation.
            if !letters.contains(where: { "aeiouy".unicodeScalars.contains($0) }) { return false }
            // `kJhGfDsAqW`: random identifiers switch case again and again.
            if capitalsAfterLowercase(token).count >= 3 { return false }
        }
        return true
    }

    /// Whether a kept word is enough on its own to make the name telling: three letters or more and not a
    /// little word (`at`, `from`), or any word in a script written without spaces between words.
    static func isTelling(_ word: String) -> Bool {
        let lower = word.lowercased()
        if littleWords.contains(lower) { return false }
        return lower.count >= 3 || lower.unicodeScalars.contains { $0.value >= 0x2E80 }
    }

    /// `1st`, `2nd`, `80th`.
    static func isOrdinal(_ token: String) -> Bool {
        guard let suffix = ["st", "nd", "rd", "th"].first(where: token.hasSuffix) else { return false }
        let digits = token.dropLast(suffix.count)
        return !digits.isEmpty && digits.count <= 3 && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
    }

    /// `GoldenRetriever` → `Golden`, `Retriever` when every part has three letters or more; other tokens
    /// (`iPhone`, `McDonald`) stay whole.
    static func camelCaseWords(_ token: String) -> [String] {
        let cuts = capitalsAfterLowercase(token)
        guard !cuts.isEmpty else { return [token] }
        let bounds = [token.startIndex] + cuts + [token.endIndex]
        let parts = zip(bounds, bounds.dropFirst()).map { String(token[$0..<$1]) }
        return parts.allSatisfy { $0.count >= 3 } ? parts : [token]
    }

    /// Where a capital letter follows a lowercase one.
    private static func capitalsAfterLowercase(_ token: String) -> [String.Index] {
        var cuts: [String.Index] = []
        if token.utf8.allSatisfy({ $0 < 0x80 }) {
            var previousIsLower = false
            for index in token.utf8.indices {
                let byte = token.utf8[index]
                let isUpper = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                if previousIsLower && isUpper { cuts.append(index) }
                previousIsLower = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            }
            return cuts
        }
        var previous: Character?
        for index in token.indices {
            let character = token[index]
            if let previous, previous.isLowercase, character.isUppercase { cuts.append(index) }
            previous = character
        }
        return cuts
    }

    /// Words that cameras, phones, messaging apps, stock sites and editing programs put in file names.
    private static let generic: Set<String> = [
        "img", "image", "images", "imag", "photo", "photos", "foto", "fotos", "bild", "bilder", "imagen", "imagem", "immagine",
        "pic", "pics", "picture", "pictures", "pict", "dsc", "dscn", "dscf", "sam", "pxl", "mvimg", "vid", "video", "movie",
        "screenshot", "screenshots", "screen", "shot", "capture", "scan", "scanned", "whatsapp", "wa", "signal", "telegram",
        "fb", "facebook", "instagram", "insta", "snapchat", "received", "sent", "edited", "edit", "copy", "kopie", "copia",
        "final", "untitled", "unnamed", "unknown", "new", "file", "download", "downloaded", "export", "exported", "large",
        "medium", "small", "thumb", "thumbnail", "original", "orig", "resized", "resize", "crop", "cropped", "scaled",
        "hdr", "pano", "burst", "cover", "live", "raw", "jpeg", "jpg", "png", "heic", "dng", "tiff", "webp", "dji", "gopro",
        "pexels", "unsplash", "pixabay", "shutterstock", "istock", "istockphoto", "getty", "gettyimages", "adobestock",
        "stock", "dreamstime", "depositphotos", "freepik", "wallpaper", "desktop", "mobile", "default", "temp", "tmp",
    ]

    /// Short words that join others but say nothing alone.
    private static let littleWords: Set<String> = [
        "a", "an", "the", "and", "or", "of", "at", "in", "on", "to", "by", "for", "from", "with", "am", "pm", "de", "la",
        "le", "el", "von", "und", "et", "y", "e", "i", "me", "my", "our", "is",
    ]
}
