import Hummingbird

/// The search page: a query box, the results with thumbnails and the reasons they matched, an image's
/// regions drawn over it on request, and the images that look like a result ("similar"). Everything from the server is written into the page as text, never
/// as markup.
enum WebPage {
    static var page: Response { response(html, type: "text/html; charset=utf-8") }
    static var script: Response { response(javaScript, type: "text/javascript; charset=utf-8") }

    private static func response(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Glimpse</title>
        <style>
          body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
          header { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd; padding: 12px 20px; }
          form { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
          #q { flex: 1; min-width: 260px; font-size: 17px; padding: 8px 10px; border: 1px solid #bbb; border-radius: 6px; }
          #in { width: 220px; font-size: 14px; padding: 8px 10px; border: 1px solid #bbb; border-radius: 6px; }
          .folder, .similar { font-size: 12px; margin-left: 6px; padding: 0 6px; }
          button { font-size: 15px; padding: 8px 14px; }
          #status, #understood, #notes { color: #555; font-size: 13px; margin-top: 6px; }
          #notes { color: #8a5a00; }
          main { padding: 16px 20px; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
          .result { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 10px; }
          .frame { position: relative; display: inline-block; max-width: 100%; }
          .frame img { display: block; max-width: 100%; border-radius: 4px; cursor: zoom-in; }
          .placeholder { width: 240px; height: 120px; background: #eee; color: #777; display: flex; align-items: center;
                         justify-content: center; border-radius: 4px; font-size: 13px; }
          .box { position: absolute; border: 2px solid #ff3b30; box-sizing: border-box; pointer-events: none; }
          .box span { position: absolute; left: 0; top: 0; background: #ff3b30; color: #fff; font-size: 11px; padding: 0 3px; }
          .path { display: block; margin-top: 6px; font-size: 12px; color: #06c; word-break: break-all; }
          .text { margin: 6px 0; }
          .why { font-size: 12px; color: #555; }
          .taken { font-size: 12px; color: #555; margin-top: 4px; }
          .tags { font-size: 12px; color: #0a5; margin-top: 4px; }
          .error { color: #b00020; padding: 16px 20px; }
          .more { text-align: center; }
          .suggestion { margin-left: 8px; }
        </style>
        </head>
        <body>
        <header>
          <form id="search">
            <input id="q" name="q" type="search" autofocus placeholder="a cat and a dog on a bed, but no cartoon">
            <input id="in" name="in" type="text" placeholder="only in folder (optional)" title="an absolute folder path" list="folders">
            <datalist id="folders"></datalist>
            <input id="taken" name="taken" type="text" size="16" placeholder="taken (optional)"
                   title="a year, month or day (2019, 2019-06, 2019-06-14), a span of them (2019-06..2019-08, ..2010, 2020..), or words: last summer, yesterday">
            <select id="rating" name="rating" title="only photos rated at least this many stars in their tags (XMP)">
              <option value="">any rating</option><option value="1">★ or more</option><option value="2">★★ or more</option>
              <option value="3">★★★ or more</option><option value="4">★★★★ or more</option><option value="5">★★★★★</option>
            </select>
            <input id="camera" name="camera" type="text" size="12" placeholder="camera (optional)" list="cameras"
                   title="only photos taken with this camera: its name or whole words of it (x100v, canon, iphone 12)">
            <datalist id="cameras"></datalist>
            <label><input id="strict" type="checkbox"> drop negated</label>
            <label title="another frame of a burst, a resized copy: listed under the result it looks like"><input id="group" type="checkbox"> group look-alikes</label>
            <label title="with nothing to look for (only dates or a filter), the newest photos first"><input id="newest" type="checkbox"> newest first</label>
            <button>Search</button>
          </form>
          <div id="status"></div>
          <div id="understood"></div>
          <div id="notes"></div>
        </header>
        <div id="error" class="error" hidden></div>
        <main id="results"></main>
        <p class="more"><button id="more" hidden>More results</button></p>
        <script src="/app.js"></script>
        </body>
        </html>
        """#

    static let javaScript = #"""
        "use strict";
        const $ = (id) => document.getElementById(id);
        const element = (tag, className, text) => {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined) node.textContent = text;
          return node;
        };
        const number = (value) => (Math.round(value * 1000) / 1000).toString();

        function why(explanation) {
          const parts = [];
          const quoted = (names) => names.map((name) => `"${name}"`).join(", ");
          if (explanation.matchedTags) parts.push("tagged " + quoted(explanation.matchedTags));
          if (explanation.matchedPlace) parts.push("taken at " + explanation.matchedPlace.join(", "));
          if (explanation.matchedFolders) parts.push("in folder " + quoted(explanation.matchedFolders));
          if (explanation.matchedFileName) parts.push(`named "${explanation.matchedFileName}"`);
          if (explanation.matchedCompounds.length) parts.push("compounds " + explanation.matchedCompounds.join(", "));
          if (explanation.matchedTerms.length) parts.push("terms " + explanation.matchedTerms.join(", "));
          if (explanation.matchedPhrases.length) parts.push("phrases " + explanation.matchedPhrases.map((p) => `"${p}"`).join(", "));
          if (explanation.region) parts.push(`region ${explanation.region.index} "${explanation.region.caption}" (${explanation.region.source})`);
          if (explanation.rankers.length) parts.push(explanation.rankers.map((r) => `${r.ranker} #${r.rank} (${number(r.score)})`).join(", "));
          for (const penalty of explanation.penalties) {
            const evidence = penalty.evidence.clip
              ? `CLIP ${Math.round(penalty.evidence.clip.probability * 100)}% present`
              : `description has ${penalty.evidence.description.matched.join(", ")}`;
            parts.push(`penalty ×${number(penalty.factor)} for "${penalty.concept}": ${evidence}`);
          }
          return parts.join(" · ");
        }

        function understood(query) {
          const parts = [];
          if (query.terms.length) parts.push("terms: " + query.terms.join(", "));
          if (query.compounds.length) parts.push("compounds: " + query.compounds.join(", "));
          if (query.phrases.length) parts.push("phrases: " + query.phrases.map((p) => `"${p}"`).join(", "));
          if (query.negatives.length) parts.push("not: " + query.negatives.map((n) => n.text).join(", "));
          if (query.taken) parts.push("taken: " + query.taken);
          if (query.place) parts.push("taken at: " + query.place);
          if (!query.terms.length && !query.compounds.length && !query.phrases.length) {
            const newest = current && current.parameters.get("order") === "newest";
            parts.push(`nothing to look for (the photos listed ${newest ? "newest first" : "in the order taken"})`);
          }
          return "Understood: " + parts.join("; ");
        }

        // Draws the image's regions over a larger thumbnail, the matched one labelled.
        async function showRegions(card, result) {
          const reply = await fetch(`/api/images/${result.image}`);
          const body = await reply.json();
          if (!reply.ok) { card.append(element("div", "error", body.error)); return; }
          const description = body.description;
          const frame = card.querySelector(".frame");
          const image = frame.querySelector("img");
          image.src = `/api/images/${result.image}/thumbnail?size=800`;
          await image.decode().catch(() => {});
          frame.querySelectorAll(".box").forEach((box) => box.remove());
          const [width, height] = [description.imageSize.width, description.imageSize.height];
          if (!width || !height) return;  // imported descriptions may not know the picture's size
          const kept = description.regions.filter((region) => region.status === "kept");
          kept.forEach((region, index) => {
            const box = element("div", "box");
            box.style.left = `${100 * region.box.x / width}%`;
            box.style.top = `${100 * region.box.y / height}%`;
            box.style.width = `${100 * region.box.width / width}%`;
            box.style.height = `${100 * region.box.height / height}%`;
            box.title = region.caption || "";
            const match = result.explanation && result.explanation.region;
          if (match && match.index === index) box.append(element("span", "", "match"));
            frame.append(box);
          });
        }

        const pageSize = 20;
        // What is on screen: the address it came from and its parameters, the image whose look-alikes
        // these are (for "similar"), and how many results are shown.
        let current = null;

        // The same search or look-alikes again, within `folder`.
        function within(folder) {
          $("in").value = folder;
          if (current && current.similar) similar(current.similar);
          else search($("q").value, $("strict").checked, $("in").value, $("taken").value);
        }

        function card(result) {
          const card = element("article", "result");
          const frame = element("div", "frame");
          const image = element("img");
          image.loading = "lazy";
          image.alt = result.text;
          image.src = `/api/images/${result.image}/thumbnail`;
          image.addEventListener("click", () => showRegions(card, result));
          // A file gone since indexing, or one that cannot be decoded: a plain box instead of a broken picture.
          image.addEventListener("error", () => image.replaceWith(element("div", "placeholder", "no preview")), { once: true });
          frame.append(image);
          const path = element("a", "path", `${result.rank}. ${result.path}`);
          path.href = `/api/images/${result.image}/file`;
          // Searches again (the same words, or look-alikes of the same image) within this image's folder.
          const folder = element("button", "folder", "in this folder");
          folder.type = "button";
          folder.addEventListener("click", () => within(result.path.slice(0, result.path.lastIndexOf("/")) || "/"));
          const alike = element("button", "similar", "similar");
          alike.type = "button";
          alike.addEventListener("click", () => similar(result.image));
          const reason = result.explanation ? why(result.explanation)
            : `looks ${Math.round(result.similarity * 100)}% alike (cosine of the CLIP image embeddings, ${number(result.similarity)})`;
          card.append(frame, path, folder, alike, element("div", "text", result.text), element("div", "why", reason));
          if (result.taken) card.append(element("div", "taken", "taken " + result.taken.replace("T", " ")));
          const location = result.tags && result.tags.location;
          const coordinates = location ? `${location.latitude.toFixed(5)},${location.longitude.toFixed(5)}` : null;
          if (result.place || coordinates) {
            card.append(element("div", "taken", "at " + (result.place ? result.place + (coordinates ? ` (${coordinates})` : "") : coordinates)));
          }
          if (result.tags && result.tags.camera) card.append(element("div", "taken", "with " + result.tags.camera));
          if (result.tags && tagLine(result.tags)) card.append(element("div", "tags", "tagged: " + tagLine(result.tags)));
          if (result.lookAlikes && result.lookAlikes.length) {
            const names = result.lookAlikes.map((alike) => alike.path.slice(alike.path.lastIndexOf("/") + 1));
            card.append(element("div", "tags", `+${names.length} look-alike(s): ${names.join(", ")}`));
          }
          return card;
        }

        // What people tagged in their photo manager, on one line: title, keywords, people, stars.
        function tagLine(tags) {
          const parts = [];
          if (tags.title) parts.push(`"${tags.title}"`);
          if (tags.keywords && tags.keywords.length) parts.push(tags.keywords.join(", "));
          if (tags.people && tags.people.length) parts.push("people " + tags.people.join(", "));
          if (tags.rating) parts.push(tags.rating < 0 ? "rejected" : "★".repeat(tags.rating));
          if (tags.caption) parts.push(tags.caption);
          return parts.join(" · ");
        }

        // `text` with each unknown word (letters only, whole words, any case) replaced by its suggestion.
        function respelt(text, words) {
          for (const word of words) {
            text = text.replace(new RegExp(`(^|[^\\p{L}])${word.word}(?=$|[^\\p{L}])`, "giu"), (match, before) => before + word.suggestion);
          }
          return text;
        }

        function render(response, append) {
          const heading = response.query ? understood(response.query) : `Looks like ${response.path || "image " + response.image}`;
          const milliseconds = response.timings ? response.timings.total : response.milliseconds;
          $("understood").textContent = heading + ` · ${milliseconds.toFixed(1)} ms`;
          $("notes").textContent = response.notes.join(" ");
          // Words no description holds, with a likely meaning: one click searches the query so spelt.
          const fixes = (response.unknownWords || []).filter((word) => word.suggestion);
          if (fixes.length && response.query) {
            const better = respelt(response.query.original, fixes);
            const button = element("button", "suggestion", `Search for “${better}”`);
            button.addEventListener("click", () => {
              $("q").value = better;
              search(better, $("strict").checked, $("in").value, $("taken").value);
            });
            $("notes").append(button);
          }
          const results = $("results");
          if (!append) results.replaceChildren();
          const none = response.query ? "No image matches. Try fewer or other words." : "No other image to compare with.";
          if (!append && !response.results.length) results.append(element("p", "", none));
          for (const result of response.results) results.append(card(result));
          current.shown += response.results.length;
          $("more").hidden = response.results.length < pageSize || current.shown >= 900;
        }

        const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

        async function fetchPage(append) {
          const parameters = new URLSearchParams(current.parameters);
          parameters.set("limit", pageSize);
          if (append) parameters.set("offset", current.shown);
          if (timeZone) parameters.set("tz", timeZone);  // "yesterday" is the asker's, wherever the server is
          $("error").hidden = true;
          const reply = await fetch(current.endpoint + "?" + parameters);
          const body = await reply.json();
          if (!reply.ok) { $("error").textContent = body.error; $("error").hidden = false; return; }
          render(body, append);
        }

        function search(query, strict, folder, taken) {
          const parameters = new URLSearchParams({ q: query });
          if (strict) parameters.set("strict", "true");
          if (folder.trim()) parameters.set("in", folder.trim());
          if (taken.trim()) parameters.set("taken", taken.trim());
          if ($("rating").value) parameters.set("rating", $("rating").value);
          if ($("camera").value.trim()) parameters.set("camera", $("camera").value.trim());
          if ($("group").checked) parameters.set("group", "true");
          if ($("newest").checked) parameters.set("order", "newest");
          history.replaceState(null, "", "?" + parameters);
          current = { endpoint: "/api/search", parameters, shown: 0 };
          return fetchPage(false);
        }

        // The images that look like indexed image `image`, within the folder and dates of the form when it has them.
        function similar(image) {
          const parameters = new URLSearchParams();
          const folder = $("in").value.trim();
          const taken = $("taken").value.trim();
          if (folder) parameters.set("in", folder);
          const rating = $("rating").value;
          const camera = $("camera").value.trim();
          if (taken) parameters.set("taken", taken);
          if (rating) parameters.set("rating", rating);
          if (camera) parameters.set("camera", camera);
          const address = new URLSearchParams({ similar: image });
          if (folder) address.set("in", folder);
          if (taken) address.set("taken", taken);
          if (rating) address.set("rating", rating);
          if (camera) address.set("camera", camera);
          history.replaceState(null, "", "?" + address);
          current = { endpoint: `/api/images/${encodeURIComponent(image)}/similar`, parameters, similar: image, shown: 0 };
          return fetchPage(false);
        }

        async function status() {
          const reply = await fetch("/api/status");
          if (!reply.ok) return;
          const body = await reply.json();
          const lastRun = body.lastRun ? ` · last index run ended ${body.lastRun.finished.replace("T", " ").replace("Z", " UTC")}` : "";
          $("status").textContent = `${body.images.full || 0} full and ${body.images.quick || 0} quick descriptions in ${body.index || "memory"}${lastRun}`;
          // The cameras that took most photos and the library's folders, offered as their fields are typed in.
          const offer = (list, values) => $(list).replaceChildren(...values.map((value) => {
            const option = document.createElement("option");
            option.value = value;
            return option;
          }));
          offer("cameras", ((body.tags && body.tags.cameras) || []).map((camera) => camera.name));
          offer("folders", (body.libraryFolders || []).map((folder) => folder.path));
        }

        $("more").addEventListener("click", () => fetchPage(true));
        $("search").addEventListener("submit", (event) => {
          event.preventDefault();
          search($("q").value, $("strict").checked, $("in").value, $("taken").value);
        });
        const initial = new URLSearchParams(location.search);
        const filtered = ["in", "taken", "rating", "camera"].some((name) => initial.get(name));
        if (initial.has("q") && (initial.get("q") || filtered)) {
          $("q").value = initial.get("q");
          $("strict").checked = initial.get("strict") === "true";
          $("in").value = initial.get("in") || "";
          $("taken").value = initial.get("taken") || "";
          $("rating").value = initial.get("rating") || "";
          $("camera").value = initial.get("camera") || "";
          $("group").checked = initial.get("group") === "true";
          $("newest").checked = initial.get("order") === "newest";
          search($("q").value, $("strict").checked, $("in").value, $("taken").value);
        } else if (initial.get("similar")) {
          $("in").value = initial.get("in") || "";
          $("taken").value = initial.get("taken") || "";
          $("rating").value = initial.get("rating") || "";
          $("camera").value = initial.get("camera") || "";
          similar(initial.get("similar"));
        }
        status();
        """#
}
