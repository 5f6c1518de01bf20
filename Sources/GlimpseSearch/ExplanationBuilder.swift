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

        return Explanation(matchedTerms: matchedTerms, matchedCompounds: matchedCompounds, matchedPhrases: matchedPhrases,
                           region: region(query: query, document: document, clipRegion: entry.region),
                           rankers: entry.contributions.sorted { $0.ranker < $1.ranker }, penalties: penalties,
                           fusedScore: fusedScore)
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
