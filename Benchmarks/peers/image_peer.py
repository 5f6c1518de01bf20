"""Peer for Glimpse's image benchmark: Pillow decoding a photo, and Pillow + transformers'
CLIPImageProcessor doing CLIP's preprocessing, on one core. Also writes the test photo when asked.

    python image_peer.py make PATH           # a 4000x3000 JPEG (quality 90) with smooth content and texture
    python image_peer.py run PATH [--runs 7]
"""
import argparse, json

import numpy as np
from PIL import Image

from timing import timed


def make(path):
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:3000, 0:4000].astype(np.float32)
    base = np.stack([128 + 100 * np.sin(x / 300), 128 + 100 * np.cos(y / 250), 128 + 80 * np.sin((x + y) / 400)], axis=-1)
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, quality=90)


def run(path, runs):
    import torch
    torch.set_num_threads(1)
    from transformers import CLIPImageProcessor
    processor = CLIPImageProcessor()

    def decode():
        with Image.open(path) as image:
            return image.convert("RGB")

    result = {
        "pillow_decode_ms": timed(decode, runs)[0],
        "pillow_clip_processor_ms": timed(lambda: processor(images=decode(), return_tensors="np"), runs)[0],
    }
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["make", "run"])
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    make(args.path) if args.command == "make" else run(args.path, args.runs)
