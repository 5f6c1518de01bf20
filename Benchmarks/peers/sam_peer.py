"""Peer measurements for Glimpse's SAM benchmark: the same checkpoint (full-size ViT-B, random weights),
the same work, the same thread count, as ../shared/peers/torch_peer.py and ort_peer.py time it:

- image encoder at 1024² (`SamModel.get_image_embeddings`) in PyTorch + transformers, and in ONNX
  Runtime on the graph PyTorch exports;
- prompt encoder + mask decoder for 64 single-point prompts, multimask output, low-resolution masks
  (`SamModel(image_embeddings=…, input_points=[1, 64, 1, 2], input_labels=ones, multimask_output=True)`)
  in PyTorch, and in ONNX Runtime on PyTorch's export of that call when the export works.

Prints one JSON object (milliseconds).

    python sam_peer.py MODEL_DIR [--threads 2] [--runs 5] [--encoder-runs 2] [--skip-ort-encoder]
"""
import argparse, json, os, tempfile

import onnxruntime as ort
import torch
from transformers import SamModel

from timing import timed


def session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


class Encoder(torch.nn.Module):
    def __init__(self, sam):
        super().__init__()
        self.sam = sam

    def forward(self, pixel_values):
        return self.sam.get_image_embeddings(pixel_values)


class Decoder(torch.nn.Module):
    def __init__(self, sam):
        super().__init__()
        self.sam = sam

    def forward(self, image_embeddings, input_points, input_labels):
        out = self.sam(image_embeddings=image_embeddings, input_points=input_points, input_labels=input_labels,
                       multimask_output=True)
        return out.pred_masks, out.iou_scores


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--encoder-runs", type=int, default=2)
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--skip-ort-encoder", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    result = {"threads": args.threads, "prompts": args.prompts}

    sam = SamModel.from_pretrained(args.model_dir).eval()
    size = sam.config.vision_config.image_size
    pixels = torch.randn(1, 3, size, size)
    points = torch.rand(1, args.prompts, 1, 2) * size
    labels = torch.ones(1, args.prompts, 1, dtype=torch.long)
    with torch.inference_mode():
        result["torch_encoder_median_ms"], result["torch_encoder_min_ms"] = timed(
            lambda: sam.get_image_embeddings(pixels), args.encoder_runs)
        embedding = sam.get_image_embeddings(pixels)
        result["torch_decoder_median_ms"], result["torch_decoder_min_ms"] = timed(
            lambda: sam(image_embeddings=embedding, input_points=points, input_labels=labels, multimask_output=True), args.runs)

    with tempfile.TemporaryDirectory() as folder:
        try:
            path = os.path.join(folder, "sam_decoder.onnx")
            torch.onnx.export(Decoder(sam), (embedding, points, labels), path,
                              input_names=["image_embeddings", "input_points", "input_labels"],
                              output_names=["pred_masks", "iou_scores"], opset_version=17, dynamo=False)
            decoder = session(path, args.threads)
            feed = {"image_embeddings": embedding.numpy(), "input_points": points.numpy(), "input_labels": labels.numpy()}
            result["ort_decoder_median_ms"], result["ort_decoder_min_ms"] = timed(lambda: decoder.run(None, feed), args.runs)
            del decoder
        except Exception as error:  # the export is the peer's, not ours; report what happened
            result["ort_decoder_error"] = f"{type(error).__name__}: {str(error)[:200]}"
        if not args.skip_ort_encoder:
            path = os.path.join(folder, "sam_encoder.onnx")
            torch.onnx.export(Encoder(sam), (pixels,), path, input_names=["pixel_values"], output_names=["image_embeddings"],
                              opset_version=17, dynamo=False)
            del sam
            encoder = session(path, args.threads)
            feed = {"pixel_values": pixels.numpy()}
            result["ort_encoder_median_ms"], result["ort_encoder_min_ms"] = timed(lambda: encoder.run(None, feed), args.encoder_runs)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
