/// What a remote write request decodes into: the `DecodeResult` every protocol's decoder returns (a request
/// with refused series still succeeds: Prometheus would retry a 4xx/5xx forever or drop it all). The name is
/// kept for the decoder's existing callers.
public typealias RemoteWriteResult = DecodeResult
