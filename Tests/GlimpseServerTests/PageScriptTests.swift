import Foundation
import Testing
@testable import GlimpseServer

/// The search page's script (`/app.js`), run by Node.js against a small stand-in for the page's DOM and
/// `fetch`: what it asks the server for, and that what the server says is written as text.
@Suite("server: the page's script")
struct PageScriptTests {
    /// Loads the script into a stand-in page opened at `search` (a query string), lets it run, types into
    /// the form as `actions` say, and prints what it fetched and what it put on the page, as JSON.
    static let harness = #"""
        "use strict";
        const fs = require("fs");
        const [scriptPath, search, actionsJSON] = process.argv.slice(2);
        const fetched = [], zones = [];
        class Node {
          constructor(tag) {
            this.tagName = tag; this.children = []; this.listeners = {}; this.style = {}; this.hidden = false;
            this.className = ""; this.textContent = ""; this.value = ""; this.checked = false; this.type = "";
          }
          append(...nodes) { this.children.push(...nodes); }
          replaceChildren(...nodes) { this.children = nodes; }
          replaceWith(node) {}
          remove() {}
          addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
          dispatch(type) { for (const listener of this.listeners[type] || []) listener({ preventDefault() {} }); }
          querySelector() { return null; }
          querySelectorAll() { return []; }
          decode() { return Promise.resolve(); }
          set innerHTML(value) { throw new Error("innerHTML was set"); }
          texts() { return [this.textContent, ...this.children.flatMap((child) => child.texts())].filter((text) => text); }
          find(className) {
            return [this, ...this.children.flatMap((child) => child.find ? child.find(className) : [])]
              .filter((node) => node.className === className);
          }
        }
        const elements = {};
        for (const id of ["search", "q", "in", "taken", "rating", "camera", "cameras", "folders", "strict", "group", "newest", "status", "understood", "notes", "error", "results", "more"]) elements[id] = new Node("div");
        global.document = { getElementById: (id) => elements[id], createElement: (tag) => new Node(tag) };
        global.location = { search };
        global.history = { replaceState(state, title, url) { global.location.search = url; } };
        const result = (rank, path) => ({
          image: rank, path, rank, score: 1, text: `<img src=x onerror="alert(${rank})"> a dog`,
          taken: rank === 1 ? "2019-07-14T15:02:11" : undefined,
          lookAlikes: rank === 1 ? [{ image: 5, path: "/photos/2024/a2.jpg", similarity: 0.97 }, { image: 6, path: "/x/<a3>.jpg", similarity: 0.96 }] : undefined,
          tags: rank === 1 ? { title: "Grandma's <b>birthday</b>", keywords: ["cake", "Paris"], people: ["Anna"], rating: 4, camera: "FUJIFILM <X100V>" } : undefined,
          explanation: { matchedTerms: ["dog"], matchedCompounds: [], matchedPhrases: [], region: null,
                         matchedFolders: rank === 1 ? ["Lisbon <trip>"] : undefined,
                         matchedFileName: rank === 1 ? "dog on the beach" : undefined,
                         rankers: [{ ranker: "fullText", rank, score: 1 }], penalties: [] },
        });
        global.fetch = async (url) => {
          // The time zone every request carries is kept apart (zones), so that `fetched` reads as the form asked.
          const [path, query] = url.split("?");
          const parameters = new URLSearchParams(query || "");
          if (parameters.has("tz")) { zones.push(parameters.get("tz")); parameters.delete("tz"); }
          fetched.push(query === undefined ? path : path + "?" + parameters);
          const body = url.startsWith("/api/status")
            ? { images: { full: 2 }, index: "/index.sqlite", tags: { cameras: [{ name: "FUJIFILM X100V", images: 3 }, { name: "<b>Canon</b>", images: 1 }] },
                libraryFolders: [{ path: "/photos", exclusionPatterns: [], images: 2 }, { path: "/mnt/<old>", exclusionPatterns: ["raw/"], images: 1 }],
                lastRun: { finished: "2026-12-04T21:30:12Z", seconds: 1.5, roots: ["/photos"], described: 2, enriched: 0, removed: 0, failed: 0, cancelled: false } }
            : url.includes("/similar")
            ? { image: 7, path: "/photos/q.jpg", notes: [], milliseconds: 2.5,
                results: [{ image: 3, path: "/photos/2024/c.jpg", rank: 1, similarity: 0.912, text: "<b>c</b>" }] }
            : url.includes("q=&")
            ? { query: { original: "", terms: [], compounds: [], phrases: [], negatives: [], taken: "2019" }, notes: [], timings: { total: 1 },
                results: [result(1, "/photos/2019/a.jpg")] }
            : { query: { original: "a Dgo near dgos", terms: ["dog"], compounds: [], phrases: [], negatives: [] }, notes: ["<b>note</b>"],
                unknownWords: [{ word: "dgo", suggestion: "dog" }, { word: "xyzzy" }],
                timings: { total: 1.5 }, results: [result(1, "/photos/2024/a.jpg"), result(2, "/photos/b.jpg")] };
          return { ok: true, json: async () => body };
        };
        const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
        (async () => {
          eval(fs.readFileSync(scriptPath, "utf8"));
          await settle();
          for (const action of JSON.parse(actionsJSON)) {
            if (action.type === "submit") {
              elements.q.value = action.q; elements.in.value = action.in; elements.strict.checked = action.strict;
              elements.taken.value = action.taken || "";
              elements.rating.value = action.rating || "";
              elements.camera.value = action.camera || "";
              elements.group.checked = action.group || false;
              elements.newest.checked = action.newest || false;
              elements.search.dispatch("submit");
            } else if (action.type === "suggestion") {
              elements.notes.find("suggestion")[0].dispatch("click");
            } else if (action.type === "folder" || action.type === "similar") {
              elements.results.children[action.result].find(action.type)[0].dispatch("click");
            }
            await settle();
          }
          console.log(JSON.stringify({
            fetched, zones, address: global.location.search, folderField: elements.in.value, takenField: elements.taken.value, cameraField: elements.camera.value,
            cameraChoices: elements.cameras.children.map((option) => option.value),
            folderChoices: elements.folders.children.map((option) => option.value),
            status: elements.status.textContent,
            notes: elements.notes.textContent, understood: elements.understood.textContent, texts: elements.results.texts(),
          }));
        })().catch((error) => { console.log(JSON.stringify({ error: String(error) })); process.exit(1); });
        """#

    struct Outcome: Decodable {
        var fetched: [String]
        var zones: [String]
        var address: String
        var folderField: String
        var takenField: String
        var cameraField: String?
        var cameraChoices: [String]
        var folderChoices: [String]
        var status: String
        var notes: String
        var understood: String
        var texts: [String]
    }

    /// Runs the page's script in Node.js (which `scripts/test` installs) opened at `search`.
    static func run(search: String, actions: String) throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appending(path: "glimpse-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(WebPage.javaScript.utf8).write(to: folder.appending(path: "app.js"))
        try Data(harness.utf8).write(to: folder.appending(path: "harness.js"))
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["node", folder.appending(path: "harness.js").path, folder.appending(path: "app.js").path, search, actions]
        process.environment = ProcessInfo.processInfo.environment.merging(["TZ": "America/Los_Angeles"]) { $1 }  // the browser's zone
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(Outcome.self, from: data)
    }

    @Test("a search from the form asks for the words, the folder and strictness; a result's folder button searches within its folder")
    func formAndFolder() throws {
        let outcome = try Self.run(search: "", actions: """
            [{"type": "submit", "q": "a dog, but no cartoon", "in": " /photos/2024 ", "strict": true}, {"type": "folder", "result": 1}]
            """)
        #expect(outcome.fetched.filter { $0.hasPrefix("/api/search?") } == [
            "/api/search?q=a+dog%2C+but+no+cartoon&strict=true&in=%2Fphotos%2F2024&limit=20",
            "/api/search?q=a+dog%2C+but+no+cartoon&strict=true&in=%2Fphotos&limit=20",
        ])
        #expect(outcome.fetched.contains("/api/status"))
        #expect(outcome.folderField == "/photos" && outcome.address == "?q=a+dog%2C+but+no+cartoon&strict=true&in=%2Fphotos")
        #expect(outcome.texts.contains(#"<img src=x onerror="alert(1)"> a dog"#), "the server's text is shown as text: \(outcome.texts)")
        #expect(outcome.notes == "<b>note</b>")
        #expect(outcome.texts.contains("taken 2019-07-14 15:02:11"), "a result with a date shows it: \(outcome.texts)")
        #expect(outcome.texts.contains("with FUJIFILM <X100V>"), "a result whose file names its camera shows it, as text: \(outcome.texts)")
        #expect(outcome.texts.filter { $0.hasPrefix("taken ") }.count == 1, "the second result has no date, and shows none")
        #expect(outcome.texts.contains(#"tagged: "Grandma's <b>birthday</b>" · cake, Paris · people Anna · ★★★★"#),
                "a tagged result shows its tags as text: \(outcome.texts)")
        #expect(outcome.texts.filter { $0.hasPrefix("tagged: ") }.count == 1)
        #expect(outcome.texts.contains { $0.hasPrefix(#"in folder "Lisbon <trip>" · named "dog on the beach" · terms dog"#) },
                "the why line names the folder and the file name that matched: \(outcome.texts)")
    }

    @Test("every search and look-alike request carries the browser's time zone, which the address leaves out")
    func timeZone() throws {
        let outcome = try Self.run(search: "?q=dog", actions: """
            [{"type": "submit", "q": "cats yesterday", "in": "", "strict": false}, {"type": "similar", "result": 0}]
            """)
        let asked = outcome.fetched.filter { $0.hasPrefix("/api/search?") || $0.contains("/similar?") }
        #expect(asked.count == 3 && outcome.zones == Array(repeating: "America/Los_Angeles", count: 3), "\(outcome.fetched) \(outcome.zones)")
        #expect(!outcome.address.contains("tz="))
    }

    @Test("an address with an empty query and a filter lists at once; an empty one alone does nothing")
    func emptyQueryWithFilter() throws {
        let listed = try Self.run(search: "?q=&taken=2019", actions: "[]")
        #expect(listed.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=&taken=2019&limit=20", "\(listed.fetched)")
        #expect(listed.understood.hasPrefix("Understood: taken: 2019; nothing to look for (the photos listed in the order taken) · "), "\(listed.understood)")
        let newest = try Self.run(search: "?q=&taken=2019&order=newest", actions: "[]")
        #expect(newest.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=&taken=2019&order=newest&limit=20", "\(newest.fetched)")
        #expect(newest.understood.contains("; nothing to look for (the photos listed newest first) · "), "\(newest.understood)")
        let typed = try Self.run(search: "", actions: #"[{"type": "submit", "q": "", "in": "", "taken": "last summer", "strict": false, "newest": true}]"#)
        #expect(typed.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=&taken=last+summer&order=newest&limit=20", "\(typed.fetched)")
        #expect(typed.address == "?q=&taken=last+summer&order=newest")
        let nothing = try Self.run(search: "?q=", actions: "[]")
        #expect(!nothing.fetched.contains { $0.hasPrefix("/api/search?") }, "\(nothing.fetched)")
    }

    @Test("stars chosen in the form are asked for and kept in the address")
    func rating() throws {
        let typed = try Self.run(search: "", actions: #"[{"type": "submit", "q": "dog", "in": "", "strict": false, "rating": "4"}]"#)
        #expect(typed.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&rating=4&limit=20")
        #expect(typed.address == "?q=dog&rating=4")
        let alike = try Self.run(search: "", actions: """
            [{"type": "submit", "q": "dog", "in": "", "strict": false, "rating": "5"}, {"type": "similar", "result": 0}]
            """)
        #expect(alike.fetched.last == "/api/images/1/similar?rating=5&limit=20" && alike.address == "?similar=1&rating=5")
    }

    @Test("a camera from the form is asked for, kept in the address, and filled in again from it")
    func camera() throws {
        let typed = try Self.run(search: "", actions: #"[{"type": "submit", "q": "dog", "in": "", "strict": false, "camera": " x100v "}]"#)
        #expect(typed.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&camera=x100v&limit=20")
        #expect(typed.address == "?q=dog&camera=x100v")
        let alike = try Self.run(search: "", actions: """
            [{"type": "submit", "q": "dog", "in": "", "strict": false, "camera": "canon"}, {"type": "similar", "result": 0}]
            """)
        #expect(alike.fetched.last == "/api/images/1/similar?camera=canon&limit=20" && alike.address == "?similar=1&camera=canon")
        let opened = try Self.run(search: "?q=dog&camera=eos+r5", actions: "[]")
        #expect(opened.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&camera=eos+r5&limit=20")
        #expect(opened.cameraField == "eos r5")
        #expect(opened.cameraChoices == ["FUJIFILM X100V", "<b>Canon</b>"], "the status's cameras, as values, never markup")
        #expect(opened.folderChoices == ["/photos", "/mnt/<old>"], "the library's folders offered for the folder field, as values")
        #expect(opened.status == "2 full and 0 quick descriptions in /index.sqlite · last index run ended 2026-12-04 21:30:12 UTC",
                "\(opened.status)")
    }

    @Test("a word no description holds, with a likely meaning, offers the query so spelt, searched at a click")
    func suggestion() throws {
        let clicked = try Self.run(search: "?q=a+Dgo+near+dgos", actions: #"[{"type": "suggestion"}]"#)
        #expect(clicked.fetched.last == "/api/search?q=a+dog+near+dgos&limit=20", "whole words only, any case: \(clicked.fetched)")
        #expect(clicked.address == "?q=a+dog+near+dgos")
    }

    @Test("grouping look-alikes is asked for, kept in the address, and a result lists its look-alikes as text")
    func group() throws {
        let typed = try Self.run(search: "", actions: #"[{"type": "submit", "q": "dog", "in": "", "strict": false, "group": true}]"#)
        #expect(typed.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&group=true&limit=20")
        #expect(typed.address == "?q=dog&group=true")
        #expect(typed.texts.contains("+2 look-alike(s): a2.jpg, <a3>.jpg"), "\(typed.texts)")
        let opened = try Self.run(search: "?q=dog&group=true", actions: "[]")
        #expect(opened.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&group=true&limit=20")
        let plain = try Self.run(search: "", actions: #"[{"type": "submit", "q": "dog", "in": "", "strict": false}]"#)
        #expect(plain.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&limit=20")
    }

    @Test("a span of dates from the form is asked for, kept in the address, and filled in again from it")
    func dates() throws {
        let typed = try Self.run(search: "", actions: #"[{"type": "submit", "q": "dog", "in": "", "strict": false, "taken": " 2019-06..2019-08 "}]"#)
        #expect(typed.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&taken=2019-06..2019-08&limit=20")
        #expect(typed.address == "?q=dog&taken=2019-06..2019-08")
        let alike = try Self.run(search: "", actions: """
            [{"type": "submit", "q": "dog", "in": "", "strict": false, "taken": "2019"}, {"type": "similar", "result": 0}]
            """)
        #expect(alike.fetched.last == "/api/images/1/similar?taken=2019&limit=20" && alike.address == "?similar=1&taken=2019")
        let opened = try Self.run(search: "?q=dog&taken=2019", actions: "[]")
        #expect(opened.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&taken=2019&limit=20")
        #expect(opened.takenField == "2019")
    }

    @Test("an address with a query and a folder searches at once, and fills the form")
    func openedAddress() throws {
        let outcome = try Self.run(search: "?q=dog&in=%2Fphotos%2F2024", actions: "[]")
        #expect(outcome.fetched.first { $0.hasPrefix("/api/search?") } == "/api/search?q=dog&in=%2Fphotos%2F2024&limit=20")
        #expect(outcome.folderField == "/photos/2024")
    }

    @Test("a result's similar button shows its look-alikes; their folder button looks within that folder; text stays text")
    func similar() throws {
        let outcome = try Self.run(search: "", actions: """
            [{"type": "submit", "q": "dog", "in": "", "strict": false}, {"type": "similar", "result": 0}, {"type": "folder", "result": 0}]
            """)
        #expect(outcome.fetched.filter { !$0.hasPrefix("/api/status") } == [
            "/api/search?q=dog&limit=20",
            "/api/images/1/similar?limit=20",
            "/api/images/1/similar?in=%2Fphotos%2F2024&limit=20",
        ])
        #expect(outcome.address == "?similar=1&in=%2Fphotos%2F2024" && outcome.folderField == "/photos/2024")
        #expect(outcome.understood == "Looks like /photos/q.jpg · 2.5 ms")
        #expect(outcome.texts.contains("<b>c</b>") && outcome.texts.contains { $0.hasPrefix("looks 91% alike") }, "\(outcome.texts)")
    }

    @Test("an address with similar and a folder shows the look-alikes at once, and fills the folder")
    func openedSimilar() throws {
        let outcome = try Self.run(search: "?similar=7&in=%2Fphotos", actions: "[]")
        #expect(outcome.fetched.first { $0.contains("/similar") } == "/api/images/7/similar?in=%2Fphotos&limit=20")
        #expect(outcome.folderField == "/photos")
    }
}
