import GlimpseImage

/// Draws a description's regions over its picture, so a person can see what the text is about.
public enum RegionOverlay {
    /// `image` with the box of every region whose status is in `statuses` (the kept ones by default)
    /// outlined, `thickness` pixels wide, in a colour per region.
    public static func draw(_ description: Description, on image: RGBImage, statuses: Set<RegionStatus> = [.kept],
                            thickness: Int = 2) throws -> RGBImage {
        var pixels = image.pixels
        let palette: [(UInt8, UInt8, UInt8)] = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48),
                                                 (145, 30, 180), (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212)]
        var drawn = 0
        for region in description.regions where statuses.contains(region.status) {
            let color = palette[drawn % palette.count]
            drawn += 1
            let box = region.box
            let left = max(0, box.x), right = min(image.width, box.x + box.width)
            let top = max(0, box.y), bottom = min(image.height, box.y + box.height)
            guard left < right, top < bottom else { continue }
            for y in top..<bottom {
                for x in left..<right {
                    let onEdge = x < left + thickness || x >= right - thickness || y < top + thickness || y >= bottom - thickness
                    guard onEdge else { continue }
                    let i = (y * image.width + x) * 3
                    (pixels[i], pixels[i + 1], pixels[i + 2]) = color
                }
            }
        }
        return try RGBImage(width: image.width, height: image.height, pixels: pixels)
    }
}
