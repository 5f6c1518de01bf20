import GlimpseImage

extension PreprocessorConfiguration {
    /// The image processor's steps as GlimpseImage runs them: resize → centre crop → rescale → normalise → pad.
    public func imagePreprocessing() throws -> ImagePreprocessing {
        func invalid(_ field: String, _ reason: String) -> ModelsError {
            ModelsError.invalidConfiguration(file: "preprocessor_config.json", field: field, reason: reason)
        }
        func pixelSize(_ spec: ImageSizeSpec?, _ field: String) throws -> PixelSize? {
            guard let spec else { return nil }
            let values = spec.dictionary
            guard let height = values["height"], let width = values["width"] else {
                throw invalid(field, "\(values) has no height and width")
            }
            return PixelSize(width: width, height: height)
        }
        var resize = ImagePreprocessing.Resize.none
        if doResize {
            guard let size = ImagePreprocessing.Resize(huggingFaceSize: size.dictionary) else {
                throw invalid("size", "\(size.dictionary) is not a size Glimpse can resize to")
            }
            resize = size
        }
        guard let filter = ResamplingFilter(rawValue: resample.rawValue) else {
            throw invalid("resample", "filter \(resample.rawValue) is not supported for resizing")
        }
        let preprocessing = ImagePreprocessing(
            resize: resize, resample: filter,
            centerCrop: doCenterCrop ? try pixelSize(cropSize, "crop_size") : nil,
            rescaleFactor: doRescale ? rescaleFactor : nil,
            mean: doNormalize ? imageMean.map { Float($0) } : nil,
            std: doNormalize ? imageStd.map { Float($0) } : nil,
            padTo: doPad ? try pixelSize(padSize, "pad_size") : nil)
        try preprocessing.validate()
        return preprocessing
    }
}
