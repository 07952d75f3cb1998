import LumenModel
/// The two syslog timestamp forms, as nanoseconds since the epoch.
enum SyslogTimestamp {
    /// RFC 5424 / RFC 3339: `2026-11-21T10:00:00.123456+00:00`, `…Z`; up to 9 fraction digits.
    static func rfc3339(_ text: ArraySlice<UInt8>) -> Int64? {
        let b = Array(text)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), b[13] == UInt8(ascii: ":"),
            b[16] == UInt8(ascii: ":"),
            let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]),
            let hour = number(b[11..<13]), let minute = number(b[14..<16]), let second = number(b[17..<19])
        else { return nil }
        var index = 19
        var nanosecond = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index].isDigit {
                guard digits < 9 else { return nil }
                nanosecond = nanosecond * 10 + Int(b[index] - 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanosecond *= 10 }
        }
        guard index < b.count else { return nil }
        var offset = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard b.count == index + 6, b[index + 3] == UInt8(ascii: ":"),
                let hours = number(b[(index + 1)..<(index + 3)]), let minutes = number(b[(index + 4)..<(index + 6)]),
                hours <= 23, minutes <= 59
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        return CivilCalendar.nanoseconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            nanosecond: nanosecond, offsetSeconds: offset)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 3164: `Nov 21 10:00:00` or `Nov  1 10:00:00` (exactly 15 bytes), read as UTC in the year of
    /// `receivedAt`, or the year before when that would be more than a day after `receivedAt`.
    static func bsd(_ text: ArraySlice<UInt8>, receivedAt: Int64) -> Int64? {
        let b = Array(text)
        guard b.count == 15, b[3] == UInt8(ascii: " "), b[6] == UInt8(ascii: " "), b[9] == UInt8(ascii: ":"),
            b[12] == UInt8(ascii: ":"),
            let month = months.firstIndex(of: String(decoding: b[0..<3], as: UTF8.self)).map({ $0 + 1 }),
            let day = b[4] == UInt8(ascii: " ") ? number(b[5..<6]) : number(b[4..<6]),
            let hour = number(b[7..<9]), let minute = number(b[10..<12]), let second = number(b[13..<15])
        else { return nil }
        let receivedDays = Int(receivedAt.quotientAndRemainder(dividingBy: 86_400_000_000_000).quotient)
        let year = CivilCalendar.date(days: receivedDays).year
        // Feb 29 exists only in some years; try this year, then the last.
        for candidate in [year, year - 1] {
            guard let time = CivilCalendar.nanoseconds(
                year: candidate, month: month, day: day, hour: hour, minute: minute, second: second)
            else { continue }
            if time <= receivedAt + 86_400_000_000_000 { return time }
        }
        return nil
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy(\.isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
