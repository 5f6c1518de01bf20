/// The version of Glimpse, reported by `glimpse --version` and recorded with index entries.
public enum GlimpseVersion {
    public static let current = "0.1.0"
}
