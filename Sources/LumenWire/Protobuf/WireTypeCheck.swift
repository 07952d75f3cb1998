import Foundation
import Synchronization
import SwiftProtobuf

/// Finds the fields swift-protobuf decoded into nothing because their wire type is not the schema's.
///
/// swift-protobuf, like protobuf's C++ runtime, keeps a known field number that arrives with another wire type
/// (a `resource_spans` sent as a varint) among the message's unknown fields and decodes the message as if the
/// field were absent: a request of such fields is accepted as empty. Lumen refuses it instead, as it refuses any
/// other malformed body; fields unknown to Lumen's schema (a newer OTLP's) are still skipped as protobuf intends.
///
/// The runtime does not say which numbers a message type knows, so each unknown field's number is tried once per
/// type with the other wire types: if one of them decodes without leaving an unknown field, the number is known.
/// The answers are cached, so a request costs a walk of its messages and a lookup for each unknown field.
public enum WireTypeCheck {
    /// Throws `.malformed` naming the first field, as a path of field numbers from the request, whose wire type is
    /// not its schema's.
    public static func check(_ message: some Message, name: String) throws(WireError) {
        var walker = Walker()
        do {
            try walker.check(message)
        } catch let mismatch as Mismatch {
            let path = (walker.path + [mismatch.field]).map(String.init).joined(separator: ".")
            throw .malformed(
                "\(name) is not valid protobuf: field \(path) (in \(mismatch.message)) has wire type "
                    + "\(mismatch.wireType), which is not its type's")
        } catch {
            throw .malformed("\(name) could not be checked: \(error)")
        }
    }

    struct Mismatch: Error {
        let message: String
        let field: Int
        let wireType: Int
    }

    /// Every message of a decoded request, depth first, each one's unknown fields checked.
    private struct Walker: Visitor {
        /// Field numbers from the request to the message being walked.
        var path: [Int] = []

        mutating func check<M: Message>(_ message: M) throws {
            if !message.unknownFields.data.isEmpty {
                try UnknownFields.forEach(in: message.unknownFields.data) { field, wireType throws(Mismatch) in
                    if KnownFields.knows(M.self, field: field, besides: wireType) {
                        throw Mismatch(message: M.protoMessageName, field: field, wireType: wireType)
                    }
                }
            }
            try message.traverse(visitor: &self)
        }

        mutating func visitSingularMessageField<M: Message>(value: M, fieldNumber: Int) throws {
            path.append(fieldNumber)
            try check(value)
            path.removeLast()
        }

        mutating func visitMapField<KeyType, ValueType: MapValueType>(
            fieldType: _ProtobufMap<KeyType, ValueType>.Type, value: _ProtobufMap<KeyType, ValueType>.BaseType,
            fieldNumber: Int
        ) throws {}

        mutating func visitMapField<KeyType, ValueType>(
            fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type, value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
            fieldNumber: Int
        ) throws {}

        mutating func visitMapField<KeyType, ValueType>(
            fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
            value: _ProtobufMessageMap<KeyType, ValueType>.BaseType, fieldNumber: Int
        ) throws {
            for message in value.values { try visitSingularMessageField(value: message, fieldNumber: fieldNumber) }
        }

        mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {}
        mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {}
        mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {}
        mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {}
        mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {}
        mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {}
        mutating func visitSingularEnumField<E: Enum>(value: E, fieldNumber: Int) throws {}
        mutating func visitUnknown(bytes: Data) throws {}
    }

    /// The field numbers and wire types of unknown fields, as swift-protobuf keeps them: valid wire format.
    private enum UnknownFields {
        static func forEach(in data: Data, _ body: (Int, Int) throws(Mismatch) -> Void) throws(Mismatch) {
            try [UInt8](data).withUnsafeBufferPointer { buffer throws(Mismatch) in
                var reader = ProtobufWireReader(buffer)
                // Groups: proto3 has none, and OTLP and logproto are proto3; the reader stops at one.
                while let (number, type) = try? reader.nextField() {
                    try body(Int(truncatingIfNeeded: number), Int(type.rawValue))
                    guard (try? reader.skip(type)) != nil else { return }
                }
            }
        }
    }

    /// Which field numbers a message type knows, found by decoding one field of each other wire type.
    private enum KnownFields {
        struct Key: Hashable {
            let type: ObjectIdentifier
            let field: Int
        }

        /// Bounded: a request can name 2²⁹ field numbers; past this many answers they are no longer kept.
        static let capacity = 1 << 14
        static let cache = Mutex<[Key: Bool]>([:])

        static func knows<M: Message>(_ type: M.Type, field: Int, besides wireType: Int) -> Bool {
            let key = Key(type: ObjectIdentifier(type), field: field)
            if let known = cache.withLock({ $0[key] }) { return known }
            let known = [0, 1, 2, 5].contains { probe in
                probe != wireType && decodesWithoutUnknownFields(type, field: field, wireType: probe)
            }
            cache.withLock { if $0.count < capacity { $0[key] = known } }
            return known
        }

        private static func decodesWithoutUnknownFields<M: Message>(_ type: M.Type, field: Int, wireType: Int)
            -> Bool
        {
            var bytes: [UInt8] = []
            var key = UInt64(field) << 3 | UInt64(wireType)
            while key >= 0x80 {
                bytes.append(UInt8(key & 0x7f) | 0x80)
                key >>= 7
            }
            bytes.append(UInt8(key))
            switch wireType {
            case 1: bytes += [UInt8](repeating: 0, count: 8)
            case 5: bytes += [UInt8](repeating: 0, count: 4)
            default: bytes.append(0)  // a varint 0, or an empty length-delimited value
            }
            guard let message = try? M(serializedBytes: bytes) else { return false }
            return message.unknownFields.data.isEmpty
        }
    }
}
