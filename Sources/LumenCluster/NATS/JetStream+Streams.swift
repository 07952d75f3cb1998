import CNATS

extension JetStream {
    /// Creates the stream, or reuses the one of that name: a stream is never deleted and recreated (on 2.9 a
    /// replica restart then lost acknowledged messages). Where the existing stream's subjects or limits differ
    /// from `configuration`, they are updated in place. Blocks.
    @discardableResult
    public func createOrReuseStream(_ configuration: StreamConfiguration) throws(NATSError) -> StreamState {
        if let existing = try streamState(configuration.name) {
            let wanted = (Set(configuration.subjects), configuration.maxAge.nanoseconds, configuration.maxBytes)
            let current = try streamConfiguration(configuration.name)
            if wanted != (Set(current.subjects), current.maxAge.nanoseconds, current.maxBytes) {
                var update = configuration
                update.replicas = current.replicas  // a replica count changes only by an operator's decision
                return try addOrUpdate(update, update: true)
            }
            return existing
        }
        do {
            return try addOrUpdate(configuration, update: false)
        } catch where error.jetStreamCode == 10058 {  // created by another node meanwhile: reuse it
            guard let existing = try streamState(configuration.name) else { throw error }
            return existing
        }
    }

    /// The stream's state, or nil when there is no stream of that name. Blocks.
    public func streamState(_ name: String) throws(NATSError) -> StreamState? {
        try withStreamInfo(name) { info in StreamState(info) }
    }

    func streamConfiguration(_ name: String) throws(NATSError) -> StreamConfiguration {
        guard let configuration = try withStreamInfo(name, { info in StreamConfiguration(info.pointee.Config.pointee) })
        else { throw NATSError("stream info \(name)", status: NATS_NOT_FOUND, text: "no such stream", jetStreamCode: 10059) }
        return configuration
    }

    /// The subjects of stream `name` that hold messages and match `filter` (from its info).
    func subjects(ofStream name: String, matching filter: String) throws(NATSError) -> [String] {
        let strings = CStrings()
        var options = jsOptions()
        jsOptions_Init(&options)
        options.Stream.Info.SubjectsFilter = strings.copy(filter)
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = try withContext("subjects of stream \(name)") { js_GetStreamInfo(&info, $0, name, &options, &code) }
        try NATSError.check(status, "subjects of stream \(name)", jetStreamCode: code)
        defer { jsStreamInfo_Destroy(info) }
        guard let subjects = info?.pointee.State.Subjects?.pointee, let list = subjects.List else { return [] }
        return (0..<Int(subjects.Count)).map { String(cString: list[$0].Subject) }
    }

    private func withStreamInfo<T>(
        _ name: String, _ body: (UnsafeMutablePointer<jsStreamInfo>) -> T
    ) throws(NATSError) -> T? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = try withContext("stream info \(name)") { js_GetStreamInfo(&info, $0, name, nil, &code) }
        if status == NATS_NOT_FOUND || code.rawValue == 10059 { return nil }
        try NATSError.check(status, "stream info \(name)", jetStreamCode: code)
        defer { jsStreamInfo_Destroy(info) }
        return body(info!)
    }

    private func addOrUpdate(_ configuration: StreamConfiguration, update: Bool) throws(NATSError) -> StreamState {
        let strings = CStrings()
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        config.Name = strings.copy(configuration.name)
        config.Subjects = strings.array(configuration.subjects)
        config.SubjectsLen = Int32(configuration.subjects.count)
        config.Storage = js_FileStorage
        config.Retention = js_LimitsPolicy
        config.Discard = js_DiscardNew
        config.Replicas = Int64(configuration.replicas)
        config.MaxAge = configuration.maxAge.nanoseconds
        config.MaxBytes = configuration.maxBytes
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(rawValue: 0)
        let status = try withContext("create stream \(configuration.name)") { context in
            update
                ? js_UpdateStream(&info, context, &config, nil, &code) : js_AddStream(&info, context, &config, nil, &code)
        }
        try NATSError.check(status, "\(update ? "update" : "create") stream \(configuration.name)", jetStreamCode: code)
        defer { jsStreamInfo_Destroy(info) }
        return StreamState(info!)
    }
}

extension StreamState {
    init(_ info: UnsafeMutablePointer<jsStreamInfo>) {
        let config = info.pointee.Config.pointee
        let state = info.pointee.State
        self.init(
            name: String(cString: config.Name), created: info.pointee.Created, messages: state.Msgs, bytes: state.Bytes,
            firstSequence: state.FirstSeq, lastSequence: state.LastSeq, replicas: Int(config.Replicas),
            subjects: StreamConfiguration(config).subjects)
    }
}

extension StreamConfiguration {
    init(_ config: jsStreamConfig) {
        let subjects = (0..<Int(config.SubjectsLen)).compactMap { config.Subjects[$0].map { String(cString: $0) } }
        self.init(
            name: String(cString: config.Name), subjects: subjects, replicas: Int(config.Replicas),
            maxAge: .nanoseconds(config.MaxAge), maxBytes: config.MaxBytes)
    }
}
