import FuzzSupport

// libFuzzer's entry points (no `@main`: libFuzzer brings `main`). Build and run with Scripts/fuzz.sh.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    FuzzTarget.writeSeedsIfAsked(ConfigCases.all)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzTarget.run(ConfigCases.all, start, count)
    return 0
}
