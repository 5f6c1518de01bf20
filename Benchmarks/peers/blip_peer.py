"""Peer measurements for Glimpse's BLIP benchmark: the same checkpoint (full-size BLIP-base, random
weights), the same work and thread count as ../shared/peers/torch_peer.py and ort_peer.py time it:

- the vision pass at 384², batch 1 (`vision_model(pixel_values)`), in PyTorch + transformers and in
  ONNX Runtime on the graph PyTorch exports;
- captions of exactly 20 new tokens from pixels (`generate(max_new_tokens=20, min_new_tokens=20)`),
  greedy and with 3 beams, for one image, and greedy for 16 images in one batch, in PyTorch.

Prints one JSON object (milliseconds).

    python blip_peer.py MODEL_DIR [--threads 2] [--runs 3]
"""
import argparse, json, os, tempfile

import onnxruntime as ort
import torch
from transformers import BlipForConditionalGeneration

from timing import timed


class Vision(torch.nn.Module):
    def __init__(self, blip):
        super().__init__()
        self.blip = blip

    def forward(self, pixel_values):
        return self.blip.vision_model(pixel_values=pixel_values)[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    result = {"threads": args.threads, "runs": args.runs}

    blip = BlipForConditionalGeneration.from_pretrained(args.model_dir).eval()
    size = blip.config.vision_config.image_size
    one, sixteen = torch.randn(1, 3, size, size), torch.randn(16, 3, size, size)

    def caption(pixels, beams):
        tokens = blip.generate(pixel_values=pixels, max_new_tokens=20, min_new_tokens=20, num_beams=beams)
        assert tokens.shape[1] >= 20, tokens.shape

    with torch.inference_mode():
        result["torch_vision_b1_ms"] = timed(lambda: blip.vision_model(pixel_values=one), args.runs)[0]
        result["torch_greedy20_ms"] = timed(lambda: caption(one, 1), args.runs)[0]
        result["torch_beam3_20_ms"] = timed(lambda: caption(one, 3), args.runs)[0]
        result["torch_greedy20_b16_ms"] = timed(lambda: caption(sixteen, 1), max(1, args.runs // 3))[0]

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "blip_vision.onnx")
        torch.onnx.export(Vision(blip), (one,), path, input_names=["pixel_values"], output_names=["image_embeds"],
                          opset_version=17, dynamo=False)
        del blip
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        feed = {"pixel_values": one.numpy()}
        result["ort_vision_b1_ms"] = timed(lambda: session.run(None, feed), args.runs)[0]
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
