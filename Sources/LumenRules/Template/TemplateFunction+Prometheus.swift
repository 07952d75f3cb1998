import Foundation
import LumenModel

/// The functions Prometheus adds to rule templates (`template/template.go`), with its formatting exactly:
/// `humanize` scales by SI prefixes and prints `%.4g`, `humanizeDuration` splits days, hours, minutes and
/// seconds, `humanizeTimestamp` prints Go's `time.Time` in UTC at millisecond precision.
extension TemplateFunction {
    static let prometheus: [String: TemplateFunction] = [
        "humanize": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            .string(humanize(try arguments[0].convertedToFloat()))
        },
        "humanize1024": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            .string(humanize1024(try arguments[0].convertedToFloat()))
        },
        "humanizeDuration": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            .string(humanizeDuration(try arguments[0].convertedToFloat()))
        },
        "humanizePercentage": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            .string(GoFormat.sprintf("%.4g%%", [.float(try arguments[0].convertedToFloat() * 100)]))
        },
        "humanizeTimestamp": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            .string(try humanizeTimestamp(try arguments[0].convertedToFloat()))
        },
        "title": TemplateFunction([.string]) { arguments, _ in .string(title(arguments[0].stringValue)) },
        "toUpper": TemplateFunction([.string]) { arguments, _ in .string(mapScalars(arguments[0].stringValue, upper: true)) },
        "toLower": TemplateFunction([.string]) { arguments, _ in .string(mapScalars(arguments[0].stringValue, upper: false)) },
        "reReplaceAll": TemplateFunction([.string, .string, .string]) { arguments, _ throws(TemplateFunctionError) in
            let expression = try TemplateRegex(arguments[0].stringValue)
            return .string(expression.replaceAll(in: arguments[2].stringValue, with: arguments[1].stringValue))
        },
        "match": TemplateFunction([.string, .string]) { arguments, _ throws(TemplateFunctionError) in
            .bool(try TemplateRegex(arguments[0].stringValue).matches(arguments[1].stringValue))
        },
        "safeHtml": TemplateFunction([.string]) { arguments, _ in arguments[0] },
        "graphLink": TemplateFunction([.string]) { arguments, _ in
            .string("/graph?g0.expr=\(queryEscape(arguments[0].stringValue))&g0.tab=0")
        },
        "tableLink": TemplateFunction([.string]) { arguments, _ in
            .string("/graph?g0.expr=\(queryEscape(arguments[0].stringValue))&g0.tab=1")
        },
        "args": TemplateFunction([], variadic: .any) { arguments, _ in
            .map(Dictionary(uniqueKeysWithValues: arguments.enumerated().map { ("arg\($0.offset)", $0.element) }))
        },
        "stripPort": TemplateFunction([.string]) { arguments, _ in .string(stripPort(arguments[0].stringValue)) },
        "parseDuration": TemplateFunction([.string]) { arguments, _ throws(TemplateFunctionError) in
            let text = arguments[0].stringValue
            guard let nanoseconds = PrometheusDuration.parse(text) else {
                throw TemplateFunctionError("not a valid duration string: \(TemplateQuoting.quote(text))")
            }
            return .float(Double(nanoseconds) / 1e9)
        },
        "externalURL": TemplateFunction([]) { _, environment in .string(environment.externalURL) },
        "pathPrefix": TemplateFunction([]) { _, environment in .string(urlPath(environment.externalURL)) },
        "query": TemplateFunction([.string]) { arguments, environment throws(TemplateFunctionError) in
            guard let query = environment.query else {
                throw TemplateFunctionError("no query function available here")
            }
            do {
                return .list(try query(arguments[0].stringValue).map(\.templateValue))
            } catch {
                throw TemplateFunctionError("\(error)")
            }
        },
        "first": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            guard case .list(let samples) = arguments[0] else { throw wrongType(arguments[0], "template.queryResult") }
            guard let first = samples.first else {
                throw TemplateFunctionError("first() called on vector with no elements")
            }
            return first
        },
        "label": TemplateFunction([.string, .any]) { arguments, _ throws(TemplateFunctionError) in
            try arguments[1].field("Labels").field(arguments[0].stringValue)
        },
        "value": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            try arguments[0].field("Value")
        },
        "strvalue": TemplateFunction([.any]) { arguments, _ throws(TemplateFunctionError) in
            try arguments[0].field("Labels").field("__value__")
        },
        "sortByLabel": TemplateFunction([.string, .any]) { arguments, _ throws(TemplateFunctionError) in
            guard case .list(let samples) = arguments[1] else { throw wrongType(arguments[1], "template.queryResult") }
            let name = arguments[0].stringValue
            var keyed: [(key: String, sample: TemplateValue)] = []
            for sample in samples {
                keyed.append((try sample.field("Labels").field(name).stringValue, sample))
            }
            // A stable sort, as Go's sort.Stable.
            let sorted = keyed.enumerated().sorted {
                $0.element.key != $1.element.key ? Array($0.element.key.utf8).lexicographicallyPrecedes($1.element.key.utf8)
                    : $0.offset < $1.offset
            }
            return .list(sorted.map(\.element.sample))
        },
    ]

    private static func wrongType(_ value: TemplateValue, _ expected: String) -> TemplateFunctionError {
        TemplateFunctionError("wrong type for value; expected \(expected); got \(value.goTypeName)")
    }

    // MARK: humanize

    static func humanize(_ value: Double) -> String {
        if value == 0 || value.isNaN || value.isInfinite { return GoFormat.sprintf("%.4g", [.float(value)]) }
        var scaled = value
        var prefix = ""
        if abs(scaled) >= 1 {
            for next in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                if abs(scaled) < 1000 { break }
                prefix = next
                scaled /= 1000
            }
        } else {
            for next in ["m", "u", "n", "p", "f", "a", "z", "y"] {
                if abs(scaled) >= 1 { break }
                prefix = next
                scaled *= 1000
            }
        }
        return GoFormat.sprintf("%.4g", [.float(scaled)]) + prefix
    }

    static func humanize1024(_ value: Double) -> String {
        if abs(value) <= 1 || value.isNaN || value.isInfinite { return GoFormat.sprintf("%.4g", [.float(value)]) }
        var scaled = value
        var prefix = ""
        for next in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
            if abs(scaled) < 1024 { break }
            prefix = next
            scaled /= 1024
        }
        return GoFormat.sprintf("%.4g", [.float(scaled)]) + prefix
    }

    static func humanizeDuration(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return GoFormat.sprintf("%.4g", [.float(value)]) }
        if value == 0 { return GoFormat.sprintf("%.4gs", [.float(value)]) }
        if abs(value) >= 1 {
            let sign = value < 0 ? "-" : ""
            let magnitude = abs(value)
            let whole = goInt64(magnitude)
            let seconds = whole % 60
            let minutes = (whole / 60) % 60
            let hours = (whole / 60 / 60) % 24
            let days = whole / 60 / 60 / 24
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + GoFormat.sprintf("%.4gs", [.float(magnitude)])
        }
        var scaled = value
        var prefix = ""
        for next in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(scaled) >= 1 { break }
            prefix = next
            scaled *= 1000
        }
        return GoFormat.sprintf("%.4g", [.float(scaled)]) + prefix + "s"
    }

    /// `int64(v)` as Go compiles it on amd64: out-of-range conversions give the minimum int64.
    static func goInt64(_ value: Double) -> Int64 {
        guard value.isFinite, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else {
            return .min
        }
        return Int64(value)
    }

    static func humanizeTimestamp(_ value: Double) throws(TemplateFunctionError) -> String {
        if value.isNaN || value.isInfinite { return GoFormat.sprintf("%.4g", [.float(value)]) }
        let nanoseconds = value * 1e9
        guard nanoseconds >= -9.223372036854775808e18, nanoseconds < 9.223372036854775808e18 else {
            throw TemplateFunctionError(
                "\(GoFormat.float(value)) cannot be represented as a nanoseconds timestamp since it overflows int64")
        }
        // model.TimeFromUnixNano keeps milliseconds, truncated toward zero.
        return goTimeString(milliseconds: Int64(nanoseconds) / 1_000_000)
    }

    /// Go's `time.Time.String()` of a UTC time: `2006-01-02 15:04:05.999 +0000 UTC`, fraction trimmed.
    static func goTimeString(milliseconds: Int64) -> String {
        let (seconds, millisecond) = milliseconds.floorDivided(by: 1000)
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = CivilCalendar.date(days: Int(days))
        func two(_ value: some BinaryInteger) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var fraction = ""
        if millisecond != 0 {
            fraction = "." + String(String(millisecond + 1000).dropFirst())
            while fraction.hasSuffix("0") { fraction.removeLast() }
        }
        let yearText = year < 0 ? "-" + String(String(-year + 10_000).dropFirst()) : year < 10_000
            ? String(String(year + 10_000).dropFirst()) : String(year)
        return "\(yearText)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):"
            + "\(two(secondOfDay % 60))\(fraction) +0000 UTC"
    }

    // MARK: strings

    /// Go's `strings.Title`: the first letter of each word in title case; words are separated by spaces and
    /// ASCII punctuation (not `_`).
    static func title(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            if isSeparator(previous), let mapped = single(scalar.properties.titlecaseMapping) {
                result.append(mapped)
            } else {
                result.append(scalar)
            }
            previous = scalar
        }
        return String(result)
    }

    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let byte = UInt8(scalar.value)
            if (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F {
                return false
            }
            return true
        }
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return false }
        return scalar.properties.isWhitespace
    }

    /// Go's `strings.ToUpper`/`ToLower`: each scalar mapped alone (ß stays ß, as in Go).
    static func mapScalars(_ text: String, upper: Bool) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapping = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
            result.append(single(mapping) ?? scalar)
        }
        return String(result)
    }

    private static func single(_ mapping: String) -> Unicode.Scalar? {
        let scalars = mapping.unicodeScalars
        return scalars.count == 1 ? scalars.first : nil
    }

    /// Prometheus' `stripPort`: `net.SplitHostPort`'s host, or the text unchanged when it has no port.
    static func stripPort(_ hostPort: String) -> String {
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]"),
                  hostPort[hostPort.index(after: close)...].hasPrefix(":") else { return hostPort }
            return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
        }
        let colons = hostPort.filter { $0 == ":" }.count
        guard colons == 1, let colon = hostPort.lastIndex(of: ":") else { return hostPort }
        return String(hostPort[..<colon])
    }

    /// The path of a URL (`pathPrefix`), without query or fragment.
    static func urlPath(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        let path = rest[slash...]
        return String(path.prefix { $0 != "?" && $0 != "#" })
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, and the non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
