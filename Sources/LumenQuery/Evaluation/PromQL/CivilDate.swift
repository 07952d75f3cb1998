import LumenModel

/// Calendar fields of a Unix time in UTC, for PromQL's date functions (no Foundation calendars: exact and fast).
enum CivilDate {
    static func component(_ name: String, seconds: Double) -> Double {
        // Beyond ±10^14 s (3 million years) no calendar field means anything, and the day count would trap.
        guard seconds.isFinite, abs(seconds) < 1e14 else { return .nan }
        let total = Int64(seconds.rounded(.down))
        let days = Int64((Double(total) / 86400).rounded(.down))
        let secondOfDay = total - days * 86400
        let (year, month, day) = CivilCalendar.date(days: Int(days))
        switch name {
        case "minute": return Double(secondOfDay % 3600 / 60)
        case "hour": return Double(secondOfDay / 3600)
        case "day_of_week": return Double(((days % 7) + 11) % 7)
        case "day_of_month": return Double(day)
        case "day_of_year": return Double(Int(days) - CivilCalendar.days(year: year, month: 1, day: 1) + 1)
        case "days_in_month": return Double(CivilCalendar.daysInMonth(year: year, month: month))
        case "month": return Double(month)
        case "year": return Double(year)
        default: return .nan
        }
    }
}
