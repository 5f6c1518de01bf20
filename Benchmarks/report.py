"""Runs each Glimpse benchmark case in its own process, then the peer script, and prints a markdown
table with ratios. Called by Benchmarks/run, which prepares everything it needs."""
import argparse, json, os, platform, subprocess, sys

MIB = 1024 * 1024


def run_json(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--glimpse", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--minilm", help="all-MiniLM-L6-v2 folder for the sentence benchmark")
    parser.add_argument("--photo", help="a large JPEG for the image benchmark (made when missing)")
    parser.add_argument("--test-data", help="scripts/fetch-test-data's folder, for the tokenizer benchmark")
    parser.add_argument("--sam", help="a full-size SAM checkpoint folder (sam-vit-b) for the SAM benchmark")
    parser.add_argument("--only-sam", action="store_true", help="run only the SAM benchmark (needs --sam)")
    parser.add_argument("--blip", help="a full-size BLIP checkpoint folder (blip-base) for the BLIP benchmark")
    parser.add_argument("--only-blip", action="store_true", help="run only the BLIP benchmark (needs --blip)")
    args = parser.parse_args()

    if args.only_sam or args.only_blip:
        if args.only_blip:
            blip_report(args)
        if args.only_sam:
            sam_report(args)
        return

    cases = []
    for prepacking in ("on", "off"):
        for weights in ("lend", "external"):
            cases.append(run_json([args.glimpse, "encoder", args.model, "--prepacking", prepacking,
                                   "--weights", weights, "--threads", str(args.threads), "--runs", str(args.runs)]))
    peer = run_json([sys.executable, os.path.join(os.path.dirname(__file__), "peers", "encoder_peer.py"),
                     args.model, "--threads", str(args.threads), "--runs", str(args.runs)])

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"CLIP ViT-B/32 vision encoder (12 layers), input [1, 50, 768], {args.threads} threads, "
          f"median of {args.runs} runs; {cpu}, {os.cpu_count()} cores\n")
    print("| engine | weights | pre-packing | session creation ms | RSS after creation MiB (weights MiB) | run median ms | run min ms | ratio to ORT (PyTorch export) |")
    print("|---|---|---|---|---|---|---|---|")
    ort = peer["ort_run_median_ms"]
    for case in cases:
        growth = (case["residentAfterCreationBytes"] - case["residentBeforeBytes"]) / MIB
        print(f"| Glimpse | {case['weights']} | {'on' if case['prepacking'] else 'off'} | "
              f"{case['sessionCreationMilliseconds']:.0f} | +{growth:.0f} ({case['weightBytes'] / MIB:.0f}); "
              f"after a run +{(case['residentAfterRunBytes'] - case['residentBeforeBytes']) / MIB:.0f} | "
              f"{case['runMedianMilliseconds']:.1f} | {case['runMinimumMilliseconds']:.1f} | "
              f"{case['runMedianMilliseconds'] / ort:.2f} |")
    print(f"| ONNX Runtime, PyTorch's export | embedded | on | {peer['ort_session_creation_ms']:.0f} | "
          f"+{peer['ort_session_resident_growth_bytes'] / MIB:.0f} | {ort:.1f} | {peer['ort_run_min_ms']:.1f} | 1.00 |")
    print(f"| PyTorch + transformers | from_pretrained | — | {peer['torch_load_ms']:.0f} (load) | — | "
          f"{peer['torch_run_median_ms']:.1f} | {peer['torch_run_min_ms']:.1f} | {peer['torch_run_median_ms'] / ort:.2f} |")

    clip = run_json([args.glimpse, "clip", args.model, "--threads", str(args.threads), "--runs", "10"])
    print(f"\nCLIP ViT-B/32 image embeddings from preprocessed pixels (vision tower + projection), {args.threads} threads, median\n")
    print("| batch | Glimpse ms | ONNX Runtime, PyTorch's export ms | PyTorch + transformers ms | Glimpse / ORT | Glimpse / PyTorch | design target |")
    print("|---|---|---|---|---|---|---|")
    for batch, target in ((1, "≤ 30"), (8, "≤ 170")):
        ours, ort_ms, torch_ms = clip[f"batch{batch}Milliseconds"], peer[f"ort_clip_image_b{batch}_ms"], peer[f"torch_clip_image_b{batch}_ms"]
        print(f"| {batch} | {ours:.1f} | {ort_ms:.1f} | {torch_ms:.1f} | {ours / ort_ms:.2f} | {ours / torch_ms:.2f} | {target} |")
    ours, ort_ms, torch_ms = clip["textBatch8Milliseconds"], peer["ort_clip_text_b8_ms"], peer["torch_clip_text_b8_ms"]
    print(f"\nCLIP ViT-B/32 text embeddings, 8 queries of 16 tokens (text tower + projection), {args.threads} threads, median\n")
    print("| batch | Glimpse ms | ONNX Runtime, PyTorch's export ms | PyTorch + transformers ms | Glimpse / ORT | Glimpse / PyTorch | design target |")
    print("|---|---|---|---|---|---|---|")
    print(f"| 8 × 16 tokens | {ours:.1f} | {ort_ms:.1f} | {torch_ms:.1f} | {ours / ort_ms:.2f} | {ours / torch_ms:.2f} | ≤ 25 (0.41 × PyTorch) |")

    if args.minilm:
        ours = run_json([args.glimpse, "sentences", args.minilm, "--threads", str(args.threads), "--count", "1000"])
        peers = run_json([sys.executable, os.path.join(os.path.dirname(__file__), "peers", "sentence_peer.py"),
                          args.minilm, "--threads", str(args.threads), "--count", "1000"])
        print(f"\nall-MiniLM-L6-v2 sentence embeddings (tokenize, encode, mean-pool, normalise), 1,000 sentences of "
              f"{ours['tokensPerSentence']:.1f} tokens on average, batches of 64, {args.threads} threads\n")
        print("| engine | sentences per second | ratio to Glimpse |")
        print("|---|---|---|")
        glimpse = ours["sentencesPerSecond"]
        print(f"| Glimpse | {glimpse:.0f} | 1.00 |")
        print(f"| ONNX Runtime, PyTorch's export (+ fast tokenizer) | {peers['ort_sentences_per_second']:.0f} | "
              f"{peers['ort_sentences_per_second'] / glimpse:.2f} |")
        print(f"| PyTorch + transformers (+ fast tokenizer) | {peers['torch_sentences_per_second']:.0f} | "
              f"{peers['torch_sentences_per_second'] / glimpse:.2f} |")

    if args.photo:
        peer_script = os.path.join(os.path.dirname(__file__), "peers", "image_peer.py")
        if not os.path.exists(args.photo):
            subprocess.run([sys.executable, peer_script, "make", args.photo], check=True)
        ours = run_json(["taskset", "-c", "0", args.glimpse, "image", args.photo])
        pillow = run_json(["taskset", "-c", "0", sys.executable, peer_script, "run", args.photo])
        print(f"\nDecoding a {ours['megapixels']:.0f}-megapixel JPEG and CLIP preprocessing (to [1, 3, 224, 224]), one core, median of 7\n")
        print("| work | Glimpse ms | Pillow (+ transformers) ms | ratio Glimpse / Pillow |")
        print("|---|---|---|---|")
        print(f"| decode | {ours['decodeMilliseconds']:.0f} | {pillow['pillow_decode_ms']:.0f} | "
              f"{ours['decodeMilliseconds'] / pillow['pillow_decode_ms']:.2f} |")
        print(f"| decode + CLIP preprocessing, exact | {ours['decodeAndCLIPMilliseconds']:.0f} | "
              f"{pillow['pillow_clip_processor_ms']:.0f} | {ours['decodeAndCLIPMilliseconds'] / pillow['pillow_clip_processor_ms']:.2f} |")
        print(f"| decode + CLIP preprocessing, DCT-scaling fast path | {ours['decodeAndCLIPFastMilliseconds']:.0f} | — | "
              f"{ours['decodeAndCLIPFastMilliseconds'] / pillow['pillow_clip_processor_ms']:.2f} |")

    if args.test_data:
        clip_bpe, bert_vocab = os.path.join(args.test_data, "clip-bpe"), os.path.join(args.test_data, "bert-base-uncased", "vocab.txt")
        ours = run_json(["taskset", "-c", "0", args.glimpse, "tokenizers", clip_bpe, bert_vocab])
        peers = run_json(["taskset", "-c", "0", sys.executable, os.path.join(os.path.dirname(__file__), "peers", "tokenizer_peer.py"),
                          clip_bpe, bert_vocab])
        print(f"\nTokenizing short captions (about 10 words), one at a time, one core; {ours['captions']:,} captions\n")
        print("| tokenizer | Glimpse per second | HF tokenizers (Rust, fast) | transformers (Python, slow) | Glimpse / fast |")
        print("|---|---|---|---|---|")
        for name, key in (("CLIP BPE", "clip"), ("BERT WordPiece", "bert")):
            glimpse = ours[f"{key}PerSecond"]
            print(f"| {name} | {glimpse:,.0f} | {peers[f'{key}_fast_per_second']:,.0f} | {peers[f'{key}_slow_per_second']:,.0f} | "
                  f"{glimpse / peers[f'{key}_fast_per_second']:.1f} |")

    if args.blip:
        blip_report(args)
    if args.sam:
        sam_report(args)


def blip_report(args):
    """BLIP-base: the vision pass, and captions of exactly 20 new tokens from pixels (greedy, 3 beams, and
    16 images greedily in one batch), Glimpse and its peers in the same command."""
    ours = run_json([args.glimpse, "blip", args.blip, "--threads", str(args.threads), "--runs", "3"])
    peer = run_json([sys.executable, os.path.join(os.path.dirname(__file__), "peers", "blip_peer.py"), args.blip,
                     "--threads", str(args.threads), "--runs", "3"])
    print(f"\nBLIP-base (random weights), {args.threads} threads, median of 3 (16 images: of 1); captions are exactly "
          f"20 new tokens (max_new_tokens = min_new_tokens = 20) and include the vision pass\n")
    print("| work | Glimpse ms | ONNX Runtime, PyTorch's export ms | PyTorch + transformers ms | Glimpse / ORT | Glimpse / PyTorch | design target (ratio to PyTorch there) |")
    print("|---|---|---|---|---|---|---|")
    rows = (("vision pass, 384², batch 1", ours["visionBatch1Milliseconds"], peer["ort_vision_b1_ms"], peer["torch_vision_b1_ms"],
             "≤ 260 (0.37)"),
            ("caption, greedy, 20 tokens", ours["greedy20Milliseconds"], None, peer["torch_greedy20_ms"], "≤ 600 (0.39)"),
            ("caption, 3 beams, 20 tokens", ours["beam3Tokens20Milliseconds"], None, peer["torch_beam3_20_ms"], "≤ 1,000 (0.38)"),
            ("16 images, greedy, 20 tokens, one batch", ours["greedy20Batch16Milliseconds"], None, peer["torch_greedy20_b16_ms"],
             "≤ 5,000"))
    for name, glimpse, ort_ms, torch_ms, target in rows:
        ort_text = f"{ort_ms:,.0f}" if ort_ms else "—"
        ratio = f"{glimpse / ort_ms:.2f}" if ort_ms else "—"
        print(f"| {name} | {glimpse:,.0f} | {ort_text} | {torch_ms:,.0f} | {ratio} | {glimpse / torch_ms:.2f} | {target} |")
    print(f"\nSession creation {ours['sessionCreationMilliseconds']:,.0f} ms; resident memory after the runs "
          f"{ours['residentAfterRunsBytes'] / MIB:,.0f} MiB.")


def sam_report(args):
    """SAM ViT-B: image encoder at 1024² and the mask decoder for 64 point prompts (3 masks each, low
    resolution), Glimpse and its peers in the same command."""
    ours = run_json([args.glimpse, "sam", args.sam, "--threads", str(args.threads), "--runs", "10", "--encoder-runs", "3"])
    peer = run_json([sys.executable, os.path.join(os.path.dirname(__file__), "peers", "sam_peer.py"), args.sam,
                     "--threads", str(args.threads), "--runs", "5", "--encoder-runs", "2"])
    print(f"\nSAM ViT-B (random weights), {args.threads} threads; encoder: one [1, 3, 1024, 1024] input, median of "
          f"{ours['encoderRuns']} (Glimpse) / 2 (peers); decoder: 64 single-point prompts, 3 masks each, 256² logits, "
          f"median of {ours['decoderRuns']} (Glimpse) / 5 (peers)\n")
    print("| work | Glimpse ms | ONNX Runtime, PyTorch's export ms | PyTorch + transformers ms | Glimpse / ORT | Glimpse / PyTorch | design target |")
    print("|---|---|---|---|---|---|---|")
    rows = (("image encoder, 1024²", ours["encoderMedianMilliseconds"], peer.get("ort_encoder_median_ms"),
             peer["torch_encoder_median_ms"], "≤ 3,000"),
            ("mask decoder, 64 point prompts", ours["decoderMedianMilliseconds"], peer.get("ort_decoder_median_ms"),
             peer["torch_decoder_median_ms"], "≤ 150"))
    for name, glimpse, ort_ms, torch_ms, target in rows:
        ort_text = f"{ort_ms:,.0f}" if ort_ms else "—"
        ratio = f"{glimpse / ort_ms:.2f}" if ort_ms else "—"
        print(f"| {name} | {glimpse:,.0f} | {ort_text} | {torch_ms:,.0f} | {ratio} | {glimpse / torch_ms:.3f} | {target} |")
    print(f"\nAutomatic mask generation from the embedding (32 × 32 grid, 16 decoder runs, default filters): "
          f"{ours['generateFromEmbeddingMilliseconds']:,.0f} ms warm (the first run in fresh sessions "
          f"{ours['generateFromEmbeddingFirstMilliseconds']:,.0f} ms), {ours['generatedMasks']} masks kept; "
          f"session creation {ours['sessionCreationMilliseconds']:,.0f} ms.")
    if "ort_decoder_error" in peer:
        print(f"ONNX Runtime on PyTorch's decoder export: {peer['ort_decoder_error']}")


if __name__ == "__main__":
    main()
