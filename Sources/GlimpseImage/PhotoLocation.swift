import Foundation

/// Where a photo was taken, as its EXIF GPS tags record it: degrees of latitude (north positive) and
/// longitude (east positive).
public struct PhotoLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var latitude: Double
    public var longitude: Double

    /// Nil for coordinates off the globe.
    public init?(latitude: Double, longitude: Double) {
        guard latitude.isFinite, longitude.isFinite, abs(latitude) <= 90, abs(longitude) <= 180 else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance to `other` in kilometres (haversine, on a sphere of the Earth's mean radius).
    public func kilometres(to other: PhotoLocation) -> Double {
        let radians = Double.pi / 180
        let dLatitude = (other.latitude - latitude) * radians, dLongitude = (other.longitude - longitude) * radians
        let a = sin(dLatitude / 2) * sin(dLatitude / 2)
            + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLongitude / 2) * sin(dLongitude / 2)
        return 2 * 6371.0088 * asin(min(1, a.squareRoot()))
    }

    /// `48.85660,2.35220`: five decimals, about a metre.
    public var description: String {
        String(format: "%.5f,%.5f", latitude, longitude)
    }

    /// The location in a JPEG, PNG, WebP, TIFF, HEIF/AVIF or camera raw file's EXIF block: GPSLatitude and
    /// GPSLongitude (tags 2 and 4 of the GPS IFD, degrees, minutes and seconds) with their references (1
    /// and 3: N or S, E or W); nil when absent, malformed, or 0° 0′ 0″ on both (what cameras without a fix
    /// write).
    public static func read(from bytes: UnsafeRawBufferPointer, format: ImageFormat) -> PhotoLocation? {
        if format == .heif || format == .avif {
            return ExifDateTaken.heifExif(bytes).flatMap { block in block.withUnsafeBytes { location(inTIFF: $0) } }
        }
        guard let tiff = ExifOrientation.tiffBlock(in: bytes, format: format) else { return nil }
        return location(inTIFF: UnsafeRawBufferPointer(rebasing: bytes[tiff]))
    }

    static func location(inTIFF block: UnsafeRawBufferPointer) -> PhotoLocation? {
        guard let tiff = TIFFBlock(block), let ifd0 = tiff.firstIFD,
              let gps = tiff.value(of: 0x8825, inIFDAt: ifd0).flatMap({ tiff.offset(of: $0) }),
              let latitude = degrees(tiff, gps, value: 2, reference: 1, negative: "S"),
              let longitude = degrees(tiff, gps, value: 4, reference: 3, negative: "W"),
              latitude != 0 || longitude != 0 else { return nil }
        return PhotoLocation(latitude: latitude, longitude: longitude)
    }

    /// Degrees from three RATIONALs (degrees, minutes, seconds), negative when the reference says so.
    private static func degrees(_ tiff: TIFFBlock, _ ifd: Int, value: Int, reference: Int, negative: String) -> Double? {
        guard let entry = tiff.value(of: value, inIFDAt: ifd), entry.type == 5, entry.count == 3,
              let start = tiff.u32(entry.field) else { return nil }
        var parts: [Double] = []
        for index in 0..<3 {
            guard let numerator = tiff.u32(start + index * 8), let denominator = tiff.u32(start + index * 8 + 4),
                  denominator != 0 else { return nil }
            parts.append(Double(numerator) / Double(denominator))
        }
        let magnitude = parts[0] + parts[1] / 60 + parts[2] / 3600
        let sign = tiff.value(of: reference, inIFDAt: ifd).flatMap { tiff.ascii($0) }?.uppercased() == negative ? -1.0 : 1.0
        return sign * magnitude
    }
}
