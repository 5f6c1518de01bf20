#!/usr/bin/env python3
"""Search latency of `glimpse serve` as an HTTP client sees it, against the search time the server reports.

    Benchmarks/experiments/server_latency.py GLIMPSE INDEX [--queries N] [-- SERVE OPTIONS...]

Starts `GLIMPSE serve --port 0 --index INDEX [SERVE OPTIONS]`, reads its address, then over one
keep-alive connection sends the first query (cold) and N more, each followed by its next page (offset 20,
as the page's "More results" asks). Prints, as JSON: the time from starting the
process to the "Serving" line, the first query's latency, and for the rest the p50/p99 of the client's
latency, of the server's own `timings.total`, and of their difference (HTTP, JSON and the client), and
the p50s of the next pages.
Queries are random two-concept phrasings (a third with negation), the same for every run.
"""
import argparse, http.client, json, random, statistics, subprocess, sys, time, urllib.parse

SUBJECTS = ["a dog", "a cat", "two children", "a red car", "a bicycle", "a woman", "an old man", "a horse",
            "a knife", "a teddy bear", "a pizza", "a boat", "a train", "birds", "a laptop"]
PLACES = ["a sofa", "the beach", "a kitchen table", "a street", "a snowy field", "a bed", "a park bench",
          "a cutting board", "the harbour", "a desk"]
PHRASINGS = ["{} on {}", "{} near {} but no cartoon", "{} without people", "a photo of {} with {}",
             "{} and {}, not at night"]


def queries(count):
    generator = random.Random(11)
    return [generator.choice(PHRASINGS).format(generator.choice(SUBJECTS), generator.choice(PLACES))
            for _ in range(count)]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("glimpse")
    parser.add_argument("index")
    parser.add_argument("--queries", type=int, default=300)
    own, serve_options = (sys.argv[1:], [])
    if "--" in own:
        own, serve_options = own[:own.index("--")], own[own.index("--") + 1:]
    arguments = parser.parse_args(own)

    started = time.perf_counter()
    server = subprocess.Popen([arguments.glimpse, "serve", "--port", "0", "--index", arguments.index]
                              + serve_options, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline()
        ready = time.perf_counter() - started
        address = next(word for word in line.split() if word.startswith("http://"))
        host_port = urllib.parse.urlsplit(address).netloc
        connection = http.client.HTTPConnection(host_port)

        def ask(text, offset=0):
            begin = time.perf_counter()
            connection.request("GET", "/api/search?" + urllib.parse.urlencode({"q": text, "limit": 20, "offset": offset}))
            reply = connection.getresponse()
            body = reply.read()
            elapsed = (time.perf_counter() - begin) * 1000
            if reply.status != 200:
                raise SystemExit(f"{text!r}: {reply.status} {body[:200]!r}")
            return elapsed, json.loads(body)["timings"]["total"]

        texts = queries(arguments.queries + 1)
        first, first_server = ask(texts[0])
        client, reported, next_client, next_reported = [], [], [], []
        for text in texts[1:]:
            elapsed, total = ask(text)
            client.append(elapsed)
            reported.append(total)
            elapsed, total = ask(text, offset=20)  # the next page, as the page's "More results" asks
            next_client.append(elapsed)
            next_reported.append(total)
        overhead = [c - s for c, s in zip(client, reported)]
        print(json.dumps({
            "startToServingSeconds": round(ready, 3),
            "firstQueryMilliseconds": round(first, 1), "firstQueryServerMilliseconds": round(first_server, 1),
            "queries": len(client),
            "clientP50": round(statistics.median(client), 2), "clientP99": round(percentile(client, 0.99), 2),
            "serverP50": round(statistics.median(reported), 2), "serverP99": round(percentile(reported, 0.99), 2),
            "overheadP50": round(statistics.median(overhead), 3), "overheadP99": round(percentile(overhead, 0.99), 3),
            "nextPageClientP50": round(statistics.median(next_client), 2),
            "nextPageServerP50": round(statistics.median(next_reported), 2),
        }))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
