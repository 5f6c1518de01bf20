import GlimpseRuntime

/// A point prompt in the model's input frame (the resized, padded `image_size` image, 1024² for the
/// released checkpoints), as transformers' `input_points` after `SamProcessor`.
public struct SAMPoint: Sendable, Hashable {
    public var x: Float
    public var y: Float
    /// `true` for a foreground point (label 1), `false` for background (label 0).
    public var isForeground: Bool

    public init(x: Float, y: Float, isForeground: Bool = true) {
        self.x = x
        self.y = y
        self.isForeground = isForeground
    }
}

/// A box prompt `(x0, y0)`–`(x1, y1)` in the model's input frame.
public struct SAMBox: Sendable, Hashable {
    public var x0: Float, y0: Float, x1: Float, y1: Float

    public init(x0: Float, y0: Float, x1: Float, y1: Float) {
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }
}

/// One prompt: points, a box, or both; each prompt gets its own masks.
public struct SAMPrompt: Sendable, Hashable {
    public var points: [SAMPoint]
    public var box: SAMBox?

    public init(points: [SAMPoint] = [], box: SAMBox? = nil) {
        self.points = points
        self.box = box
    }
}

/// Labels of the decoder graph's `input_labels`.
enum SAMPointLabel {
    static let background: Int64 = 0
    static let foreground: Int64 = 1
    static let boxTopLeft: Int64 = 2
    static let boxBottomRight: Int64 = 3
    /// The padding point transformers appends to prompts without a box.
    static let notAPoint: Int64 = -1
    /// An empty slot of a shorter point list (zero embedding), as `SamProcessor` pads.
    static let empty: Int64 = -10
}

extension SAMPrompt {
    /// Packs prompts for one image into the decoder graph's `input_points` `[1, prompts, slots, 2]` and
    /// `input_labels` `[1, prompts, slots]`, as transformers builds them:
    ///
    /// - point lists shorter than the longest are padded with empty slots (label −10);
    /// - without boxes, a "not a point" (label −1) is appended (`_embed_points(pad=True)`);
    /// - a box becomes its two corners, labelled 2 and 3, after the points.
    ///
    /// All prompts of one call must either all have a box or none (transformers' shapes allow no mix).
    static func tensors(for prompts: [SAMPrompt]) throws -> (points: Tensor, labels: Tensor) {
        guard !prompts.isEmpty else { throw SAMError.noPrompts }
        let boxed = prompts.filter { $0.box != nil }.count
        guard boxed == 0 || boxed == prompts.count else { throw SAMError.mixedBoxPrompts(withBox: boxed, total: prompts.count) }
        guard boxed > 0 || prompts.allSatisfy({ !$0.points.isEmpty }) else { throw SAMError.emptyPrompt }
        let longest = prompts.map(\.points.count).max() ?? 0
        let slots = longest + (boxed > 0 ? 2 : 1)
        var coordinates: [Float] = [], labels: [Int64] = []
        coordinates.reserveCapacity(prompts.count * slots * 2)
        for prompt in prompts {
            for point in prompt.points {
                coordinates += [point.x, point.y]
                labels.append(point.isForeground ? SAMPointLabel.foreground : SAMPointLabel.background)
            }
            for _ in prompt.points.count..<longest {
                coordinates += [0, 0]
                labels.append(SAMPointLabel.empty)
            }
            if let box = prompt.box {
                coordinates += [box.x0, box.y0, box.x1, box.y1]
                labels += [SAMPointLabel.boxTopLeft, SAMPointLabel.boxBottomRight]
            } else {
                coordinates += [0, 0]
                labels.append(SAMPointLabel.notAPoint)
            }
        }
        return (try Tensor(shape: [1, prompts.count, slots, 2], floats: coordinates),
                try Tensor(shape: [1, prompts.count, slots], int64s: labels))
    }

    /// Combines transformers-style tensors into the decoder graph's inputs (boxes as labelled corners).
    ///
    /// - Parameters:
    ///   - points: `input_points` `[batch, prompts, points, 2]`, or `nil`.
    ///   - labels: `input_labels` `[batch, prompts, points]`, or `nil` (all foreground).
    ///   - boxes: `input_boxes` `[batch, prompts, 4]`, or `nil`.
    /// - Returns: `input_points` `[batch, prompts, slots, 2]` and `input_labels` `[batch, prompts, slots]`.
    public static func decoderInputs(points: Tensor?, labels: Tensor?, boxes: Tensor?) throws -> (points: Tensor, labels: Tensor) {
        guard points != nil || boxes != nil else { throw SAMError.noPrompts }
        let shape = points.map { Array($0.shape.prefix(2)) } ?? Array(boxes!.shape.prefix(2))
        let (batch, count) = (shape[0], shape[1])
        let perPrompt = points?.shape[2] ?? 0
        if let points, points.shape.count != 4 || points.shape[3] != 2 { throw SAMError.badTensor("input_points", points.shape) }
        if let boxes, boxes.shape != [batch, count, 4] { throw SAMError.badTensor("input_boxes", boxes.shape) }
        let pointValues = try points?.floats() ?? []
        let labelValues = try labels?.int64s() ?? [Int64](repeating: SAMPointLabel.foreground, count: batch * count * perPrompt)
        guard labelValues.count == batch * count * perPrompt else { throw SAMError.badTensor("input_labels", labels?.shape ?? []) }
        let boxValues = try boxes?.floats() ?? []
        let slots = perPrompt + (boxes == nil ? 1 : 2)
        var coordinates: [Float] = [], combined: [Int64] = []
        for row in 0..<(batch * count) {
            coordinates += pointValues[(row * perPrompt * 2)..<((row + 1) * perPrompt * 2)]
            combined += labelValues[(row * perPrompt)..<((row + 1) * perPrompt)]
            if boxes == nil {
                coordinates += [0, 0]
                combined.append(SAMPointLabel.notAPoint)
            } else {
                coordinates += boxValues[(row * 4)..<(row * 4 + 4)]
                combined += [SAMPointLabel.boxTopLeft, SAMPointLabel.boxBottomRight]
            }
        }
        return (try Tensor(shape: [batch, count, slots, 2], floats: coordinates),
                try Tensor(shape: [batch, count, slots], int64s: combined))
    }
}
