public import Foundation

extension ProcessRunner {
    /// The variable that, when set, names the build products directory to
    /// search first (for unusual layouts such as a custom `--scratch-path`).
    public static let buildProductsVariable = "FANGYI_BUILD_PRODUCTS"

    /// Locates the built executable product `name` (e.g. `fangyi-test-worker`).
    ///
    /// SwiftPM puts executable products in the same directory as the test
    /// bundle. That directory is found from, in order: `FANGYI_BUILD_PRODUCTS`;
    /// any loaded `.xctest` bundle (macOS, where the host is `xctest` or
    /// swift-testing's helper); and the running executable (Linux, where the
    /// `.xctest` file is itself the executable), looking up to three parent
    /// directories so that `X.xctest/Contents/MacOS/X` works too. The test
    /// target must depend on the product so that it is built first.
    ///
    /// - Throws: `ProcessRunnerError` `process.executable_not_found` listing the
    ///   directories searched.
    public static func executableURL(named name: String) throws -> URL {
        // Directories to search, each with how many of its ancestors to try too.
        var directories: [(URL, ancestors: Int)] = []
        if let override = ProcessInfo.processInfo.environment[Self.buildProductsVariable], !override.isEmpty {
            directories.append((URL(fileURLWithPath: override, isDirectory: true), 0))
        }
        var starts: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            starts.append(bundle.bundleURL)
        }
        if let executable = Bundle.main.executableURL {
            starts.append(executable)
        }
        starts.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "", isDirectory: false))
        #if os(Linux)
        starts.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
        #endif

        for start in starts {
            directories.append((start.resolvingSymlinksInPath().deletingLastPathComponent(), 3))
        }

        var searched: [String] = []
        let fileManager = FileManager.default
        for (first, ancestors) in directories {
            var directory = first
            for _ in 0...ancestors {
                let path = directory.standardizedFileURL.path
                if !searched.contains(path) {
                    searched.append(path)
                    let candidate = directory.appendingPathComponent(name)
                    var isDirectory: ObjCBool = false
                    if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                        fileManager.isExecutableFile(atPath: candidate.path)
                    {
                        return candidate.standardizedFileURL
                    }
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        throw ProcessRunnerError(
            code: ProcessRunnerError.executableNotFound,
            message: """
                no executable named \(name) next to the test bundle; make the test target depend on the \
                product (or set \(Self.buildProductsVariable)). Searched: \(searched.joined(separator: ", "))
                """
        )
    }
}
