/// Calendar fields of a Unix time in UTC, for PromQL's date functions (no Foundation calendars: exact and fast).
enum CivilDate {
    static func component(_ name: String, seconds: Double) -> Double {
        guard seconds.isFinite else { return .nan }
        let total = Int64(seconds.rounded(.down))
        let days = Int64((Double(total) / 86400).rounded(.down))
        let secondOfDay = total - days * 86400
        let (year, month, day) = civil(days)
        switch name {
        case "minute": return Double(secondOfDay % 3600 / 60)
        case "hour": return Double(secondOfDay / 3600)
        case "day_of_week": return Double(((days % 7) + 11) % 7)
        case "day_of_month": return Double(day)
        case "day_of_year": return Double(days - daysFromCivil(year, 1, 1) + 1)
        case "days_in_month": return Double(daysInMonth(year, month))
        case "month": return Double(month)
        case "year": return Double(year)
        default: return .nan
        }
    }

    /// Howard Hinnant's days-to-civil algorithm.
    static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
