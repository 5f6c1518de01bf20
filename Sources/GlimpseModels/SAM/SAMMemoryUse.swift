/// How SAM trades speed for working memory. Both give the same masks, their scores up to rounding; only the pieces
/// of work differ in size.
///
/// A cold `glimpse describe --low-memory` of a 12 MP photo with ViT-B peaked at 1.6–1.8 GB of the process's
/// own memory with SAM's fastest pieces and at 0.75 GB with ``low`` (BENCHMARKS.md, 2026-12-05).
public enum SAMMemoryUse: Sendable, Hashable {
    /// Global attention in 4 parts of query rows (a part's scores are 201 MB with ViT-B) and 32 prompts
    /// per run of the mask decoder's two-way transformer (each prompt carries a 4 MB copy of the image cells).
    case fastest
    /// Global attention in 16 parts and 8 prompts per run of the two-way transformer: the encoder about
    /// 5 % slower, mask generation about 10 %.
    case low

    /// The parts of query rows global attention is computed in, one part at a time.
    public var globalAttentionChunks: Int { self == .low ? 16 : 4 }

    /// The most prompts one run of the two-way transformer takes in mask generation. 64 at once made the
    /// first run of a process 0.3 to 1.4 s slower (fresh memory) for no faster later runs (BENCHMARKS.md,
    /// 2026-12-04).
    public var tokensRunSize: Int { self == .low ? 8 : 32 }
}
