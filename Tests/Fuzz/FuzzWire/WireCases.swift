import Foundation
import FuzzSupport
import LumenModel
import LumenWire
import NIOCore

/// Every decoder of client bytes in LumenWire, as the server calls it, with small limits so that a bomb is
/// refused quickly. Whatever the input, each must return or throw `WireError`.
enum WireCases {
    static let tenant = Tenant("fuzz")!
    static let receivedAt: Int64 = 1_700_000_000_000_000_000
    static let limit = 1 << 20
    static let remoteWrite = RemoteWriteDecoder(cachedSeries: 1_000)

    static let all: [FuzzCase] = [
        otlp(.traces, .protobuf), otlp(.metrics, .protobuf), otlp(.logs, .protobuf),
        otlp(.traces, .json), otlp(.metrics, .json), otlp(.logs, .json),
        FuzzCase("remote-write-snappy", seeds: { WireSeeds.remoteWrite.map(Snappy.compress) }) {
            _ = try? remoteWrite.decode($0, tenant: tenant, limit: limit)
        },
        // The protobuf reader behind the snappy layer: the fuzzer mutates the message, the case compresses it.
        FuzzCase("remote-write-protobuf", seeds: { WireSeeds.remoteWrite }) {
            _ = try? remoteWrite.decode(Snappy.compress($0), tenant: tenant, limit: limit)
        },
        FuzzCase("loki-json", seeds: { WireSeeds.lokiJSON }) {
            _ = try? LokiPushDecoder.decode(
                $0, contentType: "application/json", tenant: tenant, receivedAt: receivedAt, limit: limit)
        },
        FuzzCase("loki-snappy", seeds: { WireSeeds.lokiProtobuf.map(Snappy.compress) }) {
            _ = try? LokiPushDecoder.decode(
                $0, contentType: "application/x-protobuf", tenant: tenant, receivedAt: receivedAt, limit: limit)
        },
        FuzzCase("loki-protobuf", seeds: { WireSeeds.lokiProtobuf }) {
            _ = try? LokiPushDecoder.decode(
                Snappy.compress($0), contentType: "application/x-protobuf", tenant: tenant, receivedAt: receivedAt,
                limit: limit)
        },
        FuzzCase("zipkin", seeds: { WireSeeds.zipkin }) { _ = try? ZipkinDecoder.decode($0, tenant: tenant) },
        FuzzCase("statsd", seeds: { WireSeeds.statsD }) { datagram in
            var aggregator = StatsDAggregator(tenant: tenant, resource: Resource())
            for metric in StatsDParser.parse(datagram).metrics { aggregator.add(metric) }
            _ = aggregator.flush(at: receivedAt)
        },
        FuzzCase("syslog-message", seeds: { WireSeeds.syslogMessages }) {
            _ = try? SyslogParser.parse($0, receivedAt: receivedAt, tenant: tenant)
        },
        // A TCP stream in two reads, split where its first byte says, each message parsed as the listener does.
        FuzzCase("syslog-stream", seeds: { WireSeeds.syslogStreams }) { input in
            guard let first = input.first else { return }
            let stream = input.dropFirst()
            let split = stream.startIndex + Int(first) % (stream.count + 1)
            var framer = SyslogFramer(maxMessageSize: 4096)
            do {
                var messages = try framer.append(Array(stream[..<split]))
                messages += try framer.append(Array(stream[split...]))
                if let last = framer.finish() { messages.append(last) }
                for message in messages { _ = try? SyslogParser.parse(message, receivedAt: receivedAt, tenant: tenant) }
            } catch {}
        },
        FuzzCase("snappy", seeds: { WireSeeds.texts.map(Snappy.compress) }) {
            _ = try? Snappy.decompress($0, limit: 64 << 10)
        },
        inflate("gzip"), inflate("deflate"),
    ]

    static func otlp(_ signal: OTLPSignal, _ format: OTLPFormat) -> FuzzCase {
        FuzzCase("otlp-\(signal.rawValue)-\(format == .json ? "json" : "protobuf")", seeds: {
            WireSeeds.otlp(signal, format)
        }) {
            _ = try? OTLPDecoder.decode(
                signal, body: ByteBuffer(bytes: $0), format: format, tenant: tenant, receivedAt: receivedAt)
        }
    }

    /// `Content-Encoding` under a 64 KiB limit: bombs, truncated and multi-member bodies.
    static func inflate(_ encoding: String) -> FuzzCase {
        FuzzCase(encoding, seeds: { WireSeeds.compressed(encoding) }) {
            _ = try? ContentEncoding.decode(ByteBuffer(bytes: $0), encoding: encoding, limit: 64 << 10)
        }
    }
}
