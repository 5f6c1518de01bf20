import Foundation

@testable import GlimpseText

/// A WordNet-format lexicon of a few words, written to a temporary folder, for parser and error tests.
enum TinyLexicon {
    static let files: [String: String] = [
        "index.noun": """
              1 This is a license line; header lines start with two spaces.  
            cutting_board n 1 1 @ 1 0 03025513  
            dog n 7 5 @ ~ #m #p %p 7 1 02084071 10114209 10023039 09886220 07676602 03907626 02710044  
            glass n 3 2 @ ~ 3 2 00000001 00000002 00000003  
            glasses n 1 1 @ 1 1 00000004  
            knife n 1 0 1 1 00000005  
            sitting n 1 0 1 0 00000006  

            """,
        "index.verb": """
            dog v 1 1 @ 1 1 02005948  
            lie v 2 0 2 2 00000010 00000011  
            sit v 1 0 1 1 00000012  

            """,
        "index.adj": "blue a 1 0 1 1 00000020  \nblue-collar a 2 1 & 2 2 00000021 00000022  \n",
        "index.adv": "quickly r 1 0 1 1 00000030  \n",
        "noun.exc": "knives knife\n",
        "verb.exc": "lay lie\nlying lie\n",
        "adj.exc": "bluer blue\n",
        "adv.exc": "",
    ]

    /// A fresh folder holding `files` with `changes` applied (nil: leave the file out), removed after `body`.
    static func withFolder(replacing changes: [String: String?] = [:], _ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-lexicon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var contents = files
        for (name, text) in changes { contents[name] = text }
        for (name, text) in contents {
            try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        }
        try body(dir)
    }
}

/// The system's WordNet (scripts/bootstrap installs the Debian package `wordnet-base`).
enum RealLexicon {
    static func lexicon() throws -> Lexicon { try Lexicon.standard() }
    static func extractor() throws -> KeywordExtractor { try KeywordExtractor.standard() }
}
