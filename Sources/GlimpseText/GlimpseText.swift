// GlimpseText: text processing for Glimpse.
//
// Tokenizers (Tokenizers/): `CLIPTokenizer` (byte-level BPE) and `BertTokenizer` (WordPiece, also
// BLIP's captioning tokenizer via `BertTokenizer.blip(vocabularyURL:)`), both conforming to
// `Tokenizer` and exact to Hugging Face transformers 4.46.3's slow tokenizers.
//
// Keywords (Keywords/): `Lexicon` reads WordNet 3.0's index and exception files (Debian package
// `wordnet-base`, installed by scripts/bootstrap) for parts of speech and sense counts; `Lemmatizer`
// finds base forms in the manner of WordNet's morphy; `KeywordExtractor` (a `KeywordExtracting`)
// turns captions, descriptions and queries alike into `Keywords`: lemmatised content words and
// compound keywords (`cartoon-dog`, `cutting-board`, `two-cats`), skipping BLIP's filler
// ("a close up of", "there is", "araffe").
