import ArgumentParser
import Foundation
import GlimpseIndex
import GlimpseSearch
import GlimpseText

/// `glimpse eval --queries FILE [--descriptions FILE]`: retrieval quality per ranker and fused.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure search quality: Recall@1/5/10, MRR and nDCG@10 per ranker and fused.",
        discussion: """
            --queries is a JSON Lines file, one query per line:
              {"query": "a dog on a sofa, but no cartoon", "relevant": {"img-0001.jpg": 2, "img-0007.jpg": 1}, "kind": "negation"}
            "relevant" maps image paths to grades (2 = exactly what was asked, 1 = partly; unlisted = not \
            relevant); "kind" is optional and groups the results. Blank lines and lines starting with # are skipped.

            With --descriptions FILE (the `glimpse import` format: {"path", "caption", "regions": [{"caption"}]}) \
            the descriptions are imported into a temporary in-memory index, with MiniLM embeddings when the \
            model is present; otherwise the index at --index is evaluated. Without pictures CLIP cannot be \
            evaluated on imported descriptions.
            """
    )

    @Option(help: ArgumentHelp("The queries with relevance judgements (JSON Lines).", valueName: "file"))
    var queries: String

    @Option(help: ArgumentHelp("Descriptions to evaluate over, in a temporary index (JSON Lines).", valueName: "file"))
    var descriptions: String?

    @Option(help: "Results per query (MRR and recall look this deep).")
    var depth = 100

    @Flag(help: "Print the rows as JSON instead of a Markdown table.")
    var json = false

    @OptionGroup var search: SearchModelOptions

    func run() async throws {
        let judged = try EvaluationData.lines(EvaluationQuery.self, from: URL(filePath: queries))
        var models = search.loadModels()
        // Each query runs in several configurations: embed its text once.
        models.sentences = models.sentences.map { CachingSentenceEncoder($0) }
        let keywords = models.keywords
        let store: SQLiteIndexStore
        if let descriptions {
            store = try SQLiteIndexStore.inMemory()
            let report = try store.importDescriptions(from: URL(filePath: descriptions),
                                                      options: ImportOptions(keywords: keywords, sentences: models.sentences))
            for line in report.malformed {
                FileHandle.standardError.write(Data("glimpse: \(descriptions):\(line.line): \(line.message)\n".utf8))
            }
            FileHandle.standardError.write(Data("Imported \(report.imported) descriptions (\(report.textEmbeddings) with sentence embeddings).\n".utf8))
        } else {
            store = try search.openIndex()
        }
        for note in models.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        // Imported descriptions have no pictures, hence no image embeddings: CLIP has nothing to rank.
        let searcher = Searcher(index: store, keywords: keywords, clip: descriptions == nil ? models.clip : nil,
                                sentences: models.sentences)
        let evaluator = Evaluator(searcher: searcher, queries: judged, depth: depth)
        let rows = evaluator.run(evaluator.standardConfigurations(fusion: search.fusionSetting))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else {
            print(Evaluator.table(rows))
        }
    }
}
