import Foundation
import Testing

/// `glimpse index` reads the tags photo managers write; `search` finds, shows and filters by them; `status`
/// counts them; `export` writes them and `import` reads them back.
@Suite("glimpse and the tags photo managers write")
struct PhotoTagsCommandTests {
    @Test("index tagged photos and a sidecar, search a name, filter by stars, count them, export and import them")
    func tags() throws {
        let library = try PhotoLibrary("tags")
        defer { library.remove() }
        let (folder, photos, index, fixtures) = (library.folder, library.photos, library.index, PhotoLibrary.fixtures)
        try library.add("tags/lightroom.jpg", as: "birthday.jpg")
        try library.add("tags/rejected.jpg", as: "blurry.jpg")
        try library.add("images/photo_400x267.jpg", as: "hike.jpg")
        let environment = ["GLIMPSE_TEST_DESCRIBER": "colour"]
        let indexed = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(indexed.status == 0 && indexed.output.contains("3 described"), "\(indexed.output)")

        let search = try GlimpseProcess.run(["search", "Karenina", "--text-only", "--index", index])
        #expect(search.status == 0, "\(search.output)")
        #expect(search.output.contains("birthday.jpg"), "\(search.output)")
        #expect(search.output.contains(#"tagged: "Grandma's birthday" · birthday, Café de Flore, cake, Paris · people Anna Karenina, Rex · ★★★★"#),
                "\(search.output)")
        #expect(search.output.contains(#"tagged "Anna Karenina""#), "the explanation names the tag: \(search.output)")

        // A sidecar written beside the hike after it was indexed: read again, without describing it.
        try library.add("tags/sidecar.xmp", as: "hike.xmp")
        let again = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(again.status == 0 && again.output.contains("0 described, 3 unchanged, tags read again for 1 unchanged"), "\(again.output)")
        let summit = try GlimpseProcess.run(["search", "summit fog", "--text-only", "--index", index])
        #expect(summit.output.contains("hike.jpg") && summit.output.contains("★★"), "\(summit.output)")

        let rated = try GlimpseProcess.run(["search", "square", "--text-only", "--rating", "3", "--index", index])
        #expect(rated.status == 0 && rated.output.contains("birthday.jpg"), "\(rated.output)")
        #expect(!rated.output.contains("hike.jpg") && !rated.output.contains("blurry.jpg"), "\(rated.output)")
        #expect(rated.output.contains("Searched the photos rated 3 star(s) or more: 1 indexed image(s)."), "\(rated.output)")
        let why = try GlimpseProcess.run(["search", "square", "--text-only", "--rating", "3", "--why", photos.appending(path: "blurry.jpg").path,
                                          "--index", index])
        #expect(why.output.contains("rejected, below the stars searched (--rating)"), "\(why.output)")
        let alike = try GlimpseProcess.run(["similar", photos.appending(path: "blurry.jpg").path, "--rating", "4", "--index", index])
        #expect(alike.status == 0 && alike.output.contains("birthday.jpg") && !alike.output.contains("hike.jpg"), "\(alike.output)")
        #expect(alike.output.contains("Searched the photos rated 4 star(s) or more: 1 indexed image(s)."), "\(alike.output)")
        let bad = try GlimpseProcess.run(["search", "square", "--rating", "6", "--index", index])
        #expect(bad.status != 0 && bad.output.contains("--rating is a number of stars, 1 to 5."), "\(bad.output)")

        // Where they were taken: the Eiffel Tower's photo, by coordinates or by the photo itself.
        let fixturesPlaces = fixtures.appending(path: "places")
        try library.add("places/paris.jpg", as: "tower.jpg")
        try library.add("places/rio.heic", as: "rio.heic")
        let placed = try GlimpseProcess.run(["index", photos.path, "--index", index], environment: environment)
        #expect(placed.status == 0 && placed.output.contains("2 described"), "\(placed.output)")
        #expect(placed.output.contains("places named for 2 located"), "the gazetteer names their towns: \(placed.output)")
        let near = try GlimpseProcess.run(["search", "square", "--text-only", "--near", "48.8606,2.3376", "--within", "4", "--index", index])
        #expect(near.status == 0 && near.output.contains("tower.jpg") && near.output.contains("at Paris, Île-de-France, France (48.85837,2.29448)"),
                "\(near.output)")
        #expect(!near.output.contains("rio.heic") && !near.output.contains("birthday.jpg"), "\(near.output)")
        #expect(near.output.contains("Searched the photos taken within 4.0 km of 48.86060,2.33760: 1 indexed image(s)."), "\(near.output)")
        let byPhoto = try GlimpseProcess.run(["search", "square", "--text-only", "--near", fixturesPlaces.appending(path: "rio.heic").path,
                                              "--index", index])
        #expect(byPhoto.status == 0 && byPhoto.output.contains("rio.heic") && !byPhoto.output.contains("tower.jpg"), "\(byPhoto.output)")
        let nowhere = try GlimpseProcess.run(["search", "square", "--near", photos.appending(path: "hike.jpg").path, "--index", index])
        #expect(nowhere.status != 0 && nowhere.output.contains("records no place where it was taken"), "\(nowhere.output)")
        let badWithin = try GlimpseProcess.run(["search", "square", "--near", "48.86,2.33", "--within", "0", "--index", index])
        #expect(badWithin.status != 0 && badWithin.output.contains("--within is a distance in kilometres"), "\(badWithin.output)")
        let named = try GlimpseProcess.run(["search", "square", "--text-only", "--near", "Paris, France", "--index", index])
        #expect(named.status == 0 && named.output.contains("tower.jpg") && !named.output.contains("rio.heic"), "\(named.output)")
        #expect(named.output.contains("Searched the photos taken within 30 km of Paris, Île-de-France, France (48.85341,2.34880)"),
                "\(named.output)")
        let byName = try GlimpseProcess.run(["search", "square in janeiro", "--text-only", "--index", index])
        #expect(byName.output.contains("  1. ") && byName.output.contains("rio.heic") && byName.output.contains("taken at Rio de Janeiro"),
                "a town's name finds the photos taken there: \(byName.output)")
        let first = byName.output.split(separator: "\n").first { $0.hasPrefix("  1. ") } ?? ""
        #expect(first.contains("rio.heic") && first.contains("(at Rio de Janeiro, Brazil (-22.95192,-43.21049))"), "\(byName.output)")
        // Other names of a place (GeoNames'): the Italian for Paris, in the query and after --near.
        let parigi = try GlimpseProcess.run(["search", "a square in Parigi", "--text-only", "--index", index])
        #expect(parigi.output.contains("taken at: Parigi") && parigi.output.contains("tower.jpg") && !parigi.output.contains("rio.heic"),
                "\(parigi.output)")
        let nearParigi = try GlimpseProcess.run(["search", "square", "--text-only", "--near", "Parigi", "--index", index])
        #expect(nearParigi.output.contains("within 30 km of Paris, Île-de-France, France") && nearParigi.output.contains("tower.jpg"),
                "\(nearParigi.output)")
        let inRio = try GlimpseProcess.run(["search", "a square in Rio de Janeiro", "--text-only", "--index", index])
        #expect(inRio.status == 0 && inRio.output.contains("taken at: Rio de Janeiro") && inRio.output.contains("rio.heic")
                && !inRio.output.contains("tower.jpg"), "a place of indexed photos in the query searches only them: \(inRio.output)")
        #expect(inRio.output.contains("Searched the photos taken at Rio de Janeiro (by the name of their place): 1 indexed image(s)."),
                "\(inRio.output)")
        let whyNot = try GlimpseProcess.run(["search", "a square in Rio de Janeiro", "--text-only", "--why",
                                             photos.appending(path: "tower.jpg").path, "--index", index])
        #expect(whyNot.output.contains("taken at Paris, Île-de-France, France, not at Rio de Janeiro (the query's place)"), "\(whyNot.output)")
        let whyFar = try GlimpseProcess.run(["search", "square", "--text-only", "--near", "Rio de Janeiro", "--why",
                                             photos.appending(path: "tower.jpg").path, "--index", index])
        #expect(whyFar.output.contains("taken at Paris, Île-de-France, France, outside the area searched (--near)"), "\(whyFar.output)")
        let whyNamed = try GlimpseProcess.run(["search", "a tower", "--text-only", "--why", photos.appending(path: "tower.jpg").path,
                                               "--index", index])
        #expect(whyNamed.output.contains("not in its description: tower") && whyNamed.output.contains(#"beside its description: "#)
                && whyNamed.output.contains(#"named "tower""#), "its file's name holds the word: \(whyNamed.output)")
        let unknown = try GlimpseProcess.run(["search", "square", "--near", "Xyzzyville", "--index", index])
        #expect(unknown.status != 0 && unknown.output.contains("no place is named \"Xyzzyville\""), "\(unknown.output)")
        let noGazetteer = try GlimpseProcess.run(["search", "square", "--near", "Lisbon", "--index", index],
                                                 environment: ["GLIMPSE_PLACES": folder.appending(path: "missing.tsv").path])
        #expect(noGazetteer.status != 0 && noGazetteer.output.contains("missing.tsv cannot be read"), "\(noGazetteer.output)")

        let alikeNear = try GlimpseProcess.run(["similar", photos.appending(path: "birthday.jpg").path, "--near", "Rio de Janeiro",
                                                "--index", index])
        #expect(alikeNear.status == 0 && alikeNear.output.contains("rio.heic") && !alikeNear.output.contains("tower.jpg"), "\(alikeNear.output)")
        #expect(alikeNear.output.contains("km of Rio de Janeiro, Brazil"), "\(alikeNear.output)")
        #expect(alikeNear.output.contains("rio.heic  (at Rio de Janeiro, Brazil)"), "a look-alike's place: \(alikeNear.output)")

        let status = try GlimpseProcess.run(["status", "--index", index])
        #expect(status.output.contains("Places taken: 2 image(s) record where they were taken (search near a place with --near); "
                                       + "2 named after their town (search \"in\" a town): Paris 1, Rio de Janeiro 1"), "\(status.output)")
        #expect(status.output.contains("Tagged in a photo manager: 5 image(s)"), "a place counts: \(status.output)")
        #expect(status.output.contains("rated ★★★★ 1, ★★ 1, rejected 1"), "\(status.output)")

        let export = folder.appending(path: "export.jsonl")
        let exported = try GlimpseProcess.run(["export", export.path, "--index", index])
        #expect(exported.status == 0, "\(exported.output)")
        let written = try String(contentsOf: export, encoding: .utf8)
        #expect(written.contains(#""people":["Anna Karenina","Rex"]"#) && written.contains(#""rating":-1"#), "\(written)")
        #expect(written.contains(#""place":"Rio de Janeiro, Brazil""#), "the town named from its GPS: \(written)")
        // The same filters as search: stars, and a place (by name, through the gazetteer).
        let ratedExport = try GlimpseProcess.runSeparating(["export", "--rating", "3", "--index", index])
        #expect(ratedExport.status == 0 && ratedExport.standardOutput.contains("birthday.jpg"), "\(ratedExport.standardOutput)")
        #expect(!ratedExport.standardOutput.contains("hike.jpg") && !ratedExport.standardOutput.contains("blurry.jpg"), "\(ratedExport.standardOutput)")
        let nearExport = try GlimpseProcess.runSeparating(["export", "--near", "Rio de Janeiro", "--index", index])
        #expect(nearExport.status == 0 && nearExport.standardOutput.contains("rio.heic") && !nearExport.standardOutput.contains("tower.jpg"),
                "\(nearExport.standardOutput)")
        let neither = try GlimpseProcess.run(["export", "--rating", "4", "--near", "Rio de Janeiro", "--index", index])
        #expect(neither.status == 1 && neither.output.contains("No described photo matches the filters (rated 4 stars or more; taken within"),
                "\(neither.output)")
        let badExport = try GlimpseProcess.run(["export", "--within", "3", "--index", index])
        #expect(badExport.status != 0 && badExport.output.contains("give --near too"), "\(badExport.output)")
        let copy = folder.appending(path: "copy.sqlite").path
        let imported = try GlimpseProcess.run(["import", export.path, "--no-embeddings", "--index", copy])
        #expect(imported.status == 0, "\(imported.output)")
        let found = try GlimpseProcess.run(["search", "Paris", "--text-only", "--index", copy])
        #expect(found.output.contains("birthday.jpg") && found.output.contains(#"tagged "Paris""#), "\(found.output)")
    }
}
