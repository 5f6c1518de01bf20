import Testing
@testable import GlimpseRuntime

@Suite("Huge pages for the models' memory")
struct HugePageMemoryTests {
    private let madvise = "always [madvise] never\n"

    @Test("a process not started with glibc's tunable restarts, unless told not to or the kernel has none")
    func states() {
        #expect(HugePageMemory.state(environment: [:], kernelSetting: madvise) == .notYet)
        #expect(HugePageMemory.state(environment: [:], kernelSetting: "[always] madvise never") == .notYet)
        #expect(HugePageMemory.state(environment: ["GLIMPSE_HUGE_PAGES": "0"], kernelSetting: madvise) == .turnedOff(by: "GLIMPSE_HUGE_PAGES=0"))
        #expect(HugePageMemory.state(environment: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"], kernelSetting: madvise)
            == .turnedOff(by: "GLIBC_TUNABLES=glibc.malloc.hugetlb=0"))
        #expect(HugePageMemory.state(environment: ["GLIMPSE_HUGE_PAGES": "1"], kernelSetting: madvise) == .notYet)
        #expect(HugePageMemory.state(environment: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"], kernelSetting: madvise)
            == .on(tunables: "glibc.malloc.hugetlb=1"))
        // The user's own choice of the tunable (2: hugetlbfs pages) is kept, and no restart loops.
        #expect(HugePageMemory.state(environment: ["GLIBC_TUNABLES": "glibc.malloc.check=3:glibc.malloc.hugetlb=2"], kernelSetting: nil)
            == .on(tunables: "glibc.malloc.check=3:glibc.malloc.hugetlb=2"))
        guard case .unavailable(let reason) = HugePageMemory.state(environment: [:], kernelSetting: "always madvise [never]") else {
            Issue.record("a kernel with huge pages off is no reason to restart")
            return
        }
        #expect(reason.contains("never"))
        #expect(HugePageMemory.state(environment: [:], kernelSetting: nil) != .notYet)
    }

    @Test("the tunable is added to those the user set")
    func tunables() {
        #expect(HugePageMemory.tunables(adding: nil) == "glibc.malloc.hugetlb=1")
        #expect(HugePageMemory.tunables(adding: "") == "glibc.malloc.hugetlb=1")
        #expect(HugePageMemory.tunables(adding: "glibc.malloc.check=3") == "glibc.malloc.check=3:glibc.malloc.hugetlb=1")
    }

    @Test("the doctor says which pages the models get, and warns only where huge ones could be had and are not")
    func doctor() {
        #expect(HealthCheck.hugePages(.on(tunables: "glibc.malloc.hugetlb=1")).status == .ok)
        let off = HealthCheck.hugePages(.turnedOff(by: "GLIMPSE_HUGE_PAGES=0"))
        #expect(off.status == .ok && off.detail.contains("off (GLIMPSE_HUGE_PAGES=0)"))
        let unavailable = HealthCheck.hugePages(.unavailable(reason: "the kernel has them off"))
        #expect(unavailable.status == .warning && unavailable.fix.contains("transparent_hugepage/enabled"))
        #expect(HealthCheck.hugePages(.notLinux).status == .ok)
        #expect(HealthCheck.hugePages(.notYet).fix.contains("GLIBC_TUNABLES=glibc.malloc.hugetlb=1"))
    }
}
