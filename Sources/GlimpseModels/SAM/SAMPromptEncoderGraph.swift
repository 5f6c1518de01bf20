import Foundation
import GlimpseRuntime

/// SAM's prompt encoder (`SamPromptEncoder` with the shared `SamPositionalEmbedding`) as graph fragments.
///
/// Boxes are passed as their two corners, labelled 2 (top-left) and 3 (bottom-right), after the points
/// of the same prompt: the embedding is then exactly transformers' `torch.cat([points, boxes], dim=2)`.
/// Labels: 1 foreground, 0 background, −1 "not a point" (the padding point transformers appends when a
/// prompt has no box), −10 an empty slot (a zero embedding, as the processor pads ragged point lists).
struct SAMPromptEncoderGraph {
    let configuration: SAMConfiguration

    /// Checkpoint names of the random Fourier frequencies; transformers ties the prompt encoder's copy
    /// to the shared one, and a checkpoint may store either.
    static let frequencyNames = ["shared_image_embedding.positional_embedding", "prompt_encoder.shared_embedding.positional_embedding"]

    private var hidden: Int { configuration.promptEncoderConfig.hiddenSize }

    /// Random Fourier features of coordinates normalised to `[0, 1]`: `[..., 2]` → `[..., hidden]`
    /// (`sin` of the first half, `cos` of the second, of `2π · (2c − 1) · frequencies`).
    func positionalEncoding(_ coordinates: GraphValue, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph
        let features = configuration.visionConfig.numPosFeats
        guard 2 * features == hidden else {
            throw ModelsError.invalidConfiguration(
                file: "config.json", field: "vision_config.num_pos_feats",
                reason: "2 × num_pos_feats (\(2 * features)) must equal the prompt encoder's hidden_size \(hidden)")
        }
        let name = Self.frequencyNames.first { weights.checkpoint.contains($0) } ?? Self.frequencyNames[0]
        let frequencies = try weights.float(name, shape: [2, features])
        let centred = graph.sub(graph.mul(coordinates, graph.scalar(2)), graph.scalar(1))
        let angles = graph.mul(graph.matMul(centred, frequencies), graph.scalar(Float(2 * Double.pi)))
        return graph.concat([graph.op("Sin", angles), graph.op("Cos", angles)], axis: -1)
    }

    /// The positional encoding of every cell of the image embedding grid, `[grid·grid, hidden]`, rows
    /// outermost (`SamModel.get_image_wide_positional_embeddings`, flattened and channels last).
    func imagePositionalEmbeddings(weights: CheckpointWeights) throws -> GraphValue {
        let size = configuration.promptEncoderConfig.imageEmbeddingSize
        var coordinates: [Float] = []
        coordinates.reserveCapacity(size * size * 2)
        for row in 0..<size {
            for column in 0..<size {
                coordinates.append((Float(column + 1) - 0.5) / Float(size))
                coordinates.append((Float(row + 1) - 0.5) / Float(size))
            }
        }
        return try positionalEncoding(weights.graph.constant(floats: coordinates, shape: [size * size, 2]), weights: weights)
    }

    /// Sparse prompt embeddings.
    ///
    /// - Parameters:
    ///   - points: `[batch, prompts, points, 2]` (x, y) in the model's input frame (`image_size` pixels).
    ///   - labels: `[batch, prompts, points]` int64.
    /// - Returns: `[batch, prompts, points, hidden]`.
    func sparseEmbeddings(points: GraphValue, labels: GraphValue, weights: CheckpointWeights) throws -> GraphValue {
        let graph = weights.graph
        let size = Float(configuration.promptEncoderConfig.imageSize)
        let normalised = graph.div(graph.add(points, graph.scalar(0.5)), graph.scalar(size))
        var embedding = try positionalEncoding(normalised, weights: weights)
        let label = graph.unsqueeze(labels, axes: [3])
        let equals = { (value: Int64) in graph.op("Equal", label, graph.constant([value], shape: [])) }
        let notAPoint = try weights.float("prompt_encoder.not_a_point_embed.weight", shape: [1, hidden])
        embedding = graph.op("Where", equals(-1), notAPoint, embedding)
        embedding = graph.op("Where", equals(-10), graph.scalar(0), embedding)
        for index in 0..<configuration.promptEncoderConfig.numPointEmbeddings {
            let learned = try weights.float("prompt_encoder.point_embed.\(index).weight", shape: [1, hidden])
            embedding = graph.add(embedding, graph.mul(graph.cast(equals(Int64(index)), to: .float), learned))
        }
        return embedding
    }

    /// The learned "no mask" dense embedding, `[1, hidden, 1, 1]` (added to every cell of the image embedding).
    func noMaskEmbedding(weights: CheckpointWeights) throws -> GraphValue {
        weights.graph.reshape(try weights.float("prompt_encoder.no_mask_embed.weight", shape: [1, hidden]), [1, Int64(hidden), 1, 1])
    }
}
