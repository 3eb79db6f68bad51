import Foundation
import FuzzTargets

// `make fuzz` builds this with libFuzzer (-sanitize=fuzzer,address and
// -D FUZZING): libFuzzer's main calls LLVMFuzzerTestOneInput with each input,
// for the target named by $DOSSIER_FUZZ_TARGET. In an ordinary build it is
// a replayer: `FuzzDossier TARGET FILE…` runs the target on each file, to
// reproduce a finding under the debugger.

#if FUZZING
/// The target of this run, read once.
let target: @Sendable (UnsafeRawBufferPointer) -> Void = {
    let name = ProcessInfo.processInfo.environment["DOSSIER_FUZZ_TARGET"] ?? ""
    guard let body = FuzzTargets.all[name] else {
        fatalError("DOSSIER_FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
    }
    return body
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
@main
enum Replay {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let body = FuzzTargets.all[name] else {
            print("usage: FuzzDossier TARGET FILE… (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            data.withUnsafeBytes { body($0) }
            print("\(path): ok")
        }
    }
}
#endif
