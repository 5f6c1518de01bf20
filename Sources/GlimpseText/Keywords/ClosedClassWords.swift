/// English function words, never keywords, grouped by what they tell the keyword tagger, and the few
/// open-class words that BLIP uses as filler. Written for caption and query text, lower case.
enum FunctionWord: Sendable, Equatable {
    /// Starts a noun phrase: the next word is not a verb (`a`, `the`, `his`, `several`).
    case determiner
    /// Before a verb (`is`, `are`, `can`, `to`): the next word is a verb or a predicate adjective.
    case auxiliary
    /// A preposition (`of`, `on`, `with`): a noun phrase follows.
    case preposition
    /// Anything else: conjunctions, pronouns, adverbs.
    case other

    /// The role of `word`, or nil for an open-class word.
    static func role(of word: String) -> FunctionWord? {
        if determiners.contains(word) { return .determiner }
        if auxiliaries.contains(word) { return .auxiliary }
        if prepositions.contains(word) { return .preposition }
        if others.contains(word) { return .other }
        return nil
    }

    static let determiners: Set<String> = [
        "a", "an", "the", "this", "these", "those", "his", "her", "its", "their", "my", "your", "our",
        "some", "any", "each", "every", "another", "either", "neither", "several", "many", "much", "few",
        "both", "all", "such", "no", "whose", "other", "more", "most", "less", "least", "various", "numerous",
        "lots", "plenty", "same",
    ]

    static let auxiliaries: Set<String> = [
        "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had",
        "having", "can", "could", "may", "might", "must", "shall", "should", "will", "would", "to", "isn",
        "aren", "wasn", "weren", "don", "doesn", "didn", "can't", "won", "wouldn", "couldn", "shouldn", "hasn",
        "haven", "get", "gets", "getting", "got", "seems", "seem", "appears", "appear",
    ]

    static let prepositions: Set<String> = [
        "about", "above", "across", "after", "against", "along", "alongside", "amid", "among", "amongst",
        "around", "as", "at", "atop", "before", "behind", "below", "beneath", "beside", "besides", "between",
        "beyond", "by", "despite", "down", "during", "except", "for", "from", "in", "inside", "into", "like",
        "near", "nearby", "of", "off", "on", "onto", "out", "outside", "over", "past", "per", "round",
        "through", "throughout", "toward", "towards", "under", "underneath", "unlike", "until", "up", "upon",
        "via", "with", "within", "without", "upside", "aboard", "ontop",
    ]

    static let others: Set<String> = [
        // conjunctions
        "and", "or", "but", "nor", "so", "yet", "because", "if", "while", "whereas", "although", "though",
        "than", "when", "where", "whether", "then", "also", "plus", "&",
        // pronouns
        "i", "me", "you", "he", "him", "she", "it", "we", "us", "they", "them", "myself", "yourself",
        "himself", "herself", "itself", "ourselves", "themselves", "someone", "somebody", "something",
        "anything", "nothing", "everything", "everyone", "everybody", "anyone", "nobody", "who", "whom",
        "that", "which", "what", "there", "here", "s", "t", "ll", "ve", "re", "d", "m",
        // adverbs and hedges that carry no content
        "not", "very", "really", "quite", "too", "just", "only", "even", "still", "almost", "again", "now",
        "how", "why", "maybe", "perhaps", "rather", "somewhat", "together", "away", "slightly", "extremely",
        "possibly", "probably", "seemingly", "apparently", "mostly", "partially", "partly", "fully", "ever",
        "never", "always", "often", "sometimes", "else", "instead", "etc", "others", "certain",
    ]

    /// Nouns that, before `of`, only count or frame what follows (`a couple of dogs`, `a group of
    /// people`, `a piece of cake`): dropped together with that `of`.
    static let quantityNouns: Set<String> = [
        "couple", "bunch", "lot", "lots", "pair", "group", "number", "variety", "piece", "kind", "sort",
        "type", "bit", "handful", "collection", "assortment", "few", "set", "series", "dozen",
    ]

    /// Nouns that frame a caption without telling what is in it, dropped in `a/an/the/this NOUN of`
    /// (`a picture of`, `an image of`, `a photo of`, `a close up of`). With a modifier (`a blurry
    /// photo of`, `a black and white photo of`) or anywhere else they are content words: "photo" says
    /// something about the image there; BLIP's bare `a photo of` does not (it says it of cartoons too).
    static let frameNouns: Set<String> = [
        "picture", "photo", "photograph", "image", "pic", "snapshot", "shot", "view", "closeup", "screenshot",
        "scene",
    ]

    /// Style and medium nouns. As the head of a noun+noun compound they need a style or medium word
    /// as modifier (`cartoon-illustration`, `pencil-drawing`), so a run-on caption's `couch cartoon
    /// dog` does not yield `couch-cartoon`.
    static let styleNouns: Set<String> = [
        "cartoon", "illustration", "drawing", "painting", "sketch", "photo", "photograph", "picture", "image",
        "art", "artwork", "poster", "render", "rendering", "anime", "clipart", "clip", "logo", "icon", "comic",
        "doodle", "print", "portrait", "watercolor", "watercolour", "pencil", "ink", "charcoal", "oil",
        "pixel", "vector", "digital", "graphic", "graffiti", "mosaic", "manga", "sticker",
        "emoji", "cgi", "3d", "photography", "screenshot", "collage", "silhouette", "caricature",
        "design", "pattern", "wallpaper", "crayon", "pastel", "acrylic", "woodcut", "engraving", "etching",
        "vintage", "retro", "polaroid", "film", "stock", "studio", "selfie", "snapshot", "cover", "album",
    ]

    /// Words in -ing that are nouns first (`a brick building`, `a watercolor painting`): read as verbs
    /// only before a determiner or pronoun (`a man painting a fence`).
    static let ingNouns: Set<String> = [
        "building", "buildings", "ceiling", "clothing", "wedding", "painting", "paintings", "drawing",
        "drawings", "rendering", "evening", "morning", "railing", "icing", "frosting", "topping", "toppings",
        "stuffing", "pudding", "dumpling", "dumplings", "sibling", "duckling", "seedling", "earring",
        "earrings", "engraving", "etching", "carving", "bedding", "awning", "siding", "housing", "seasoning",
        "wiring", "plumbing", "flooring", "paneling", "shavings",
    ]

    /// Spelled-out numbers; digit strings up to twenty are spelled out before lookup.
    static let numbers: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
        "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
        "thousand": 1000, "dozens": 12,
    ]

    static let spelledDigits: [String] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    ]

    /// BLIP's artefact words (`araffe`, `arafed`, `arafe`, `arrafed`, ...): tokens that start with
    /// `ar`, then `r`s, then `af`, at most ten letters (`arafat` is the only such WordNet lemma).
    static func isArtefact(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        guard bytes.count >= 4, bytes.count <= 10, bytes[0] == UInt8(ascii: "a"), bytes[1] == UInt8(ascii: "r")
        else { return false }
        var i = 2
        while i < bytes.count, bytes[i] == UInt8(ascii: "r") { i += 1 }
        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "a"), bytes[i + 1] == UInt8(ascii: "f") else { return false }
        return word != "arafat"
    }
}
