// Wall time of the tools' own commands, start-up included: each run is a fresh process of the
// executable built beside gen-bench, as a user runs it.
import Foundation
import GenEngine

func toolBenchmarks(only: String) -> [Result] {
    let bin = CLI.executableFolder
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("gen-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: out) }
    let song = out.appendingPathComponent("song.mid").path
    let stats = out.appendingPathComponent("stats.json").path
    let text = ["--stats", stats, "--force", "--quiet", "--seed", "0"]
    let oneMB = "samples/data/shakespeare/shakespeare_1mb.txt.gz"
    let moses100k = "samples/data/moses/train-100k.smi.gz"
    let mosesTest = "samples/data/moses/test-10k.smi.gz"
    let cases: [(name: String, tool: String, args: [String], items: Double)] = [
        ("tool.gen-music.16bars", "gen-music", ["--bars", "16", "--out", song, "--force"], 1),
        ("tool.gen-music.100pieces", "gen-music", ["--bars", "16", "--count", "100", "--out", song, "--force"], 100),
        ("tool.gen-text.gpt.500tokens", "gen-text", ["ROMEO:", "--max-tokens", "500"] + text, 500),
        ("tool.gen-text.gpt.count64", "gen-text", ["ROMEO:", "--max-tokens", "200", "--count", "64"] + text, 64 * 200),
        ("tool.gen-text.ngram.2000tokens", "gen-text", ["--model", "text-shakespeare-ngram", "--max-tokens", "2000"] + text, 2000),
        ("tool.gen-text.ngram.eval.1mb", "gen-text", ["eval", "--model", "text-shakespeare-ngram", "--text", oneMB], 1),
        (
            "tool.gen-text.gpt.eval.othello", "gen-text",
            ["eval", "--text", "samples/data/text/shakespeare-plays/heldout/tragedies-othello.txt.gz"], 1
        ),
        ("tool.gen-molecule.10k", "gen-molecule", ["--count", "10000", "--out", out.appendingPathComponent("m.smi").path] + text, 10_000),
        ("tool.gen-molecule.check.100k", "gen-molecule", ["check", moses100k], 100_000),
        ("tool.gen-molecule.canonical.100k", "gen-molecule", ["canonical", moses100k], 100_000),
        ("tool.gen-molecule.eval.10k", "gen-molecule", ["eval", mosesTest, "--train", moses100k], 10_000),
        ("tool.gen-level.200columns", "gen-level", ["--seed", "0", "--out", out.appendingPathComponent("l.txt").path, "--force"], 1),
        ("tool.gen-level.100levels", "gen-level", ["--count", "100", "--out", out.appendingPathComponent("levels").path] + text, 100),
        (
            "tool.gen-level.wfc48x48", "gen-level",
            [
                "--model", "wfc", "--sample", "samples/data/vglc/smb1/mario-1-1.txt", "--pattern-size", "3", "--width", "48", "--height",
                "48", "--no-require-path", "--seed", "1", "--out", out.appendingPathComponent("wfc.txt").path, "--force",
            ], 1
        ),
        (
            "augment.images.mnist1000", "augment",
            [
                "images", "--in", "samples/augment/mnist-100", "--out", out.appendingPathComponent("aug").path, "--copies", "10", "--force",
                "--quiet",
                "--pipeline",
                "rotate:limit=15; crop:scale=0.8-1,size=28; jitter:brightness=0.2,contrast=0.2; noise:std=0.05; cutout:holes=1,size=8",
            ], 1000
        ),
        (
            "augment.images.photos200", "augment",
            [
                "images", "--in", "samples/augment/detection", "--out", out.appendingPathComponent("det").path, "--copies", "100",
                "--force",
                "--quiet", "--boxes", "yolo", "--pipeline",
                "hflip; rotate:limit=15; crop:scale=0.5-1,size=224; jitter:brightness=0.2,contrast=0.2",
            ], 200
        ),
    ]
    // Start-up: every tool's --help, and the smallest job of each default model (whole process;
    // the tools that report it add the seconds to the model loaded as `loadSeconds`).
    let startup: [(name: String, tool: String, args: [String], items: Double)] =
        ["gen-image", "gen-music", "gen-text", "gen-level", "gen-molecule", "augment"].map { ("tool.\($0).help", $0, ["--help"], 1) } + [
            (
                "tool.gen-image.1image", "gen-image",
                ["--count", "1", "--seed", "0", "--out", out.appendingPathComponent("one").path, "--force"], 1
            ),
            ("tool.gen-music.1bar", "gen-music", ["--bars", "1", "--out", song, "--force"], 1),
            ("tool.gen-text.gpt.1token", "gen-text", ["--max-tokens", "1"] + text, 1),
            ("tool.gen-text.ngram.1token", "gen-text", ["--model", "text-shakespeare-ngram", "--max-tokens", "1"] + text, 1),
            (
                "tool.gen-level.16columns", "gen-level",
                ["--width", "16", "--seed", "0", "--out", out.appendingPathComponent("s.txt").path, "--force"], 1
            ),
            (
                "tool.gen-molecule.1molecule", "gen-molecule",
                ["--count", "1", "--out", out.appendingPathComponent("one.smi").path] + text, 1
            ),
        ]
    var results: [Result] = []
    for c in startup + cases where c.name.hasPrefix(only) {
        let executable = bin.appendingPathComponent(c.tool)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { continue }
        var times: [Double] = []
        var peakMB = 0.0
        for _ in 0..<5 {
            guard let run = runChild(executable.path, c.args), run.status == 0 else { break }
            times.append(run.seconds)
            peakMB = max(peakMB, run.peakMB)
        }
        guard times.count == 5 else { continue }
        var notes = ["fastest_seconds": times.min()!, "items": c.items]
        // The tool's own figures of the last run (--stats): generation speed without start-up.
        if c.args.contains(stats), let data = FileManager.default.contents(atPath: stats),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            for key in [
                "tokensPerSecond", "charactersPerSecond", "timeToFirstTokenSeconds", "loadSeconds", "moleculesPerSecond", "validity",
            ] {
                if let value = json[key] as? Double { notes[key] = value }
            }
        }
        results.append(
            Result(name: c.name, unit: "seconds", value: times.sorted()[2], peakRSSMB: peakMB, notes: notes))
    }
    return results
}

/// Runs `path` with `arguments` (standard output and error to /dev/null) and waits for it with
/// `wait4`, which gives that child's own peak resident set (`getrusage(RUSAGE_CHILDREN)` would give
/// the largest of all children so far). Nil when it cannot start.
func runChild(_ path: String, _ arguments: [String]) -> (seconds: Double, status: Int32, peakMB: Double)? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for arg in argv { free(arg) } }
    var pid = pid_t()
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    // WIFEXITED and WEXITSTATUS by hand (Glibc's macros are not imported).
    let exited = status & 0x7f == 0
    return (seconds, exited ? (status >> 8) & 0xff : -1, Double(usage.ru_maxrss) / 1024)
}
