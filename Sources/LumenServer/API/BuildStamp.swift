#if !LUMEN_BUILD_STAMP
/// The commit and date a build was made from. `Scripts/stamp.sh` (which `Scripts/run.sh` and `Scripts/test.sh`
/// run before building, with `LUMEN_BUILD_STAMP=1` in the environment) writes them into the git-ignored
/// `BuildStamp+Generated.swift`, which `Package.swift` then compiles in with `-D LUMEN_BUILD_STAMP`. This
/// fallback, compiled otherwise, keeps a clean clone building with a plain `swift build` — and says so.
enum BuildStamp {
    static let revision = "unknown"
    static let branch = "unknown"
    static let date = "unknown"
}
#endif
