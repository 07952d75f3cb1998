import Foundation
import LumenWire
import NIOCore

/// What went wrong with one POST, said so a person can act on it: the status's own message rather than the
/// bytes of a protobuf body, the cause of a failed connection rather than the socket call's description.
enum FailureText {
    /// The message of an error response: `google.rpc.Status.message` from an OTLP protobuf body, `message` or
    /// `error` from a JSON one, else the start of the text with control characters left out; empty for none.
    static func message(_ body: ByteBuffer, contentType: String?) -> String {
        let bytes = Array(body.readableBytesView.prefix(4096))
        let type = contentType?.lowercased() ?? ""
        if type.contains("protobuf"), let message = RPCStatusMessage.decode(bytes) { return excerpt(message) }
        if type.contains("json"),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let message = (object["message"] ?? object["error"]) as? String
        {
            return excerpt(message)
        }
        return excerpt(String(decoding: bytes, as: UTF8.self))
    }

    /// Why a connection failed, in a few words: `connection refused`, `timed out`, `unknown host`; otherwise
    /// the error's own description.
    static func transport(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("errno: 111") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timed out") {
            return "timed out"
        }
        if text.contains("Name or service not known") || text.contains("nodename nor servname")
            || text.contains("No address associated")
        {
            return "unknown host"
        }
        if text.contains("Connection reset") || text.contains("remoteConnectionClosed") { return "the connection was closed" }
        return text
    }

    /// One line of at most 200 characters without control characters.
    static func excerpt(_ text: String) -> String {
        let line = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return line.count > 200 ? line.prefix(199) + "…" : line
    }
}
