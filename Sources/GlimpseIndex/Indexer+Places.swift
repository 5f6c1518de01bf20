import Foundation

// The names of the places located photos were taken at (`IndexOptions.placeNaming`), given at the end of a run.
extension Indexer {
    /// Names the places that need it (`IndexStore.namePlaces`) into `report`. A namer that fails (its
    /// gazetteer cannot be read) is reported and the run still succeeds; a failing store stops it.
    func namePlaces(_ report: inout IndexReport) async throws {
        guard let naming = options.placeNaming else { return }
        do {
            report.placesNamed = try await offload { [store] in try store.namePlaces(with: naming) }
        } catch let error as IndexError where error.isStoreFailure {
            throw error
        } catch {
            report.placeNamingError = "\(error.localizedDescription)"
        }
    }
}
