import GlimpseIndex

extension Searcher {
    /// The images a search may return under `options`' filters (folders, dates, stars, area, camera) and the
    /// place `query` named, nil for every image, with a note on each filter (how many images it leaves).
    /// With `listingDates`, the note on the dates says the photos are listed in the order taken.
    func scope(for query: ParsedQuery, options: SearchOptions, listingDates: Bool = false) throws -> (scope: SearchScope?, notes: [String]) {
        var scope: SearchScope?
        var notes: [String] = []
        if !options.folders.isEmpty {
            let found = try SearchScope.images(under: options.folders, in: index)
            scope = found.scope
            notes.append(SearchNotes.scoped(to: options.folders, images: found.count))
        }
        if let taken = options.taken ?? query.taken {
            let dated = try SearchScope.images(index.imageIDs(taken: taken), within: scope)
            scope = dated
            notes.append(listingDates ? SearchNotes.listed(takenIn: taken, images: dated.images.count, newestFirst: options.newestFirst)
                                      : SearchNotes.taken(in: taken, images: dated.images.count))
        }
        if let stars = options.minimumRating {
            scope = try SearchScope.images(index.imageIDs(ratedAtLeast: stars), within: scope)
            notes.append(SearchNotes.rated(atLeast: stars, images: scope?.images.count ?? 0))
        }
        if let area = options.near {
            scope = try SearchScope.images(index.imageIDs(takenWithin: area), within: scope)
            notes.append(SearchNotes.near(area, images: scope?.images.count ?? 0))
        }
        if let camera = options.camera {
            let found = try SearchScope.images(takenWith: camera, in: index, within: scope)
            scope = found.scope
            notes.append(found.note)
        }
        if let place = query.place {
            scope = try SearchScope.images(index.imageIDs(takenAt: place), within: scope)
            notes.append(SearchNotes.taken(at: place, images: scope?.images.count ?? 0))
        }
        return (scope, notes)
    }
}
