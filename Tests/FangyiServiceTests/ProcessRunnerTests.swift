import FangyiService
import FangyiTesting
import Foundation
import Testing

@Suite("ProcessRunner")
struct ProcessRunnerTests {
    let shell = URL(fileURLWithPath: "/bin/sh")

    @Test func waitsForALineThenTerminates() async throws {
        let runner = try await ProcessRunner.start(
            executableURL: self.shell,
            arguments: ["-c", #"printf 'starting\nready on port %s\n' "$PORT"; exec sleep 30"#],
            environment: ["PORT": "4321"]
        )
        let line = try await runner.waitForLine(containing: "ready on port", timeout: .seconds(10))
        #expect(line.text == "ready on port 4321")
        #expect(line.number == 1)
        // A line printed before the call is found too; `after` skips it.
        let first = try await runner.waitForLine(containing: "starting", timeout: .seconds(1))
        #expect(first.number == 0)

        runner.terminate()
        #expect(await runner.waitForExit() == 128 + SIGTERM)
        #expect(runner.standardOutput == "starting\nready on port 4321\n")
    }

    @Test func readsStandardErrorAndExitCodes() async throws {
        let runner = try await ProcessRunner.start(executableURL: self.shell, arguments: ["-c", "echo to-stderr >&2; exit 3"])
        try await runner.waitForLine(containing: "to-stderr", on: .standardError, timeout: .seconds(10))
        #expect(await runner.waitForExit() == 3)
        let error = await #expect(throws: ProcessRunnerError.self) {
            try await runner.waitForLine(containing: "never printed", timeout: .seconds(10))
        }
        #expect(error?.code == "process.output_ended")
    }

    @Test func lineThatNeverComesTimesOutAndKillWorks() async throws {
        let runner = try await ProcessRunner.start(executableURL: self.shell, arguments: ["-c", "echo busy; exec sleep 30"])
        let error = await #expect(throws: ProcessRunnerError.self) {
            try await runner.waitForLine(containing: "done", timeout: .milliseconds(200))
        }
        #expect(error?.code == "process.timeout")
        #expect(error?.output == "busy")
        runner.kill()
        #expect(await runner.waitForExit() == 128 + SIGKILL)
    }

    @Test func findsExecutableProductsNextToTheTests() throws {
        let url = try ProcessRunner.executableURL(named: "fangyi-test-worker")
        #expect(FileManager.default.isExecutableFile(atPath: url.path))
        let error = #expect(throws: ProcessRunnerError.self) {
            try ProcessRunner.executableURL(named: "no-such-product")
        }
        #expect(error?.code == "process.executable_not_found")
    }
}
