/// The C functions of ONNX Runtime's `OrtApi` table that Glimpse calls, resolved once by slot number.
///
/// Slots and signatures come from the public C API (see `shared/reference/onnxruntime-c-api-slots.md`).
/// Opaque ORT handles are `OpaquePointer`; C enums are `Int32`; `size_t` is `Int`.
/// Every function that returns an `OrtStatus*` returns `nil` on success.
struct ORTFunctions: @unchecked Sendable {
    typealias Status = OpaquePointer?
    typealias Out = UnsafeMutablePointer<OpaquePointer?>
    typealias CString = UnsafePointer<CChar>

    // Status
    let getErrorCode: @convention(c) (OpaquePointer) -> Int32
    let getErrorMessage: @convention(c) (OpaquePointer) -> CString?
    let releaseStatus: @convention(c) (OpaquePointer?) -> Void

    // Environment
    let createEnv: @convention(c) (Int32, CString, Out) -> Status
    let releaseEnv: @convention(c) (OpaquePointer?) -> Void
    let createAndRegisterAllocator: @convention(c) (OpaquePointer, OpaquePointer, OpaquePointer) -> Status
    let createArenaCfg: @convention(c) (Int, Int32, Int32, Int32, Out) -> Status
    let releaseArenaCfg: @convention(c) (OpaquePointer?) -> Void

    // Session options
    let createSessionOptions: @convention(c) (Out) -> Status
    let releaseSessionOptions: @convention(c) (OpaquePointer?) -> Void
    let setSessionExecutionMode: @convention(c) (OpaquePointer, Int32) -> Status
    let enableMemPattern: @convention(c) (OpaquePointer) -> Status
    let disableMemPattern: @convention(c) (OpaquePointer) -> Status
    let enableCpuMemArena: @convention(c) (OpaquePointer) -> Status
    let disableCpuMemArena: @convention(c) (OpaquePointer) -> Status
    let setSessionLogSeverityLevel: @convention(c) (OpaquePointer, Int32) -> Status
    let setSessionGraphOptimizationLevel: @convention(c) (OpaquePointer, Int32) -> Status
    let setIntraOpNumThreads: @convention(c) (OpaquePointer, Int32) -> Status
    let setInterOpNumThreads: @convention(c) (OpaquePointer, Int32) -> Status
    let setOptimizedModelFilePath: @convention(c) (OpaquePointer, CString) -> Status
    let addSessionConfigEntry: @convention(c) (OpaquePointer, CString, CString) -> Status
    let addFreeDimensionOverrideByName: @convention(c) (OpaquePointer, CString, Int64) -> Status
    let addInitializer: @convention(c) (OpaquePointer, CString, OpaquePointer) -> Status

    // Sessions
    let createSession: @convention(c) (OpaquePointer, CString, OpaquePointer, Out) -> Status
    let createSessionFromArray: @convention(c) (OpaquePointer, UnsafeRawPointer, Int, OpaquePointer, Out) -> Status
    let releaseSession: @convention(c) (OpaquePointer?) -> Void
    let run: @convention(c) (
        OpaquePointer, OpaquePointer?,
        UnsafePointer<CString?>, UnsafePointer<OpaquePointer?>, Int,
        UnsafePointer<CString?>, Int, UnsafeMutablePointer<OpaquePointer?>
    ) -> Status
    let sessionGetInputCount: @convention(c) (OpaquePointer, UnsafeMutablePointer<Int>) -> Status
    let sessionGetOutputCount: @convention(c) (OpaquePointer, UnsafeMutablePointer<Int>) -> Status
    let sessionGetInputTypeInfo: @convention(c) (OpaquePointer, Int, Out) -> Status
    let sessionGetOutputTypeInfo: @convention(c) (OpaquePointer, Int, Out) -> Status
    let sessionGetInputName: @convention(c) (OpaquePointer, Int, OpaquePointer, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Status
    let sessionGetOutputName: @convention(c) (OpaquePointer, Int, OpaquePointer, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Status

    // Values and type information
    let createTensorAsOrtValue: @convention(c) (OpaquePointer, UnsafePointer<Int64>?, Int, Int32, Out) -> Status
    let createTensorWithDataAsOrtValue: @convention(c) (OpaquePointer, UnsafeMutableRawPointer?, Int, UnsafePointer<Int64>?, Int, Int32, Out) -> Status
    let getTensorMutableData: @convention(c) (OpaquePointer, UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Status
    let releaseValue: @convention(c) (OpaquePointer?) -> Void
    let castTypeInfoToTensorInfo: @convention(c) (OpaquePointer, Out) -> Status
    let getOnnxTypeFromTypeInfo: @convention(c) (OpaquePointer, UnsafeMutablePointer<Int32>) -> Status
    let releaseTypeInfo: @convention(c) (OpaquePointer?) -> Void
    let getTensorElementType: @convention(c) (OpaquePointer, UnsafeMutablePointer<Int32>) -> Status
    let getDimensionsCount: @convention(c) (OpaquePointer, UnsafeMutablePointer<Int>) -> Status
    let getDimensions: @convention(c) (OpaquePointer, UnsafeMutablePointer<Int64>?, Int) -> Status
    let getSymbolicDimensions: @convention(c) (OpaquePointer, UnsafeMutablePointer<CString?>?, Int) -> Status
    let getTensorTypeAndShape: @convention(c) (OpaquePointer, Out) -> Status
    let releaseTensorTypeAndShapeInfo: @convention(c) (OpaquePointer?) -> Void

    // Memory
    let createCpuMemoryInfo: @convention(c) (Int32, Int32, Out) -> Status
    let releaseMemoryInfo: @convention(c) (OpaquePointer?) -> Void
    let getAllocatorWithDefaultOptions: @convention(c) (Out) -> Status
    let allocatorFree: @convention(c) (OpaquePointer, UnsafeMutableRawPointer?) -> Status

    /// The highest slot used above; the table must be at least this long (API version 16 has it).
    static let requiredAPIVersion: UInt32 = 16

    init(table: UnsafePointer<UnsafeRawPointer?>) {
        func slot<F>(_ index: Int, _: F.Type = F.self) -> F {
            guard let pointer = table[index] else {
                preconditionFailure("ONNX Runtime API table has no function in slot \(index)")
            }
            return unsafeBitCast(pointer, to: F.self)
        }
        getErrorCode = slot(1)
        getErrorMessage = slot(2)
        createEnv = slot(3)
        createSession = slot(7)
        createSessionFromArray = slot(8)
        run = slot(9)
        createSessionOptions = slot(10)
        setOptimizedModelFilePath = slot(11)
        setSessionExecutionMode = slot(13)
        enableMemPattern = slot(16)
        disableMemPattern = slot(17)
        enableCpuMemArena = slot(18)
        disableCpuMemArena = slot(19)
        setSessionLogSeverityLevel = slot(22)
        setSessionGraphOptimizationLevel = slot(23)
        setIntraOpNumThreads = slot(24)
        setInterOpNumThreads = slot(25)
        sessionGetInputCount = slot(30)
        sessionGetOutputCount = slot(31)
        sessionGetInputTypeInfo = slot(33)
        sessionGetOutputTypeInfo = slot(34)
        sessionGetInputName = slot(36)
        sessionGetOutputName = slot(37)
        createTensorAsOrtValue = slot(48)
        createTensorWithDataAsOrtValue = slot(49)
        getTensorMutableData = slot(51)
        castTypeInfoToTensorInfo = slot(55)
        getOnnxTypeFromTypeInfo = slot(56)
        getTensorElementType = slot(60)
        getDimensionsCount = slot(61)
        getDimensions = slot(62)
        getSymbolicDimensions = slot(63)
        getTensorTypeAndShape = slot(65)
        createCpuMemoryInfo = slot(69)
        allocatorFree = slot(76)
        getAllocatorWithDefaultOptions = slot(78)
        releaseEnv = slot(92)
        releaseStatus = slot(93)
        releaseMemoryInfo = slot(94)
        releaseSession = slot(95)
        releaseValue = slot(96)
        releaseTypeInfo = slot(98)
        releaseTensorTypeAndShapeInfo = slot(99)
        releaseSessionOptions = slot(100)
        addFreeDimensionOverrideByName = slot(124)
        addSessionConfigEntry = slot(130)
        createAndRegisterAllocator = slot(144)
        addInitializer = slot(150)
        createArenaCfg = slot(156)
        releaseArenaCfg = slot(157)
    }

    /// Turns an `OrtStatus*` into a thrown `RuntimeError`, releasing the status.
    func check(_ status: Status, _ operation: @autoclosure () -> String) throws {
        guard let status else { return }
        let code = getErrorCode(status)
        let message = getErrorMessage(status).map { String(cString: $0) } ?? "no message"
        releaseStatus(status)
        throw RuntimeError.onnxRuntime(operation: operation(), code: code, message: message)
    }
}
