import Foundation
import GlimpseImage
import GlimpseIndex
import GlimpseSearch

/// The query string of `GET /api/search`: `q` (required, but may be empty with a filter: the photos the
/// filters leave are then listed in the order taken), `limit` (1…100, default 20), `offset` (results
/// to skip, 0…900, default 0: the next page), `strict` and `text-only` (true or false, default false),
/// `in` (only images under this absolute folder path), `taken` (only photos taken within a span: `2019`,
/// `2019-06..2019-08`, `..2010`, as `glimpse search --taken`), `rating` (only photos rated at least this
/// many stars, 1…5, in their tags, as `glimpse search --rating`), `near` and `within` (`Parameter.near`),
/// `camera` (only photos taken with a camera these words name, as `glimpse search --camera`), `group` (true, or
/// a cosine: look-alikes listed under the result they resemble, as `glimpse search --group`), `tz` (the asker's
/// time zone, such as `Europe/Lisbon`, whose calendar counts relative dates — "yesterday", `taken=last summer`;
/// default the server's), `order` (`newest` or `oldest`, the default: how a listing — nothing to look for — is ordered).
struct SearchParameters: Sendable, Hashable {
    var query: String
    var limit: Int
    var offset: Int
    var strict: Bool
    var textOnly: Bool
    var folder: String?
    var taken: TakenRange?
    var rating: Int?
    var near: NearbyArea?
    var camera: CameraQuery?
    var lookAlikeSimilarity: Double?
    var timeZone: TimeZone?
    var newestFirst: Bool

    init(_ parameters: QueryString, places: GazetteerFile? = nil) throws {
        let filters = ["in", "taken", "rating", "near", "camera"]
        guard let query = parameters["q"], !query.allSatisfy(\.isWhitespace) || filters.contains(where: { !(parameters[$0] ?? "").isEmpty })
        else {
            throw APIError(.badRequest, "Say what to look for in the parameter q, e.g. /api/search?q=a+dog+on+a+sofa+but+no+cartoon "
                           + "(or leave it empty with a filter, in, taken, rating, near or camera, to list the photos it leaves).")
        }
        self.query = query
        limit = try Parameter.integer(parameters, "limit", default: 20, range: 1...100)
        offset = try Parameter.integer(parameters, "offset", default: 0, range: 0...900)
        strict = try Parameter.flag(parameters, "strict")
        textOnly = try Parameter.flag(parameters, "text-only")
        folder = try Parameter.folder(parameters)
        timeZone = try Parameter.timeZone(parameters)
        newestFirst = try Parameter.order(parameters)
        taken = try Parameter.taken(parameters, timeZone: timeZone)
        rating = try Parameter.rating(parameters)
        near = try Parameter.near(parameters, places: places)
        camera = Parameter.camera(parameters)
        lookAlikeSimilarity = try Parameter.lookAlikes(parameters)
    }

    /// `base` (the searcher's options) with this request's depth (offset + limit), negation mode and rankers.
    func options(from base: SearchOptions) -> SearchOptions {
        var options = base
        options.limit = offset + limit
        options.candidates = max(base.candidates, offset + limit)
        options.negation.mode = strict ? .strict : .soft
        if textOnly { options.rankers = [.fullText] }
        if let folder { options.folders = [folder] }
        if let taken { options.taken = taken }
        if let rating { options.minimumRating = rating }
        if let near { options.near = near }
        if let camera { options.camera = camera }
        if let lookAlikeSimilarity { options.lookAlikeSimilarity = lookAlikeSimilarity }
        if let timeZone { options.timeZone = timeZone }
        options.newestFirst = newestFirst
        return options
    }

    /// This request's page of `response` (results keep their overall rank).
    func page(of response: SearchResponse) -> SearchResponse {
        var page = response
        page.results = Array(response.results.dropFirst(offset))
        return page
    }
}

/// Reading query-string values, with errors that name the parameter and what it takes.
enum Parameter {
    static func integer(_ parameters: QueryString, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = parameters[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(.badRequest, "\(name) is a whole number from \(range.lowerBound) to \(range.upperBound); got \"\(text)\".")
        }
        return number
    }

    /// `in`: an absolute folder path, or nil when absent or empty.
    static func folder(_ parameters: QueryString) throws -> String? {
        guard let folder = parameters["in"], !folder.isEmpty else { return nil }
        guard folder.hasPrefix("/") else {
            throw APIError(.badRequest, "in is an absolute folder path, such as /home/me/Pictures/2024; got \"\(folder.prefix(200))\".")
        }
        return folder
    }

    /// `order`: `newest` lists the newest photos first when there is nothing to look for; `oldest` (the default) the oldest.
    static func order(_ parameters: QueryString) throws -> Bool {
        switch parameters["order"] ?? "" {
        case "", "oldest": return false
        case "newest": return true
        case let other: throw APIError(.badRequest, "order is newest or oldest (for a listing by date); got \"\(other.prefix(40))\".")
        }
    }

    /// `tz`: a time zone by its name in the tz database (`Europe/Lisbon`, `America/New_York`, `UTC`), or nil
    /// when absent or empty.
    static func timeZone(_ parameters: QueryString) throws -> TimeZone? {
        guard let name = parameters["tz"], !name.isEmpty else { return nil }
        guard name.count <= 64, let zone = TimeZone(identifier: name) else {
            throw APIError(.badRequest, "tz is a time zone name such as Europe/Lisbon, America/New_York or UTC; got \"\(name.prefix(64))\".")
        }
        return zone
    }

    /// `taken`: a span of dates (`TakenRange`), words counted in `timeZone`'s calendar (default the
    /// server's), or nil when absent or empty.
    static func taken(_ parameters: QueryString, timeZone: TimeZone? = nil) throws -> TakenRange? {
        guard let text = parameters["taken"], !text.isEmpty else { return nil }
        var calendar = Calendar.current
        if let timeZone { calendar.timeZone = timeZone }
        guard let range = TakenRange.parsing(text, calendar: calendar) else {
            throw APIError(.badRequest, "taken is a year, month or day (2019, 2019-06, 2019-06-14), a span of them "
                           + "(2019-06..2019-08, ..2010, 2020..), or words (last summer, yesterday); got \"\(text.prefix(100))\".")
        }
        return range
    }

    /// `near` (`LATITUDE,LONGITUDE` in degrees, or a town's name looked up in `places`: `Lisbon`, `Paris,
    /// Texas`) and `within` (kilometres; default 2 around coordinates, a town's suggested distance around
    /// it): an area, or nil without `near`.
    static func near(_ parameters: QueryString, places: GazetteerFile? = nil) throws -> NearbyArea? {
        guard let text = parameters["near"], !text.isEmpty else {
            if parameters["within"] != nil { throw APIError(.badRequest, "within says how far from the place of near: give near too.") }
            return nil
        }
        var within: Double?
        if let text = parameters["within"] {
            guard let value = Double(text), value > 0, value <= 20_040 else {
                throw APIError(.badRequest, "within is a distance in kilometres, more than 0 and at most 20040; got \"\(text.prefix(100))\".")
            }
            within = value
        }
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        if parts.count == 2, let latitude = parts[0], let longitude = parts[1] {
            guard let center = PhotoLocation(latitude: latitude, longitude: longitude) else {
                throw APIError(.badRequest, "near is a latitude and a longitude in degrees, such as 48.8584,2.2945 (latitude -90 to 90, "
                               + "longitude -180 to 180); got \"\(text.prefix(100))\".")
            }
            return NearbyArea(center: center, kilometres: within ?? 2)
        }
        guard let places, text.count <= 200 else {
            throw APIError(.badRequest, "near is a latitude and a longitude in degrees, such as 48.8584,2.2945"
                           + (places == nil ? " (place names need the gazetteer: scripts/fetch-places)" : "") + "; got \"\(text.prefix(100))\".")
        }
        let found: Gazetteer.Place?
        do {
            found = try places.places(named: text, limit: 1).first
        } catch {
            throw APIError(.internalServerError, "The gazetteer \(places.url.path) cannot be read (\(error.localizedDescription)).")
        }
        guard let place = found else {
            throw APIError(.badRequest, "near: no place is named \"\(text.prefix(100))\" among the towns of 1,000 people or more; "
                           + "add its country (Paris, France) or give coordinates (48.8584,2.2945).")
        }
        return NearbyArea(center: place.location, kilometres: within ?? place.suggestedKilometres, name: place.title)
    }

    /// `camera`: the words of a camera's name (`CameraQuery`), or nil when absent or blank.
    static func camera(_ parameters: QueryString) -> CameraQuery? {
        parameters["camera"].flatMap(CameraQuery.init)
    }

    /// `rating`: the least number of stars, 1…5, or nil when absent or empty.
    static func rating(_ parameters: QueryString) throws -> Int? {
        guard let text = parameters["rating"], !text.isEmpty else { return nil }
        return try integer(parameters, "rating", default: 1, range: 1...5)
    }

    /// `group`: true for `SearchOptions.defaultLookAlikeSimilarity`, or a cosine between 0 and 1; nil when absent
    /// or false.
    static func lookAlikes(_ parameters: QueryString) throws -> Double? {
        guard let text = parameters["group"] else { return nil }
        if let cosine = Double(text), cosine > 0, cosine < 1 { return cosine }
        switch text.lowercased() {
        case "", "1", "true", "yes", "on": return SearchOptions.defaultLookAlikeSimilarity
        case "0", "false", "no", "off": return nil
        default: throw APIError(.badRequest, "group is true, false or a cosine between 0 and 1 (0.95 groups the frames of a burst); got \"\(text)\".")
        }
    }

    static func flag(_ parameters: QueryString, _ name: String) throws -> Bool {
        guard let text = parameters[name] else { return false }
        switch text.lowercased() {
        case "", "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw APIError(.badRequest, "\(name) is true or false; got \"\(text)\".")
        }
    }
}
