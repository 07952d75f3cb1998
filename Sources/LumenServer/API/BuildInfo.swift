/// What this build of Lumen is: `/api/v1/status/buildinfo` answers with it, in Prometheus' shape.
public struct BuildInfo: Sendable, Hashable {
    public var version: String
    public var revision: String
    public var branch: String
    public var buildUser: String
    public var buildDate: String
    /// The compiler's version: Prometheus' `goVersion` field.
    public var compilerVersion: String

    public init(
        version: String, revision: String = "unknown", branch: String = "unknown", buildUser: String = "unknown",
        buildDate: String = "unknown", compilerVersion: String = BuildInfo.swiftVersion
    ) {
        self.version = version
        self.revision = revision
        self.branch = branch
        self.buildUser = buildUser
        self.buildDate = buildDate
        self.compilerVersion = compilerVersion
    }

    /// This build's: the revision, branch and date `Scripts/stamp.sh` wrote into `BuildStamp+Generated.swift`,
    /// or "unknown" for a build without it (see ``BuildStamp``). `lumen version` prints the same.
    public static let current = BuildInfo(
        version: "0.1.0", revision: BuildStamp.revision, branch: BuildStamp.branch, buildDate: BuildStamp.date)

    /// `swift6.2`: the language mode's compiler, as far as `#if compiler` tells.
    public static var swiftVersion: String {
        #if compiler(>=6.3)
        "swift6.3"
        #elseif compiler(>=6.2)
        "swift6.2"
        #elseif compiler(>=6.1)
        "swift6.1"
        #else
        "swift6"
        #endif
    }
}
