"""Peer measurements for Glimpse's encoder benchmark: the same 12-layer CLIP ViT-B/32 vision encoder,
same checkpoint, same input shape [1, 50, 768], same thread count, in PyTorch + transformers and in
ONNX Runtime running the graph PyTorch exports. Prints one JSON object (milliseconds, bytes).

    python encoder_peer.py MODEL_DIR [--threads 2] [--runs 20]
"""
import argparse, json, os, tempfile, time

import numpy as np
import onnxruntime as ort
import torch
from transformers import CLIPModel

from timing import timed


def rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = {"threads": args.threads}

    start = time.perf_counter()
    encoder = CLIPModel.from_pretrained(args.model_dir).vision_model.encoder.eval()
    result["torch_load_ms"] = (time.perf_counter() - start) * 1e3
    x = torch.randn(1, 50, 768)
    with torch.inference_mode():
        result["torch_run_median_ms"], result["torch_run_min_ms"] = timed(lambda: encoder(inputs_embeds=x), args.runs)

    # The whole image tower and projection at batch 1 and 8, in PyTorch and in ORT on PyTorch's export.
    clip = CLIPModel.from_pretrained(args.model_dir).eval()
    pixels = {batch: torch.randn(batch, 3, 224, 224) for batch in (1, 8)}
    ids = torch.randint(0, clip.config.text_config.vocab_size, (8, 16))
    with torch.inference_mode():
        for batch, tensor in pixels.items():
            result[f"torch_clip_image_b{batch}_ms"] = timed(lambda: clip.get_image_features(pixel_values=tensor), max(3, args.runs // 2))[0]
        result["torch_clip_text_b8_ms"] = timed(lambda: clip.get_text_features(input_ids=ids), max(3, args.runs // 2))[0]

    class ImageTower(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, pixel_values):
            return self.inner.get_image_features(pixel_values=pixel_values)

    class TextTower(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids):
            return self.inner.get_text_features(input_ids=input_ids)

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "clip_text.onnx")
        torch.onnx.export(TextTower(clip), (ids,), path, input_names=["ids"], output_names=["y"],
                          dynamic_axes={"ids": {0: "batch", 1: "tokens"}}, opset_version=17, dynamo=False)
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        feed = {"ids": ids.numpy()}
        result["ort_clip_text_b8_ms"] = timed(lambda: session.run(None, feed), max(3, args.runs // 2))[0]

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "clip_image.onnx")
        torch.onnx.export(ImageTower(clip), (pixels[1],), path, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}}, opset_version=17, dynamo=False)
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        for batch, tensor in pixels.items():
            feed = {"x": tensor.numpy()}
            result[f"ort_clip_image_b{batch}_ms"] = timed(lambda: session.run(None, feed), max(3, args.runs // 2))[0]
    del clip

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, hidden):
            return self.inner(inputs_embeds=hidden)[0]

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "encoder.onnx")
        torch.onnx.export(Encoder(encoder), (x,), path, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch", 1: "tokens"}}, opset_version=17, dynamo=False)
        del encoder
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        before = rss_bytes()
        start = time.perf_counter()
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        result["ort_session_creation_ms"] = (time.perf_counter() - start) * 1e3
        result["ort_session_resident_growth_bytes"] = rss_bytes() - before
        feed = {"x": x.numpy().astype(np.float32)}
        result["ort_run_median_ms"], result["ort_run_min_ms"] = timed(lambda: session.run(None, feed), args.runs)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
