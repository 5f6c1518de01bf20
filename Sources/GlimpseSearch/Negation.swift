import Foundation
import GlimpseDescribe
import GlimpseIndex

/// What to do with an image that shows a negated concept.
public enum NegationMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Multiply its score by `NegationOptions.softPenalty` (it moves down but stays).
    case soft
    /// Drop it from the results.
    case strict
    /// Ignore negative concepts (for evaluation).
    case off
}

/// Knobs of negation handling.
public struct NegationOptions: Sendable, Hashable, Codable {
    public var mode: NegationMode
    /// The factor a soft penalty multiplies the fused score by (0…1).
    public var softPenalty: Double
    /// Ask CLIP whether the concept is in the picture (zero-shot contrast).
    public var useCLIP: Bool
    /// CLIP's probability for "concept prompt" over "neutral prompt" at or above which the concept counts as present.
    public var clipThreshold: Float
    /// The prompt for the concept; `{}` stands for the concept ("a photo of a cartoon").
    public var clipConceptPrompt: String
    /// The neutral prompt it is contrasted with.
    public var clipNeutralPrompt: String

    public init(mode: NegationMode = .soft, softPenalty: Double = 0.2, useCLIP: Bool = true, clipThreshold: Float = 0.7,
                clipConceptPrompt: String = "a photo of {}", clipNeutralPrompt: String = "a photo") {
        self.mode = mode
        self.softPenalty = softPenalty
        self.useCLIP = useCLIP
        self.clipThreshold = clipThreshold
        self.clipConceptPrompt = clipConceptPrompt
        self.clipNeutralPrompt = clipNeutralPrompt
    }
}

/// Why an image was demoted or excluded.
public struct Penalty: Sendable, Hashable, Codable {
    public enum Evidence: Sendable, Hashable, Codable {
        /// The description's keywords or compounds contain these forms of the concept.
        case description(matched: [String])
        /// CLIP's probability that the concept is in the picture.
        case clip(probability: Float)
    }
    /// The negative concept, as understood.
    public var concept: String
    public var evidence: Evidence
    /// The factor applied to the score (0 when excluded).
    public var factor: Double
    public init(concept: String, evidence: Evidence, factor: Double) {
        self.concept = concept
        self.evidence = evidence
        self.factor = factor
    }
}

/// Decides whether an image shows a negated concept, from its description (lemma- and compound-aware,
/// with a few hypernym groups like people → man, woman, child) or from CLIP.
public struct NegationJudge: Sendable {
    public var options: NegationOptions

    public init(options: NegationOptions) {
        self.options = options
    }

    /// The description words that show `concept` in `document`, or empty when none does.
    ///
    /// A compound of the concept matches the same compound; otherwise every word of the concept
    /// (or a word of its group: `people` → `man`) must be among the description's keywords or compounds,
    /// or the words of its tags.
    public func descriptionEvidence(for concept: NegativeConcept, in document: SearchDocument) -> [String] {
        var vocabulary = Set(document.keywords.map { $0.lowercased() })
        let compounds = Set(document.compounds.map { $0.lowercased() })
        for compound in compounds { vocabulary.formUnion(compound.split(separator: "-").map(String.init)) }
        if vocabulary.isEmpty { vocabulary = Set(DocumentWords.words(in: document.text)) }
        // What people tagged counts too ("without Anna" leaves out the photos tagged with her), and the place.
        vocabulary.formUnion(DocumentWords.words(in: document.tagSearchText))
        let hits = concept.compounds.filter { compounds.contains($0) }
        if !hits.isEmpty { return hits }
        var matched: [String] = []
        for word in concept.words {
            let forms = ConceptGroups.forms(of: word)
            guard let form = forms.first(where: vocabulary.contains) else { return [] }
            matched.append(form)
        }
        return matched
    }

    /// CLIP's probability that each concept is in the picture whose embedding is `image`:
    /// softmax over (concept prompt, neutral prompt) with CLIP's logit scale.
    public static func clipProbability(image: UnsafeBufferPointer<Float>, concept: [Float], neutral: [Float], logitScale: Float) -> Float {
        var conceptDot: Float = 0
        var neutralDot: Float = 0
        for index in 0..<min(image.count, concept.count, neutral.count) {
            conceptDot += image[index] * concept[index]
            neutralDot += image[index] * neutral[index]
        }
        return 1 / (1 + exp(-logitScale * (conceptDot - neutralDot)))
    }

    /// The penalties for `document` given the concepts; `clipProbabilities[i]` is CLIP's probability
    /// for concept `i` (nil when CLIP was not asked or the image has no embedding).
    public func penalties(for concepts: [NegativeConcept], document: SearchDocument, clipProbabilities: [Float?]) -> [Penalty] {
        guard options.mode != .off else { return [] }
        let factor = options.mode == .strict ? 0 : options.softPenalty
        var penalties: [Penalty] = []
        for (position, concept) in concepts.enumerated() {
            let matched = descriptionEvidence(for: concept, in: document)
            if !matched.isEmpty {
                penalties.append(Penalty(concept: concept.text, evidence: .description(matched: matched), factor: factor))
            } else if options.useCLIP, position < clipProbabilities.count, let probability = clipProbabilities[position],
                      probability >= options.clipThreshold {
                penalties.append(Penalty(concept: concept.text, evidence: .clip(probability: probability), factor: factor))
            }
        }
        return penalties
    }
}

/// Small groups of words that stand for one negated concept: "without people" also means no man,
/// woman or child in the description. Keys and members are lemmas.
enum ConceptGroups {
    static let groups: [String: [String]] = [
        "people": ["people", "person", "man", "woman", "men", "women", "child", "children", "boy", "girl", "kid",
                   "crowd", "player", "lady", "guy", "baby", "family", "couple", "face"],
        "person": ["person", "people", "man", "woman", "child", "boy", "girl", "kid", "lady", "guy", "baby"],
        "human": ["human", "person", "people", "man", "woman", "child", "boy", "girl"],
        "text": ["text", "word", "writing", "letter", "sign", "caption", "logo", "title"],
        "writing": ["writing", "text", "word", "letter"],
        // "no cartoon" means the user wants photos: drawings and paintings go too.
        "cartoon": ["cartoon", "animated", "anime", "comic", "clipart", "animation", "drawing", "illustration", "painting",
                    "sketch", "doodle"],
        "drawing": ["drawing", "illustration", "sketch", "cartoon", "painting"],
        "vehicle": ["vehicle", "car", "truck", "bus", "motorcycle", "van", "bicycle", "bike", "train"],
        "car": ["car", "cars", "automobile"],
        "animal": ["animal", "dog", "cat", "bird", "horse", "cow", "sheep", "puppy", "kitten"],
        "night": ["night", "nighttime", "dark", "evening"],
        "water": ["water", "sea", "ocean", "lake", "river", "pool"],
        "snow": ["snow", "snowy"],
        "dog": ["dog", "puppy"],
        "cat": ["cat", "kitten"],
    ]

    /// The word and the members of its group, the word first.
    static func forms(of word: String) -> [String] {
        [word] + (groups[word] ?? []).filter { $0 != word }
    }
}

/// Lowercased words of a text, for matching when a document carries no keyword list.
enum DocumentWords {
    static func words(in text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}
