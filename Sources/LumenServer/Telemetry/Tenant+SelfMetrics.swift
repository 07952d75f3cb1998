import LumenModel

extension Tenant {
    /// Where Lumen keeps its own metrics (`SelfMetricsRecorder`): written by the server alone (every client write
    /// naming it is refused), read like any tenant — with `X-Scope-OrgID: _lumen`, or the admin token once tokens
    /// are configured. The leading underscore keeps it apart from the names people give their teams.
    public static let selfMetrics = Tenant("_lumen")!
}
