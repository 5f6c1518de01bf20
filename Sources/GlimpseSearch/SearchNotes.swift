import GlimpseIndex
/// What a search response tells its reader beside the results.
public enum SearchNotes {
    /// The searcher has no CLIP model.
    public static let noCLIP = "No CLIP model: image similarity is not used and negation relies on the descriptions only."
    /// The searcher has no sentence model.
    public static let noSentenceModel = "No sentence model: description similarity (MiniLM) is not used."
    /// The vector rankers used the files of the last finished index run (`EmbeddingMatrix.predatesRunInProgress`).
    public static let runInProgress = "An index run is in progress: image and description similarity cover the images "
        + "of the last finished run; full text covers every image saved so far."
    /// `SimilarImageSearch` used the image embeddings of the last finished index run.
    public static let similarDuringRun = "An index run is in progress: the images it has saved since it started are not compared yet."

    public static func rated(atLeast stars: Int, images: Int) -> String {
        images == 0
            ? "No indexed photo is rated \(stars) star(s) or more (ratings come from the tags photo managers write: XMP in the file or a sidecar)."
            : "Searched the photos rated \(stars) star(s) or more: \(images) indexed image(s)."
    }

    public static func near(_ area: NearbyArea, images: Int) -> String {
        images == 0 ? "No indexed photo records a place within \(area) (the camera's GPS, or a place set in a photo manager)."
            : "Searched the photos taken within \(area): \(images) indexed image(s)."
    }

    public static func taken(at place: String, images: Int) -> String {
        images == 0 ? "No indexed photo was taken at \(place) among those searched."
            : "Searched the photos taken at \(place) (by the name of their place): \(images) indexed image(s)."
    }

    /// A query that only says when: the photos taken then are listed in the order taken (`Searcher.listing`).
    public static func listed(takenIn range: TakenRange, images: Int, newestFirst: Bool = false) -> String {
        images == 0 ? "No indexed photo records a date taken in \(range)."
            : "Nothing to look for but the date: the photos taken in \(range), \(newestFirst ? "newest first" : "in the order they were taken") "
                + "(\(images) indexed image(s))."
    }

    /// A query with nothing to look for and no dates: the images its filters leave are listed in the order taken.
    public static func listedInTakenOrder(images: Int, newestFirst: Bool = false) -> String {
        "Nothing to look for: the \(images) photo(s) these filters leave, \(newestFirst ? "newest first" : "in the order they were taken") "
            + "(those without a date last)."
    }

    /// `newestFirst` with a ranked query.
    public static let newestFirstOnlyListings = "Newest first orders only a listing (a query with nothing to look for); "
        + "these results are in the order of relevance."

    public static func taken(in range: TakenRange, images: Int) -> String {
        images == 0 ? "No indexed photo records a date taken in \(range)."
            : "Searched the photos taken in \(range): \(images) indexed image(s)."
    }

    /// The search covered only the photos taken with `cameras` (what `query` matched); with none matched,
    /// the note names the cameras the index knows (`known`, most photos first).
    public static func taken(with query: CameraQuery, cameras: [NamedCount], images: Int, known: [NamedCount]) -> String {
        guard !cameras.isEmpty else {
            guard !known.isEmpty else {
                return "No indexed photo records the camera that took it (EXIF's Make and Model, or XMP's), so none matches \"\(query)\"."
            }
            let shown = known.prefix(5).map(\.name).joined(separator: ", ")
            let more = known.count > 5 ? " and \(known.count - 5) more (`glimpse status` lists the commonest)" : ""
            return "No indexed photo was taken with a camera called \"\(query)\"; the index knows \(shown)\(more)."
        }
        let names = cameras.count == 1 ? cameras[0].name
            : cameras.dropLast().map(\.name).joined(separator: ", ") + " or " + cameras[cameras.count - 1].name
        return images == 0 ? "No photo taken with \(names) is among those searched."
            : "Searched the photos taken with \(names): \(images) indexed image(s)."
    }

    /// A query word that nothing in the index holds (`SearchableIndex.unknownWords(_:)`).
    public static func unknown(_ word: UnknownWord) -> String {
        "No description, tag or file name holds \"\(word.word)\"" + (word.suggestion.map { ": did you mean \"\($0)\"?" } ?? ".")
    }

    /// The search covered only the images under `folders` (`SearchOptions.folders`).
    public static func scoped(to folders: [String], images: Int) -> String {
        let places = folders.count == 1 ? folders[0] : folders.dropLast().joined(separator: ", ") + " and " + folders.last!
        return images == 0 ? "No image is indexed under \(places)." : "Searched within \(places): \(images) indexed image(s)."
    }
}

extension SearchResponse {
    /// Puts `loaderNotes` (which model is missing and how to get it) in place of the searcher's own notes
    /// on missing models, keeping its other notes.
    public mutating func replaceModelNotes(with loaderNotes: [String]) {
        guard !loaderNotes.isEmpty else { return }
        notes = loaderNotes + notes.filter { $0 != SearchNotes.noCLIP && $0 != SearchNotes.noSentenceModel }
    }
}
