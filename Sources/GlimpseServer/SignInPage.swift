import Hummingbird

/// The page a browser gets instead of `{"error"}` when it opens a token-protected server without the
/// token (or with a wrong one): the reason, and a form that sends the token as `?token=` to the same
/// address, keeping the address's other parameters; `AccessMiddleware` then sets the cookie.
struct SignInPage: Sendable {
    var message: String
    /// The path the browser asked for, and the query parameters to keep (the token left out).
    var path: String
    var parameters: [(name: String, value: String)]

    /// Whether `request` is a browser opening a page (not the page's script, an image or an API client).
    static func isWanted(by request: Request) -> Bool {
        request.method == .get && !request.uri.path.hasPrefix("/api/")
            && (request.headers[.accept] ?? "").contains("text/html")
    }

    var html: String {
        let hidden = parameters.map { "<input type=\"hidden\" name=\"\(Self.escaped($0.name))\" value=\"\(Self.escaped($0.value))\">" }
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Glimpse — access token</title>
            <style>
              body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
              main { max-width: 520px; margin: 12vh auto; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 20px 24px; }
              form { display: flex; gap: 8px; margin-top: 12px; }
              input[name=token] { flex: 1; font-size: 16px; padding: 8px 10px; border: 1px solid #bbb; border-radius: 6px; }
              button { font-size: 15px; padding: 8px 14px; }
              p { color: #444; }
            </style>
            </head>
            <body>
            <main>
              <h1>Glimpse</h1>
              <p>\(Self.escaped(message))</p>
              <form method="get" action="\(Self.escaped(path))">
                <input name="token" type="password" autocomplete="current-password" autofocus required aria-label="access token">
                \(hidden.joined(separator: "\n    "))
                <button>Open</button>
              </form>
            </main>
            </body>
            </html>
            """
    }

    /// `text` safe inside an element or a quoted attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
