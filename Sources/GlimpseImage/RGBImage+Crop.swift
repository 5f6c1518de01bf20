extension RGBImage {
    /// The pixels inside `rect`, clipped to the image.
    /// - Throws: `ImageError.invalidArgument` when `rect` does not overlap the image.
    public func cropped(to rect: PixelRect) throws -> RGBImage {
        guard let inside = rect.intersection(PixelRect(x: 0, y: 0, width: width, height: height)) else {
            throw ImageError.invalidArgument("crop box \(rect) lies outside the \(width)×\(height) image")
        }
        if inside == PixelRect(x: 0, y: 0, width: width, height: height) { return self }
        var rgb = [UInt8](repeating: 0, count: inside.width * inside.height * 3)
        var cut = alpha.map { _ in [UInt8](repeating: 0, count: inside.width * inside.height) }
        for row in 0..<inside.height {
            let from = ((inside.y + row) * width + inside.x)
            rgb.replaceSubrange(row * inside.width * 3..<(row + 1) * inside.width * 3,
                                with: pixels[from * 3..<(from + inside.width) * 3])
            if let alpha {
                cut!.replaceSubrange(row * inside.width..<(row + 1) * inside.width,
                                     with: alpha[from..<from + inside.width])
            }
        }
        return RGBImage(unchecked: inside.width, inside.height, rgb, cut)
    }

    /// The box `rect` grown by `margin` (a fraction of the box's width and height on each side, e.g.
    /// 0.1 adds 10 % context left, right, top and bottom), clipped to the image, and cropped.
    /// Used for region captions: the box, not the masked pixels, with a little context.
    public func cropped(to rect: PixelRect, margin: Double) throws -> RGBImage {
        try cropped(to: rect.expanded(by: margin))
    }
}

extension PixelRect {
    /// The rectangle grown by `margin` × its size on every side (rounded to whole pixels, at least
    /// the original rectangle); not clipped.
    public func expanded(by margin: Double) -> PixelRect {
        guard margin > 0 else { return self }
        let dx = Int((Double(width) * margin).rounded()), dy = Int((Double(height) * margin).rounded())
        return PixelRect(x: x - dx, y: y - dy, width: width + 2 * dx, height: height + 2 * dy)
    }

    /// The smallest pixel rectangle covering the box with corners (`x0`, `y0`) and (`x1`, `y1`) in
    /// continuous image coordinates (as models predict them), e.g. SAM boxes in the original image.
    public init(covering x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        let left = Int(min(x0, x1).rounded(.down)), top = Int(min(y0, y1).rounded(.down))
        let right = Int(max(x0, x1).rounded(.up)), bottom = Int(max(y0, y1).rounded(.up))
        self.init(x: left, y: top, width: max(right - left, 1), height: max(bottom - top, 1))
    }
}
