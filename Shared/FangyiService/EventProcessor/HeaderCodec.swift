public import FangyiKafka
public import NIOCore

/// Encodes Kafka headers for the outbox's `headers` column: a count, then per
/// header a length-prefixed UTF-8 key and a length-prefixed value (-1 for null).
public enum HeaderCodec {
    /// The column bytes for `headers`.
    public static func encode(_ headers: [(key: String, value: [UInt8])]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt16(clamping: headers.count))
        for (key, value) in headers.prefix(Int(UInt16.max)) {
            let keyBytes = Array(key.utf8)
            buffer.writeInteger(UInt16(clamping: keyBytes.count))
            buffer.writeBytes(keyBytes.prefix(Int(UInt16.max)))
            buffer.writeInteger(Int32(clamping: value.count))
            buffer.writeBytes(value)
        }
        return buffer
    }

    /// Decodes what ``encode(_:)`` wrote; `nil` if the bytes are not in that format.
    public static func decode(_ buffer: ByteBuffer) -> [KafkaHeader]? {
        var buffer = buffer
        guard let count = buffer.readInteger(as: UInt16.self) else { return nil }
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let keyLength = buffer.readInteger(as: UInt16.self),
                  let key = buffer.readString(length: Int(keyLength)),
                  let valueLength = buffer.readInteger(as: Int32.self)
            else { return nil }
            if valueLength < 0 {
                headers.append(KafkaHeader(key: key, value: nil))
            } else {
                guard let value = buffer.readBytes(length: Int(valueLength)) else { return nil }
                headers.append(KafkaHeader(key: key, value: value))
            }
        }
        return headers
    }
}
