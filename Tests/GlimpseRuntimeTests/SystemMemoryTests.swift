import Foundation
import Testing
import GlimpseRuntime

@Suite("System memory and the doctor's advice")
struct SystemMemoryTests {
    @Test("a cgroup's memory.max is a limit in bytes, or none")
    func cgroupLimit() {
        #expect(SystemMemory.cgroupLimit("4294967296\n") == 4_294_967_296)
        #expect(SystemMemory.cgroupLimit("max\n") == nil)
        #expect(SystemMemory.cgroupLimit("") == nil)
        #expect(SystemMemory.cgroupLimit("0") == nil)
        #expect(SystemMemory.cgroupLimit("9223372036854771712\n") == 9_223_372_036_854_771_712, "cgroup v1's no limit, larger than any memory")
        #expect(SystemMemory.totalBytes > 0)
        #expect(SystemMemory.totalBytes <= Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }

    @Test("plenty of memory passes; less than 5 GB is a warning that suggests --low-memory, never a failure")
    func advice() {
        let roomy = HealthCheck.memory(totalBytes: 16 << 30)
        #expect(roomy.status == .ok && roomy.fix.isEmpty)
        #expect(roomy.detail.hasPrefix("17.2 GB: ") && roomy.detail.contains("--low-memory"), "\(roomy.detail)")
        for total in [4 << 30, 2 << 30, (5 << 30) - 1] {
            let tight = HealthCheck.memory(totalBytes: total)
            #expect(tight.status == .warning && tight.fix.contains("--low-memory"), "\(tight)")
        }
        #expect(HealthCheck.memory(totalBytes: 5 << 30).status == .ok)
    }
}
