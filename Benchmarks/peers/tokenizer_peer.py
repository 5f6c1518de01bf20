"""Peer for Glimpse's tokenizer benchmark: Hugging Face tokenizers (Rust "fast") and transformers'
Python ("slow") tokenizers encoding the same short captions one at a time, on one thread.

    TOKENIZERS_PARALLELISM=false python tokenizer_peer.py CLIP_BPE_DIR BERT_VOCAB_TXT [--count 20000]
"""
import argparse, json, os, time

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
from transformers import BertTokenizer, BertTokenizerFast, CLIPTokenizer, CLIPTokenizerFast

SUBJECTS = ["a black cat", "two small dogs", "an old man", "a red bicycle", "a wooden boat", "three children"]
VERBS = ["sitting on", "running across", "leaning against", "lying next to", "looking at"]
PLACES = ["a sunny beach near the sea", "a crowded street at night", "a green field with flowers",
          "the kitchen table in the morning", "a snowy mountain road"]


def rate(encode, captions):
    for caption in captions[:500]:
        encode(caption)
    start = time.perf_counter()
    for caption in captions:
        encode(caption)
    return len(captions) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("clip_dir")
    parser.add_argument("bert_vocab")
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()
    captions = [f"{SUBJECTS[i % 6]} {VERBS[(i // 6) % 5]} {PLACES[(i // 30) % 5]}" for i in range(args.count)]
    vocab, merges = os.path.join(args.clip_dir, "vocab.json"), os.path.join(args.clip_dir, "merges.txt")
    result = {
        "clip_fast_per_second": rate(CLIPTokenizerFast(vocab, merges).encode, captions),
        "bert_fast_per_second": rate(BertTokenizerFast(args.bert_vocab).encode, captions),
        "clip_slow_per_second": rate(CLIPTokenizer(vocab, merges).encode, captions[: args.count // 10]),
        "bert_slow_per_second": rate(BertTokenizer(args.bert_vocab).encode, captions[: args.count // 10]),
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
