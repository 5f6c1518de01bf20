// GlimpseText: text processing for Glimpse.
//
// Tokenizers (Tokenizers/): `CLIPTokenizer` (byte-level BPE) and `BertTokenizer` (WordPiece, also
// BLIP's captioning tokenizer via `BertTokenizer.blip(vocabularyURL:)`), both conforming to
// `Tokenizer` and exact to Hugging Face transformers 4.46.3's slow tokenizers.
