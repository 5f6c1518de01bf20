import GlimpseIndex

/// Works out which parts of a query an image's description matched, and which region.
enum ExplanationBuilder {
    static func explain(query: ParsedQuery, document: SearchDocument, entry: FusedEntry, penalties: [Penalty],
                        fusedScore: Double) -> Explanation {
        let textWords = DocumentWords.words(in: document.text)
        var vocabulary = Set(document.keywords.map { $0.lowercased() })
        vocabulary.formUnion(textWords)
        let compounds = Set(document.compounds.map { $0.lowercased() })
        let joinedText = " " + textWords.joined(separator: " ") + " "

        var seen = Set<String>()
        let matchedTerms = (query.terms + query.surfaceWords).filter { vocabulary.contains($0) && seen.insert($0).inserted }
        let matchedCompounds = query.compounds.filter { compound in
            compounds.contains(compound) || joinedText.contains(" " + compound.replacingOccurrences(of: "-", with: " ") + " ")
        }
        let matchedPhrases = query.phrases.filter { joinedText.contains(" " + $0 + " ") }
        let matchedTags = tags(matching: query, in: document)
        var seenPlaces = Set<String>()
        let matchedPlace = matching(query, document.placeNames).filter { seenPlaces.insert($0.lowercased()).inserted }
        let matchedFolders = matching(query, document.folderNames)
        let matchedFileName = matching(query, [document.fileNameWords].compactMap { $0 }).first

        return Explanation(matchedTerms: matchedTerms, matchedCompounds: matchedCompounds, matchedPhrases: matchedPhrases,
                           matchedTags: matchedTags.isEmpty ? nil : matchedTags,
                           matchedPlace: matchedPlace.isEmpty ? nil : matchedPlace,
                           matchedFolders: matchedFolders.isEmpty ? nil : matchedFolders,
                           matchedFileName: matchedFileName,
                           region: region(query: query, document: document, clipRegion: entry.region),
                           rankers: entry.contributions.sorted { $0.ranker < $1.ranker }, penalties: penalties,
                           fusedScore: fusedScore)
    }

    /// The title, caption, keywords and names the image was tagged with that hold a word or phrase of the query.
    static func tags(matching query: ParsedQuery, in document: SearchDocument) -> [String] {
        guard let tags = document.tags else { return [] }
        return matching(query, [tags.title, tags.caption].compactMap { $0 } + tags.keywords + tags.people)
    }

    /// The entries that hold a word or phrase of the query.
    static func matching(_ query: ParsedQuery, _ entries: [String]) -> [String] {
        let wanted = Set(query.terms + query.surfaceWords)
        return entries.filter { entry in
            let words = DocumentWords.words(in: entry)
            let joined = " " + words.joined(separator: " ") + " "
            return words.contains(where: wanted.contains) || query.phrases.contains { joined.contains(" " + $0 + " ") }
        }
    }

    /// The region CLIP matched, else the region whose caption holds the most query terms (at least one).
    static func region(query: ParsedQuery, document: SearchDocument, clipRegion: Int?) -> RegionMatch? {
        if let index = clipRegion, document.regions.indices.contains(index) {
            let region = document.regions[index]
            return RegionMatch(index: index, caption: region.caption, box: region.box, source: .clip)
        }
        let wanted = Set(query.terms + query.surfaceWords + query.compounds.flatMap { $0.split(separator: "-").map(String.init) })
        var best: (index: Int, count: Int)?
        for (index, region) in document.regions.enumerated() {
            let count = Set(DocumentWords.words(in: region.caption)).intersection(wanted).count
            if count > 0, count > (best?.count ?? 0) { best = (index, count) }
        }
        guard let best else { return nil }
        let region = document.regions[best.index]
        return RegionMatch(index: best.index, caption: region.caption, box: region.box, source: .caption)
    }
}
